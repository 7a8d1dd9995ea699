using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>When a limiter on the quota board starts over at the board's share, on explicit times (no clock at all).</summary>
public class BoardStartOverTests
{
    internal const int Share = 100; // the board's part of the 200 calls/s: two jobs on it

    internal static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>A control loop that was cut well under <see cref="Share"/> and has had a call accepted since (not holding).</summary>
    internal static RateController CutAndGoing()
    {
        var c = GoingAt(50);
        Assert.True(c.RateFor(Share) < 0.8 * Share, $"cut to {c.RateFor(Share):0}");
        return c;
    }

    [Fact]
    public void Beside_company_a_cut_starts_over_after_the_quiet_and_not_before()
    {
        var rule = new BoardStartOver();
        rule.Refused(S(20), S(20.1), cutUnder: Share);

        Assert.False(rule.Due(CutAndGoing(), Share, company: true, S(20.1) + BoardStartOver.Quiet - S(0.01)));
        Assert.False(rule.Due(CutAndGoing(), Share, company: false, S(20.1) + BoardStartOver.Quiet)); // alone: the loop finds any outsider
        Assert.True(rule.Due(CutAndGoing(), Share, company: true, S(20.1) + BoardStartOver.Quiet));
    }

    [Fact]
    public void A_start_over_the_service_refuses_doubles_the_quiet_before_the_next_up_to_a_limit()
    {
        // An outsider the board does not know (the app's backend) takes part of the quota: each start-over at the
        // board's share is refused within moments.
        var rule = new BoardStartOver();
        var now = S(20);
        rule.Refused(now, now, cutUnder: Share);
        for (var fruitless = 1; fruitless <= BoardStartOver.MostDoublings + 1; fruitless++)
        {
            var quiet = TimeSpan.FromTicks(BoardStartOver.Quiet.Ticks << (fruitless - 1 > BoardStartOver.MostDoublings ? BoardStartOver.MostDoublings : fruitless - 1));
            Assert.False(rule.Due(CutAndGoing(), Share, company: true, now + quiet - S(0.01)));
            Assert.True(rule.Due(CutAndGoing(), Share, company: true, now + quiet));
            now += quiet;
            rule.Refused(now + S(0.3), now + S(0.4), cutUnder: Share); // a call sent after the start-over
            now += S(0.4);
            Assert.Equal(Math.Min(fruitless, BoardStartOver.MostDoublings), rule.Fruitless);
        }
    }

    [Fact]
    public void A_start_over_that_holds_for_the_quiet_shows_the_board_right_again()
    {
        var rule = new BoardStartOver();
        rule.Refused(S(20), S(20), cutUnder: Share);
        Assert.True(rule.Due(CutAndGoing(), Share, company: true, S(22)));
        rule.Refused(S(22.1), S(22.2), cutUnder: Share);
        Assert.Equal(1, rule.Fruitless);
        Assert.True(rule.Due(CutAndGoing(), Share, company: true, S(26.2)));

        // Nothing refused for the quiet after it (the loop still at the board's share): the next cut starts over
        // after the plain quiet again.
        Assert.False(rule.Due(new RateController(), Share, company: true, S(28.2)));
        Assert.Equal(0, rule.Fruitless);
        rule.Refused(S(28.0), S(28.3), cutUnder: Share); // sent before the check above: a new cut, not the start-over's
        Assert.Equal(0, rule.Fruitless);
        Assert.True(rule.Due(CutAndGoing(), Share, company: true, S(30.3)));
    }

    /// <summary>Cut beside company at 20 s; started over at 22 s and refused at once; so started again (growing) at 26.2 s, twice the quiet later.</summary>
    private static BoardStartOver RefusedOnceAndStartedAgain()
    {
        var rule = new BoardStartOver();
        rule.Refused(S(20), S(20), cutUnder: Share);
        Assert.True(rule.Due(CutAndGoing(), Share, company: true, S(22)));
        rule.Refused(S(22.1), S(22.2), cutUnder: Share); // the start-over refused: the next waits twice the quiet
        Assert.True(rule.Due(CutAndGoing(), Share, company: true, S(26.2)));
        return rule;
    }

