using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// One REST API's protocol: where it is served, its body rules, its answer and its own frequency limit. Everything
/// the APIs share (URL, app, UserSig and admin checks, the rate limits, the From_Account check, faults, latency, the
/// log and the stats) is <see cref="RestApiPipeline"/>'s.
/// </summary>
internal interface IRestApi
{
    /// <summary>The service name of the follow APIs: their path is /v4/follow/{Name}.</summary>
    const string FollowService = "follow";

    /// <summary>The service name in the path, e.g. follow or im_open_login_svc.</summary>
    string Service { get; }

    /// <summary>
    /// The command, e.g. follow_get_info: the path is /v4/{Service}/{Name}. The request log and the stats name the
    /// API by it.
    /// </summary>
    string Name { get; }

    /// <summary>Reads the body's fields and finds the first rule it breaks (From_Account, then the API's own).</summary>
    ApiRequest Parse(JsonElement body);

    /// <summary>
    /// The answer to a call that passed every check, From_Account's existence included (for the APIs that have one).
    /// A write changes the graph here; this is not called when the call draws a fault that refuses it before it is
    /// handled.
    /// </summary>
    ApiAnswer Answer(ApiRequest request);

    /// <summary>
    /// This API's own documented limit, in calls per second, from the current settings (0 = none); it applies in the
    /// api limit scope. Every follow API's page states 200 times/second: <see cref="RuntimeSettings.RateLimit"/>.
    /// </summary>
    int RateLimit(RuntimeSettings settings) => settings.RateLimit;
}
