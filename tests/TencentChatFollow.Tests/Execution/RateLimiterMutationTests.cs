using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// Behaviour of the rate limiter that a mutation-testing pass over its pacing (RatePacer, RoundTripFloor, RateLimiter)
/// found unchecked: the give-up time counted from the first refusal (the API's or the app's, whichever came first), a
/// ceiling above the 256 calls the pacer first keeps, and the quickest round trip remembered across its spans (a
/// stall's calls are late against it); and, checked by hand in RateLimiter.Line, a caller cancelled before it asks.
/// No sleeps: time moves only on the fake clocks.
/// </summary>
public class RateLimiterMutationTests
{
    private static readonly Uri Endpoint = new("https://console.tim.qq.com/");

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public async Task A_caller_cancelled_before_it_asks_sends_nothing_and_leaves_the_turn_to_the_next()
    {
        var (limiter, time) = RateLimiterTests.Make();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.WaitAsync(1, cts.Token));

        // At 1 call/s the cancelled caller would have taken the second's only turn.
        // On the manual clock a turn taken by the cancelled caller never comes back: 30 s is a hang guard only.
        var slot = await limiter.WaitAsync(1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(time.Elapsed, slot.SentAt);
    }

    [Theory]
    [InlineData("60007", "60011")]
    [InlineData("60011", "60007")]
    public void The_give_up_time_counts_from_the_first_refusal_the_APIs_own_or_the_apps(string firstCode, string thenCode)
    {
        // One quota refuses first; 3 s later the other does too (the API's, 60007; the app's, 60011). The caller waits
        // 5 s at most: 5 s after the first refusal it is given up on, not 5 s after the second.
        var clock = new ManualClock();
        var limiter = new RateLimiterRegistry(clock).For(Endpoint, 1, "v4/follow/follow_get_info");
        var giveUp = TimeSpan.FromSeconds(5);
        Assert.True(limiter.TryAcquire(200, giveUp, out var first, out _));
        clock.Advance(Ms(100));
        limiter.Refused(first, 200, firstCode);
        var since = clock.Elapsed;
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.True(limiter.TryAcquire(200, giveUp, out var second, out _));
        clock.Advance(Ms(100));
        limiter.Refused(second, 200, thenCode);

        clock.Set(since + giveUp);
        Assert.Equal(giveUp, limiter.RefusingFor());
        Assert.True(limiter.TryAcquire(200, giveUp, out var probe, out _));
        Assert.False(probe.Exhausted); // the one probe a second
        Assert.True(limiter.TryAcquire(200, giveUp, out var late, out _));
        Assert.True(late.Exhausted);
        Assert.Equal(giveUp, late.RefusingFor);
    }

    [Fact]
    public void A_ceiling_of_more_calls_a_window_than_the_pacer_first_keeps_is_never_exceeded()
    {
        // -MaxRequestsPerSecond goes up to 10000: the pacer's record of the last window grows past its first 256
        // calls, once while nothing has left the window yet and again (at 600) while calls leave it all the time. A
        // coarse timer (a look each 15 ms) catches up on the slots it missed: only that record keeps a window's calls
        // to the ceiling.
        var (limiter, time) = RateLimiterTests.Make();
        var step = Ms(15);
        var at300 = RateLimiterTests.TakeTurns(limiter, time, 300, 600, step);
        RateLimiterTests.AssertNoWindowOverLimit(at300, 300, TimeSpan.FromSeconds(1));
        var at600 = RateLimiterTests.TakeTurns(limiter, time, 600, 1500, step);
        RateLimiterTests.AssertNoWindowOverLimit(at300.Concat(at600).ToList(), 600, TimeSpan.FromSeconds(1));
        Assert.InRange((at600[^1] - at600[0]).TotalSeconds, 1499 / 600.0 - 0.1, 1499 / 600.0 + 0.3);
    }

    [Fact]
    public void A_stall_is_late_against_the_quickest_round_trip_of_late_even_just_after_its_span_turns_over()
    {
        // On a process's clock (well past zero): the quickest answer took 100 ms; answers that took 250 ms are 150 ms
        // late, the second of them too, and so is one that comes as a new span begins (the last span's quickest still
        // counts). Were they judged against themselves, a stall's calls would count from their sending, and a second
        // later the service's window would be over by them.
        var floor = new RoundTripFloor();
        var start = TimeSpan.FromSeconds(100);
        Assert.Equal(TimeSpan.Zero, floor.Late(Ms(100), start));
        Assert.Equal(Ms(150), floor.Late(Ms(250), start + Ms(10)));
        Assert.Equal(Ms(150), floor.Late(Ms(250), start + Ms(20)));
        Assert.Equal(Ms(150), floor.Late(Ms(250), start + RoundTripFloor.Span));
        Assert.Equal(Ms(100), floor.Floor);
    }
}