    [Fact]
    public void One_start_over_at_a_time_until_it_held_for_the_quiet_or_was_refused()
    {
        // After a refused start-over the limiter has the loop grow from where it is (ProbeNow): that growth needs the
        // quiet to show whether the board's share is there. Asked again meanwhile (the loop is still well below the
        // share: it grows), the rule does not start it over again, which would restart the growth at every turn.
        var rule = RefusedOnceAndStartedAgain();
        Assert.Equal(1, rule.Fruitless);

        foreach (var later in new[] { 26.21, 26.5, 27.5, 28.19 })
            Assert.False(rule.Due(CutAndGoing(), Share, company: true, S(later)));

        // Nothing refused for the quiet since: it held, and a loop still well below the share starts over plainly.
        Assert.True(rule.Due(CutAndGoing(), Share, company: true, S(28.2)));
        Assert.Equal(0, rule.Fruitless);
    }

    [Fact]
    public void A_share_that_rose_after_refused_start_overs_waits_only_the_plain_quiet()
    {
        // Beside an outsider two start-overs were refused: held below the share, the next waits 8 s. Then the other
        // job on the board ends: the share doubles, room a job of the board left, looked for once the service has
        // forgotten the last refusal.
        var rule = RefusedOnceAndStartedAgain();
        rule.Refused(S(26.3), S(26.4), cutUnder: Share);
        Assert.Equal(2, rule.Fruitless);

        var forgotten = S(26.4) + BoardStartOver.QuietWhenShareRose;
        Assert.False(rule.Due(CutAndGoing(), Share, company: true, S(28.4)));    // still held below the same share
        Assert.False(rule.Due(CutAndGoing(), 2 * Share, company: false, forgotten - S(0.01))); // the share rose: the service forgets first
        Assert.True(rule.Due(CutAndGoing(), 2 * Share, company: false, forgotten));
    }

    [Fact]
    public void A_share_that_rose_starts_over_once_the_service_has_been_quiet()
    {
        // Cut under the board's third of the quota; then the board leaves half (a job ended). The loop goes at 85
        // calls/s, not well below the new share: the share that rose is what says to start over.
        var rule = new BoardStartOver();
        rule.Refused(S(20), S(20.1), cutUnder: 66);
        var forgotten = S(20.1) + BoardStartOver.QuietWhenShareRose; // the service's second has left the refusal behind
        Assert.False(rule.Due(GoingAt(90), 80, company: true, S(22.1)));       // the board's share not well above the cut
        Assert.False(rule.Due(GoingAt(90), Share, company: true, forgotten - S(0.01))); // refused too lately
        Assert.True(rule.Due(GoingAt(90), Share, company: true, forgotten));
    }

    [Fact]
    public void After_a_start_over_that_held_a_loop_near_the_share_is_not_jumped_to_it()
    {
        // A start-over records no cut: with none to compare, the share has not risen. Beside an outsider a loop grown
        // back to within 80% of the board's share stays where the service lets it; alone, the loop finds any outsider.
        var rule = RefusedOnceAndStartedAgain();
        var near = GoingAt(90);
        Assert.True(near.RateFor(Share) >= 0.8 * Share, $"at {near.RateFor(Share):0}");
        Assert.False(rule.Due(near, Share, company: true, S(28.2)));
        Assert.False(rule.Due(CutAndGoing(), Share, company: false, S(28.2)));
        Assert.True(rule.Due(CutAndGoing(), Share, company: true, S(28.2))); // well below the share beside company: it does
    }

    /// <summary>A control loop that had <paramref name="rate"/> calls/s of the quota when refused, cut a little under that, and going again.</summary>
    private static RateController GoingAt(double rate)
    {
        var c = new RateController();
        var at = RateControllerTests.AcceptMany(c, S(10), (int)Math.Ceiling(2 * rate), rate);
        c.OnRefused(at, at + S(0.1), 200, "60007"); // alone at ~rate of 200: others take the rest; cut to a little under
        c.OnAccepted(at + S(0.2), at + S(0.3), 200);
        Assert.False(c.Holding);
        return c;
    }

    [Fact]
    public void At_the_ceiling_or_holding_there_is_nothing_to_start_over()
    {
        var rule = new BoardStartOver();
        rule.Refused(S(20), S(20.1), cutUnder: 200);
        Assert.False(rule.Due(new RateController(), Share, company: true, S(30)));

        var holding = new RateController();
        var at = RateControllerTests.AcceptMany(holding, S(10), 100, 50);
        holding.OnRefused(at, at + S(0.1), Share, "60007");
        Assert.True(holding.Holding);
        Assert.False(rule.Due(holding, Share, company: true, S(30)));
    }
}
