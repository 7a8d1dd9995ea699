using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>A passing fault told from an outage, and the probes of an outage spaced out: one app at one endpoint.</summary>
public class OutageWatchTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>A watch that has seen the service answer, then <see cref="OutageWatch.OutageAfter"/> failures from 1 s on: down since 3 s.</summary>
    private static OutageWatch DownSince3s()
    {
        var watch = new OutageWatch();
        watch.Answered();
        for (var i = 1; i <= OutageWatch.OutageAfter; i++) watch.Failed(S(i - 0.5), S(i));
        Assert.True(watch.Down);
        return watch;
    }

    [Fact]
    public void Only_a_failed_probe_spaces_the_next_one_out_not_a_call_sent_before_the_outage_began()
    {
        var watch = DownSince3s();
        Assert.Equal(OutageWatch.FirstProbe, watch.ProbeInterval);

        // Calls that were on the wire when the outage was seen fail too: they are not probes.
        watch.Failed(S(2.9), S(4));
        watch.Failed(S(1), S(5));
        Assert.Equal(OutageWatch.FirstProbe, watch.ProbeInterval);

        // A probe (sent in the outage) that fails doubles the wait, up to the longest.
        watch.Failed(S(6), S(6.5));
        Assert.Equal(OutageWatch.FirstProbe * 2, watch.ProbeInterval);
        for (var i = 0; i < 10; i++) watch.Failed(S(7 + i), S(7.5 + i));
        Assert.Equal(OutageWatch.LongestProbe, watch.ProbeInterval);

        // Any answer ends the outage and the next one starts from the first probe again.
        watch.Answered();
        Assert.False(watch.Down);
        Assert.Equal(OutageWatch.FirstProbe, watch.ProbeInterval);
    }

    [Fact]
    public void Failures_before_the_service_ever_answered_are_no_outage_and_the_failing_time_counts_from_the_first()
    {
        var watch = new OutageWatch();
        var state = default(OutageState);
        for (var i = 1; i <= 5; i++) state = watch.Failed(S(i - 0.5), S(i));
        Assert.False(watch.Down);
        Assert.False(state.Down);
        Assert.Equal(S(4), state.FailingFor);
    }
}
