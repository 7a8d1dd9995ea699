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
    public void Sessions_of_one_app_share_the_rate_limiter_and_other_apps_do_not()
    {
        var endpoint = new Uri("https://console.tim.qq.com/");
        var a = new TencentChatSession(3_998_000_002, "administrator", endpoint, null, Sig(3_998_000_002));
        var b = new TencentChatSession(3_998_000_002, "other_admin", endpoint, null, Sig(3_998_000_002));
        var c = new TencentChatSession(3_998_000_003, "administrator", endpoint, null, Sig(3_998_000_003));

        Assert.Same(a.Limiter, b.Limiter);
        Assert.Same(RateLimiter.ForApp(3_998_000_002), a.Limiter);
        Assert.NotSame(a.Limiter, c.Limiter);
        Assert.Same(a.Http, c.Http); // same endpoint: the keep-alive connections are shared
    }

    [Fact]
    public void ToString_names_the_app_and_host_and_no_credentials()
    {
        var sigSource = Sig(3_998_000_004);
        var session = new TencentChatSession(3_998_000_004, "administrator", new Uri("https://adminapisgp.im.qcloud.com/"), null, sigSource);
        var sig = sigSource.Current(DateTimeOffset.UtcNow);

        var text = session.ToString();

        Assert.Contains("3998000004", text);
        Assert.Contains("administrator", text);
        Assert.Contains("adminapisgp.im.qcloud.com", text);
        Assert.DoesNotContain(sig, text);
        Assert.DoesNotContain(Key, text);
    }
}
