using System.Text;
using TencentChatFollow.Session;
using Xunit;

namespace TencentChatFollow.Tests.Session;

public class SecretKeySigSourceTests
{
    private const string Key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static SecretKeySigSource Make(TimeSpan? validity = null)
        => new(1400000000, "administrator", Encoding.UTF8.GetBytes(Key), validity);

    [Fact]
    public void The_sig_is_made_for_the_app_identifier_and_key_with_the_validity_as_expire()
    {
        var source = Make();
        var sig = source.Current(T0);

        var f = SigInspector.Open(sig);
        Assert.Equal(1400000000u, f.SdkAppId);
        Assert.Equal("administrator", f.Identifier);
        Assert.Equal(T0.ToUnixTimeSeconds(), f.Time);
        Assert.Equal(86400, f.Expire);
        Assert.True(SigInspector.MadeWithKey(sig, Key));
        Assert.False(SigInspector.MadeWithKey(sig, Key.ToUpperInvariant()));
        Assert.True(source.CanRenew);
    }

    [Fact]
    public void ExpiresAt_is_unknown_before_the_first_sig_then_issue_time_plus_validity()
    {
        var source = Make();
        Assert.Null(source.ExpiresAt);

        source.Current(T0.AddMilliseconds(700));
        Assert.Equal(T0.AddDays(1), source.ExpiresAt); // TLS.time is whole seconds

        var f = SigInspector.Open(source.Current(T0.AddMilliseconds(700)));
        Assert.Equal(source.ExpiresAt, DateTimeOffset.FromUnixTimeSeconds(f.Time + f.Expire));
    }

    [Fact]
    public void The_same_sig_is_reused_until_three_quarters_of_the_validity_have_gone()
    {
        var source = Make();
        var first = source.Current(T0);

        Assert.Equal(first, source.Current(T0.AddHours(1)));
        Assert.Equal(first, source.Current(T0.AddHours(18).AddSeconds(-1)));
        Assert.Equal(T0.AddDays(1), source.ExpiresAt);

        var renewed = source.Current(T0.AddHours(18));
        Assert.NotEqual(first, renewed);
        Assert.Equal(T0.AddHours(18).ToUnixTimeSeconds(), SigInspector.Open(renewed).Time);
        Assert.Equal(T0.AddHours(42), source.ExpiresAt);
    }

    [Fact]
    public void Renewal_follows_a_custom_validity()
    {
        var source = Make(TimeSpan.FromHours(4));
        var first = source.Current(T0);
        Assert.Equal(4 * 3600, SigInspector.Open(first).Expire);
        Assert.Equal(first, source.Current(T0.AddHours(3).AddSeconds(-1)));
        Assert.NotEqual(first, source.Current(T0.AddHours(3)));
    }

    [Fact]
    public void A_clock_far_past_expiry_gets_a_new_sig()
    {
        var source = Make();
        var first = source.Current(T0);
        var later = source.Current(T0.AddDays(30));
        Assert.NotEqual(first, later);
        Assert.Equal(T0.AddDays(31), source.ExpiresAt);
    }

    [Fact]
    public void Invalidate_forces_a_new_sig_at_the_next_call()
    {
        var source = Make();
        var first = source.Current(T0);
        var now = T0.AddHours(2);
        Assert.Equal(first, source.Current(now));

        source.Invalidate();
        Assert.Null(source.ExpiresAt);

        var renewed = source.Current(now);
        Assert.NotEqual(first, renewed);
        Assert.Equal(now.ToUnixTimeSeconds(), SigInspector.Open(renewed).Time);
        Assert.Equal(now.AddDays(1), source.ExpiresAt);
        Assert.True(SigInspector.MadeWithKey(renewed, Key));
    }

    [Fact]
    public void Threads_that_reach_the_renewal_together_get_one_new_sig_whole_and_the_expiry_that_goes_with_it()
    {
        // Thread jobs and ForEach-Object -Parallel share one session: at the renewal moment they must not each make a sig.
        var source = Make();
        var first = source.Current(T0);
        var at = T0.AddHours(18);
        var seen = new string[64];
        using var go = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, seen.Length).Select(i => new Thread(() => { go.Wait(); seen[i] = source.Current(at.AddMilliseconds(i)); })).ToList();
        threads.ForEach(t => t.Start());
        go.Set();
        threads.ForEach(t => t.Join());

        var renewed = Assert.Single(seen.Distinct());
        Assert.NotEqual(first, renewed);
        Assert.True(SigInspector.MadeWithKey(renewed, Key));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(SigInspector.Open(renewed).Time + SigInspector.Open(renewed).Expire), source.ExpiresAt);
    }
}
