using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

public class BatchRunTests
{
    private static readonly TimeSpan Patience = ControlledCalls.Patience;
    private static readonly TencentChatException WrongKey = new("TencentChat.InvalidUserSig", ErrorKind.Authentication, "Tencent error 70003. The secret key does not belong to this app.", 70003);

    /// <summary>Runs blocking work on a thread of its own, not the pool's, so a busy test run cannot starve it.</summary>
    private static Task OwnThread(Action work) => Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static string[] Ids(int from, int count) => Enumerable.Range(from, count).Select(i => "u" + i).ToArray();

    private sealed class Rig : IDisposable
    {
        public Rig(int maxInFlight = 4, int batchSize = 5, TimeSpan? idleFlush = null)
            => Run = new BatchRun(Calls.Execute, maxInFlight, batchSize, Output.Add, CancellationToken.None, idleFlush ?? Timeout.InfiniteTimeSpan);

        public ControlledCalls Calls { get; } = new();
        public List<BatchResult> Output { get; } = new();
        public BatchRun Run { get; }
        public IEnumerable<IdOutcome> Outcomes => Output.SelectMany(r => r.Outcomes);
        public void Dispose() => Run.Dispose();
    }

    [Fact]
    public async Task A_fatal_first_call_stops_the_run_with_one_error_and_no_error_per_id()
    {
        using var rig = new Rig();
        var adding = OwnThread(() =>
        {
            foreach (var id in Ids(0, 6)) rig.Run.Add(id); // the sixth waits: the first call goes alone
        });
        rig.Calls.CompleteFatal(1, WrongKey);
        await adding.WaitAsync(Patience);

        var stopped = Assert.IsType<TencentChatRunStoppedException>(rig.Run.Stopped);
        Assert.Equal("TencentChat.RunStopped", stopped.ErrorId);
        Assert.Same(WrongKey, stopped.Cause);
        Assert.Equal(70003, stopped.Code);
        Assert.Equal(0, stopped.Answered);
        Assert.Equal(Ids(0, 6), stopped.UnansweredIds);
        Assert.Contains("0 ids answered", stopped.Message);
        Assert.Contains("6 ids not answered", stopped.Message);
        Assert.StartsWith(WrongKey.Message, stopped.Message);
        Assert.Empty(rig.Outcomes);
        Assert.Single(rig.Calls.Started);
        Assert.Throws<InvalidOperationException>(() => rig.Run.Add("late"));
    }

    [Fact]
    public async Task After_a_fatal_answer_mid_run_the_calls_on_the_wire_finish_their_answers_come_out_and_nothing_more_is_sent()
    {
        using var rig = new Rig(maxInFlight: 2, batchSize: 5);
        var adding = OwnThread(() =>
        {
            foreach (var id in Ids(0, 30))
            {
                rig.Run.Add(id);
                if (rig.Run.Stopped is not null) return;
            }
        });
        rig.Calls.Complete(1);          // u0-u4, alone
        rig.Calls.WaitStarted(3);       // u5-u9 and u10-u14 on the wire
        rig.Calls.Complete(2);
        rig.Calls.WaitStarted(4);       // u15-u19
        rig.Calls.CompleteFatal(3, WrongKey);
        await Task.Delay(200);             // the fatal answer arrives first (a call that ends before it could free room for more)
        rig.Calls.CompleteWithIdErrors(4); // answered after the fatal one: its per-id errors still come out
        await adding.WaitAsync(Patience);

        var stopped = rig.Run.Stopped!;
        Assert.Equal(Ids(0, 10).Concat(Ids(15, 5)), rig.Outcomes.Select(o => o.UserId));
        Assert.All(rig.Outcomes.Skip(10), o => Assert.Equal("TencentChat.UserNotFound", o.Error!.ErrorId));
        Assert.Equal(15, stopped.Answered);
        Assert.Equal(15, rig.Run.Done);
        Assert.Equal(5, rig.Run.Errors);
        // The fatal call's ids, then the partial batch and the id being added when the run stopped, in input order.
        var unanswered = stopped.UnansweredIds;
        Assert.Equal(Ids(10, 5), unanswered.Take(5));
        Assert.Equal(Ids(20, unanswered.Count - 5), unanswered.Skip(5));
        Assert.Equal(4, rig.Calls.Started.Count);
    }

