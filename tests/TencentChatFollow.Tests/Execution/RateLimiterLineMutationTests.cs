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
}
