using System;
using System.Net.Http;
using System.Threading;
using TencentChatFollow.Api;
using TencentChatFollow.Endpoints;
using TencentChatFollow.Execution;

namespace TencentChatFollow.Session;

/// <summary>
/// A connection to one Tencent Cloud Chat app: who we are, where we call, how hard we may call.
/// It holds the means to sign calls but never shows them: no public member returns the key or a UserSig.
/// </summary>
public sealed class TencentChatSession
{
    public const int DefaultMaxRetry = 5;
    /// <summary>The highest -MaxRequestsPerSecond accepted (Tencent's own limit is 200; some plans allow more).</summary>
    public const int MaxRequestsPerSecondCeiling = 10000;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    /// <summary>How long calls keep going while the service refuses every one (its quota used up elsewhere).</summary>
    public static readonly TimeSpan DefaultRetryTimeout = TimeSpan.FromSeconds(60);
    /// <summary>The longest RetryTimeout accepted (Connect-TencentChat -RetryTimeoutSec 3600).</summary>
    public static readonly TimeSpan MaxRetryTimeout = TimeSpan.FromHours(1);

    internal TencentChatSession(uint sdkAppId, string identifier, Uri endpoint, ChatRegion? region, ISigSource sig,
        int? maxRequestsPerSecond = null, int maxRetry = DefaultMaxRetry, TimeSpan? timeout = null, ProxySettings? proxy = null,
        TimeSpan? retryTimeout = null, Clock? clock = null, HttpMessageHandler? transport = null, RateLimiterRegistry? limiters = null)
    {
        if (string.IsNullOrWhiteSpace(identifier)) throw new ArgumentException("The admin identifier is empty.", nameof(identifier));
        if (maxRequestsPerSecond < 1 || maxRequestsPerSecond > MaxRequestsPerSecondCeiling) throw new ArgumentOutOfRangeException(nameof(maxRequestsPerSecond));
        if (maxRetry < 0) throw new ArgumentOutOfRangeException(nameof(maxRetry));
        if (retryTimeout is { } wait && (wait <= TimeSpan.Zero || wait > MaxRetryTimeout))
            throw new ArgumentOutOfRangeException(nameof(retryTimeout), "The retry timeout must be more than 0 and at most an hour.");
        SdkAppId = sdkAppId;
        Identifier = identifier;
        Endpoint = endpoint;
        Region = region;
        Sig = sig;
        MaxRequestsPerSecond = maxRequestsPerSecond ?? RateLimiter.DefaultLimit;
        _ceilingGiven = maxRequestsPerSecond is not null;
        MaxRetry = maxRetry;
        Timeout = timeout ?? DefaultTimeout;
        RetryTimeout = retryTimeout ?? DefaultRetryTimeout;
        if (clock is not null && limiters is not null && !ReferenceEquals(clock, limiters.Clock))
            throw new ArgumentException("The rate limiters must pace on the session's clock.", nameof(limiters));
        Clock = clock ?? limiters?.Clock ?? Clock.System;
        ConnectedAt = Clock.UtcNow.ToLocalTime();
        // The process-wide limiters on the real clock; a session on a test clock gets its own registry, paced on it.
        Limiters = limiters ?? (clock is null ? RateLimiterRegistry.Shared : new RateLimiterRegistry(clock));
        Proxy = proxy;
        // A test's transport (no socket) or the process-wide client of the endpoint.
        Http = transport is null ? HttpClientCache.For(endpoint, proxy) : HttpClientCache.Over(transport);
    }

    public uint SdkAppId { get; }
    /// <summary>The App admin account the calls are made as.</summary>
    public string Identifier { get; }
    /// <summary>Base URI the API paths are appended to.</summary>
    public Uri Endpoint { get; }
    /// <summary>The region, when the endpoint came from one.</summary>
    public ChatRegion? Region { get; }
    /// <summary>SecretKey (the module makes and renews UserSigs) or UserSig (a ready-made one, not renewable).</summary>
    public string AuthenticationMode => Sig.CanRenew ? "SecretKey" : "UserSig";
    /// <summary>When the current UserSig expires (renewed automatically in SecretKey mode), in local time as <see cref="ConnectedAt"/> is.</summary>
    public DateTimeOffset? UserSigExpiresAt => Sig.ExpiresAt?.ToLocalTime();
    public int MaxRequestsPerSecond { get; }
    public int MaxRetry { get; }
    public TimeSpan Timeout { get; }
    /// <summary>How long a run waits out a service that refuses every call (quota used up elsewhere) before its ids fail.</summary>
    /// <remarks>Connect-TencentChat -RetryTimeoutSec sets it; the setter is for the tests.</remarks>
    public TimeSpan RetryTimeout { get; internal set; }
    public DateTimeOffset ConnectedAt { get; }
    /// <summary>The explicit proxy, if any (shown without its credentials); otherwise the platform's proxy settings apply.</summary>
    public ProxySettings? Proxy { get; }

    internal ISigSource Sig { get; }

    /// <summary>
    /// The service has taken a call of this session (Connect-TencentChat's check, or any run's): the SDKAppID, key or
    /// UserSig, admin and endpoint are known to work, so a run need not send its first call alone to find out.
    /// </summary>
    internal bool HasAnswered => Volatile.Read(ref _answered) != 0;

    /// <summary>Records that the service took a call of this session (<see cref="HasAnswered"/>); every accepted call says so, only the first writes.</summary>
    internal void MarkAnswered()
    {
        if (Volatile.Read(ref _answered) == 0) Volatile.Write(ref _answered, 1);
    }

    /// <summary>Where the session's rate limiters come from (process-wide unless a test gave its own).</summary>
    internal RateLimiterRegistry Limiters { get; }
    /// <summary>The time the session's limiter, retries and UserSig expiry go by.</summary>
    internal Clock Clock { get; }
    internal HttpClient Http { get; }

    /// <summary>
    /// The rate limiter of <paramref name="api"/> ("v4/follow/follow_get_info", any API by its path) for this session's
    /// app and endpoint, shared by every session of the process that calls it.
    /// </summary>
    internal RateLimiter LimiterFor(string api) => Limiters.For(Endpoint, SdkAppId, api);

    /// <summary>
    /// The most calls per second to send to <paramref name="api"/>: <paramref name="maxRequestsPerSecond"/> when a
    /// command was given one, else the session's -MaxRequestsPerSecond when Connect-TencentChat was given one, else
    /// the API's published limit (<see cref="KnownRateLimits"/>: 200 for the follow APIs, 100 for an API it does not know).
    /// </summary>
    internal int CeilingFor(string api, int? maxRequestsPerSecond = null)
    {
        if (maxRequestsPerSecond is int cap)
        {
            if (cap < 1 || cap > MaxRequestsPerSecondCeiling) throw new ArgumentOutOfRangeException(nameof(maxRequestsPerSecond));
            return cap;
        }
        return _ceilingGiven ? MaxRequestsPerSecond : KnownRateLimits.For(api);
    }

    private readonly bool _ceilingGiven;
    private int _answered; // 1 once the service took a call (HasAnswered)

    public override string ToString() => $"TencentChat app {SdkAppId} as {Identifier} at {Endpoint.GetLeftPart(UriPartial.Authority)}";
}
