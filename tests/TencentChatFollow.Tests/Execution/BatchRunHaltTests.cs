using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// The caller's own stop (an error under -ErrorAction Stop): nothing more is sent, the calls already started are
/// waited for and their results returned in order, and the ids never sent are named. No sleeps: the run's own counts.
/// </summary>
public class BatchRunHaltTests
{
    private static readonly TimeSpan Patience = ControlledCalls.Patience;

    private static string[] Ids(int from, int count) => Enumerable.Range(from, count).Select(i => "u" + i).ToArray();

    private static Task<T> OwnThread<T>(Func<T> work) => BatchRunTests.OwnThread(work);

    [Fact]
    public async Task Halt_returns_the_calls_on_the_wire_in_order_names_the_partial_batch_and_sends_nothing_more()
    {
        var calls = new ControlledCalls();
        var run = new BatchRun<FollowInfo>(calls.Execute, maxInFlight: 3, batchSize: 5, CancellationToken.None, Timeout.InfiniteTimeSpan, clock: new InstantClock(DateTimeOffset.UnixEpoch));
        var written = new List<BatchResult<FollowInfo>>();
        var adding = OwnThread(() =>
        {
            foreach (var id in Ids(0, 18)) written.AddRange(run.Add(id));
            return true;
        });
        calls.Complete(1);       // u0-u4 go alone; then u5-u9 and u10-u14 on the wire, u15-u17 not sent
        calls.WaitStarted(3);
        await adding.WaitAsync(Patience);

        IReadOnlyList<string> unanswered = Array.Empty<string>();
        var halting = OwnThread(() => run.Halt(out unanswered));
        calls.Complete(3);        // out of order: still handed out after call 2
        calls.CompleteWithIdErrors(2);
        written.AddRange(await halting.WaitAsync(Patience));

        Assert.Equal(Ids(0, 15), written.SelectMany(r => r.Outcomes).Select(o => o.UserId));
        Assert.Equal(5, written.SelectMany(r => r.Outcomes).Count(o => o.Error is not null));
        Assert.Equal(Ids(15, 3), unanswered);
        Assert.Equal(3, run.CallsStarted);
        Assert.True(run.Halted);
        Assert.Null(run.Stopped);
        Assert.Empty(run.Halt(out var again));
        Assert.Empty(again);
    }

    [Fact]
    public async Task A_fatal_answer_while_halting_adds_its_call_to_the_unanswered_ids()
    {
        var calls = new ControlledCalls();
        var run = new BatchRun<FollowInfo>(calls.Execute, maxInFlight: 2, batchSize: 5, CancellationToken.None, Timeout.InfiniteTimeSpan, clock: new InstantClock(DateTimeOffset.UnixEpoch));
        var adding = OwnThread(() =>
        {
            foreach (var id in Ids(0, 12)) run.Add(id);
            return true;
        });
        calls.Complete(1);
        calls.WaitStarted(2);
        await adding.WaitAsync(Patience);

        IReadOnlyList<string> unanswered = Array.Empty<string>();
        var halting = OwnThread(() => run.Halt(out unanswered));
        calls.CompleteFatal(2, new TencentChatException("TencentChat.UserSigRejected", ErrorKind.Authentication, "wrong key", 70009));
        Assert.Empty((await halting.WaitAsync(Patience)).SelectMany(r => r.Outcomes));

        Assert.True(run.FatalArrived);
        Assert.Equal(Ids(5, 7), unanswered); // the fatal call's ids, then the partial batch, in input order
    }
    [Fact]
    public async Task Halt_tells_the_calls_still_waiting_to_send_nothing_and_counts_their_ids_as_not_sent()
    {
        BatchRun<FollowInfo>? run = null;
        // Call 1 is answered; the others wait for their turn (as in the rate limiter) until the run sends nothing more.
        async Task<BatchResult<FollowInfo>> Execute(long sequence, IReadOnlyList<string> ids, CancellationToken token)
        {
            if (sequence > 1)
            {
                var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                using (run!.SendNoMore.Register(() => stopped.TrySetResult(true))) await stopped.Task.WaitAsync(Patience, token);
                var notSent = new TencentChatException("TencentChat.NotSent", ErrorKind.InvalidArgument, "Not sent.");
                return new BatchResult<FollowInfo>(sequence, ids.Select(id => new IdOutcome<FollowInfo>(id, null, notSent.ForUser(id), notSent: true)).ToList(), null, Array.Empty<string>(), Array.Empty<string>());
            }
            return new BatchResult<FollowInfo>(sequence, ids.Select(id => new IdOutcome<FollowInfo>(id, new FollowInfo(id, 1, 1, 1), null)).ToList(), null, Array.Empty<string>(), Array.Empty<string>());
        }
        run = new BatchRun<FollowInfo>(Execute, maxInFlight: 4, batchSize: 5, CancellationToken.None, Timeout.InfiniteTimeSpan, clock: new InstantClock(DateTimeOffset.UnixEpoch));
        var written = new List<BatchResult<FollowInfo>>();
        await OwnThread(() =>
        {
            foreach (var id in Ids(0, 17)) written.AddRange(run.Add(id));
            return true;
        }).WaitAsync(Patience);
        Assert.False(run.SendNoMore.IsCancellationRequested);

        IReadOnlyList<string> unanswered = Array.Empty<string>();
        written.AddRange(await OwnThread(() => run.Halt(out unanswered)).WaitAsync(Patience));

        Assert.True(run.SendNoMore.IsCancellationRequested);
        Assert.Equal(Ids(0, 5), written.SelectMany(r => r.Outcomes).Select(o => o.UserId));
        Assert.Equal(Ids(5, 12), unanswered); // the waiting calls' ids, then the partial batch, in input order
        Assert.Equal(5, run.Done);
    }
}
