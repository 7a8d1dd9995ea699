using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// The registry and the scopes of a refusal, on a fake clock: one limiter per endpoint, app and API; 60007 cuts only
/// its API, 60011 (the app's frequency) every API of the app and no other app; the known limits; Reset.
/// </summary>
public class RateLimiterRegistryTests
{
    private const string Info = "v4/follow/follow_get_info";
    private const string Check = "v4/follow/follow_check";
    private static readonly Uri Endpoint = new("https://console.tim.qq.com/");

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>
    /// Every API in <paramref name="limiters"/> takes its turns as they come, for <paramref name="span"/> of fake time in
    /// 1 ms steps; the calls of <paramref name="answered"/> are accepted a 100 ms round trip after they went (the last
    /// of them in the 100 ms after the span).
    /// </summary>
    private static Dictionary<RateLimiter, List<RateSlot>> RunAnswering(ManualClock clock, TimeSpan span, RateLimiter? answered, params RateLimiter[] limiters)
    {
        var slots = limiters.ToDictionary(l => l, _ => new List<RateSlot>());
        var end = clock.Elapsed + span;
        var next = 0;
        while (clock.Elapsed < end + (answered is null ? TimeSpan.Zero : Ms(100)))
        {
            for (; answered is not null && next < slots[answered].Count && slots[answered][next].SentAt + Ms(100) <= clock.Elapsed; next++) answered.Accepted(slots[answered][next], 200);
            if (clock.Elapsed < end)
                foreach (var limiter in limiters)
                    while (limiter.TryAcquire(200, TimeSpan.MaxValue, out var slot, out _)) slots[limiter].Add(slot);
            clock.Advance(Ms(1));
        }
        return slots;
    }

    private static Dictionary<RateLimiter, List<RateSlot>> Run(ManualClock clock, TimeSpan span, params RateLimiter[] limiters) => RunAnswering(clock, span, null, limiters);

    /// <summary>The service accepted every other call (the app's quota is shared by two), then refused the last with <paramref name="code"/>.</summary>
    private static string? HalfAcceptedThenRefused(RateLimiter limiter, List<RateSlot> slots, string code)
    {
        for (var i = 0; i < slots.Count - 1; i += 2) limiter.Accepted(slots[i], 200);
        return limiter.Refused(slots[^1], 200, code);
    }

    [Fact]
    public void Two_APIs_each_run_at_their_own_ceiling_at_once()
    {
        var clock = new ManualClock();
        var registry = new RateLimiterRegistry(clock);
        var (info, check) = (registry.For(Endpoint, 1, Info), registry.For(Endpoint, 1, Check));

        var slots = Run(clock, TimeSpan.FromSeconds(2), info, check);

        // 200 per 1.01 s each: about 396 in 2 s, not half of that.
        Assert.InRange(slots[info].Count, 390, 400);
        Assert.InRange(slots[check].Count, 390, 400);
    }

    [Fact]
    public void A_60007_on_one_API_cuts_that_API_only()
    {
        var clock = new ManualClock();
        var registry = new RateLimiterRegistry(clock);
        var (info, check) = (registry.For(Endpoint, 1, Info), registry.For(Endpoint, 1, Check));
        var slots = RunAnswering(clock, TimeSpan.FromSeconds(1), check, info, check); // check's calls answered as they come back

        var message = HalfAcceptedThenRefused(info, slots[info], "60007");

        Assert.Contains("the app's follow_get_info quota is shared; slowing from 200 to", message, StringComparison.Ordinal);
        Assert.InRange(info.CurrentRate(200), 0, 199);
        Assert.Equal(200, check.CurrentRate(200));
        var after = Run(clock, TimeSpan.FromSeconds(1), info, check);
        Assert.InRange(after[check].Count, 195, 200);
        Assert.InRange(after[info].Count, 1, 120);
    }

