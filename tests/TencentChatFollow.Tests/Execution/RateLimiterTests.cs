using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// The limiter's pacing on a fake clock: turns evenly spaced at window/rate, never more than the limit within any
/// window, no burst after idle time, probes only while holding after a refusal; and its line: first come, first
/// served, a refused call at the front, cancellation, and giving up when the service has refused everything for long.
/// </summary>
public class RateLimiterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    internal static (RateLimiter Limiter, ManualClock Time) Make(TimeSpan? window = null)
    {
        var time = new ManualClock();
        return (new RateLimiter(time, window ?? Window), time);
    }

    /// <summary>Takes turns as fast as the limiter gives them, stepping the fake clock 1 ms at a time; returns the send times.</summary>
    /// <summary>Takes every turn the limiter gives, looking again each <paramref name="step"/> (1 ms, or a coarse timer); returns the send times.</summary>
    internal static List<TimeSpan> TakeTurns(RateLimiter limiter, ManualClock time, int limit, int count, TimeSpan? step = null)
    {
        var times = new List<TimeSpan>();
        while (times.Count < count)
        {
            if (limiter.TryAcquire(limit, TimeSpan.MaxValue, out var slot, out var next))
            {
                Assert.Equal(time.Elapsed, slot.SentAt);
                times.Add(slot.SentAt);
                continue;
            }
            Assert.True(next > time.Elapsed);
            time.Advance(step ?? Ms(1));
        }
        return times;
    }

    internal static void AssertNoWindowOverLimit(IReadOnlyList<TimeSpan> sorted, int limit, TimeSpan window)
    {
        for (var i = 0; i + limit < sorted.Count; i++)
            Assert.True(sorted[i + limit] - sorted[i] >= window, $"{limit + 1} turns within {(sorted[i + limit] - sorted[i]).TotalMilliseconds} ms from #{i}");
    }

    [Theory]
    [InlineData(200, 600)]
    [InlineData(50, 120)]
    [InlineData(7, 30)]
    public void Turns_are_spaced_window_over_limit_apart_and_never_more_than_the_limit_per_window(int limit, int count)
    {
        var (limiter, time) = Make();
        var times = TakeTurns(limiter, time, limit, count);

        var spacing = Window.TotalMilliseconds / limit;
        for (var i = 1; i < times.Count; i++)
            Assert.InRange((times[i] - times[i - 1]).TotalMilliseconds, 0, Math.Ceiling(spacing) + 1);
        AssertNoWindowOverLimit(times, limit, Window);
        // Over the whole run: the limit per window, not less (1 ms steps round each spacing up at most 1 ms).
        var perSecond = (count - 1) / (times[^1] - times[0]).TotalSeconds;
        Assert.InRange(perSecond, limit * spacing / (Math.Ceiling(spacing)), limit + 0.001);
    }

    [Theory]
    [InlineData(120, 1500)]
    [InlineData(40, 1500)]
    [InlineData(240, 1500)] // RateLimiter.LateAtMost is 250 ms: a longer stall's calls count that much longer only
    [InlineData(120, 0)] // at the start: the first answers are all late, and only later ones show the quickest round trip
    public void Calls_a_stall_held_back_count_in_the_window_as_long_as_the_service_counts_them(int stallMs, int stallAtMs)
    {
        // 50 ms each way. The service stalls: calls that reach it meanwhile wait and are counted together when it goes
        // on. A second later they leave its window together, not spread out as they were sent: a pacer that counted
        // them from their sending would fill the room they still hold, and the service would refuse that many.
        var (limiter, time) = Make(RateLimiter.DefaultWindow);
        var stallFrom = time.Elapsed + Ms(stallAtMs);
        var stallTo = stallFrom + Ms(stallMs);
        var arrivals = new List<TimeSpan>();
        var answers = new List<(TimeSpan At, RateSlot Slot)>();
        for (var ms = 0; ms < 4000; ms++)
        {
            var now = time.Elapsed;
            foreach (var answer in answers.Where(a => a.At <= now).ToList())
            {
                limiter.Accepted(answer.Slot, 200);
                answers.Remove(answer);
            }
            while (limiter.TryAcquire(200, TimeSpan.MaxValue, out var slot, out _))
            {
                var arrive = now + Ms(50);
                if (arrive >= stallFrom && arrive < stallTo) arrive = stallTo;
                arrivals.Add(arrive);
                answers.Add((arrive + Ms(50), slot));
            }
            time.Advance(Ms(1));
        }

        // The service's view: never more than 200 calls within a second (as it counts them, from their arrival).
        arrivals.Sort();
        AssertNoWindowOverLimit(arrivals, 200, Window);
        // And no slower than that needs: over the 4 s, the stall and the room its calls held cost at most their own time.
        Assert.True(arrivals.Count >= 200 * 4 - stallMs / 5 * 2 - 10, $"{arrivals.Count} calls in 4 s");
    }

    [Fact]
    public void Lateness_is_against_the_quickest_round_trip_of_late_which_follows_a_route_that_got_slower_for_good()
    {
        var floor = new RoundTripFloor();
        Assert.Equal(TimeSpan.Zero, floor.Late(Ms(100), Ms(0)));
        Assert.Equal(Ms(120), floor.Late(Ms(220), Ms(10)));
        // From now on the route takes 300 ms: late at first, not once the 100 ms answers are two spans old.
        Assert.Equal(Ms(200), floor.Late(Ms(300), Ms(20)));
        for (var at = Ms(30); at < RoundTripFloor.Span + RoundTripFloor.Span; at += Ms(10)) floor.Late(Ms(300), at);
        Assert.Equal(TimeSpan.Zero, floor.Late(Ms(300), RoundTripFloor.Span + RoundTripFloor.Span + Ms(10)));
    }

    [Fact]
    public void Idle_time_earns_no_burst()
    {
        var (limiter, time) = Make();
        TakeTurns(limiter, time, 200, 10);
        time.Advance(TimeSpan.FromSeconds(5));
        var granted = 0;
        while (limiter.TryAcquire(200, TimeSpan.MaxValue, out _, out _)) granted++;
        // A late turn may catch up on the slots of the last 20 ms (a coarse timer), no more: 5 ms spacing -> 5 turns.
        Assert.InRange(granted, 1, 5);
    }

    [Fact]
    public void A_refusal_slows_the_pace_and_holds_back_to_probes_while_the_service_forgets_the_refused_calls()
    {
        var (limiter, time) = Make();
        // Half of our calls went through in the last second: the app is shared by two.
        var turns = TakeTurns(limiter, time, 200, 200);
        for (var i = 0; i < turns.Count; i += 2) limiter.Accepted(new RateSlot(turns[i], false, null), 200);
        var refused = TakeTurns(limiter, time, 200, 1)[0];
        time.Advance(Ms(100));
        Assert.NotNull(limiter.Refused(new RateSlot(refused, false, null), 200, "60007"));
        // Five more that were already on their way: refused too, the same episode (no second cut), a longer hold.
        for (var i = 0; i < 5; i++) Assert.Null(limiter.Refused(new RateSlot(refused + Ms(i), false, null), 200, "60007"));
        Assert.Equal(0, limiter.CurrentRate(200));

        // Holding: one probe each 50 ms, for 3 × 6 refused / 95 calls/s ≈ 190 ms after the cut.
        var probes = TakeTurns(limiter, time, 200, 3);
        for (var i = 1; i < probes.Count; i++) Assert.InRange(probes[i] - probes[i - 1], Ms(30), Ms(51));
        time.Advance(Ms(150));
        var rate = limiter.CurrentRate(200);
        Assert.InRange(rate, 0.95 * 98, 0.95 * 100); // a little under our share of 99 or 100 calls/s

        // Then pacing at the cut rate: 1.02 s / 95 apart (this test's window is 1 s: 10.5 ms).
        var after = TakeTurns(limiter, time, 200, 60);
        var spacing = (after[^1] - after[10]).TotalMilliseconds / 49; // past the few turns that catch up the last 20 ms
        Assert.InRange(spacing, 1000 / rate - 0.1, 1000 / rate + 1);
    }

    [Fact]
    public async Task Waiters_are_served_in_order_and_a_refused_call_goes_to_the_front()
    {
        var (limiter, time) = Make();
        var first = await limiter.WaitAsync(2, CancellationToken.None); // straight through
        var b = limiter.WaitAsync(2, CancellationToken.None);
        var c = limiter.WaitAsync(2, CancellationToken.None);
        var refused = limiter.WaitAsync(2, CancellationToken.None, front: true);
        // A quarter of the 500 ms spacing per step, and the pump settled (its next wait set, or the line empty)
        // before the next: each turn comes at its own time, whatever the thread pool's load. Order is read off the
        // turns' times, not off continuations, which the pool may run in any order.
        var waiters = new[] { b, c, refused };
        for (var i = 0; i < 40 && !waiters.All(w => w.IsCompleted); i++)
        {
            time.Advance(Ms(250));
            var settle = System.Diagnostics.Stopwatch.StartNew();
            while (time.PendingDelays == 0 && !waiters.All(w => w.IsCompleted) && settle.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(1);
        }
        var sent = (await Task.WhenAll(refused, b, c)).Select(slot => slot.SentAt).Prepend(first.SentAt).ToArray();
        Assert.Equal(sent.OrderBy(t => t), sent);
        Assert.Equal(4, sent.Distinct().Count());
    }

    [Fact]
    public async Task A_caller_held_to_a_lower_ceiling_takes_only_that_and_does_not_hold_back_callers_under_a_higher_one()
    {
        // Two sessions of one process on one API: a gentle job at -MaxRequestsPerSecond 50 beside one at the default
        // 200, each with calls waiting in the one line all the time. The gentle one gets its 50 a second and no more;
        // the other gets the rest, not the gentle one's pace.
        var (limiter, time) = Make();
        var gentle = new Caller(limiter, 50);
        var urgent = new Caller(limiter, 200);
        var end = time.Elapsed + TimeSpan.FromSeconds(3);
        while (time.Elapsed < end)
        {
            gentle.TopUp();
            urgent.TopUp();
            time.Advance(Ms(1));
            var settle = System.Diagnostics.Stopwatch.StartNew();
            while (time.PendingDelays == 0 && !(gentle.AllGranted && urgent.AllGranted) && settle.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(1);
        }
        gentle.TopUp();
        urgent.TopUp();

        var start = end - TimeSpan.FromSeconds(3);
        double PerSecond(Caller caller) => caller.Sent.Count(t => t >= start + Window) / 2.0; // seconds 2 and 3
        Assert.InRange(PerSecond(gentle), 45, 50);
        Assert.True(PerSecond(urgent) >= 140, $"the 200 calls/s caller got {PerSecond(urgent)} calls/s beside the 50 calls/s one");
        AssertNoWindowOverLimit(gentle.Sent.OrderBy(t => t).ToList(), 50, Window);
        AssertNoWindowOverLimit(gentle.Sent.Concat(urgent.Sent).OrderBy(t => t).ToList(), 200, Window);
    }

    /// <summary>A caller that keeps eight calls waiting in the limiter's line under its ceiling, and notes their turns.</summary>
    private sealed class Caller(RateLimiter limiter, int limit)
    {
        private readonly List<Task<RateSlot>> _waiting = new();

        public List<TimeSpan> Sent { get; } = new();

        public bool AllGranted => _waiting.All(w => w.IsCompleted);

        public void TopUp()
        {
            foreach (var done in _waiting.Where(w => w.IsCompleted).ToList())
            {
                Sent.Add(done.Result.SentAt);
                _waiting.Remove(done);
            }
            while (_waiting.Count < 8) _waiting.Add(limiter.WaitAsync(limit, CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_line_and_the_next_gets_its_turn()
    {
        var (limiter, time) = Make();
        await limiter.WaitAsync(1, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = limiter.WaitAsync(1, cts.Token);
        var next = limiter.WaitAsync(1, CancellationToken.None);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        time.Advance(Window);
        var slot = await next.WaitAsync(TimeSpan.FromSeconds(30)); // a hang guard only: the clock does not move again
        Assert.Equal(time.Elapsed, slot.SentAt);
    }

    [Fact]
    public async Task After_refusing_everything_for_the_give_up_time_waiters_come_back_exhausted_but_a_probe_goes_each_second()
    {
        var (limiter, time) = Make();
        var giveUp = TimeSpan.FromSeconds(60);
        var slot = await limiter.WaitAsync(200, CancellationToken.None, giveUpAfter: giveUp);
        time.Advance(Ms(100));
        limiter.Refused(slot, 200, "60007");

        // 59 s of refusals: still trying.
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(limiter.TryAcquire(200, giveUp, out var probe, out _));
        Assert.False(probe.Exhausted);
        time.Advance(TimeSpan.FromSeconds(1));
        limiter.Refused(probe, 200, "60007");

        // Now 60 s: one probe, then the others fail at once, with how long it has been.
        Assert.True(limiter.TryAcquire(200, giveUp, out var lastProbe, out _));
        Assert.False(lastProbe.Exhausted);
        var exhausted = await limiter.WaitAsync(200, CancellationToken.None, giveUpAfter: giveUp);
        Assert.True(exhausted.Exhausted);
        Assert.Equal(TimeSpan.FromSeconds(60), exhausted.RefusingFor);
        // A caller that waits longer is not given up on yet: it gets a real turn when the probe pace allows.
        time.Advance(Ms(60));
        Assert.True(limiter.TryAcquire(200, TimeSpan.FromSeconds(120), out var patient, out _));
        Assert.False(patient.Exhausted);

        // The service takes calls again: back to normal.
        time.Advance(Ms(100));
        limiter.Accepted(lastProbe, 200);
        Assert.Null(limiter.RefusingFor());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False((await limiter.WaitAsync(200, CancellationToken.None, giveUpAfter: giveUp)).Exhausted);
    }

    [Fact]
    public async Task A_run_that_starts_after_the_refusals_began_is_given_its_own_give_up_time()
    {
        // The limiter is the process's: a run that gave up leaves it refusing. The next run (a rerun of the failed ids)
        // must send, and be given up on only when the service has refused it for its own give-up time.
        var (limiter, time) = Make();
        var giveUp = TimeSpan.FromSeconds(5);
        var slot = await limiter.WaitAsync(200, CancellationToken.None, giveUpAfter: giveUp, runStart: time.Elapsed);
        time.Advance(Ms(100));
        limiter.Refused(slot, 200, "60007");
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.True(limiter.TryAcquire(200, giveUp, out var probe, out _, runStart: TimeSpan.Zero));
        Assert.False(probe.Exhausted);
        Assert.True(limiter.TryAcquire(200, giveUp, out var first, out _, runStart: TimeSpan.Zero));
        Assert.True(first.Exhausted); // the first run: given up on

        var rerun = time.Elapsed;
        time.Advance(Ms(500)); // no exhausted probe due (one a second)
        Assert.True(limiter.TryAcquire(200, giveUp, out var fresh, out _, runStart: rerun));
        Assert.False(fresh.Exhausted); // before: exhausted at once, 7 s of refusals that were not this run's
        Assert.Equal(Ms(500), limiter.RefusingFor(rerun));
        Assert.Equal(Ms(6500), limiter.RefusingFor()); // the limiter's own clock, for everyone
        time.Advance(Ms(4500));
        Assert.True(limiter.TryAcquire(200, giveUp, out var probe2, out _, runStart: rerun));
        Assert.False(probe2.Exhausted); // the one probe a second
        Assert.True(limiter.TryAcquire(200, giveUp, out var late, out _, runStart: rerun));
        Assert.True(late.Exhausted);
        Assert.Equal(TimeSpan.FromSeconds(5), late.RefusingFor);
    }

    [Fact]
    public void Before_the_service_has_ever_answered_failures_are_never_an_outage()
    {
        var (limiter, time) = Make();
        for (var i = 0; i < 10; i++)
        {
            var slot = TakeTurns(limiter, time, 200, 1)[0];
            time.Advance(Ms(100));
            Assert.False(limiter.Failed(new RateSlot(slot, false, null)).Down);
        }
    }

    /// <summary>A limiter whose first call the service accepted, 100 ms later: it has answered, so failures may be an outage.</summary>
    private static (RateLimiter Limiter, ManualClock Time) AfterAnAnswer()
    {
        var (limiter, time) = Make();
        var first = TakeTurns(limiter, time, 200, 1)[0];
        time.Advance(Ms(100));
        limiter.Accepted(new RateSlot(first, false, null), 200);
        return (limiter, time);
    }

    [Fact]
    public void After_an_answer_three_failures_in_a_row_are_an_outage_paced_one_probe_at_a_time_backing_off_until_an_answer()
    {
        var (limiter, time) = AfterAnAnswer();

        // Three calls already on their way fail: the third makes it an outage, 200 ms after the first failure.
        var inFlight = TakeTurns(limiter, time, 200, 3);
        time.Advance(Ms(100));
        Assert.False(limiter.Failed(new RateSlot(inFlight[0], false, null)).Down);
        time.Advance(Ms(100));
        Assert.False(limiter.Failed(new RateSlot(inFlight[1], false, null)).Down);
        time.Advance(Ms(100));
        var state = limiter.Failed(new RateSlot(inFlight[2], false, null));
        Assert.True(state.Down);
        Assert.Equal(Ms(200), state.FailingFor);

        // One probe each 250 ms; each failed probe doubles the wait, up to 2 s.
        var probe = TakeTurns(limiter, time, 200, 2);
        Assert.InRange(probe[1] - probe[0], Ms(230), Ms(251));
        var gaps = new List<TimeSpan>();
        var last = probe[1];
        for (var i = 0; i < 6; i++)
        {
            time.Advance(Ms(100));
            Assert.True(limiter.Failed(new RateSlot(last, false, null)).Down);
            var next = TakeTurns(limiter, time, 200, 1)[0];
            gaps.Add(next - last);
            last = next;
        }
        Assert.True(gaps[1] > gaps[0] && gaps[2] > gaps[1], string.Join(", ", gaps));
        Assert.InRange(gaps[^1], Ms(1980), Ms(2001));

        // A probe gets through: back to full pace at once.
        time.Advance(Ms(100));
        limiter.Accepted(new RateSlot(last, false, null), 200);
        var after = TakeTurns(limiter, time, 200, 20);
        Assert.True(after[^1] - after[0] <= Ms(19 * 5 + 1), $"{(after[^1] - after[0]).TotalMilliseconds} ms for 20 turns");
    }

    /// <summary>The pace the progress bar shows: during an outage, the probes' (4 a second, then fewer), not the ceiling's.</summary>
    [Fact]
    public void During_an_outage_the_current_rate_is_the_probe_pace_and_after_it_the_full_one()
    {
        var (limiter, time) = AfterAnAnswer();
        Assert.Equal(200, limiter.CurrentRate(200));

        var inFlight = TakeTurns(limiter, time, 200, OutageWatch.OutageAfter);
        time.Advance(Ms(100));
        foreach (var sent in inFlight) limiter.Failed(new RateSlot(sent, false, null));
        Assert.True(limiter.Down);
        Assert.Equal(1 / OutageWatch.FirstProbe.TotalSeconds, limiter.CurrentRate(200));

        // A probe fails: the next one waits twice as long, and the pace shown halves.
        var probe = TakeTurns(limiter, time, 200, 1)[0];
        time.Advance(Ms(100));
        limiter.Failed(new RateSlot(probe, false, null));
        Assert.Equal(0.5 / OutageWatch.FirstProbe.TotalSeconds, limiter.CurrentRate(200));

        // A probe gets through: the full pace again.
        probe = TakeTurns(limiter, time, 200, 1)[0];
        time.Advance(Ms(100));
        limiter.Accepted(new RateSlot(probe, false, null), 200);
        Assert.Equal(200, limiter.CurrentRate(200));
    }

    [Fact]
    public void A_refusal_is_an_answer_it_ends_an_outage()
    {
        var (limiter, time) = Make();
        var slots = TakeTurns(limiter, time, 200, 5);
        time.Advance(Ms(100));
        limiter.Accepted(new RateSlot(slots[0], false, null), 200);
        for (var i = 1; i < 4; i++) limiter.Failed(new RateSlot(slots[i], false, null));
        Assert.True(limiter.Failed(new RateSlot(slots[4], false, null)).Down);
        limiter.Refused(new RateSlot(slots[4], false, null), 200, "60007");
        var later = TakeTurns(limiter, time, 200, 1)[0];
        time.Advance(Ms(100));
        Assert.False(limiter.Failed(new RateSlot(later, false, null)).Down);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_limit_below_one_throws(int limit)
    {
        var (limiter, _) = Make();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => limiter.WaitAsync(limit, CancellationToken.None));
    }

    [Fact]
    public void The_default_window_is_a_second_plus_the_jitter_margin()
    {
        Assert.Equal(Ms(10), RateLimiter.DefaultMargin);
        Assert.Equal(Ms(1010), RateLimiter.DefaultWindow);
        var time = new ManualClock();
        var limiter = new RateLimiter(time);
        // 4 per 1.01 s: the 5th turn comes a whole window after the 1st.
        var turns = TakeTurns(limiter, time, 4, 5);
        Assert.Equal(RateLimiter.DefaultWindow, turns[4] - turns[0]);
    }
}
