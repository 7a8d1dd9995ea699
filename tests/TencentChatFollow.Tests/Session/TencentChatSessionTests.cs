using System.Text;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;
using Xunit;

namespace TencentChatFollow.Tests.Session;

public class TencentChatSessionTests
{
    private const string Key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    private static ISigSource Sig(uint app) => new SecretKeySigSource(app, "administrator", Encoding.UTF8.GetBytes(Key));

    [Fact]
    public void Constructor_validates_its_arguments()
    {
        var endpoint = new Uri("https://console.tim.qq.com/");
        Assert.Throws<ArgumentException>(() => new TencentChatSession(3_998_000_001, " ", endpoint, null, Sig(3_998_000_001)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TencentChatSession(3_998_000_001, "administrator", endpoint, null, Sig(3_998_000_001), maxRequestsPerSecond: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TencentChatSession(3_998_000_001, "administrator", endpoint, null, Sig(3_998_000_001), maxRetry: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TencentChatSession(3_998_000_001, "administrator", endpoint, null, Sig(3_998_000_001), retryTimeout: TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TencentChatSession(3_998_000_001, "administrator", endpoint, null, Sig(3_998_000_001), retryTimeout: TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1)));
        var ok = new TencentChatSession(3_998_000_001, "administrator", endpoint, null, Sig(3_998_000_001), maxRequestsPerSecond: 1, maxRetry: 0);
        Assert.Equal(TencentChatSession.DefaultTimeout, ok.Timeout);
        Assert.Equal(TencentChatSession.DefaultRetryTimeout, ok.RetryTimeout);
        var patient = new TencentChatSession(3_998_000_001, "administrator", endpoint, null, Sig(3_998_000_001), retryTimeout: TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(5), patient.RetryTimeout);
    }

    [Fact]
    public void Sessions_of_one_app_and_endpoint_share_each_APIs_rate_limiter_and_other_apps_APIs_and_endpoints_do_not()
    {
        const string info = "v4/follow/follow_get_info";
        var endpoint = new Uri("https://console.tim.qq.com/");
        var a = new TencentChatSession(3_998_000_002, "administrator", endpoint, null, Sig(3_998_000_002));
        var b = new TencentChatSession(3_998_000_002, "other_admin", endpoint, null, Sig(3_998_000_002));
        var c = new TencentChatSession(3_998_000_003, "administrator", endpoint, null, Sig(3_998_000_003));
        var d = new TencentChatSession(3_998_000_002, "administrator", new Uri("https://adminapisgp.im.qcloud.com/"), null, Sig(3_998_000_002));

        Assert.Same(a.LimiterFor(info), b.LimiterFor(info));
        Assert.Same(RateLimiterRegistry.Shared.For(endpoint, 3_998_000_002, info), a.LimiterFor(info));
        Assert.Same(a.LimiterFor(info), a.LimiterFor("/v4/follow/follow_get_info/")); // one name however it is written
        Assert.NotSame(a.LimiterFor(info), a.LimiterFor("v4/follow/follow_check"));
        Assert.Same(a.LimiterFor(info).App, a.LimiterFor("v4/follow/follow_check").App); // the app-wide cap is shared
        Assert.NotSame(a.LimiterFor(info), c.LimiterFor(info));
        Assert.NotSame(a.LimiterFor(info), d.LimiterFor(info));
        Assert.Same(a.Http, c.Http); // same endpoint: the keep-alive connections are shared
    }

    [Fact]
    public void The_ceiling_is_the_commands_cap_else_the_sessions_given_one_else_the_APIs_published_limit()
    {
        var endpoint = new Uri("https://console.tim.qq.com/");
        var plain = new TencentChatSession(3_998_000_005, "administrator", endpoint, null, Sig(3_998_000_005));
        Assert.Equal(200, plain.MaxRequestsPerSecond);
        Assert.Equal(200, plain.CeilingFor("v4/follow/follow_check"));
        Assert.Equal(100, plain.CeilingFor("v4/im_open_login_svc/account_check"));
        Assert.Equal(KnownRateLimits.UnknownApiLimit, plain.CeilingFor("v4/group_open_http_svc/get_group_info"));
        Assert.Equal(30, plain.CeilingFor("v4/follow/follow_check", 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => plain.CeilingFor("v4/follow/follow_check", 0));

        var lowered = new TencentChatSession(3_998_000_005, "administrator", endpoint, null, Sig(3_998_000_005), maxRequestsPerSecond: 50);
        Assert.Equal(50, lowered.CeilingFor("v4/follow/follow_check"));
        Assert.Equal(50, lowered.CeilingFor("v4/im_open_login_svc/account_check"));
        Assert.Equal(20, lowered.CeilingFor("v4/im_open_login_svc/account_check", 20));
    }

    [Fact]
    public void The_session_reads_the_time_it_connected_from_its_clock()
    {
        var clock = new TencentChatFollow.Tests.Execution.InstantClock(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var session = new TencentChatSession(3_998_000_006, "administrator", new Uri("https://console.tim.qq.com/"), null, Sig(3_998_000_006), clock: clock);
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero), session.ConnectedAt);
        Assert.NotSame(RateLimiterRegistry.Shared, session.Limiters); // a test clock: limiters of its own, paced on it
        Assert.Same(clock, session.Limiters.Clock);
    }

    [Fact]
    public void ToString_names_the_app_and_host_and_no_credentials()
    {
        var sigSource = Sig(3_998_000_004);
        var session = new TencentChatSession(3_998_000_004, "administrator", new Uri("https://adminapisgp.im.qcloud.com/"), null, sigSource);
        var sig = sigSource.Current(DateTimeOffset.UtcNow);

        var text = session.ToString();

        Assert.Contains("3998000004", text, StringComparison.Ordinal);
        Assert.Contains("administrator", text, StringComparison.Ordinal);
        Assert.Contains("adminapisgp.im.qcloud.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain(sig, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
    }
}
