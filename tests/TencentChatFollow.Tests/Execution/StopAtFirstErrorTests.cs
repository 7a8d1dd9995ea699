using System.Collections.Concurrent;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// Under -ErrorAction Stop (<see cref="BatchRun{TResult}.StopAtFirstError"/>) an error holds back the calls after it in
/// input order, not the calls before it: the thread pool may start a later call first, and its error must not leave
/// the ids before it unsent (CI caught ids 1-20 unsent behind an error for id 25). A fatal answer still holds back all.
/// </summary>
public class StopAtFirstErrorTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    private static BatchResult<string> Answered(long sequence, IReadOnlyList<string> ids, TencentChatException? error = null, TencentChatException? fatal = null)
        => new(sequence, ids.Select(id => new IdOutcome<string>(id, error is null ? "ok " + id : null, error?.ForUser(id))).ToList(), fatal, Array.Empty<string>(), Array.Empty<string>());

    private static BatchResult<string> NotSent(long sequence, IReadOnlyList<string> ids)
        => new(sequence, ids.Select(id => new IdOutcome<string>(id, null, new TencentChatException("TencentChat.NotSent", ErrorKind.InvalidArgument, "Not sent."), notSent: true)).ToList(), null, Array.Empty<string>(), Array.Empty<string>());

    /// <summary>
    /// Three calls of one id each: the second comes back with <paramref name="error"/> (as its ids' error, or as a fatal
    /// answer) while the first is still waiting to go out and the third is started. Returns whether the first and the
    /// third were told to send no more, and the run's results.
    /// </summary>
    private static async Task<(bool FirstHeld, bool ThirdHeld, List<BatchResult<string>> Results)> RunWithSecondFailing(bool fatal)
    {
        var held = new ConcurrentDictionary<long, bool>();
        var thirdHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var error = new TencentChatException("TencentChat.UserNotFound", ErrorKind.NotFound, "Tencent error 30003: no such account.");
        var run = new BatchRun<string>(async (sequence, _, ids, sendNoMore, token) =>
        {
            switch (sequence)
            {
                case 1:
                    // Still on its way to the wire when the second call's answer comes, and the third is held back.
                    await thirdHeld.Task.WaitAsync(Guard, token);
                    held[1] = sendNoMore.IsCancellationRequested;
                    return held[1] ? NotSent(sequence, ids) : Answered(sequence, ids);
                case 2:
                    return fatal ? Answered(sequence, ids, error, fatal: error) : Answered(sequence, ids, error);
                default:
                    using (sendNoMore.Register(() => thirdHeld.TrySetResult()))
                        await thirdHeld.Task.WaitAsync(Guard, token);
                    held[3] = sendNoMore.IsCancellationRequested;
                    return NotSent(sequence, ids);
            }
        }, maxInFlight: 4, batchSize: 1, CancellationToken.None, firstCallAlone: false);
        run.StopAtFirstError = true;

        var results = new List<BatchResult<string>>();
        foreach (var id in new[] { "a", "b", "c" }) results.AddRange(run.Add(id));
        results.AddRange(await Task.Run(run.Complete).WaitAsync(Guard));
        return (held[1], held[3], results);
    }

    [Fact]
    public async Task An_error_holds_back_the_calls_after_it_and_the_calls_before_it_still_go_out()
    {
        var (firstHeld, thirdHeld, results) = await RunWithSecondFailing(fatal: false);

        Assert.False(firstHeld, "the call before the error goes out");
        Assert.True(thirdHeld, "the call after the error is not sent");
        var outcomes = results.SelectMany(r => r.Outcomes).ToList();
        // The third call's id was not sent: the run keeps it back for its one error (not an outcome of its own).
        Assert.Equal(new[] { "a", "b" }, outcomes.Select(o => o.UserId).ToArray());
        Assert.Equal("ok a", outcomes[0].Result);
        Assert.Equal("TencentChat.UserNotFound", outcomes[1].Error!.ErrorId);
    }

    [Fact]
    public async Task A_fatal_answer_still_holds_back_every_call_waiting_for_its_turn()
    {
        var (firstHeld, thirdHeld, _) = await RunWithSecondFailing(fatal: true);

        Assert.True(firstHeld, "a fatal answer is what every call would get: the call before it is held back too");
        Assert.True(thirdHeld);
    }

    [Fact]
    public void A_run_whose_calls_take_only_the_runs_signal_holds_back_every_call_at_an_error()
    {
        // Calls that can only take the run's SendNoMore (the ungrouped constructor) are all held back, as before.
        var error = new TencentChatException("TencentChat.InvalidRequest", ErrorKind.InvalidArgument, "Tencent error 60002.");
        var run = new BatchRun<string>((sequence, ids, _) => Task.FromResult(Answered(sequence, ids, error)), maxInFlight: 4, batchSize: 1, CancellationToken.None, firstCallAlone: false) { StopAtFirstError = true };

        _ = run.Add("a");
        _ = run.Complete();

        Assert.True(run.SendNoMore.IsCancellationRequested);
    }
    /// <summary>
    /// Two calls of one id each, "a" then "b": <paramref name="firstFatal"/> says which comes back with a fatal answer
    /// (70009, every call would get it) and which with its id's own error (30003). The fatal answer arrives first, while
    /// the first call is still out, so both are handed out together at the end of input. Returns the run and what it
    /// handed out.
    /// </summary>
    private static async Task<(BatchRun<string> Run, List<BatchResult<string>> Results)> FatalAndItemErrorHandedOutTogether(bool firstFatal)
    {
        var itemError = new TencentChatException("TencentChat.UserNotFound", ErrorKind.NotFound, "Tencent error 30003: no such account.", 30003);
        var fatal = new TencentChatException("TencentChat.UserSigRejected", ErrorKind.Authentication, "Tencent error 70009: the UserSig was rejected.", 70009);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new BatchRun<string>(async (sequence, _, ids, _, token) =>
        {
            var isFatal = (sequence == 1) == firstFatal;
            if (sequence == 1) await release.Task.WaitAsync(Guard, token); // still out when the second call's answer comes
            return isFatal
                ? new BatchResult<string>(sequence, ids.Select(id => new IdOutcome<string>(id, null, fatal.ForUser(id), callFailed: true)).ToList(), fatal, Array.Empty<string>(), Array.Empty<string>())
                : Answered(sequence, ids, itemError);
        }, maxInFlight: 4, batchSize: 1, CancellationToken.None, firstCallAlone: false);
        run.StopAtFirstError = true;

        var results = new List<BatchResult<string>>(run.Add("a"));
        results.AddRange(run.Add("b"));
        BatchRunTests.WaitUntil(() => run.FatalArrived || (firstFatal && run.Running == 1), "the second call never came back");
        release.SetResult();
        results.AddRange(await Task.Run(run.Complete).WaitAsync(Guard));
        return (run, results);
    }

    [Fact]
    public async Task An_error_before_a_fatal_answer_in_input_order_ends_the_run_as_the_first_error_though_both_came_back_together()
    {
        // -ErrorAction Stop ends the command at the first error in input order, keeping its id: here "a"'s 30003, which
        // comes before "b"'s fatal answer. Both are handed out at once (the fatal one arrived while "a"'s call was out),
        // and the run used to end as stopped by the fatal answer (TencentChat.RunStopped), so the held error was never
        // written; had "a" come back first, its error would have ended the command. The caller halts at it instead.
        var (run, results) = await FatalAndItemErrorHandedOutTogether(firstFatal: false);

        Assert.Null(run.Stopped?.Cause.ErrorId);
        var outcome = Assert.Single(results.SelectMany(r => r.Outcomes));
        Assert.Equal(("a", "TencentChat.UserNotFound"), (outcome.UserId, outcome.Error!.ErrorId));
        Assert.True(run.FatalArrived);
        Assert.Empty(run.Halt(out var unanswered));
        Assert.Equal(new[] { "b" }, unanswered); // in the call that failed with the fatal answer, without doing anything
        Assert.Throws<InvalidOperationException>(() => run.Add("c"));
    }

    [Fact]
    public async Task A_fatal_answer_before_an_error_in_input_order_still_stops_the_run_when_both_came_back_together()
    {
        var (run, results) = await FatalAndItemErrorHandedOutTogether(firstFatal: true);

        Assert.Equal("TencentChat.UserSigRejected", run.Stopped?.Cause.ErrorId);
        Assert.Equal(new[] { "a" }, run.Stopped!.UnansweredIds);
        Assert.Equal(new[] { "b" }, results.SelectMany(r => r.Outcomes).Select(o => o.UserId).ToArray()); // its own error, after the stop
    }

    /// <summary>
    /// At full throttle (-ThrottleLimit 1) the next call may start only once the call before it has come back. A call
    /// that came back with an error must hold back the calls after it before it frees its place: otherwise the owner
    /// starts the next call in between, and it goes out after the error came. The outcomes of the error's call are
    /// read on the call's thread right after it stopped counting as running; this list holds that thread there.
    /// </summary>
    [Fact]
    public async Task A_call_that_came_back_with_an_error_holds_back_the_next_call_before_it_frees_its_place()
    {
        var error = new TencentChatException("TencentChat.UserNotFound", ErrorKind.NotFound, "Tencent error 30003: no such account.");
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var secondStarted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new BatchRun<string>((sequence, _, ids, sendNoMore, _) =>
        {
            if (sequence == 1)
            {
                var outcomes = new HoldingList(ids.Select(id => new IdOutcome<string>(id, null, error.ForUser(id))).ToList(), entered, release);
                return Task.FromResult(new BatchResult<string>(sequence, outcomes, null, Array.Empty<string>(), Array.Empty<string>()));
            }
            // A call that goes out at once unless it was told to send no more.
            secondStarted.TrySetResult(sendNoMore.IsCancellationRequested);
            return Task.FromResult(sendNoMore.IsCancellationRequested ? NotSent(sequence, ids) : Answered(sequence, ids));
        }, maxInFlight: 1, batchSize: 1, CancellationToken.None, firstCallAlone: false);
        run.StopAtFirstError = true;

        var results = new List<BatchResult<string>>(run.Add("a"));
        Assert.True(entered.Wait(Guard), "the first call came back");
        var adding = Task.Run(() => run.Add("b"));
        // The owner may start the second call while the first one's thread is held: wait a moment for it.
        await Task.WhenAny(secondStarted.Task, Task.Delay(TimeSpan.FromMilliseconds(500)));
        release.Set();
        results.AddRange(await adding.WaitAsync(Guard));
        results.AddRange(await Task.Run(run.Complete).WaitAsync(Guard));

        Assert.True(await secondStarted.Task.WaitAsync(Guard), "the call after the error was told to send no more before it started");
        Assert.Equal(new[] { "a" }, results.SelectMany(r => r.Outcomes).Select(o => o.UserId).ToArray());
    }

    /// <summary>Outcomes whose first reading waits until the test lets it go (and says it began).</summary>
    private sealed class HoldingList : IReadOnlyList<IdOutcome<string>>
    {
        private readonly List<IdOutcome<string>> _items;
        private readonly ManualResetEventSlim _entered;
        private readonly ManualResetEventSlim _release;

        public HoldingList(List<IdOutcome<string>> items, ManualResetEventSlim entered, ManualResetEventSlim release)
        {
            _items = items;
            _entered = entered;
            _release = release;
        }

        public IdOutcome<string> this[int index] => _items[index];
        public int Count => _items.Count;

        public IEnumerator<IdOutcome<string>> GetEnumerator()
        {
            if (!_entered.IsSet)
            {
                _entered.Set();
                _release.Wait(Guard);
            }
            return _items.GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
