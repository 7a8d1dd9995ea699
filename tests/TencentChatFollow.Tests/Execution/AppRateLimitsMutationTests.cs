using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// Behaviour of the app's shared limits (AppRateLimits) that a mutation-testing pass found unchecked: the line of APIs
/// the app-wide pace holds back (in the order they asked; a late one loses its turn and goes to the back, one that
/// stopped asking is forgotten), the hold's probes after a 60011, the -Verbose line when the app-wide cut is over, and
/// the app's ceiling when a refusal is answered late. No sleeps: every time is given or moved on a fake clock.
/// </summary>
public class AppRateLimitsMutationTests
{
    private const string A = "v4/follow/follow_get_info";
    private const string B = "v4/follow/follow_check";
    private const string C = "v4/follow/follow_get";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>
    /// An app whose service is down (it answered, then three calls in a row failed): its calls go one probe each
    /// 250 ms, every API's together. A took the app's first turn and asked again at <c>Asked</c>: it is first in the
    /// app's line for the next turn, <c>Turn</c>, which it was told.
    /// </summary>
    private static (AppRateLimits App, TimeSpan Asked, TimeSpan Turn) AppWithAFirstInLine()
    {
        var app = new AppRateLimits(new ManualClock(), Window);
        var start = TimeSpan.FromSeconds(100);
        var call = new RateSlot(start, false, null);
        app.Accepted(call, start + Ms(100));
        for (var i = 0; i < OutageWatch.OutageAfter; i++) app.Failed(call, start + Ms(200 + i));
        Assert.True(app.Down);
        Assert.Equal(Ms(250), OutageWatch.FirstProbe);

        var first = start + Window;
        Assert.True(Take(app, A, first));
        Assert.False(Take(app, A, first + Ms(100), out var turn));
        Assert.Equal(first + Ms(250), turn);
        return (app, first + Ms(100), turn);
    }

    /// <summary>
    /// <paramref name="api"/>, whose own pace leaves it free (its pacer's turn is as early as a late turn may catch up
    /// to), asks at <paramref name="now"/>: may it take the app's turn?
    /// </summary>
    private static bool Take(AppRateLimits app, string api, TimeSpan now, out TimeSpan next)
        => app.TryTake(api, 200, now - RatePacer.CatchUp, now, outagePacing: true, out next);

    private static bool Take(AppRateLimits app, string api, TimeSpan now) => Take(app, api, now, out _);

    /// <summary>
    /// <paramref name="api"/> asks as <paramref name="turn"/> comes, but the turn is A's, first in line: it is told to
    /// look again when A has had <see cref="RatePacer.CatchUp"/> to take it; A did not come, and the turn is its own.
    /// </summary>
    private static void TakesTheTurnALost(AppRateLimits app, string api, TimeSpan turn)
    {
        Assert.False(Take(app, api, turn, out var next));
        Assert.Equal(turn + RatePacer.CatchUp, next);
        Assert.True(Take(app, api, next));
    }

    /// <summary>Both ask as <paramref name="turn"/> comes, <paramref name="other"/> first: the turn is <paramref name="api"/>'s.</summary>
    private static void TurnIs(AppRateLimits app, string api, string other, TimeSpan turn)
    {
        Assert.False(Take(app, other, turn));
        Assert.True(Take(app, api, turn));
    }

    [Fact]
    public void An_API_that_does_not_come_for_the_apps_turn_loses_it_to_the_next_in_line_at_the_time_that_one_was_told()
    {
        var (app, _, turn) = AppWithAFirstInLine();
        TakesTheTurnALost(app, B, turn);
    }

    [Fact]
    public void An_API_that_lost_its_turn_goes_to_the_back_of_the_apps_line_ahead_of_those_that_asked_after_it()
    {
        var (app, _, turn) = AppWithAFirstInLine();
        TakesTheTurnALost(app, B, turn);

        // C asks after A did: when the next turn comes, it is A's, not C's.
        Assert.False(Take(app, C, turn + Ms(50)));
        Assert.False(Take(app, A, turn + Ms(60), out var next));
        TurnIs(app, A, C, next);
    }

    [Fact]
    public void APIs_waiting_for_the_apps_turns_take_them_in_turn_rather_than_the_same_one_again()
    {
        var (app, asked, turn) = AppWithAFirstInLine();
        Assert.False(Take(app, B, asked + Ms(10)));
        Assert.True(Take(app, A, turn));

        // A asks again at once; B, which asked before, has the next turn, even when A comes for it first.
        Assert.False(Take(app, A, turn + Ms(10), out var next));
        TurnIs(app, B, A, next);
    }

