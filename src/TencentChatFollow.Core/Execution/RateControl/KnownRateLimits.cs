using System;
using System.Collections.Generic;

namespace TencentChatFollow.Execution;

/// <summary>Which limit a refusal for frequency speaks of: the API's own, or the app's (every API of the SDKAppID together).</summary>
internal enum ThrottleScope
{
    /// <summary>60007 ("the REST API's call frequency"), HTTP 429: that API's limit; only its rate is cut.</summary>
    Api,
    /// <summary>60011 ("the SDKAppID's request frequency"), 60018/60019 ("too many requests"): every API of the app is cut.</summary>
    App,
}

/// <summary>
/// The one table of Tencent's published call limits, per API, and the reading of the refusal codes. Each API's page
/// states its own "maximum calling frequency" (200 times/second for every follow API, 100 for account_check) and the
/// service refuses with 60007 when one API goes over its own and with 60011 when the app as a whole goes over a limit
/// Tencent does not publish. An API not in the table starts at <see cref="UnknownApiLimit"/> and adapts below it
/// from the service's answers; <c>-MaxRequestsPerSecond</c> sets another ceiling.
/// </summary>
internal static class KnownRateLimits
{
    /// <summary>Calls per second each follow API allows (each one's page says 200 times/second).</summary>
    public const int FollowApiLimit = 200;

    /// <summary>The ceiling of an API the table does not know: modest, so that a guess does not flood an app's quota.</summary>
    public const int UnknownApiLimit = 100;

    private static readonly Dictionary<string, int> Limits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["v4/follow/follow_get_info"] = FollowApiLimit,
        ["v4/follow/follow_check"] = FollowApiLimit,
        ["v4/follow/follow_add"] = FollowApiLimit,
        ["v4/follow/follow_delete"] = FollowApiLimit,
        ["v4/follow/follow_get"] = FollowApiLimit,
        ["v4/im_open_login_svc/account_check"] = 100,
    };

    /// <summary>The API's name as the registry keys it: the path under the endpoint ("v4/follow/follow_get_info"), without slashes at either end.</summary>
    public static string Normalize(string api)
    {
        if (api is null) throw new ArgumentNullException(nameof(api));
        var name = api.Trim().Trim('/');
        if (name.Length == 0) throw new ArgumentException("The API name is empty.", nameof(api));
        return name.StartsWith("v4/", StringComparison.OrdinalIgnoreCase) ? name : "v4/" + name;
    }

    /// <summary>The APIs the table holds, as their paths ("v4/follow/follow_get_info"): what -Api completes to.</summary>
    public static IEnumerable<string> Apis => Limits.Keys;

    /// <summary>True when the table holds <paramref name="api"/>'s published limit.</summary>
    public static bool IsKnown(string api) => Limits.ContainsKey(Normalize(api));

    /// <summary>The published calls per second of <paramref name="api"/>, or <see cref="UnknownApiLimit"/>.</summary>
    public static int For(string api) => Limits.TryGetValue(Normalize(api), out var limit) ? limit : UnknownApiLimit;

    /// <summary>Which limit a refusal names, from its reason (the ErrorCode as text, or "HTTP 429").</summary>
    public static ThrottleScope ScopeOf(string reason) => reason switch
    {
        "60011" or "60018" or "60019" => ThrottleScope.App,
        _ => ThrottleScope.Api,
    };
}
