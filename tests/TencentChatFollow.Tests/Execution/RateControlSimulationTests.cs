using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// The control loop against a simulated app quota (<see cref="QuotaSimulation"/>: 200 calls/s counted over any sliding
/// second, refused calls too, 100 ms round trips), with the real limiter and controller on a fake clock: convergence
/// time, fairness and the share of calls refused, for one client, several, a late joiner and a neighbour that never
/// adapts. Deterministic: a fixed seed, no threads, no sleeps.
/// </summary>
public class RateControlSimulationTests(ITestOutputHelper output)
{
    private static double Total(QuotaSimulation sim, int fromSecond, int toSecond)
        => sim.AcceptedPerSecond.Skip(fromSecond).Take(toSecond - fromSecond).Average();

    private static double RefusedShare(QuotaSimulation sim)
        => (double)sim.Clients.Sum(c => c.Refused) / sim.Clients.Sum(c => c.Sent);

    /// <summary>
    /// The first second from which every later 5-second stretch averages at least <paramref name="share"/> of the limit
    /// (a refusal episode costs a dip of a few tenths of a second; settling means no more deep or long ones).
    /// </summary>
    private static int SettledFrom(QuotaSimulation sim, double share, int until)
    {
        var settled = until;
        for (var s = until - 5; s >= 0 && sim.AcceptedPerSecond.Skip(s).Take(5).Average() >= share * sim.Limit; s--) settled = s;
        return settled;
    }

    private void Show(QuotaSimulation sim)
    {
        output.WriteLine("total/s: " + string.Join(",", sim.AcceptedPerSecond));
        foreach (var c in sim.Clients) output.WriteLine($"{c.Name}: accepted {c.Accepted}, refused {c.Refused}; per second " + string.Join(",", c.AcceptedPerSecond));
        foreach (var m in sim.Clients[0].Messages.Take(10)) output.WriteLine(m);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Alone_it_runs_at_the_ceiling_and_is_never_refused(bool sliding)
    {
        var sim = new QuotaSimulation(seed: 1, sliding: sliding);
        var module = sim.AddModule("alone");
        sim.RunUntil(30_000);
        Show(sim);

        Assert.Equal(0, module.Refused);
        Assert.True(Total(sim, 1, 30) >= 0.97 * sim.Limit, $"{Total(sim, 1, 30)} calls/s");
        Assert.Empty(module.Messages);
    }

    [Fact]
    public void Two_clients_started_together_settle_within_seconds_on_fair_shares_of_nearly_the_whole_quota()
    {
        var sim = new QuotaSimulation(seed: 2);
        var a = sim.AddModule("a");
        var b = sim.AddModule("b", startMs: 300);
        sim.RunUntil(40_000);
        Show(sim);

        var settled = SettledFrom(sim, 0.85, 40);
        output.WriteLine($"settled from second {settled}; together {Total(sim, 5, 40):0} calls/s; refused {RefusedShare(sim):P2}");
        Assert.True(settled <= 8, $"settled from second {settled}");
        Assert.True(Total(sim, 5, 40) >= 0.9 * sim.Limit, $"{Total(sim, 5, 40)} calls/s together");
        Assert.True(RefusedShare(sim) <= 0.02, $"{RefusedShare(sim):P2} refused");
        var (ra, rb) = (a.RateBetween(5, 40), b.RateBetween(5, 40));
        Assert.True(Math.Min(ra, rb) >= 0.7 * (ra + rb) / 2, $"shares {ra:0} and {rb:0} calls/s");
    }

    [Fact]
    public void Three_clients_started_together_share_the_quota()
    {
        var sim = new QuotaSimulation(seed: 3);
        var clients = new[] { sim.AddModule("a"), sim.AddModule("b", startMs: 200), sim.AddModule("c", startMs: 600) };
        sim.RunUntil(40_000);
        Show(sim);

        var settled = SettledFrom(sim, 0.88, 40);
        output.WriteLine($"settled from second {settled}; together {Total(sim, 5, 40):0} calls/s; refused {RefusedShare(sim):P2}");
        Assert.True(settled <= 4, $"settled from second {settled}");
        Assert.True(Total(sim, 5, 40) >= 0.91 * sim.Limit, $"{Total(sim, 5, 40)} calls/s together");
        Assert.True(RefusedShare(sim) <= 0.035, $"{RefusedShare(sim):P2} refused");
        var rates = clients.Select(c => c.RateBetween(5, 40)).ToList();
        Assert.True(rates.Min() >= 0.65 * rates.Average(), "shares " + string.Join(", ", rates.Select(r => r.ToString("0", CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void A_client_joining_late_gets_a_fair_share_within_half_a_minute()
    {
        var sim = new QuotaSimulation(seed: 5);
        var first = sim.AddModule("first");
        var late = sim.AddModule("late", startMs: 10_000);
        sim.RunUntil(60_000);
        Show(sim);

        Assert.True(Total(sim, 2, 10) >= 0.97 * sim.Limit); // alone before the newcomer
        Assert.True(late.RateBetween(11, 15) >= 20, $"the newcomer got {late.RateBetween(11, 15):0} calls/s at first");
        var (rf, rl) = (first.RateBetween(40, 60), late.RateBetween(40, 60));
        Assert.True(rl >= 0.7 * (rf + rl) / 2, $"shares {rf:0} and {rl:0} calls/s after half a minute");
        Assert.True(Total(sim, 12, 60) >= 0.88 * sim.Limit, $"{Total(sim, 12, 60)} calls/s together");
        // Most of them while the first, alone at the ceiling until then, takes the newcomer's first refusals for timing.
        Assert.True(RefusedShare(sim) <= 0.025, $"{RefusedShare(sim):P2} refused");
    }

    [Fact]
    public void Beside_a_neighbour_that_never_adapts_it_takes_most_of_what_is_left()
    {
        var sim = new QuotaSimulation(seed: 4);
        var module = sim.AddModule("module");
        var neighbour = sim.AddNeighbour("neighbour", 100);
        sim.RunUntil(40_000);
        Show(sim);

        Assert.True(module.RateBetween(5, 40) >= 0.88 * (sim.Limit - 100), $"{module.RateBetween(5, 40):0} calls/s of the 100 left");
        Assert.True(neighbour.RateBetween(5, 40) >= 0.95 * 100, $"the neighbour kept {neighbour.RateBetween(5, 40):0} calls/s");
        Assert.True(RefusedShare(sim) <= 0.035, $"{RefusedShare(sim):P2} refused");
    }

    [Fact]
    public void When_the_others_leave_it_climbs_back_to_the_ceiling()
    {
        var sim = new QuotaSimulation(seed: 6);
        var stays = sim.AddModule("stays");
        sim.AddModule("leaves", calls: 2000);
        sim.RunUntil(60_000);
        Show(sim);

        var left = sim.Clients[1].DoneAtMs!.Value;
        Assert.True(left < 25_000);
        var back = stays.AcceptedPerSecond.FindIndex((int)(left / 1000) + 1, n => n >= 0.97 * sim.Limit);
        Assert.True(back > 0 && back - left / 1000 <= 20, $"back at the ceiling {back - left / 1000} s after the other left");
        Assert.Contains(stays.Messages, m => m.Contains("back at the ceiling", StringComparison.Ordinal));
    }
}
