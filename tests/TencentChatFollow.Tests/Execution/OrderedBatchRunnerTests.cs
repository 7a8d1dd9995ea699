using System.Collections.Concurrent;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

public class OrderedBatchRunnerTests
{
    private static readonly TimeSpan Patience = ControlledCalls.Patience;

    private static OrderedBatchRunner Make(ControlledCalls calls, int maxInFlight, int batchSize, CancellationToken token = default)
        => new(calls.Execute, maxInFlight, batchSize, token);

    /// <summary>Sends a first batch of warm-up ids ("w1", "w2"...), lets it finish and takes its result (call 1).</summary>
    private static void WarmUp(OrderedBatchRunner runner, ControlledCalls calls, int batchSize)
    {
        for (var i = 1; i <= batchSize; i++) runner.Add("w" + i);
        calls.Complete(1);
        Assert.Equal(1, runner.Take().Sequence);
        Assert.Equal(0, runner.Pending);
    }

    [Fact]
    public void Ids_are_grouped_into_batches_of_the_batch_size_in_order()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 10, batchSize: 3);

        foreach (var id in new[] { "a", "b", "c" }) runner.Add(id);
        Assert.Equal(new[] { "a", "b", "c" }, calls.WaitStarted(1));
        calls.Complete(1);
        runner.Take();

        foreach (var id in new[] { "d", "e", "f", "g", "h", "i", "j" }) runner.Add(id);

        Assert.Equal(new[] { "d", "e", "f" }, calls.WaitStarted(2));
        Assert.Equal(new[] { "g", "h", "i" }, calls.WaitStarted(3));
        Assert.Equal(2, runner.Pending);
        Thread.Sleep(50);
        Assert.False(calls.Started.ContainsKey(4)); // "j" waits for more ids or a Flush

        runner.Flush();
        Assert.Equal(new[] { "j" }, calls.WaitStarted(4));
        Assert.Equal(3, runner.Pending);
    }

    [Fact]
    public void The_first_call_goes_alone_until_its_result_is_taken_then_up_to_MaxInFlight()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 4, batchSize: 2);
        Assert.False(runner.IsFull);

        runner.Add("a");
        Assert.False(runner.IsFull); // a partial batch is no call yet
        runner.Add("b");
        Assert.Equal(new[] { "a", "b" }, calls.WaitStarted(1));
        Assert.Equal(1, runner.Pending);
        Assert.True(runner.IsFull, "a second call may start before the first is back");
        Assert.Throws<InvalidOperationException>(() => runner.Add("c"));
        Assert.False(runner.TryTake(out _)); // not finished: nothing taken, still alone
        Assert.True(runner.IsFull);

        // Finished is not enough: the result must have been taken (its Fatal seen) before fanning out.
        calls.Complete(1);
        Thread.Sleep(50);
        Assert.True(runner.IsFull, "the runner fanned out before the first result was taken");
        Assert.Throws<InvalidOperationException>(() => runner.Add("c"));
        Assert.Equal(new long[] { 1 }, calls.Started.Keys.ToArray());

        var first = runner.Take();
        Assert.Equal(new[] { "a", "b" }, first.Outcomes.Select(o => o.UserId));
        Assert.False(runner.IsFull);

        // From now on, MaxInFlight calls at once.
        foreach (var id in new[] { "c", "d", "e", "f", "g", "h" }) runner.Add(id);
        Assert.Equal(3, runner.Pending);
        Assert.False(runner.IsFull);
        runner.Add("i");
        runner.Add("j");
        Assert.Equal(4, runner.Pending);
        Assert.True(runner.IsFull);
        Assert.Throws<InvalidOperationException>(() => runner.Add("k"));
        Assert.Equal(new[] { "i", "j" }, calls.WaitStarted(5));

        // Taking the oldest (finished) call frees one slot, not the warm-up limit again.
        calls.Complete(2);
        runner.Take();
        Assert.False(runner.IsFull);
        runner.Add("k");
        runner.Add("l");
        Assert.True(runner.IsFull);
        Assert.Equal(new[] { "k", "l" }, calls.WaitStarted(6));
    }

    [Fact]
    public void TryTake_of_the_first_result_also_opens_the_runner_to_MaxInFlight()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 3, batchSize: 1);
        runner.Add("a");
        Assert.True(runner.IsFull);
        calls.Complete(1);

        var deadline = DateTime.UtcNow + Patience;
        BatchResult? first;
        while (!runner.TryTake(out first))
        {
            Assert.True(DateTime.UtcNow < deadline, "the finished first call was never taken");
            Thread.Sleep(5);
        }
        Assert.Equal(1, first!.Sequence);

        runner.Add("b");
        runner.Add("c");
        Assert.False(runner.IsFull);
        runner.Add("d");
        Assert.True(runner.IsFull);
        Assert.Equal(new[] { "d" }, calls.WaitStarted(4));
    }

    [Fact]
    public void A_partial_first_batch_flushed_at_the_end_of_input_goes_alone_too()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 3, batchSize: 3);
        runner.Add("a");
        runner.Add("b");
        Assert.False(runner.IsFull);

        runner.Flush();
        Assert.Equal(new[] { "a", "b" }, calls.WaitStarted(1));
        Assert.True(runner.IsFull);
        Assert.Throws<InvalidOperationException>(() => runner.Add("c"));
        runner.Flush(); // nothing partial: nothing to do, no error
        Assert.Equal(1, runner.Pending);
    }

    [Fact]
    public void With_MaxInFlight_one_the_runner_stays_at_one_call()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 1, batchSize: 1);
        for (var i = 1; i <= 3; i++)
        {
            runner.Add("id" + i);
            Assert.True(runner.IsFull);
            Assert.Throws<InvalidOperationException>(() => runner.Add("extra"));
            calls.Complete(i);
            Assert.Equal(i, runner.Take().Sequence);
            Assert.False(runner.IsFull);
        }
    }

    [Fact]
    public async Task Driven_like_the_cmdlet_no_call_starts_before_the_first_result_is_taken_and_never_more_than_MaxInFlight_running()
    {
        const int maxInFlight = 4, batchSize = 5, idCount = 203;
        var taken = 0;
        var started = 0;
        var finished = 0;
        var startedBeforeFirstTaken = new ConcurrentQueue<long>();
        var overLimit = new ConcurrentQueue<string>();
        Func<long, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> execute = async (sequence, ids, token) =>
        {
            try
            {
                var running = Interlocked.Increment(ref started) - Volatile.Read(ref finished);
                if (sequence > 1 && Volatile.Read(ref taken) == 0) startedBeforeFirstTaken.Enqueue(sequence);
                if (running > maxInFlight) overLimit.Enqueue($"call {sequence}: {running} running");
                await Task.Delay(sequence % 3 == 0 ? 15 : 3, token);
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
            Interlocked.Increment(ref taken);
        }

        await Task.Run(() => CmdletLoop.Run(execute, maxInFlight, batchSize, OrderedBatchRunner.DefaultMaxBufferedIds, Enumerable.Range(0, idCount).Select(i => "u" + i), Emit)).WaitAsync(Patience);

        Assert.Empty(startedBeforeFirstTaken);
        Assert.Empty(overLimit);
        Assert.Equal(Enumerable.Range(1, (idCount + batchSize - 1) / batchSize).Select(i => (long)i), results.Select(r => r.Sequence));
        Assert.Equal(Enumerable.Range(0, idCount).Select(i => "u" + i), results.SelectMany(r => r.Outcomes).Select(o => o.UserId));
    }

    [Fact]
    public void Flush_with_nothing_pending_starts_no_call()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 2);
        runner.Flush();
        runner.Add("a");
        runner.Add("b");
        runner.Flush(); // the batch already went when it filled up
        Assert.Equal(1, runner.Pending);
        calls.WaitStarted(1);
        Thread.Sleep(50);
        Assert.Single(calls.Started);
    }

    [Fact]
    public void Each_call_gets_the_runners_token()
    {
        using var cts = new CancellationTokenSource();
        var calls = new ControlledCalls();
        var runner = Make(calls, 2, 1, cts.Token);
        runner.Add("a");
        calls.WaitStarted(1);
        Assert.True(calls.Tokens.TryPeek(out var token));
        Assert.Equal(cts.Token, token);
    }

    [Fact]
    public void Results_come_back_in_input_order_even_when_later_batches_finish_first()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 4, batchSize: 2);
        WarmUp(runner, calls, 2);
        foreach (var id in new[] { "a", "b", "c", "d", "e", "f", "g" }) runner.Add(id);
        runner.Flush();

        calls.Complete(5);
        calls.Complete(4);
        calls.Complete(3);
        Thread.Sleep(50);
        Assert.False(runner.TryTake(out var early)); // the head is not done, whatever follows it
        Assert.Null(early);
        Assert.Equal(4, runner.Pending);

        calls.Complete(2);
        var taken = new List<BatchResult>();
        for (var i = 0; i < 4; i++) taken.Add(runner.Take());

        Assert.Equal(new long[] { 2, 3, 4, 5 }, taken.Select(r => r.Sequence));
        Assert.Equal(new[] { "a", "b", "c", "d", "e", "f", "g" }, taken.SelectMany(r => r.Outcomes).Select(o => o.UserId));
        Assert.Equal(0, runner.Pending);
    }

    [Fact]
    public async Task TryTake_takes_the_head_once_it_is_done_and_only_the_head()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 3, batchSize: 1);
        WarmUp(runner, calls, 1);
        runner.Add("a");
        runner.Add("b");
        Assert.False(runner.TryTake(out _));

        calls.Complete(2);
        var deadline = DateTime.UtcNow + Patience;
        BatchResult? first;
        while (!runner.TryTake(out first))
        {
            Assert.True(DateTime.UtcNow < deadline, "the finished head was never taken");
            await Task.Delay(5);
        }
        Assert.Equal(2, first!.Sequence);
        Assert.False(runner.TryTake(out _)); // call 3 is still running
        Assert.Equal(1, runner.Pending);
    }

    [Fact]
    public void TryTake_with_nothing_in_flight_is_false_and_Take_throws()
    {
        var runner = Make(new ControlledCalls(), 1, 5);
        Assert.False(runner.TryTake(out var result));
        Assert.Null(result);
        Assert.Throws<InvalidOperationException>(() => runner.Take());
    }

    [Fact]
    public void IsFull_at_MaxInFlight_and_Add_then_throws_without_losing_the_id()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 2);
        Assert.Equal(2, runner.MaxInFlight);
        WarmUp(runner, calls, 2);

        runner.Add("a");
        runner.Add("b");
        Assert.False(runner.IsFull);
        runner.Add("c");
        runner.Add("d");
        Assert.True(runner.IsFull);

        Assert.Throws<InvalidOperationException>(() => runner.Add("e"));
        Assert.Equal(2, runner.Pending);

        calls.Complete(2);
        runner.Take();
        Assert.False(runner.IsFull);
        runner.Add("e");
        runner.Flush();
        Assert.Equal(new[] { "e" }, calls.WaitStarted(4)); // the refused "e" was not queued twice
    }

    [Fact]
    public void A_flushed_partial_batch_takes_a_slot_too()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 1, batchSize: 3);
        runner.Add("a");
        runner.Add("b");
        runner.Add("c");
        Assert.True(runner.IsFull);
        runner.Flush(); // nothing partial: nothing to do, no error
        Assert.Equal(1, runner.Pending);
        Assert.Throws<InvalidOperationException>(() => runner.Add("d"));

        calls.Complete(1);
        runner.Take();
        runner.Add("d");
        runner.Add("e");
        Assert.False(runner.IsFull);
        runner.Flush();
        Assert.Equal(new[] { "d", "e" }, calls.WaitStarted(2));
        Assert.True(runner.IsFull);
        Assert.Throws<InvalidOperationException>(() => runner.Add("f"));
        Assert.Empty(runner.DiscardUnsent());
    }

    [Fact]
    public async Task Take_blocks_until_the_head_completes()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 1);
        runner.Add("a");

        var taking = Task.Run(() => runner.Take());
        await Task.Delay(150);
        Assert.False(taking.IsCompleted);
        calls.Complete(1);
        var result = await taking.WaitAsync(Patience);
        Assert.Equal(1, result.Sequence);
        Assert.Equal("a", Assert.Single(result.Outcomes).UserId);

        // Later calls too: a finished second call does not let Take skip the unfinished head.
        runner.Add("b");
        runner.Add("c");
        calls.Complete(3);
        taking = Task.Run(() => runner.Take());
        await Task.Delay(150);
        Assert.False(taking.IsCompleted);
        calls.Complete(2);
        result = await taking.WaitAsync(Patience);
        Assert.Equal(2, result.Sequence);
        Assert.Equal("b", Assert.Single(result.Outcomes).UserId);
    }

    [Fact]
    public async Task Cancellation_makes_a_waiting_Take_throw_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 1, cts.Token);
        runner.Add("a");
        calls.WaitStarted(1);

        var taking = Task.Run(() => runner.Take());
        await Task.Delay(100);
        Assert.False(taking.IsCompleted);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => taking.WaitAsync(Patience));
        // Nothing was taken: the call is still pending and still alone.
        Assert.Equal(1, runner.Pending);
        Assert.True(runner.IsFull);
    }

    [Fact]
    public void Take_after_cancellation_throws_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 2, batchSize: 1, cts.Token);
        runner.Add("a");
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => runner.Take());
    }

    [Fact]
    public void A_faulted_call_rethrows_its_own_exception_from_Take_and_later_results_still_come()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 3, batchSize: 1);
        WarmUp(runner, calls, 1);
        runner.Add("a");
        runner.Add("b");
        calls.WaitStarted(2);
        calls.Fail(2, new InvalidDataException("boom in call 2"));
        calls.Complete(3);

        var ex = Assert.Throws<InvalidDataException>(() => runner.Take());
        Assert.Equal("boom in call 2", ex.Message);

        Assert.Equal(3, runner.Take().Sequence);
    }

    [Fact]
    public void A_call_that_throws_synchronously_is_rethrown_from_Take()
    {
        var runner = new OrderedBatchRunner((_, _, _) => throw new InvalidDataException("sync boom"), 2, 1, CancellationToken.None);
        runner.Add("a");
        var ex = Assert.Throws<InvalidDataException>(() => runner.Take());
        Assert.Equal("sync boom", ex.Message);
    }

    [Fact]
    public void DiscardUnsent_returns_the_partial_batch_and_it_is_never_sent()
    {
        var calls = new ControlledCalls();
        var runner = Make(calls, maxInFlight: 3, batchSize: 3);
        WarmUp(runner, calls, 3);
        foreach (var id in new[] { "a", "b", "c", "d", "e" }) runner.Add(id);
        Assert.Equal(new[] { "a", "b", "c" }, calls.WaitStarted(2));

        Assert.Equal(new[] { "d", "e" }, runner.DiscardUnsent());
        Assert.Empty(runner.DiscardUnsent());

        runner.Flush();
        Thread.Sleep(50);
        Assert.Equal(1, runner.Pending);
        Assert.Equal(new long[] { 1, 2 }, calls.Started.Keys.OrderBy(k => k).ToArray());
    }

    [Theory]
    [InlineData(0, 20, 20_000)]
    [InlineData(-1, 20, 20_000)]
    [InlineData(4, 0, 20_000)]
    [InlineData(4, 20, 79)] // the reorder buffer must hold at least the calls in flight
    [InlineData(4, 20, 0)]
    public void Constructor_refuses_sizes_below_one_and_a_buffer_smaller_than_the_calls_in_flight(int maxInFlight, int batchSize, int maxBufferedIds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OrderedBatchRunner((_, _, _) => Task.FromResult<BatchResult>(null!), maxInFlight, batchSize, maxBufferedIds, CancellationToken.None));
    }

    [Fact]
    public void The_default_reorder_buffer_holds_the_largest_ThrottleLimit_with_room_to_spare()
    {
        // Get-TencentChatFollowInfo -ThrottleLimit goes up to 256 calls of 20 ids and uses the default bound.
        var runner = new OrderedBatchRunner((_, _, _) => Task.FromResult<BatchResult>(null!), 256, 20, CancellationToken.None);
        Assert.Equal(OrderedBatchRunner.DefaultMaxBufferedIds, runner.MaxBufferedIds);
        Assert.True(OrderedBatchRunner.DefaultMaxBufferedIds >= 2 * 256 * 20);
        Assert.Equal(40, new OrderedBatchRunner((_, _, _) => Task.FromResult<BatchResult>(null!), 2, 20, 40, CancellationToken.None).MaxBufferedIds);
    }
}