    [Fact]
    public void An_API_that_stopped_asking_for_the_apps_turns_is_forgotten_and_then_holds_no_one_back()
    {
        // A asks no more (its calls ended). B asks as each turn comes: while A is remembered (3 s after it last
        // asked), B waits CatchUp for it each time; then B goes at its turn.
        var (app, asked, turn) = AppWithAFirstInLine();
        for (; turn - asked <= TimeSpan.FromSeconds(3); turn += Ms(250)) TakesTheTurnALost(app, B, turn);
        Assert.True(Take(app, B, turn));
    }

    [Fact]
    public void An_API_that_has_not_sent_yet_takes_a_turn_the_first_in_line_lost_as_soon_as_one_that_has_sent_would()
    {
        // B has never sent: its own pacer has no turn behind it, so its turn is "now" whenever it asks (not as early
        // as a late turn may catch up to). A, first in line, does not come for the app's turn; B must not wait for A
        // to be forgotten (3 s), only the CatchUp any other API waits.
        var (app, _, turn) = AppWithAFirstInLine();
        Assert.False(app.TryTake(B, 200, turn, turn, outagePacing: true, out var next));
        Assert.Equal(turn + RatePacer.CatchUp, next);
        Assert.True(app.TryTake(B, 200, next, next, outagePacing: true, out _), "B waits for A though A lost the app's turn");
    }

    /// <summary>
    /// <paramref name="limiter"/> takes every turn it is given for <paramref name="span"/> of fake time (1 ms steps),
    /// and the service accepts each call 100 ms after it went; returns the -Verbose lines the acceptances gave.
    /// </summary>
    private static List<string> RunAccepted(RateLimiter limiter, ManualClock time, TimeSpan span)
    {
        var messages = new List<string>();
        var inFlight = new Queue<RateSlot>();
        var end = time.Elapsed + span;
        while (time.Elapsed < end || inFlight.Count > 0)
        {
            while (inFlight.Count > 0 && inFlight.Peek().SentAt + Ms(100) <= time.Elapsed)
                if (limiter.Accepted(inFlight.Dequeue(), 200) is { } message) messages.Add(message);
            if (time.Elapsed < end)
                while (limiter.TryAcquire(200, TimeSpan.MaxValue, out var slot, out _)) inFlight.Enqueue(slot);
            time.Advance(Ms(1));
        }
        return messages;
    }

    [Fact]
    public void When_the_app_wide_cut_is_over_the_acceptance_that_ends_it_says_so_once()
    {
        var (limiter, time) = RateLimiterTests.Make();
        Assert.Empty(RunAccepted(limiter, time, TimeSpan.FromSeconds(1)));
        var refused = RateLimiterTests.TakeTurns(limiter, time, 200, 1)[0];
        time.Advance(Ms(100));
        Assert.Contains("(60011)", limiter.Refused(new RateSlot(refused, false, null), 200, "60011"), StringComparison.Ordinal);
        Assert.NotNull(limiter.App.CurrentRate(time.Elapsed)); // the app's calls are held back

        var messages = RunAccepted(limiter, time, TimeSpan.FromSeconds(5));

        Assert.Equal(["Calls go through again: the app-wide cut is over."], messages);
        Assert.Null(limiter.App.CurrentRate(time.Elapsed));
    }

    [Fact]
    public void While_the_app_holds_back_after_a_60011_its_probes_go_one_each_probe_interval()
    {
        // Nothing accepted before the refusal: the app holds back for a whole window, probing.
        var (limiter, time) = RateLimiterTests.Make();
        var first = RateLimiterTests.TakeTurns(limiter, time, 200, 1)[0];
        time.Advance(Ms(100));
        limiter.Refused(new RateSlot(first, false, null), 200, "60011");
        Assert.Equal(0, limiter.CurrentRate(200));

        var probes = RateLimiterTests.TakeTurns(limiter, time, 200, 5);

        var interval = RateControlSettings.Default.ProbeInterval;
        Assert.True(probes[^1] - probes[0] < Window, "the probes went after the hold");
        for (var i = 2; i < probes.Count; i++) Assert.Equal(interval, probes[i] - probes[i - 1]);
    }

    [Fact]
    public void An_apps_refusal_answered_after_two_windows_cuts_from_the_ceiling_of_the_API_that_sent_it()
    {
        // The app's ceiling adds up the APIs that sent within the last two windows; when none did (the refused call's
        // answer took longer), it is still at least the ceiling of one of its APIs, not one call a second.
        var (limiter, time) = RateLimiterTests.Make();
        var sent = RateLimiterTests.TakeTurns(limiter, time, 200, 1)[0];
        time.Advance(TimeSpan.FromSeconds(3));

        var message = limiter.Refused(new RateSlot(sent, false, null), 200, "60011");

        Assert.Contains("the app's quota for all APIs together is shared; slowing from 200 to", message, StringComparison.Ordinal);
    }
}
