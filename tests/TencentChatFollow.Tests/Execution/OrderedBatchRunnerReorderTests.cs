using System.Collections.Concurrent;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// Calls on the wire and results waiting for their turn are two limits: a slow call holds back the results after
/// it, never the sending, until the reorder buffer is full.
/// </summary>
public class OrderedBatchRunnerReorderTests
{
    private static readonly TimeSpan Patience = ControlledCalls.Patience;

    /// <summary>Long enough to see that something that should not happen does not.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    private static OrderedBatchRunner Make(ControlledCalls calls, int maxInFlight, int batchSize, int maxBufferedIds = OrderedBatchRunner.DefaultMaxBufferedIds, CancellationToken token = default)
        => new(calls.Execute, maxInFlight, batchSize, maxBufferedIds, token);

    private static void WarmUp(OrderedBatchRunner runner, ControlledCalls calls, int batchSize)
    {
        for (var i = 1; i <= batchSize; i++) runner.Add("w" + i);
        calls.Complete(1);
        Assert.Equal(1, runner.Take().Sequence);
    }

    /// <summary>Runs WaitForRoom as the pipeline thread would, and fails the test if it does not return in time.</summary>
    private static Task WaitForRoom(OrderedBatchRunner runner) => Task.Run(runner.WaitForRoom).WaitAsync(Patience);

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            Thread.Sleep(5);
        }
    }

    private static IEnumerable<string> Ids(string prefix, int count) => Enumerable.Range(1, count).Select(i => prefix + i);

    [Fact]
    public async Task Sends_go_on_while_the_oldest_call_is_stuck()
    {
        const int maxInFlight = 64, batchSize = 20;
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight, batchSize);
        WarmUp(runner, calls, batchSize);

        foreach (var id in Ids("a", maxInFlight * batchSize)) runner.Add(id);
        calls.WaitStarted(65);
        Assert.Equal(64, runner.Running);
        Assert.True(runner.IsFull);
        Assert.Throws<InvalidOperationException>(() => runner.Add("x"));

        // Call 2 never answers; the 63 after it do.
        for (var sequence = 3; sequence <= 65; sequence++) calls.Complete(sequence);
        await WaitForRoom(runner);
        Assert.False(runner.TryTake(out _)); // their results wait behind call 2...
        Assert.False(runner.IsFull);         // ...but the wire has room

        // Driven like the cmdlet: 63 more calls go out, and nothing comes out while call 2 is stuck.
        var emitted = new List<BatchResult>();
        await Task.Run(() =>
        {
            foreach (var id in Ids("b", 63 * batchSize))
            {
                CmdletLoop.MakeRoom(runner, emitted.Add);
                runner.Add(id);
                CmdletLoop.EmitReady(runner, emitted.Add);
            }
        }).WaitAsync(Patience);
        Assert.Equal(Ids("b", batchSize).ToArray(), calls.WaitStarted(66));
        calls.WaitStarted(128);
        Assert.Empty(emitted);
        Assert.Equal(127, runner.Pending);
        Assert.Equal(127 * batchSize, runner.BufferedIds);
        Assert.Equal(64, runner.Running); // call 2 and calls 66 to 128
        Assert.True(runner.IsFull);

        calls.Complete(2);
        for (var sequence = 66; sequence <= 128; sequence++) calls.Complete(sequence);
        var taken = new List<BatchResult>();
        while (runner.Pending > 0) taken.Add(runner.Take());
        Assert.Equal(Enumerable.Range(2, 127).Select(i => (long)i), taken.Select(r => r.Sequence));
        Assert.Equal(Ids("a", 64 * batchSize).Concat(Ids("b", 63 * batchSize)), taken.SelectMany(r => r.Outcomes).Select(o => o.UserId));
        Assert.Equal(0, runner.BufferedIds);
        Assert.Equal(0, runner.Running);
    }

    [Fact]
    public async Task WaitForRoom_returns_when_any_call_ends_not_only_the_oldest()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 1);
        WarmUp(runner, calls, 1);
        runner.Add("a");
        runner.Add("b");
        Assert.True(runner.IsFull);

        var waiting = Task.Run(runner.WaitForRoom);
        await Task.Delay(Settle);
        Assert.False(waiting.IsCompleted, "WaitForRoom returned while both calls were running");

        calls.Complete(3);
        await waiting.WaitAsync(Patience);
        Assert.False(runner.IsFull);
        Assert.Equal(1, runner.Running);
        Assert.Equal(2, runner.Pending);
        Assert.False(runner.TryTake(out _)); // "b" is done, but "a" comes first

        runner.Add("c");
        Assert.Equal(new[] { "c" }, calls.WaitStarted(4));
        Assert.True(runner.IsFull);

        calls.Complete(4);
        calls.Complete(2);
        Assert.Equal(new[] { "a", "b", "c" }, new[] { runner.Take(), runner.Take(), runner.Take() }.SelectMany(r => r.Outcomes).Select(o => o.UserId));
    }

    [Fact]
    public async Task WaitForRoom_returns_at_once_when_a_call_may_start()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 1);
        await WaitForRoom(runner); // nothing started: room

        WarmUp(runner, calls, 1);
        runner.Add("a");
        await WaitForRoom(runner); // one of two running: room

        runner.Add("b");
        Assert.True(runner.IsFull);
        calls.Complete(2);
        await WaitForRoom(runner); // a place on the wire
        Assert.False(runner.IsFull);
    }

    [Fact]
    public async Task WaitForRoom_returns_when_the_buffer_is_full_and_the_oldest_result_is_ready()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 1, maxBufferedIds: 2);
        WarmUp(runner, calls, 1);
        runner.Add("a");
        runner.Add("b");
        calls.Complete(3);
        WaitUntil(() => runner.Running == 1, "call 3 never ended");
        Assert.True(runner.IsFull); // the buffer holds 2 ids

        calls.Complete(2);
        await WaitForRoom(runner);
        Assert.True(runner.IsFull);
        Assert.True(runner.TryTake(out var ready));
        Assert.Equal(2, ready!.Sequence);
        Assert.False(runner.IsFull);
    }

    [Fact]
    public async Task Before_the_first_result_is_taken_WaitForRoom_waits_for_the_first_call_and_nothing_else_may_start()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 8, batchSize: 2);
        runner.Add("a");
        runner.Add("b");
        Assert.True(runner.IsFull);

        var waiting = Task.Run(runner.WaitForRoom);
        await Task.Delay(Settle);
        Assert.False(waiting.IsCompleted);

        calls.Complete(1);
        await waiting.WaitAsync(Patience);
        Assert.Equal(0, runner.Running);
        Assert.True(runner.IsFull, "the first call is back but its result was not taken: still alone");
        Assert.Throws<InvalidOperationException>(() => runner.Add("c"));

        Assert.True(runner.TryTake(out var first));
        Assert.Equal(new[] { "a", "b" }, first!.Outcomes.Select(o => o.UserId));
        Assert.False(runner.IsFull);
        foreach (var id in Ids("c", 16)) runner.Add(id);
        calls.WaitStarted(9);
        Assert.Equal(8, runner.Running);
        Assert.True(runner.IsFull);
    }

    [Fact]
    public async Task The_reorder_bound_stops_new_sends_until_the_oldest_is_taken()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 2, maxBufferedIds: 6);
        Assert.Equal(6, runner.MaxBufferedIds);
        WarmUp(runner, calls, 2);

        foreach (var id in new[] { "a", "b", "c", "d" }) runner.Add(id); // calls 2 and 3
        Assert.True(runner.IsFull); // two on the wire
        calls.Complete(3);
        await WaitForRoom(runner);
        Assert.False(runner.IsFull);
        runner.Add("e");
        runner.Add("f"); // call 4: 6 ids held, the bound
        Assert.Equal(new[] { "e", "f" }, calls.WaitStarted(4));
        Assert.Equal(6, runner.BufferedIds);
        Assert.True(runner.IsFull);

        // Call 4 ends: a place on the wire, but no room in the buffer while call 2 holds the head.
        calls.Complete(4);
        WaitUntil(() => runner.Running == 1, "call 4 never ended");
        Assert.True(runner.IsFull);
        Assert.Throws<InvalidOperationException>(() => runner.Add("g"));
        var waiting = Task.Run(runner.WaitForRoom);
        await Task.Delay(Settle);
        Assert.False(waiting.IsCompleted, "WaitForRoom returned while the buffer was full and the oldest call running");
        Assert.False(calls.Started.ContainsKey(5));

        // Call 2 ends: the oldest can be taken, and taking it makes room.
        calls.Complete(2);
        await waiting.WaitAsync(Patience);
        Assert.True(runner.IsFull, "only taking the oldest frees the buffer");
        Assert.True(runner.TryTake(out var oldest));
        var taken = new List<BatchResult> { oldest!, runner.Take(), runner.Take() };
        Assert.Equal(new long[] { 2, 3, 4 }, taken.Select(r => r.Sequence));
        Assert.Equal(new[] { "a", "b", "c", "d", "e", "f" }, taken.SelectMany(r => r.Outcomes).Select(o => o.UserId));
        Assert.Equal(0, runner.BufferedIds);
        Assert.False(runner.IsFull);
        runner.Add("g");
        runner.Add("h");
        Assert.Equal(new[] { "g", "h" }, calls.WaitStarted(5));
    }

    [Fact]
    public void A_batch_starts_only_if_it_fits_in_the_buffer_and_a_flushed_partial_one_counts_its_own_ids()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 3, batchSize: 4, maxBufferedIds: 12);
        WarmUp(runner, calls, 4);

        foreach (var id in Ids("a", 8)) runner.Add(id); // calls 2 and 3: 8 ids
        Assert.Equal(8, runner.BufferedIds);
        Assert.False(runner.IsFull); // 8 + 4 <= 12
        runner.Add("p");
        runner.Flush(); // call 4: one id
        Assert.Equal(new[] { "p" }, calls.WaitStarted(4));
        Assert.Equal(9, runner.BufferedIds);
        Assert.True(runner.IsFull); // three on the wire

        calls.Complete(4);
        WaitUntil(() => runner.Running == 2, "call 4 never ended");
        Assert.True(runner.IsFull, "two on the wire, but another batch of 4 would take the buffer to 13 ids, over 12");
        calls.Complete(2);
        Assert.Equal(2, runner.Take().Sequence);
        Assert.Equal(5, runner.BufferedIds);
        Assert.False(runner.IsFull);
        runner.Add("q");
        runner.Flush();
        Assert.Equal(new[] { "q" }, calls.WaitStarted(5));
        Assert.Equal(6, runner.BufferedIds);
        Assert.Empty(runner.DiscardUnsent());
    }

    [Fact]
    public async Task DiscardUnsent_after_a_stuck_call_returns_only_the_partial_batch()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 2);
        WarmUp(runner, calls, 2);
        foreach (var id in new[] { "a", "b", "c", "d" }) runner.Add(id);
        calls.Complete(3);
        await WaitForRoom(runner);
        runner.Add("e");

        Assert.Equal(new[] { "e" }, runner.DiscardUnsent());
        runner.Flush();
        Assert.Equal(2, runner.Pending);

        // After a fatal result the cmdlet drains the calls made, in order.
        calls.Complete(2);
        Assert.Equal(new long[] { 2, 3 }, new[] { runner.Take(), runner.Take() }.Select(r => r.Sequence));
        Assert.Equal(new long[] { 1, 2, 3 }, calls.Started.Keys.OrderBy(k => k).ToArray());
    }

    [Fact]
    public async Task Cancellation_makes_a_waiting_WaitForRoom_throw_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 1, token: cts.Token);
        WarmUp(runner, calls, 1);
        runner.Add("a");
        runner.Add("b");

        var waiting = Task.Run(runner.WaitForRoom);
        await Task.Delay(Settle);
        Assert.False(waiting.IsCompleted);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));

        // Once cancelled it throws at once, room or not.
        Assert.ThrowsAny<OperationCanceledException>(() => runner.WaitForRoom());
        Assert.Equal(2, runner.Pending);
    }

    [Fact]
    public void A_call_started_after_cancellation_is_never_made_and_frees_its_place()
    {
        using var cts = new CancellationTokenSource();
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 1, token: cts.Token);
        WarmUp(runner, calls, 1);
        cts.Cancel();
        runner.Add("a");
        WaitUntil(() => runner.Running == 0, "the cancelled call stayed running");
        Assert.False(calls.Started.ContainsKey(2));
        Assert.ThrowsAny<OperationCanceledException>(() => runner.Take());
    }

    [Fact]
    public async Task Driven_like_the_cmdlet_calls_go_on_behind_a_stuck_call_up_to_the_reorder_bound_and_come_out_in_order()
    {
        const int maxInFlight = 4, batchSize = 5, maxBufferedIds = 100, idCount = 403;
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long highest = 0, started = 0, finished = 0, startedIds = 0, takenIds = 0, emittedCalls = 0;
        var overLimit = new ConcurrentQueue<string>();
        Func<long, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> execute = async (sequence, ids, token) =>
        {
            try
            {
                var running = Interlocked.Increment(ref started) - Interlocked.Read(ref finished);
                if (running > maxInFlight) overLimit.Enqueue($"call {sequence}: {running} running");
                var held = Interlocked.Add(ref startedIds, ids.Count) - Interlocked.Read(ref takenIds);
                if (held > maxBufferedIds) overLimit.Enqueue($"call {sequence}: {held} ids held");
                InterlockedMax(ref highest, sequence);
                if (sequence == 2) await stuck.Task.WaitAsync(token);
                else await Task.Yield();
                var outcomes = ids.Select(id => new IdOutcome(id, new FollowInfo(id, sequence, 0, 0), null)).ToList();
                return new BatchResult(sequence, outcomes, null, Array.Empty<string>(), Array.Empty<string>());
            }
            finally
            {
                Interlocked.Increment(ref finished);
            }
        };

        var results = new List<BatchResult>();
        void Emit(BatchResult r)
        {
            results.Add(r);
            Interlocked.Add(ref takenIds, r.Outcomes.Count);
            Interlocked.Increment(ref emittedCalls);
        }
        var loop = Task.Run(() => CmdletLoop.Run(execute, maxInFlight, batchSize, maxBufferedIds, Enumerable.Range(0, idCount).Select(i => "u" + i), Emit));

        // Calls 2 to 21 hold the 100 ids the buffer takes: all of them leave while call 2 is stuck, four at a time...
        WaitUntil(() => Interlocked.Read(ref highest) == 21, "the calls behind the stuck one did not go on");
        await Task.Delay(Settle);
        // ...and no more.
        Assert.Equal(21, Interlocked.Read(ref highest));
        Assert.Equal(1, Interlocked.Read(ref emittedCalls));
        Assert.False(loop.IsCompleted);

        stuck.SetResult();
        await loop.WaitAsync(Patience);

        Assert.Empty(overLimit);
        Assert.Equal(Enumerable.Range(1, (idCount + batchSize - 1) / batchSize).Select(i => (long)i), results.Select(r => r.Sequence));
        Assert.Equal(Enumerable.Range(0, idCount).Select(i => "u" + i), results.SelectMany(r => r.Outcomes).Select(o => o.UserId));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
