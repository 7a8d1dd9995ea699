using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>The control loop's rules one answer at a time, on explicit times (no clock at all).</summary>
public class RateControllerTests
{
    private const int Ceiling = 200;

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>Feeds <paramref name="count"/> accepted answers, sent evenly at <paramref name="rate"/> from <paramref name="from"/>, each answered 100 ms later.</summary>
    internal static TimeSpan AcceptMany(RateController c, TimeSpan from, int count, double rate)
    {
        var at = from;
        for (var i = 0; i < count; i++)
        {
            c.OnAccepted(at, at + Ms(100), Ceiling);
            at += TimeSpan.FromSeconds(1 / rate);
        }
        return at;
    }

    /// <summary>A refusal for frequency of the call sent at <paramref name="sentAt"/>, answered 100 ms later.</summary>
    private static string? Refuse(RateController c, TimeSpan sentAt) => c.OnRefused(sentAt, sentAt + Ms(100), Ceiling, "60007");

    /// <summary>
    /// A controller that had the whole ceiling for two seconds, then one refusal (of the call sent at the returned time),
    /// answered <paramref name="roundTripMs"/> later.
    /// </summary>
    private static (RateController Controller, TimeSpan RefusedSentAt) CutAloneAtTheCeiling(int roundTripMs = 100)
    {
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 400, 200);
        c.OnRefused(end, end + Ms(roundTripMs), Ceiling, "60007");
        return (c, end);
    }

    [Fact]
    public void Alone_and_never_refused_it_stays_at_the_ceiling()
    {
        var c = new RateController();
        AcceptMany(c, TimeSpan.FromSeconds(10), 2000, 200);
        Assert.Equal(Ceiling, c.RateFor(Ceiling));
        Assert.False(c.Holding);
        Assert.Null(c.RefusingSince);
    }

    [Fact]
    public void A_refusal_cuts_to_a_little_under_our_share_of_the_window_and_says_so()
    {
        var c = new RateController();
        // In the last second the service took 100 of our calls (half the quota: someone else has the rest).
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 100, 100);

        var message = Refuse(c, end);

        Assert.InRange(c.RateFor(Ceiling), 0.95 * 99, 0.95 * 100.01);
        Assert.True(c.Holding);
        Assert.Contains("60007", message, StringComparison.Ordinal);
        Assert.Contains("from 200 to 9", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nearly_alone_a_refusal_is_timing_and_the_cut_is_small_with_a_short_hold()
    {
        var (c, end) = CutAloneAtTheCeiling();
        Assert.Equal(0.98 * Ceiling, c.RateFor(Ceiling), 3);
        // One refused call: the service forgets it within a few milliseconds, so the hold is short.
        Assert.True(c.IsHolding(end + Ms(101)));
        Assert.False(c.IsHolding(end + Ms(100 + 20)));
    }

    [Fact]
    public void A_share_above_the_even_split_it_suggests_is_cut_to_that_split()
    {
        var c = new RateController();
        // 140 of the last second's 200 were ours: not alone, so at least two of us; the even split is 100.
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 280, 140);
        Refuse(c, end);
        Assert.Equal(0.95 * 100, c.RateFor(Ceiling), 3);
    }

    [Fact]
    public void Under_the_boards_part_a_cut_counts_the_whole_quota_so_an_outsider_is_not_taken_for_more_jobs()
    {
        // The quota board leaves this job half of the 200 calls/s (one other job on the machine); the app's backend,
        // which the board does not know, takes 60: the service took 70 a second of ours when it refused one.
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 140, 70);
        c.OnRefused(end, end + Ms(100), 100, "60007", limit: Ceiling);
        // About three users of the whole quota at ~67 each: a little under that (not a split of the board's 100 by two).
        Assert.Equal(0.95 * Ceiling / 3, c.RateFor(100), 3);
    }

    [Fact]
    public void On_the_board_a_bunch_refused_while_the_jobs_held_their_parts_is_timing_a_small_cut_back_within_a_second()
    {
        // Three jobs on the board, 66 calls/s each of the 200: a stall (the machine's or the service's) held everyone's
        // calls back, they reach the service together and two of this job's, sent 8 ms apart, are refused. The board's
        // jobs held 98% of the window and the service took nearly this job's whole part: no one else is there, so (as
        // alone at the ceiling) a little is given back, and the part comes back within a second, not after a hold.
        const int part = 66;
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 2 * part, part);
        Assert.NotNull(c.OnRefused(end, end + Ms(100), part, "60007", limit: Ceiling, boardFill: 0.98));
        Assert.Null(c.OnRefused(end + Ms(8), end + Ms(108), part, "60007", limit: Ceiling, boardFill: 0.98));
        Assert.InRange(c.RateFor(part), 0.97 * part, part);

        var at = end + Ms(120);
        var until = at + TimeSpan.FromSeconds(1.2);
        while (at < until)
        {
            c.OnAccepted(at, at + Ms(100), part);
            at += TimeSpan.FromSeconds(1 / c.RateFor(part));
        }
        Assert.Equal(part, c.RateFor(part));

        // Off the board the same share of the window (a third of the quota) is a cut to a little under it, held.
        var alone = new RateController();
        end = AcceptMany(alone, TimeSpan.FromSeconds(10), 2 * part, part);
        alone.OnRefused(end, end + Ms(100), Ceiling, "60007");
        Assert.True(alone.RateFor(Ceiling) < part, $"{alone.RateFor(Ceiling):0.0} calls/s");
    }

    [Fact]
    public void On_the_board_a_job_whose_part_just_fell_is_not_taken_for_timing_it_cuts_and_holds()
    {
        // Alone it had the whole window (194 calls/s); a second job joined the board, so its part is now 100, and one
        // of its calls is refused as the newcomer's first calls arrive. Nearly the whole window was the board's jobs',
        // but this job was far over its part: not a stall among jobs at their parts. It cuts to its part's 95% and
        // holds there (the newcomer is still finding its feet, and the board's split may not know it wants more yet).
        const int part = 100;
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 388, 194);
        c.OnRefused(end, end + Ms(100), part, "60007", limit: Ceiling, boardFill: 0.98);
        Assert.Equal(0.95 * part, c.RateFor(part), 3);

        var at = end + Ms(120);
        var until = at + TimeSpan.FromSeconds(1.2);
        while (at < until)
        {
            c.OnAccepted(at, at + Ms(100), part);
            at += TimeSpan.FromSeconds(1 / c.RateFor(part));
        }
        Assert.True(c.RateFor(part) < 0.98 * part, $"{c.RateFor(part):0.0} calls/s");
    }

    [Fact]
    public void On_the_board_a_job_that_had_its_part_cuts_to_a_little_under_what_got_through_not_to_half()
    {
        // Two jobs on the board, 100 calls/s each; the app's backend takes 8 of the 200, which the board does not know.
        // The service took 96 a second of this job's when it refused one, and the episode goes on (the whole round trip
        // of calls on their way is refused): nearly its whole part, yet no timing and no other job to give half to.
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 192, 96);
        Assert.NotNull(c.OnRefused(end, end + Ms(100), 100, "60007", limit: Ceiling, boardFill: 0.97));
        for (var i = 1; i <= 20; i++) c.OnRefused(end + Ms(5 * i), end + Ms(100 + 5 * i), 100, "60007", limit: Ceiling, boardFill: 0.97);
        Assert.Equal(0.95 * 96, c.RateFor(100), 0);
    }

    [Fact]
    public void On_the_board_a_newcomer_refused_as_the_jobs_fill_the_window_keeps_nearly_its_part()
    {
        // Sent for a third of a second at the board's 100 calls/s when the board's jobs, between them, filled the
        // service's window (98% of it): timing among them, which the board settles, not a crowd to split with.
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 30, 100);
        c.OnRefused(end, end + Ms(100), 100, "60007", limit: Ceiling, boardFill: 0.98);
        Assert.Equal(0.95 * 98, c.RateFor(100), 3);

        // Off the board the same refusal is a newcomer's: the even split its small part of the window suggests.
        var alone = new RateController();
        end = AcceptMany(alone, TimeSpan.FromSeconds(10), 30, 100);
        alone.OnRefused(end, end + Ms(100), 100, "60007", limit: Ceiling);
        Assert.True(alone.RateFor(100) < 50, $"{alone.RateFor(100):0} calls/s");
    }

    [Fact]
    public void On_the_board_a_job_that_began_sending_within_the_window_is_not_cut_to_what_it_got_through()
    {
        // As a cold job starts: Connect-TencentChat's check call went 1.1 s before the refusal, the data calls only in
        // its last 0.7 s (70 at the board's 100 calls/s), so it is not a newcomer by its first call. The board's jobs
        // filled the window between them (another was still over its part): what got through says how long this one
        // has been sending, not how much room it has. It keeps nearly its part (the board settles the split).
        const int part = 100;
        static (RateController, TimeSpan) Started()
        {
            var c = new RateController();
            var start = TimeSpan.FromSeconds(10);
            c.OnAccepted(start, start + Ms(100), part);
            return (c, AcceptMany(c, start + Ms(400), 70, part));
        }
        var (c, end) = Started();
        Assert.NotNull(c.OnRefused(end, end + Ms(100), part, "60007", limit: Ceiling, boardFill: 0.97));
        Assert.Equal(0.95 * 0.97 * part, c.RateFor(part), 3);

        // With the board's jobs holding less of the window, someone the board does not know holds the rest: then what
        // got through is what the service has room for, as before.
        (var beside, end) = Started();
        beside.OnRefused(end, end + Ms(100), part, "60007", limit: Ceiling, boardFill: 0.6);
        Assert.Equal(0.95 * 70, beside.RateFor(part), 3);
    }

    [Fact]
    public void Probing_now_grows_from_where_it_is_without_the_hold_and_without_a_jump()
    {
        // A quarter of the quota was ours when refused: cut to 60 calls/s (the deepest cut), then going again.
        static (RateController, TimeSpan) Cut()
        {
            var c = new RateController();
            var end = AcceptMany(c, TimeSpan.FromSeconds(10), 100, 50);
            Refuse(c, end);
            c.OnAccepted(end + Ms(200), end + Ms(300), Ceiling);
            return (c, end + Ms(300));
        }
        static double AfterOneAndAHalfSeconds(RateController c, TimeSpan from)
        {
            for (var at = from; at < from + TimeSpan.FromSeconds(1.5); at += TimeSpan.FromSeconds(1 / c.RateFor(Ceiling))) c.OnAccepted(at, at + Ms(100), Ceiling);
            return c.RateFor(Ceiling);
        }
        var (holding, from) = Cut();
        var cut = holding.RateFor(Ceiling);
        var (probing, _) = Cut();
        probing.ProbeNow(from);

        Assert.InRange(AfterOneAndAHalfSeconds(holding, from), cut, cut + 3);           // the plateau: about a call/s a second
        Assert.InRange(AfterOneAndAHalfSeconds(probing, from), 2 * cut, 0.75 * Ceiling); // faster and faster, from where it was
    }

    [Fact]
    public void A_share_measured_across_the_last_hold_is_not_trusted_the_cut_is_only_the_fraction()
    {
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 100, 100);
        var cutAt = end + Ms(100);
        c.OnRefused(end, cutAt, Ceiling, "60007"); // to 95
        c.OnAccepted(cutAt + Ms(10), cutAt + Ms(110), Ceiling); // the episode is over
        var before = c.RateFor(Ceiling);

        // Refused again half a second later: the last second held the hold, when only a probe went.
        c.OnRefused(cutAt + Ms(500), cutAt + Ms(600), Ceiling, "60007");
        Assert.Equal(0.95 * before, c.RateFor(Ceiling), 3);
    }

    [Fact]
    public void When_nothing_was_accepted_lately_the_hold_is_long_probes_only()
    {
        var c = new RateController();
        c.OnRefused(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10.1), Ceiling, "60007");
        for (var i = 1; i <= 5; i++) c.OnRefused(TimeSpan.FromSeconds(10.1 + 0.05 * i), TimeSpan.FromSeconds(10.2 + 0.05 * i), Ceiling, "60007");
        Assert.True(c.IsHolding(TimeSpan.FromSeconds(10.9)));
    }

    [Fact]
    public void A_cut_never_takes_more_than_the_deepest_cut_however_small_the_share_looked()
    {
        var c = new RateController();
        // Sending for two seconds, but the service took only 5 a second from us.
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 10, 5);
        Refuse(c, end);
        Assert.Equal(0.3 * Ceiling, c.RateFor(Ceiling), 3);
    }

    [Theory]
    [InlineData(100, 0.95 * Ceiling / 2)] // started with one other: half the window was ours
    [InlineData(90, 0.95 * Ceiling / 2)]  // started a little before the other
    [InlineData(67, Ceiling / 3.0)]       // three started together (the even split, a little under a third, but a third at least)
    [InlineData(45, Ceiling / 3.0)]       // four: at least a third
    public void A_newcomer_refused_within_its_first_second_cuts_to_the_even_split_its_part_of_the_window_suggests(int acceptedFirst, double expected)
    {
        // Processes that start together fill the empty window equally fast, so a newcomer's part of it (what went
        // through before the first refusal) says how many started with it; the cut is at most half the rate.
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), acceptedFirst, 200);
        Refuse(c, end);
        Assert.Equal(expected, c.RateFor(Ceiling), 3);
    }

    [Theory]
    [InlineData(0, 0)]    // refused before anything went through
    [InlineData(20, 0)]   // a few calls got through
    [InlineData(100, 60)] // refused at once after a pause of a minute: the calls before it say nothing of the window now
    public void A_newcomer_that_joined_a_full_window_keeps_a_third_of_its_rate(int acceptedFirst, int pauseSeconds)
    {
        // Others were there before it, so what got through says nothing of how many they are: a third, not a tenth.
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), acceptedFirst, 200);
        Refuse(c, end + TimeSpan.FromSeconds(pauseSeconds));
        Assert.Equal(Ceiling / 3.0, c.RateFor(Ceiling), 3);
    }

    /// <summary>
    /// A start: <paramref name="acceptedFirst"/> calls through at the ceiling, then the first refusal (answered 100 ms
    /// later), then a call sent after the cut goes through (the episode is over). Also returns the rate of the cut.
    /// </summary>
    private static (RateController Controller, TimeSpan RefusedSentAt, double Cut) StartCutAndGoing(int acceptedFirst)
    {
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), acceptedFirst, 200);
        Refuse(c, end);
        var cut = c.RateFor(Ceiling);
        c.OnAccepted(end + Ms(110), end + Ms(210), Ceiling);
        return (c, end, cut);
    }

    [Fact]
    public void While_starting_a_new_refusal_steps_down_to_the_next_even_split_the_same_for_everyone()
    {
        // Two processes' worth of the window, so to half of the ceiling (a little under); the hold ends; then the
        // service refuses again within two windows: more than two started, so a little under the even split of three.
        var (c, end, cut) = StartCutAndGoing(100);
        Assert.Equal(0.95 * Ceiling / 2, cut, 3);
        var second = AcceptMany(c, end + Ms(300), 50, 95);
        Assert.NotNull(Refuse(c, second));
        Assert.Equal(0.95 * Ceiling / 3, c.RateFor(Ceiling), 3);

        // Two windows after the start's first cut, a refusal is an ordinary one again: the fraction or our share.
        c.OnAccepted(second + Ms(110), second + Ms(210), Ceiling);
        var later = AcceptMany(c, end + TimeSpan.FromSeconds(2.5), 64, 63.3);
        var before = c.RateFor(Ceiling);
        Refuse(c, later);
        Assert.InRange(c.RateFor(Ceiling), 0.95 * 62, 0.95 * before + 0.001); // a little under its share, not the split of four
    }

    [Fact]
    public void A_newcomer_that_joined_a_full_window_does_not_step_down_again_a_second_cut_takes_the_fraction_only()
    {
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 10, 200);
        Refuse(c, end); // to a third
        c.OnAccepted(end + Ms(110), end + Ms(210), Ceiling); // a call sent after the cut went through: the episode is over
        var before = c.RateFor(Ceiling);
        c.OnRefused(end + Ms(300), end + Ms(400), Ceiling, "60007");
        Assert.Equal(0.95 * before, c.RateFor(Ceiling), 3);
    }

    [Fact]
    public void A_newcomer_means_a_process_that_has_been_sending_for_less_than_a_second_not_one_that_just_had_a_pause()
    {
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 100, 100);
        Refuse(c, end);
        Assert.InRange(c.RateFor(Ceiling), 0.95 * 99, 0.95 * 100.01); // a second of history: cut to its share

        // Then a pause of a minute (nothing sent), and sending again: the old calls are forgotten, it is new again
        // (30 calls through of a window's 200 at its rate: its first cut as a newcomer, at most half).
        var again = AcceptMany(c, end + TimeSpan.FromSeconds(60), 30, 100);
        var before = c.RateFor(Ceiling);
        Refuse(c, again);
        Assert.Equal(Math.Max(before / 3, Math.Min(before / 2, 0.95 * Ceiling / 7)), c.RateFor(Ceiling), 3);
    }

    [Fact]
    public void Each_refused_probe_doubles_the_wait_for_the_next_up_to_200_ms_and_a_new_cut_starts_again_at_50()
    {
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 100, 100);
        var cutAt = end + Ms(100);
        c.OnRefused(end, cutAt, Ceiling, "60007");
        Assert.Equal(Ms(50), c.ProbeInterval);

        // Calls sent before the cut and refused after it are not probes: no change.
        c.OnRefused(end + Ms(5), cutAt + Ms(5), Ceiling, "60007");
        Assert.Equal(Ms(50), c.ProbeInterval);

        var expected = new[] { 100, 200, 200 };
        for (var i = 0; i < expected.Length; i++)
        {
            var probe = cutAt + Ms(50 * (i + 1));
            Refuse(c, probe);
            Assert.Equal(Ms(expected[i]), c.ProbeInterval);
        }

        // A probe goes through: the episode is over. The next episode's probes start at 50 ms again.
        c.OnAccepted(cutAt + Ms(400), cutAt + Ms(500), Ceiling);
        var later = cutAt + TimeSpan.FromSeconds(5);
        Refuse(c, later);
        Assert.Equal(Ms(50), c.ProbeInterval);
    }

    [Fact]
    public void Refusals_of_calls_sent_before_the_cut_or_during_the_hold_cut_only_once()
    {
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 100, 100);
        Assert.NotNull(Refuse(c, end));
        var afterFirst = c.RateFor(Ceiling);

        // 20 more refusals of calls that were already on their way, then of probes sent while holding.
        for (var i = 1; i <= 20; i++) Assert.Null(c.OnRefused(end + Ms(i), end + Ms(100 + i), Ceiling, "60007"));
        Assert.Null(c.OnRefused(end + Ms(150), end + Ms(250), Ceiling, "60007"));

        Assert.Equal(afterFirst, c.RateFor(Ceiling));
        Assert.True(c.Holding);
    }

    [Fact]
    public void The_hold_ends_when_a_call_sent_after_the_cut_is_accepted_not_before()
    {
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 200, 200);
        var cutAt = end + Ms(100);
        c.OnRefused(end, cutAt, Ceiling, "60007");

        c.OnAccepted(cutAt - Ms(10), cutAt + Ms(90), Ceiling); // sent before the cut: says nothing about the window now
        Assert.True(c.Holding);
        c.OnAccepted(cutAt + Ms(50), cutAt + Ms(150), Ceiling); // a probe sent after the cut went through
        Assert.False(c.Holding);
    }

    [Fact]
    public void After_the_episode_a_new_refusal_cuts_again()
    {
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 200, 200);
        Refuse(c, end);
        var next = AcceptMany(c, end + Ms(200), 190, 190);
        var before = c.RateFor(Ceiling);

        Assert.NotNull(c.OnRefused(next, next + Ms(100), Ceiling, "429"));
        Assert.True(c.RateFor(Ceiling) < before);
    }

    [Fact]
    public void A_refusal_taken_for_timing_that_brings_more_refusals_becomes_a_cut_to_half_the_ceiling()
    {
        var (c, end) = CutAloneAtTheCeiling();
        Assert.Equal(0.98 * Ceiling, c.RateFor(Ceiling), 3); // nearly the whole ceiling was ours: timing

        // A stall bunched calls: five more, all sent before the cut, come back refused. Still timing, nothing said.
        for (var i = 1; i <= 5; i++) Assert.Null(c.OnRefused(end + Ms(i), end + Ms(100 + i), Ceiling, "60007"));
        Assert.Equal(0.98 * Ceiling, c.RateFor(Ceiling), 3);

        // A call sent after the cut is refused too: the window stays full after the stall, so another job fills it.
        // Give way as to one other.
        var cut = end + Ms(100);
        var message = c.OnRefused(cut + Ms(10), cut + Ms(110), Ceiling, "60007");
        Assert.Contains("refused 7 calls in a row", message, StringComparison.Ordinal);
        Assert.Equal(0.95 * Ceiling / 2, c.RateFor(Ceiling), 3);
        // Later refusals of the episode change nothing more.
        Assert.Null(c.OnRefused(cut + Ms(30), cut + Ms(130), Ceiling, "60007"));
        Assert.Equal(0.95 * Ceiling / 2, c.RateFor(Ceiling), 3);
    }

    [Fact]
    public void A_refusal_taken_for_timing_whose_episode_refuses_calls_sent_well_apart_becomes_a_cut_to_half_the_ceiling()
    {
        var (c, end) = CutAloneAtTheCeiling();
        Assert.Equal(0.98 * Ceiling, c.RateFor(Ceiling), 3);

        // The calls that were on their way, sent at the pace (5 ms apart), come back refused. Those sent within half
        // the round trip (100 ms) of the first could be a stall's bunch: still timing.
        for (var i = 1; i <= 9; i++) Assert.Null(c.OnRefused(end + Ms(5 * i), end + Ms(100 + 5 * i), Ceiling, "60007"));
        Assert.Equal(0.98 * Ceiling, c.RateFor(Ceiling), 3);
        // Half a round trip of them: another job keeps the window full until our cut's answer. Give way.
        var message = c.OnRefused(end + Ms(50), end + Ms(150), Ceiling, "60007");
        Assert.Contains("refused 11 calls in a row", message, StringComparison.Ordinal);
        Assert.Equal(0.95 * Ceiling / 2, c.RateFor(Ceiling), 3);
    }

    [Fact]
    public void Over_a_short_round_trip_refusals_sent_25_ms_apart_are_not_taken_for_timing()
    {
        var (c, end) = CutAloneAtTheCeiling(roundTripMs: 20); // half of a 20 ms round trip is under the floor
        Assert.Equal(0.98 * Ceiling, c.RateFor(Ceiling), 3);
        for (var i = 1; i <= 4; i++) Assert.Null(c.OnRefused(end + Ms(5 * i), end + Ms(20 + 5 * i), Ceiling, "60007"));
        Assert.NotNull(c.OnRefused(end + Ms(25), end + Ms(45), Ceiling, "60007"));
        Assert.Equal(0.95 * Ceiling / 2, c.RateFor(Ceiling), 3);
    }

    /// <summary>Calls accepted from <paramref name="from"/> to <paramref name="until"/> at the controller's own rate; returns the time after the last.</summary>
    private static TimeSpan AcceptAtRate(RateController c, TimeSpan from, TimeSpan until)
    {
        var t = from;
        while (t < until && !c.AtCeiling)
        {
            c.OnAccepted(t, t + Ms(100), Ceiling);
            t += TimeSpan.FromSeconds(1 / c.RateFor(Ceiling));
        }
        return t;
    }

    [Fact]
    public void After_a_cut_it_holds_a_little_over_the_cut_then_looks_for_room_and_is_back_at_the_ceiling_within_seconds()
    {
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 100, 100);
        var cutAt = end + Ms(100);
        c.OnRefused(end, cutAt, Ceiling, "60007");
        var cut = c.RateFor(Ceiling); // 95: a little under our share of 100
        c.OnAccepted(cutAt + Ms(10), cutAt + Ms(110), Ceiling); // a probe goes through: the hold is over

        // Within a second it is at the level it holds (2 % over the cut), and holds it: a call/s more each second.
        var t = AcceptAtRate(c, cutAt + Ms(20), cutAt + TimeSpan.FromSeconds(1));
        Assert.InRange(c.RateFor(Ceiling), 1.02 * cut - 0.5, 1.02 * cut + 1.5);
        t = AcceptAtRate(c, t, cutAt + TimeSpan.FromSeconds(3.5));
        Assert.InRange(c.RateFor(Ceiling), 1.02 * cut + 1, 1.02 * cut + 4.5);

        // Then it looks for room others left, faster and faster, and is back at the ceiling a few seconds later.
        string? back = null;
        while (t < cutAt + TimeSpan.FromSeconds(40) && back is null)
        {
            back = c.OnAccepted(t, t + Ms(100), Ceiling);
            t += TimeSpan.FromSeconds(1 / c.RateFor(Ceiling));
        }
        Assert.Equal(Ceiling, c.RateFor(Ceiling));
        Assert.Contains("ceiling of 200", back, StringComparison.Ordinal);
        Assert.InRange((t - cutAt).TotalSeconds, 4.5, 7);
    }

    /// <summary>Calls accepted at the controller's rate from <paramref name="from"/> until it has grown 10 % over the level it holds after the cut at <paramref name="cutAt"/>: seconds since the cut.</summary>
    private static double SecondsUntilGrowth(RateController c, TimeSpan cutAt, TimeSpan from)
    {
        var held = 1.02 * c.RateFor(Ceiling);
        var t = from;
        while (c.RateFor(Ceiling) < 1.1 * held && t < cutAt + TimeSpan.FromSeconds(60))
        {
            c.OnAccepted(t, t + Ms(100), Ceiling);
            t += TimeSpan.FromSeconds(1 / c.RateFor(Ceiling));
        }
        return (t - cutAt).TotalSeconds;
    }

    [Fact]
    public void A_small_share_holds_for_less_time_before_it_looks_for_room()
    {
        // How long after the cut the rate first grows by more than 10 % of the level it held.
        double SecondsToGrowth(int share)
        {
            var c = new RateController();
            var end = AcceptMany(c, TimeSpan.FromSeconds(10), share, share);
            var cutAt = end + Ms(100);
            c.OnRefused(end, cutAt, Ceiling, "60007");
            c.OnAccepted(cutAt + Ms(10), cutAt + Ms(110), Ceiling);
            return SecondsUntilGrowth(c, cutAt, cutAt + Ms(20));
        }

        // 40 of 200 is cut to the deepest cut (60 calls/s) and holds that about 0.6 as long as 100 holds 97 (the hold
        // scales with the level, up to half the ceiling).
        var small = SecondsToGrowth(40);
        var large = SecondsToGrowth(100);
        Assert.True(small < 0.75 * large, $"40 calls/s grew after {small:0.0} s, 100 after {large:0.0} s");
    }

    /// <summary>
    /// Cuts one after another, each after a second at its share (calls/s), each answered 100 ms later and followed by a
    /// probe that goes through: the controller, when the last cut was answered, and when the next call may go.
    /// </summary>
    private static (RateController Controller, TimeSpan CutAt, TimeSpan Next) CutsAt(params int[] shares)
    {
        var c = new RateController();
        var t = TimeSpan.FromSeconds(10);
        foreach (var share in shares)
        {
            t = AcceptMany(c, t, share, share);
            c.OnRefused(t, t + Ms(100), Ceiling, "60007");
            t += Ms(100);
            c.OnAccepted(t + Ms(10), t + Ms(110), Ceiling);
            t += Ms(200);
        }
        return (c, t - Ms(200), t);
    }

    /// <summary>Cuts one after another (<see cref="CutsAt"/>): seconds from the last until the rate grows 10 % over the level it holds.</summary>
    private static double HoldAfterCutsAt(params int[] shares)
    {
        var (c, cutAt, next) = CutsAt(shares);
        return SecondsUntilGrowth(c, cutAt, next);
    }

    [Fact]
    public void A_cut_that_finds_no_more_room_than_the_last_doubles_the_next_hold()
    {
        // Two cuts at the same share: the second came before the rate got well over the level it held, so the room
        // is not there, and the next look for room waits twice as long.
        var first = HoldAfterCutsAt(100);
        var second = HoldAfterCutsAt(100, 100);
        Assert.InRange(second / first, 1.6, 2.4);
    }

    [Fact]
    public void A_cut_that_came_after_the_rate_got_well_over_the_level_it_held_found_room_and_the_next_hold_is_not_doubled()
    {
        // The second cut came at a share of 150, well over the 97 held after the first: that room was there, so the
        // next look for room waits no longer than after the first cut.
        var first = HoldAfterCutsAt(100);
        var second = HoldAfterCutsAt(100, 150);
        Assert.InRange(second / first, 0.8, 1.25);
    }

    [Fact]
    public void After_a_cut_that_found_no_more_room_it_creeps_up_under_the_highest_level_refused_not_back_to_it()
    {
        // Beside a client that never gives way (the app's backend) the service refuses at the same level cut after cut.
        // Creeping back to it fills the window a call at a time, and the service refuses the other client's calls long
        // before one of ours; so after a cut that found no more room the hold keeps under 98 % of that level.
        var c = new RateController();
        var t = AcceptMany(c, TimeSpan.FromSeconds(10), 100, 100);
        Refuse(c, t); // 100 of the window were ours: the level refused
        c.OnAccepted(t + Ms(110), t + Ms(210), Ceiling);
        t = AcceptMany(c, t + Ms(120), 100, 100);
        Refuse(c, t); // no more room than the last time: a fruitless cut
        var cutAt = t + Ms(100);
        c.OnAccepted(cutAt + Ms(10), cutAt + Ms(110), Ceiling);
        var held = c.RateFor(Ceiling);
        Assert.True(held < 95, $"{held:0.0} calls/s after the cut");

        t = AcceptAtRate(c, cutAt + Ms(20), cutAt + TimeSpan.FromSeconds(7)); // the hold lasts 8 s
        Assert.InRange(c.RateFor(Ceiling), 97, 98.05);

        // A cut at a lower level (90 got through) does not lower that: the hold creeps back over 90, to under 98 again,
        // so a job whose calls happen to be refused a few times in a row is not ratcheted down cut by cut.
        t = AcceptMany(c, t, 90, 90);
        Refuse(c, t);
        cutAt = t + Ms(100);
        c.OnAccepted(cutAt + Ms(10), cutAt + Ms(110), Ceiling);
        Assert.True(c.RateFor(Ceiling) < 88, $"{c.RateFor(Ceiling):0.0} calls/s after the lower cut");
        AcceptAtRate(c, cutAt + Ms(20), cutAt + TimeSpan.FromSeconds(10));
        Assert.InRange(c.RateFor(Ceiling), 93, 98.05);
    }

    [Fact]
    public void After_a_cut_that_found_room_a_fruitless_cut_keeps_under_the_level_refused_since_not_an_older_higher_one()
    {
        // Refused at 160 a second of ours, then at 120 (well over the 97 held after that cut: room found, and the
        // service refused us at the 97 we sent then), then at 95 (no more room). The hold keeps under 98 % of the 97
        // refused since the cut that found room, not of the 160 before it.
        var (c, cutAt, next) = CutsAt(160, 120, 95);
        AcceptAtRate(c, next, cutAt + TimeSpan.FromSeconds(7));
        Assert.InRange(c.RateFor(Ceiling), 94, 96);
    }

    [Fact]
    public void RefusingSince_is_the_first_refusal_since_the_last_acceptance()
    {
        var c = new RateController();
        c.OnRefused(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.1), Ceiling, "60007");
        c.OnRefused(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.1), Ceiling, "60007");
        Assert.Equal(TimeSpan.FromSeconds(1.1), c.RefusingSince);
        c.OnAccepted(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.1), Ceiling);
        Assert.Null(c.RefusingSince);
    }

    [Fact]
    public void The_rate_never_exceeds_a_lower_ceiling_given_later()
    {
        var c = new RateController();
        Assert.Equal(50, c.RateFor(50));
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 200, 200);
        Refuse(c, end);
        Assert.Equal(20, c.RateFor(20));
    }

    [Fact]
    public void However_many_calls_the_episode_refuses_the_hold_ends_a_window_after_the_last_refusal()
    {
        // Nothing went through lately: at the lowest rate each refused call would take the service 1.5 s to forget,
        // but it forgets every call within its window.
        var c = new RateController();
        c.OnRefused(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10.1), Ceiling, "60007");
        c.OnRefused(TimeSpan.FromSeconds(10.05), TimeSpan.FromSeconds(10.3), Ceiling, "60007");
        Assert.True(c.IsHolding(TimeSpan.FromSeconds(11.29)));
        Assert.False(c.IsHolding(TimeSpan.FromSeconds(11.31)));
    }

    [Fact]
    public void After_a_timing_cut_becomes_a_cut_to_half_it_returns_to_a_little_over_half_not_to_the_ceiling()
    {
        var (c, end) = CutAloneAtTheCeiling();
        var cut = end + Ms(100);
        c.OnRefused(cut + Ms(10), cut + Ms(110), Ceiling, "60007"); // a call sent after the cut is refused: to half
        var half = c.RateFor(Ceiling);
        c.OnAccepted(cut + Ms(150), cut + Ms(250), Ceiling); // then a probe goes through

        // Within a second it is at the level it holds, 2 % over half, as after any cut.
        AcceptAtRate(c, cut + Ms(260), cut + TimeSpan.FromSeconds(1.25));
        Assert.InRange(c.RateFor(Ceiling), 1.02 * half - 0.3, 1.02 * half + 1.5);
    }

    [Fact]
    public void After_a_pause_a_newcomers_first_cut_keeps_at_most_half_its_rate()
    {
        // Cut to about 95 calls/s, then a pause of a minute; sending again it got 85 calls through in 0.9 s when
        // refused. That part of the window suggests two started together, an even split of 95, but a newcomer's first
        // cut keeps at most half its rate.
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 100, 100);
        Refuse(c, end);
        var again = AcceptMany(c, end + TimeSpan.FromSeconds(60), 85, 95);
        var before = c.RateFor(Ceiling);
        Refuse(c, again);
        Assert.Equal(before / 2, c.RateFor(Ceiling), 3);
    }

    [Fact]
    public void Three_started_together_and_refused_again_right_after_the_hold_step_down_to_a_quarter()
    {
        // Three processes' worth of the window: cut to a third. A probe goes through, and the very next call is refused
        // within the start's two windows: more than three started, so a little under a quarter.
        var (c, end, cut) = StartCutAndGoing(67);
        Assert.Equal(Ceiling / 3.0, cut, 3);
        Assert.NotNull(Refuse(c, end + Ms(120)));
        Assert.Equal(0.95 * Ceiling / 4, c.RateFor(Ceiling), 3);
    }

    [Fact]
    public void On_the_board_a_refusal_never_raises_the_rate_a_newcomer_under_its_part_keeps_at_most_95_percent()
    {
        // Cut to 57 calls/s (its share then, beside someone the board does not know), a pause of a minute, and sending
        // again at that rate on a board whose jobs filled the service's window (98 %, of a part of 100): refused, it
        // keeps 95 % of its rate, not more.
        var c = new RateController();
        var end = AcceptMany(c, TimeSpan.FromSeconds(10), 120, 60);
        c.OnRefused(end, end + Ms(100), 100, "60007", limit: Ceiling, boardFill: 0.6);
        var again = AcceptMany(c, end + TimeSpan.FromSeconds(60), 20, 57);
        var before = c.RateFor(100);
        Assert.True(before < 60, $"{before:0.0} calls/s before");
        c.OnRefused(again, again + Ms(100), 100, "60007", limit: Ceiling, boardFill: 0.98);
        Assert.Equal(0.95 * before, c.RateFor(100), 3);
    }
}

