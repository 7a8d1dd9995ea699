using System;
using System.Collections.Concurrent;

namespace TencentChatFollow.Execution;

/// <summary>
/// The process's rate limiters, keyed by endpoint, SDKAppID and API: every session, cmdlet call and runspace that
/// calls the same API of the same app at the same endpoint draws from one <see cref="RateLimiter"/>, and the app's
/// APIs share one <see cref="AppRateLimits"/> (the app-wide cap, the outage watch). <see cref="Shared"/> paces on the
/// wall clock; a session on a test clock gets a registry of its own, and <see cref="Reset"/> forgets what the shared
/// one learned, so a test starts from a limiter that has seen nothing. Processes on one machine split each API's quota
/// through <see cref="Coordination"/> (a <see cref="QuotaMember"/> per limiter), unless it is turned off.
/// </summary>
/// <remarks>
/// The entry point for any API by name (Invoke-TencentChatRestMethod too): <c>session.LimiterFor(api)</c> gives the
/// limiter, <c>session.CeilingFor(api, maxRequestsPerSecond)</c> its ceiling (<see cref="KnownRateLimits"/>).
/// </remarks>
internal sealed class RateLimiterRegistry
{
    private readonly ConcurrentDictionary<string, AppRateLimits> _apps = new(StringComparer.Ordinal);

    /// <summary>Limiters on <paramref name="clock"/>, meeting those of other processes on <paramref name="coordination"/>'s boards (none: each process on its own).</summary>
    public RateLimiterRegistry(Clock clock, RateControlSettings? settings = null, QuotaStore? coordination = null)
    {
        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
        Settings = settings;
        Coordination = coordination;
    }

    /// <summary>
    /// The process-wide registry, on the wall clock, coordinating with the other processes of the machine through the
    /// file store unless TENCENTCHAT_COORDINATION turns it off (<see cref="QuotaStore.FromEnvironment"/>).
    /// </summary>
    public static RateLimiterRegistry Shared { get; } = new(Clock.System, coordination: QuotaStore.FromEnvironment());

    public Clock Clock { get; }

    /// <summary>Where the limiters meet those of other processes (null: they do not).</summary>
    public QuotaStore? Coordination { get; }

    private RateControlSettings? Settings { get; }

    /// <summary>The limits of app <paramref name="sdkAppId"/> at <paramref name="endpoint"/> (scheme, host and port key it).</summary>
    public AppRateLimits ForApp(Uri endpoint, uint sdkAppId)
    {
        if (endpoint is null) throw new ArgumentNullException(nameof(endpoint));
        var key = endpoint.GetLeftPart(UriPartial.Authority).ToUpperInvariant() + "|" + sdkAppId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _apps.GetOrAdd(key, _ => new AppRateLimits(Clock, settings: Settings, coordination: Coordination is null ? null : (Coordination, key)));
    }

    /// <summary>The limiter of <paramref name="api"/> ("v4/follow/follow_get_info") of app <paramref name="sdkAppId"/> at <paramref name="endpoint"/>.</summary>
    public RateLimiter For(Uri endpoint, uint sdkAppId, string api) => ForApp(endpoint, sdkAppId).ForApi(api);

    /// <summary>Forgets every limiter (tests): the next call of any app starts from a limiter that has seen nothing.</summary>
    /// <remarks>Sessions made before keep the limits they hold; make new ones after a reset.</remarks>
    public void Reset() => _apps.Clear();
}