    [Fact]
    public void A_60011_cuts_every_API_of_the_app_together_and_no_other_app()
    {
        var clock = new ManualClock();
        var registry = new RateLimiterRegistry(clock);
        var (info, check) = (registry.For(Endpoint, 1, Info), registry.For(Endpoint, 1, Check));
        var otherApp = registry.For(Endpoint, 2, Info);
        var slots = Run(clock, TimeSpan.FromSeconds(1), info, check, otherApp);
        clock.Advance(Ms(100));

        // The app's quota took 200 of the 400 sent (half of each API's calls), then refused one for the app's frequency.
        for (var i = 0; i < slots[check].Count; i += 2) check.Accepted(slots[check][i], 200);
        var message = HalfAcceptedThenRefused(info, slots[info], "60011");

        Assert.Contains("(60011): the app's quota for all APIs together is shared; slowing from 400 to", message, StringComparison.Ordinal);
        Assert.Equal(0, info.CurrentRate(200)); // both hold back, one probe at a time for the app
        Assert.Equal(0, check.CurrentRate(200));
        Assert.Equal(200, otherApp.CurrentRate(200));

        // Both APIs together now go at about the app's cut rate, not each at its ceiling.
        var after = Run(clock, TimeSpan.FromSeconds(2), info, check, otherApp);
        var both = after[info].Count + after[check].Count;
        Assert.InRange(both, 100, 2 * 200);
        Assert.True(after[info].Count > 20 && after[check].Count > 20, $"{after[info].Count} and {after[check].Count}: both APIs still get turns");
        Assert.InRange(after[otherApp].Count, 390, 400);
    }

    [Fact]
    public void Reset_forgets_what_the_limiters_learned()
    {
        var clock = new ManualClock();
        var registry = new RateLimiterRegistry(clock);
        var info = registry.For(Endpoint, 1, Info);
        var slots = Run(clock, TimeSpan.FromSeconds(1), info);
        HalfAcceptedThenRefused(info, slots[info], "60007");
        Assert.InRange(info.CurrentRate(200), 0, 199);
        Assert.Same(info, registry.For(Endpoint, 1, Info));

        registry.Reset();

        var fresh = registry.For(Endpoint, 1, Info);
        Assert.NotSame(info, fresh);
        Assert.Equal(200, fresh.CurrentRate(200));
    }

    [Fact]
    public void The_registry_keys_by_endpoint_app_and_API()
    {
        var registry = new RateLimiterRegistry(new ManualClock());
        var a = registry.For(Endpoint, 1, Info);
        Assert.Same(a, registry.For(new Uri("https://CONSOLE.tim.qq.com/v4/"), 1, "/" + Info + "/"));
        Assert.Same(a, registry.For(Endpoint, 1, "follow/follow_get_info"));
        Assert.NotSame(a, registry.For(Endpoint, 2, Info));
        Assert.NotSame(a, registry.For(new Uri("https://adminapisgp.im.qcloud.com/"), 1, Info));
        Assert.NotSame(a, registry.For(Endpoint, 1, Check));
        Assert.Equal(Info, a.Api);
    }

    [Theory]
    [InlineData(Info, 200)]
    [InlineData(Check, 200)]
    [InlineData("v4/follow/follow_add", 200)]
    [InlineData("v4/follow/follow_delete", 200)]
    [InlineData("v4/follow/follow_get", 200)]
    [InlineData("v4/im_open_login_svc/account_check", 100)]
    [InlineData("v4/group_open_http_svc/get_group_info", KnownRateLimits.UnknownApiLimit)]
    public void Known_limits_are_each_APIs_published_one_and_an_unknown_API_gets_the_default(string api, int limit)
    {
        Assert.Equal(limit, KnownRateLimits.For(api));
        Assert.Equal(100, KnownRateLimits.UnknownApiLimit);
    }

    [Theory]
    [InlineData("60007", false)]
    [InlineData("HTTP 429", false)]
    [InlineData("60011", true)]
    [InlineData("60018", true)]
    [InlineData("60019", true)]
    public void A_refusal_names_its_scope(string reason, bool app) => Assert.Equal(app ? ThrottleScope.App : ThrottleScope.Api, KnownRateLimits.ScopeOf(reason));
}
