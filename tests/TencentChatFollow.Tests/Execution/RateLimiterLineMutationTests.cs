using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// Behaviour of the limiter's line (RateLimiter.Line) that a mutation-testing pass found unchecked: a caller in line
/// is given up on for its own run's refusals only, and one pump serves the line however many wait. No sleeps: time
/// moves only on the fake clock.
/// </summary>
public class RateLimiterLineMutationTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>The turn a caller asks for now, which the limiter must give at once (no time passes on the fake clock).</summary>
    private static RateSlot Now(Task<RateSlot> wait)
    {
        Assert.True(wait.IsCompletedSuccessfully, "the turn was not given at once");
        return wait.Result;
    }

    [Fact]
    public void A_caller_whose_run_started_after_the_refusals_began_is_given_its_own_give_up_time()
    {
        // The process's limiter has refused everything for 6 s; a run that waits 5 s at most is given up on. A rerun
        // that started since then asks through the line with its start: it sends, its 0.5 s of refusals are not 5 s.
        var (limiter, time) = RateLimiterTests.Make();
        var giveUp = TimeSpan.FromSeconds(5);
        var refused = RateLimiterTests.TakeTurns(limiter, time, 200, 1)[0];
        time.Advance(Ms(100));
        limiter.Refused(new RateSlot(refused, false, null), 200, "60007");
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.False(Now(limiter.WaitAsync(200, CancellationToken.None, giveUpAfter: giveUp)).Exhausted); // the one probe a second
        Assert.True(Now(limiter.WaitAsync(200, CancellationToken.None, giveUpAfter: giveUp)).Exhausted);

        var rerun = time.Elapsed;
        time.Advance(Ms(500)); // no probe due: a caller given up on would come back exhausted now
        var slot = Now(limiter.WaitAsync(200, CancellationToken.None, giveUpAfter: giveUp, runStart: rerun));

        Assert.False(slot.Exhausted);
        Assert.Equal(time.Elapsed, slot.SentAt);
    }

    [Fact]
    public async Task However_many_callers_wait_one_pump_serves_the_line_and_waits_on_the_clock_for_the_next_turn()
    {
        // One pump at a time: a pump per caller would each look through the whole line at every turn.
        var (limiter, time) = RateLimiterTests.Make();
        var first = Now(limiter.WaitAsync(1, CancellationToken.None));
        var waiting = Enumerable.Range(0, 3).Select(_ => limiter.WaitAsync(1, CancellationToken.None)).ToList();
        Assert.Equal(3, limiter.Waiting);
        Assert.Equal([first.SentAt + Window], time.PendingDues);

        // The turn comes: the first in line takes it, and the pump waits for the next, alone still.
        time.Advance(Window);
        Assert.Equal(time.Elapsed, (await waiting[0].WaitAsync(TimeSpan.FromSeconds(10))).SentAt);
        var settle = System.Diagnostics.Stopwatch.StartNew();
        while (time.PendingDelays == 0 && settle.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(1);
        Assert.Equal([time.Elapsed + Window], time.PendingDues);
        Assert.Equal(2, limiter.Waiting);
    }
    [Fact]
    public async Task A_runs_calls_that_reach_the_line_out_of_input_order_take_their_turns_in_input_order_and_others_keep_their_places()
    {
        // A run starts its calls on the thread pool, in input order; on a busy machine a later call can reach the line
        // first. Its turn must not come before an earlier call's of the same run: output waits for the earlier one
        // anyway, and under -ErrorAction Stop the ids after an error would be sent before it. Another run's caller in
        // line keeps its place.
        var (limiter, time) = RateLimiterTests.Make();
        _ = Now(limiter.WaitAsync(1, CancellationToken.None)); // the window's one call: everyone below waits
        var run = new object();
        var other = new object();
        var order = new List<string>();
        Task<RateSlot> Enter(string name, object who, long sequence)
        {
            var wait = limiter.WaitAsync(1, CancellationToken.None, place: new LinePlace(who, sequence));
            _ = wait.ContinueWith(_ => { lock (order) order.Add(name); }, TaskContinuationOptions.ExecuteSynchronously);
            return wait;
        }
        var waits = new List<Task<RateSlot>>
        {
            Enter("run 3", run, 3),
            Enter("other 1", other, 1),
            Enter("run 1", run, 1),
            Enter("run 4", run, 4),
            Enter("run 2", run, 2),
        };
        var retry = limiter.WaitAsync(1, CancellationToken.None); // no place (a call going again): last, as before
        _ = retry.ContinueWith(_ => { lock (order) order.Add("retry"); }, TaskContinuationOptions.ExecuteSynchronously);
        waits.Add(retry);

        for (var i = 0; i < waits.Count; i++)
        {
            time.Advance(Window);
            var settle = System.Diagnostics.Stopwatch.StartNew();
            while (order.Count < i + 1 && settle.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(1);
        }
        Assert.Equal(["run 1", "other 1", "run 2", "run 3", "run 4", "retry"], order);
    }

    /// <summary>A limiter whose window's one call at a limit of 1 is taken: every caller now waits in line.</summary>
    private static (RateLimiter Limiter, ManualClock Time) Busy()
    {
        var (limiter, time) = RateLimiterTests.Make();
        _ = Now(limiter.WaitAsync(1, CancellationToken.None));
        return (limiter, time);
    }

    /// <summary>A call's first turn at a limit of 1 call a window, with its place in its run's input order.</summary>
    private static Task<RateSlot> Placed(RateLimiter limiter, object run, long sequence)
        => limiter.WaitAsync(1, CancellationToken.None, place: new LinePlace(run, sequence));

    /// <summary>Callers that enter in this order; the order their turns come in, one a window (each turn waited for).</summary>
    private static async Task<List<string>> TurnsOf(RateLimiter limiter, ManualClock time, Func<string, Task<RateSlot>> enter, params string[] names)
    {
        var order = new List<string>();
        var waits = new List<Task<RateSlot>>();
        foreach (var name in names)
        {
            var wait = enter(name);
            _ = wait.ContinueWith(t => { if (t.IsCompletedSuccessfully) lock (order) order.Add(name); }, TaskContinuationOptions.ExecuteSynchronously);
            waits.Add(wait);
        }
        for (var i = 0; i < 40 && waits.Any(w => !w.IsCompleted); i++)
        {
            var before = order.Count;
            time.Advance(Window);
            var settle = System.Diagnostics.Stopwatch.StartNew();
            while (order.Count == before && waits.Any(w => !w.IsCompleted) && settle.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(1);
        }
        lock (order) return [.. order];
    }

    [Fact]
    public async Task A_waiter_moved_down_the_line_and_cancelled_leaves_the_line_alone_and_the_others_keep_their_order()
    {
        // "run 3" enters first; "run 1" takes its node, and "run 3" moves to the end. Cancelling "run 3" must remove its
        // new node, not the node it first had (now "run 1"'s), and the line goes on with the others in their order.
        var (limiter, time) = Busy();
        var run = new object();
        var other = new object();
        using var cancelThree = new CancellationTokenSource();
        var order = await TurnsOf(limiter, time, name => name switch
        {
            "run 3" => limiter.WaitAsync(1, cancelThree.Token, place: new LinePlace(run, 3)),
            "run 1" => WaitThenCancel(Placed(limiter, run, 1)),
            _ => Placed(limiter, name.StartsWith("run", StringComparison.Ordinal) ? run : other, name[^1] - '0'),
        }, "run 3", "other 1", "run 1", "run 2");
        Assert.Equal(["run 1", "other 1", "run 2"], order);
        Assert.Equal(0, limiter.Waiting);

        Task<RateSlot> WaitThenCancel(Task<RateSlot> wait)
        {
            Assert.Equal(3, limiter.Waiting);
            cancelThree.Cancel(); // "run 3" now waits at the end
            Assert.Equal(2, limiter.Waiting);
            return wait;
        }
    }

    [Fact]
    public async Task Two_runs_that_share_the_limiter_each_keep_their_own_input_order_and_never_move_the_others_callers()
    {
        // Two runs of one session in two runspaces draw from the process's one limiter of the API; each run's calls
        // reach it out of order. Each run's turns come in its input order, on the nodes its own callers held.
        var (limiter, time) = Busy();
        var a = new object();
        var b = new object();
        var order = await TurnsOf(limiter, time, name => Placed(limiter, name[0] == 'a' ? a : b, name[1] - '0'),
            "a3", "b2", "a2", "b3", "b1", "a1");
        // Nodes in entry order: a3 b2 a2 b3 b1 a1 -> a's nodes (1, 3, 6) hold a1 a2 a3, b's (2, 4, 5) hold b1 b2 b3.
        Assert.Equal(["a1", "b1", "a2", "b2", "b3", "a3"], order);
    }

    [Fact]
    public async Task A_refused_caller_going_again_at_the_front_stays_there_when_an_earlier_call_of_its_run_comes()
    {
        // A call refused for frequency goes again at the front of the line (front). A call that asks again for spoiled
        // items does so with its place in the run's input order as well; an earlier call of its run that comes after it
        // must not send it to the end of the line, behind every other run's callers.
        var (limiter, time) = Busy();
        var run = new object();
        var other = new object();
        var order = await TurnsOf(limiter, time, name => name == "run 5 again"
            ? limiter.WaitAsync(1, CancellationToken.None, front: true, place: new LinePlace(run, 5))
            : Placed(limiter, name.StartsWith("run", StringComparison.Ordinal) ? run : other, name[^1] - '0'),
            "other 1", "other 2", "run 5 again", "run 2");
        Assert.Equal("run 5 again", order[0]);
        Assert.Equal(["run 5 again", "other 1", "other 2", "run 2"], order);
    }
}