    [Fact]
    public async Task Without_a_fatal_answer_every_id_comes_out_once_in_order()
    {
        using var rig = new Rig(maxInFlight: 3, batchSize: 4);
        var completing = OwnThread(() =>
        {
            for (var s = 1; s <= 6; s++) rig.Calls.Complete(s);
        });
        foreach (var id in Ids(0, 23)) rig.Run.Add(id);
        rig.Run.Complete();
        await completing.WaitAsync(Patience);

        Assert.Null(rig.Run.Stopped);
        Assert.Equal(Ids(0, 23), rig.Outcomes.Select(o => o.UserId));
        Assert.Equal(23, rig.Run.Received);
        Assert.Equal(23, rig.Run.Done);
    }

    [Fact]
    public void Input_that_goes_quiet_sends_its_partial_batch_without_waiting_for_the_end()
    {
        using var rig = new Rig(batchSize: 20, idleFlush: TimeSpan.FromMilliseconds(50));
        foreach (var id in Ids(0, 3)) rig.Run.Add(id);

        Assert.Equal(Ids(0, 3), rig.Calls.WaitStarted(1));

        rig.Calls.Complete(1);
        rig.Run.Add("u3"); // the next id hands out the ready result before it waits for anything
        Assert.Equal(Ids(0, 3), rig.Outcomes.Select(o => o.UserId));
        Assert.Equal(new[] { "u3" }, rig.Calls.WaitStarted(2));
    }

    [Fact]
    public void Without_an_idle_flush_a_partial_batch_waits_for_the_end_of_input()
    {
        using var rig = new Rig(batchSize: 20);
        foreach (var id in Ids(0, 3)) rig.Run.Add(id);

        Thread.Sleep(200);
        Assert.Empty(rig.Calls.Started);
    }

    [Fact]
    public void Time_spent_writing_output_is_not_idle_input_the_partial_batch_waits_for_the_next_id()
    {
        var calls = new ControlledCalls();
        var slow = false;
        using var run = new BatchRun(calls.Execute, 4, 3, _ => { if (slow) Thread.Sleep(400); }, CancellationToken.None, TimeSpan.FromMilliseconds(150));
        foreach (var id in new[] { "a", "b", "c" }) run.Add(id);   // call 1, alone
        calls.Complete(1);
        foreach (var id in new[] { "d", "e", "f" }) run.Add(id);   // takes result 1; call 2
        run.Add("g");                                              // partial [g]
        calls.Complete(2);
        Thread.Sleep(30);                                          // result 2 is ready, not taken
        slow = true;
        run.Add("h");                                              // partial [g, h]; then writes result 2 for 400 ms
        run.Add("i");                                              // at once: the batch is full
        Assert.Equal(new[] { "g", "h", "i" }, calls.WaitStarted(3));
    }

    [Fact]
    public async Task The_idle_flush_keeps_the_first_call_alone()
    {
        using var rig = new Rig(batchSize: 20, idleFlush: TimeSpan.FromMilliseconds(20));
        rig.Run.Add("a");
        rig.Calls.WaitStarted(1);
        var adding = OwnThread(() => rig.Run.Add("b")); // waits for the first result

        Thread.Sleep(200);
        Assert.Single(rig.Calls.Started);
        rig.Calls.Complete(1);
        await adding.WaitAsync(Patience);
        Assert.Equal(new[] { "b" }, rig.Calls.WaitStarted(2));
    }
}

public class BatchRunGroupTests
{
    [Fact]
    public async Task Consecutive_ids_of_one_group_share_calls_and_a_new_group_starts_a_new_call()
    {
        var calls = new System.Collections.Concurrent.ConcurrentQueue<(long Sequence, string? Group, string[] Ids)>();
        var output = new List<BatchResult>();
        using var run = new BatchRun((sequence, group, ids, token) =>
        {
            calls.Enqueue((sequence, group, ids.ToArray()));
            var outcomes = ids.Select(id => new IdOutcome(id, group + ">" + id, null)).ToList();
            return Task.FromResult(new BatchResult(sequence, outcomes, null, Array.Empty<string>(), Array.Empty<string>()));
        }, maxInFlight: 4, batchSize: 3, output.Add, CancellationToken.None, Timeout.InfiniteTimeSpan);

        var pairs = new[] { ("a", "1"), ("a", "2"), ("a", "3"), ("a", "4"), ("b", "5"), ("b", "6"), ("a", "7") };
        await Task.Factory.StartNew(() =>
        {
            foreach (var (from, id) in pairs) run.Add(id, from);
            run.Complete();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(ControlledCalls.Patience);

        Assert.Equal(new[] { "a:1,2,3", "a:4", "b:5,6", "a:7" }, calls.OrderBy(c => c.Sequence).Select(c => c.Group + ":" + string.Join(",", c.Ids)));
        Assert.Equal(pairs.Select(p => p.Item1 + ">" + p.Item2), output.SelectMany(r => r.Outcomes).Select(o => (string)o.Result!));
    }
}
