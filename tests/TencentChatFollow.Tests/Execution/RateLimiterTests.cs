using System.Diagnostics;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// The limiter's two rules, checked on a fake clock: each reservation is at least window/limit after the one before
/// (even spacing, no bursts), and no more than <c>limit</c> reservations fall within any window (sliding window).
/// A wait is never longer than those two rules require. After SlowDown the limit is three quarters (rounded down,
/// at least 1) for <see cref="RateLimiter.SlowDownPeriod"/>.
/// </summary>
public class RateLimiterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private sealed class FakeClock
    {
        public TimeSpan Now { get; set; } = TimeSpan.FromSeconds(100);
        public void Advance(TimeSpan by) => Now += by;
    }

    private static (RateLimiter Limiter, FakeClock Clock) Make(TimeSpan? window = null)
    {
        var clock = new FakeClock();
        return (new RateLimiter(window ?? Window, () => clock.Now), clock);
    }

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>The minimum distance between two reservations: the window divided by the limit, in whole ticks.</summary>
    private static TimeSpan Spacing(TimeSpan window, int limit) => TimeSpan.FromTicks(window.Ticks / limit);

    /// <summary>Reserves a slot and returns when it is (the clock's time plus the wait).</summary>
    private static TimeSpan Book(RateLimiter limiter, FakeClock clock, int limit)
    {
        var wait = limiter.Reserve(limit);
        Assert.True(wait >= TimeSpan.Zero, $"negative wait {wait}");
        return clock.Now + wait;
    }

    private static List<TimeSpan> Burst(RateLimiter limiter, FakeClock clock, int limit, int count)
        => Enumerable.Range(0, count).Select(_ => Book(limiter, clock, limit)).ToList();

    /// <summary>Fails when some window [t, t + window) holds more than <paramref name="limit"/> of the sorted times.</summary>
    private static void AssertNoWindowOverLimit(IReadOnlyList<TimeSpan> sortedTimes, int limit, TimeSpan window)
    {
        for (var i = 0; i + limit < sortedTimes.Count; i++)
        {
            var span = sortedTimes[i + limit] - sortedTimes[i];
            Assert.True(span >= window,
                $"{limit + 1} reservations within {span.TotalMilliseconds} ms (from #{i} at {sortedTimes[i].TotalMilliseconds} ms)");
        }
    }

    /// <summary>Fails when two consecutive times are closer than <paramref name="spacing"/>.</summary>
    private static void AssertSpacedAtLeast(IReadOnlyList<TimeSpan> sortedTimes, TimeSpan spacing)
    {
        for (var i = 1; i < sortedTimes.Count; i++)
        {
            Assert.True(sortedTimes[i] - sortedTimes[i - 1] >= spacing,
                $"reservations #{i - 1} and #{i} are {(sortedTimes[i] - sortedTimes[i - 1]).TotalMilliseconds} ms apart, less than {spacing.TotalMilliseconds} ms");
        }
    }

    [Theory]
    [InlineData(5, 12)]
    [InlineData(4, 9)]
    [InlineData(10, 25)]
    [InlineData(200, 450)]
    public void A_burst_is_spaced_evenly_window_over_limit_apart(int limit, int count)
    {
        var (limiter, _) = Make();

        var waits = Enumerable.Range(0, count).Select(_ => limiter.Reserve(limit)).ToList();

        // The window divides evenly by these limits: reservation i goes exactly i spacings after the first.
        var spacing = Spacing(Window, limit);
        Assert.Equal(Window, spacing * limit);
        for (var i = 0; i < count; i++) Assert.Equal(spacing * i, waits[i]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(6)]
    [InlineData(9)]
    public void When_the_window_does_not_divide_evenly_the_sliding_window_still_holds(int limit)
    {
        // window / limit is rounded down to whole ticks, so `limit` spacings fall a few ticks short of a window:
        // the reservation `limit` places after another must still wait the full window.
        var spacing = Spacing(Window, limit);
        Assert.True(spacing * limit < Window, "this case needs a window that does not divide evenly");
        var (limiter, clock) = Make();

        var slots = Burst(limiter, clock, limit, 3 * limit + 1);

        var t0 = slots[0];
        for (var round = 0; round < 3; round++)
        {
            var roundStart = t0 + Window * round;
            for (var k = 0; k < limit; k++) Assert.Equal(roundStart + spacing * k, slots[round * limit + k]);
        }
        Assert.Equal(t0 + Window * 3, slots[^1]);
        AssertNoWindowOverLimit(slots, limit, Window);
    }

    [Fact]
    public void Regression_guard_a_burst_is_never_sent_all_at_once()
    {
        // The old limiter let `limit` calls go at the same instant whenever the window had room (at the start, after
        // an idle spell). Now only the first goes at once; the rest follow one spacing apart.
        const int limit = 10;
        var (limiter, clock) = Make();
        Burst(limiter, clock, limit, 3);
        clock.Advance(TimeSpan.FromSeconds(30)); // a long idle spell: the window is empty again

        var waits = Enumerable.Range(0, limit).Select(_ => limiter.Reserve(limit)).ToList();

        Assert.Equal(TimeSpan.Zero, waits[0]);
        Assert.True(waits.Skip(1).All(w => w > TimeSpan.Zero),
            $"{waits.Count(w => w == TimeSpan.Zero)} of a burst of {limit} were let through at once: the limiter bursts again");
        Assert.Equal(Enumerable.Range(0, limit).Select(i => Ms(100) * i), waits);
        // Half a window holds half the limit, not all of it.
        Assert.Equal(limit / 2, waits.Count(w => w < Window / 2));
    }

    [Fact]
    public void Idle_time_lets_the_next_call_go_at_once()
    {
        const int limit = 5; // spacing 200 ms
        var (limiter, clock) = Make();
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(limit));

        // One spacing later exactly: no wait.
        clock.Advance(Ms(200));
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(limit));

        // A tick short of a spacing: a tick's wait, not a whole spacing.
        clock.Advance(Ms(200) - TimeSpan.FromTicks(1));
        Assert.Equal(TimeSpan.FromTicks(1), limiter.Reserve(limit));

        // A backlog booked ahead, then the time it covers passes: the next one goes at once.
        clock.Advance(Ms(500));
        var backlog = Burst(limiter, clock, limit, limit); // now+0, +200, ..., +800 ms
        Assert.Equal(clock.Now + Ms(800), backlog[^1]);
        clock.Advance(Ms(1000));
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(limit));
    }

    [Fact]
    public void A_short_pause_only_shortens_the_wait_to_what_is_left_of_the_spacing()
    {
        const int limit = 5; // spacing 200 ms
        var (limiter, clock) = Make();
        limiter.Reserve(limit);

        clock.Advance(Ms(50));
        Assert.Equal(Ms(150), limiter.Reserve(limit)); // slot at 200 ms
        clock.Advance(Ms(100));
        Assert.Equal(Ms(250), limiter.Reserve(limit)); // now 150 ms, slot at 400 ms
        clock.Advance(Ms(400));
        Assert.Equal(Ms(50), limiter.Reserve(limit));  // now 550 ms, slot at 600 ms
    }

    [Fact]
    public void A_large_burst_keeps_its_order_and_spacing_when_the_reservation_store_grows()
    {
        var (limiter, clock) = Make();
        // Advance the ring's head first so that growing it has to unwrap.
        for (var i = 0; i < 200; i++) limiter.Reserve(200);
        clock.Advance(Window * 3); // the 200 bookings (over the first second) are all older than a window now

        var waits = Enumerable.Range(0, 1000).Select(_ => limiter.Reserve(200)).ToList();

        for (var i = 0; i < waits.Count; i++) Assert.Equal(Ms(5) * i, waits[i]);
    }

    [Fact]
    public void Waits_are_not_longer_than_needed_under_a_steady_overload()
    {
        // 50 calls per second offered, 10 allowed: the limiter must still deliver exactly 10 per window.
        const int limit = 10;
        var (limiter, clock) = Make();
        var reserved = new List<TimeSpan>();
        for (var i = 0; i < 1000; i++)
        {
            clock.Advance(Ms(20));
            reserved.Add(Book(limiter, clock, limit));
        }

        // The first goes at once, every later one exactly one spacing (100 ms) after the one before.
        var first = reserved[0];
        Assert.Equal(TimeSpan.FromSeconds(100) + Ms(20), first);
        for (var i = 0; i < reserved.Count; i++) Assert.Equal(first + Ms(100) * i, reserved[i]);
        AssertNoWindowOverLimit(reserved, limit, Window);
    }

    [Theory]
    [InlineData(7, 1000, 12345)]
    [InlineData(7, 1020, 777)]
    [InlineData(10, 1000, 4242)]
    [InlineData(3, 1020, 31)]
    [InlineData(200, 1020, 99)] // Tencent's limit and the ForApp window
    public void Long_random_run_keeps_both_rules_serves_in_order_and_never_waits_longer_than_needed(int limit, int windowMs, int seed)
    {
        var window = Ms(windowMs);
        var (limiter, clock) = Make(window);
        var random = new Random(seed);
        var slowedLimit = Math.Max(1, limit * 3 / 4);
        var slowUntil = TimeSpan.MinValue;
        var rate = Spacing(window, limit).Ticks;
        var reserved = new List<TimeSpan>();
        var limits = new List<int>();
        int atOnce = 0, bySpacing = 0, byWindow = 0, bigWindowJumps = 0, slowDowns = 0;

        for (var step = 0; step < 4000; step++)
        {
            // Mostly arrivals around the allowed rate, sometimes pauses, sometimes long idle spells, sometimes bursts,
            // now and then a throttling answer.
            var roll = random.NextDouble();
            var gap = roll < 0.55 ? random.NextInt64(0, 2 * rate)
                : roll < 0.85 ? random.NextInt64(0, window.Ticks / 3)
                : random.NextInt64(window.Ticks / 2, 3 * window.Ticks);
            clock.Advance(TimeSpan.FromTicks(gap));
            if (random.NextDouble() < 0.03)
            {
                limiter.SlowDown();
                slowUntil = clock.Now + RateLimiter.SlowDownPeriod;
                slowDowns++;
            }
            var burst = random.NextDouble() < 0.1 ? random.Next(2, 2 * limit + 2) : 1;
            for (var b = 0; b < burst; b++)
            {
                var now = clock.Now;
                var effective = now < slowUntil ? slowedLimit : limit;
                var i = reserved.Count;

                // The earliest slot the two rules allow.
                var bySpacingAt = i > 0 ? reserved[i - 1] + Spacing(window, effective) : TimeSpan.MinValue;
                var byWindowAt = i >= effective ? reserved[i - effective] + window : TimeSpan.MinValue;
                var earliest = new[] { now, bySpacingAt, byWindowAt }.Max();

                var at = Book(limiter, clock, limit);

                Assert.True(at == earliest,
                    $"reservation {i} (limit {effective}) is at {at.TotalMilliseconds} ms, the rules allow {earliest.TotalMilliseconds} ms (now {now.TotalMilliseconds} ms)");
                if (at == now) atOnce++;
                else if (at == byWindowAt && byWindowAt > bySpacingAt)
                {
                    byWindow++;
                    if (byWindowAt - bySpacingAt > Ms(1)) bigWindowJumps++;
                }
                else bySpacing++;
                reserved.Add(at);
                limits.Add(effective);
            }
        }

        // First come, first served: send times strictly in reservation order.
        for (var i = 1; i < reserved.Count; i++) Assert.True(reserved[i] > reserved[i - 1], $"reservation {i} does not go after {i - 1}");
        // Never more than the limit in any window, never two calls closer than the full limit's spacing.
        AssertNoWindowOverLimit(reserved, limit, window);
        AssertSpacedAtLeast(reserved, Spacing(window, limit));
        // Each reservation made while slowed respects the slowed limit against the ones before it.
        for (var i = 0; i < reserved.Count; i++)
        {
            if (i == 0 || limits[i] != slowedLimit || slowedLimit == limit) continue;
            Assert.True(reserved[i] - reserved[i - 1] >= Spacing(window, slowedLimit), $"slowed reservation {i} too close to the one before");
            if (i >= slowedLimit) Assert.True(reserved[i] - reserved[i - slowedLimit] >= window, $"slowed reservation {i}: more than {slowedLimit} in a window");
        }

        // The run did exercise every case, so the checks above mean something.
        var summary = $"{reserved.Count} reservations: {atOnce} at once, {bySpacing} by spacing, {byWindow} by the window ({bigWindowJumps} by over 1 ms), {slowDowns} slow-downs, {limits.Count(l => l != limit)} booked while slowed";
        Assert.True(atOnce > 100, summary);
        Assert.True(bySpacing > 4000, summary);
        Assert.True(bigWindowJumps > 20, summary);
        Assert.True(limits.Count(l => l != limit) > 500, summary);
    }

    [Fact]
    public void SlowDown_spaces_calls_for_three_quarters_of_the_limit()
    {
        // Window 1.2 s, limit 16: 75 ms apart normally, 12 per window (100 ms apart) when slowed.
        var window = Ms(1200);
        var (limiter, clock) = Make(window);
        limiter.SlowDown();

        var slots = Burst(limiter, clock, 16, 25);

        for (var i = 0; i < slots.Count; i++) Assert.Equal(clock.Now + Ms(100) * i, slots[i]);
        AssertNoWindowOverLimit(slots, 12, window);
        Assert.Equal(window, slots[12] - slots[0]); // exactly 12 in a window, not 13
    }

    [Fact]
    public void SlowDown_lasts_two_seconds_then_the_full_limit_returns()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), RateLimiter.SlowDownPeriod);
        var (limiter, clock) = Make(Ms(1200));
        var start = clock.Now;
        limiter.SlowDown();

        // A tick before the period ends: still slowed (100 ms apart).
        clock.Now = start + RateLimiter.SlowDownPeriod - TimeSpan.FromTicks(1);
        var late = Burst(limiter, clock, 16, 2);
        Assert.Equal(clock.Now, late[0]);
        Assert.Equal(clock.Now + Ms(100), late[1]);

        // From the end of the period: the full limit (75 ms apart), even right after slowed bookings.
        clock.Now = start + RateLimiter.SlowDownPeriod;
        var after = Burst(limiter, clock, 16, 3);
        Assert.Equal(late[1] + Ms(75), after[0]);
        Assert.Equal(late[1] + Ms(150), after[1]);
        Assert.Equal(late[1] + Ms(225), after[2]);

        // And after an idle spell, a fresh burst at the full limit.
        clock.Advance(TimeSpan.FromSeconds(10));
        var fresh = Burst(limiter, clock, 16, 17);
        for (var i = 0; i < fresh.Count; i++) Assert.Equal(clock.Now + Ms(75) * i, fresh[i]);
    }

    [Fact]
    public void SlowDown_with_a_full_rate_backlog_waits_for_the_window_before_continuing_slower()
    {
        // Window 1.2 s, limit 16: a burst of 16 is booked 75 ms apart (0 ... 1125 ms). A throttling answer then
        // makes the limit 12: the next booking cannot just follow 100 ms after the last (1225 ms), because
        // bookings 4 ... 15 (300 ... 1125 ms) already fill the window before it; it goes at 300 + 1200 = 1500 ms.
        var window = Ms(1200);
        var (limiter, clock) = Make(window);
        var t0 = clock.Now;
        var backlog = Burst(limiter, clock, 16, 16);
        Assert.Equal(t0 + Ms(1125), backlog[^1]);

        limiter.SlowDown();
        var slowed = Burst(limiter, clock, 16, 4);

        Assert.Equal(t0 + Ms(1500), slowed[0]); // by the sliding window
        Assert.Equal(t0 + Ms(1600), slowed[1]); // by the spacing (the window would allow 375 + 1200 = 1575 ms)
        Assert.Equal(t0 + Ms(1700), slowed[2]);
        Assert.Equal(t0 + Ms(1800), slowed[3]);
        // Every slowed booking has at most 11 others in the window before it.
        var all = backlog.Concat(slowed).ToList();
        for (var j = 16; j < all.Count; j++) Assert.True(all[j] - all[j - 12] >= window, $"booking {j}: 13 in a window");
    }

    [Fact]
    public void SlowDown_is_measured_from_the_last_throttling_answer()
    {
        var (limiter, clock) = Make(Ms(1200));
        var start = clock.Now;
        limiter.SlowDown();
        clock.Now = start + Ms(1500);
        limiter.SlowDown();                  // slowed until 3.5 s
        clock.Now = start + Ms(3000);        // past the first period, inside the second

        var slowed = Burst(limiter, clock, 16, 3);
        Assert.Equal(new[] { clock.Now, clock.Now + Ms(100), clock.Now + Ms(200) }, slowed);

        clock.Now = start + Ms(3500) + TimeSpan.FromSeconds(5); // past the second one, idle
        var full = Burst(limiter, clock, 16, 3);
        Assert.Equal(new[] { clock.Now, clock.Now + Ms(75), clock.Now + Ms(150) }, full);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(10, 7)]
    [InlineData(200, 150)]
    public void SlowDown_uses_three_quarters_rounded_down_and_never_below_one(int limit, int slowed)
    {
        var (limiter, clock) = Make();
        limiter.SlowDown();

        var slots = Burst(limiter, clock, limit, slowed + 1);

        var spacing = Spacing(Window, slowed);
        for (var k = 0; k < slowed; k++) Assert.Equal(clock.Now + spacing * k, slots[k]);
        // The one after `slowed` bookings goes a window after the first: `slowed` per window, not one more.
        Assert.Equal(clock.Now + Window, slots[slowed]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public async Task A_limit_below_one_throws(int limit)
    {
        var (limiter, _) = Make();
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.Reserve(limit));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => limiter.WaitAsync(limit, CancellationToken.None));
    }

    [Fact]
    public async Task WaitAsync_delays_for_the_reserved_wait_and_passes_the_token()
    {
        var clock = new FakeClock();
        var delays = new List<(TimeSpan Wait, CancellationToken Token)>();
        var limiter = new RateLimiter(Window, () => clock.Now, (wait, token) =>
        {
            delays.Add((wait, token));
            return Task.CompletedTask;
        });
        using var cts = new CancellationTokenSource();

        await limiter.WaitAsync(2, cts.Token);
        Assert.Empty(delays); // no wait: no delay at all

        await limiter.WaitAsync(2, cts.Token); // half a window after the first
        clock.Advance(Ms(250));
        await limiter.WaitAsync(2, cts.Token); // half a window after the second: 1000 ms, now 250 ms

        Assert.Equal(new[] { Ms(500), Ms(750) }, delays.Select(d => d.Wait));
        Assert.All(delays, d => Assert.Equal(cts.Token, d.Token));

        clock.Advance(TimeSpan.FromSeconds(5));
        await limiter.WaitAsync(2, cts.Token);
        Assert.Equal(2, delays.Count); // idle long enough: straight through
    }

    [Fact]
    public void ForApp_shares_one_limiter_per_app_and_separates_apps()
    {
        var a = RateLimiter.ForApp(3_999_000_001);
        Assert.Same(a, RateLimiter.ForApp(3_999_000_001));
        Assert.NotSame(a, RateLimiter.ForApp(3_999_000_002));
    }

    [Fact]
    public void ForApp_limiters_use_a_window_of_a_second_plus_the_jitter_margin()
    {
        Assert.Equal(Ms(20), RateLimiter.DefaultMargin);
        var limiter = RateLimiter.ForApp(3_999_000_003);
        var window = TimeSpan.FromSeconds(1) + RateLimiter.DefaultMargin;

        // Real clock: a little time passes between the bookings, so each wait is its slot minus that time.
        var watch = Stopwatch.StartNew();
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(4));
        var second = limiter.Reserve(4);
        var fifth = TimeSpan.Zero;
        for (var i = 0; i < 3; i++) fifth = limiter.Reserve(4);
        watch.Stop();

        Assert.InRange(second, window / 4 - watch.Elapsed, window / 4);   // 255 ms apart
        Assert.InRange(fifth, window - watch.Elapsed, window);             // the 5th a whole window after the 1st
    }
}
