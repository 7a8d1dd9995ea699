using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// One follow API's protocol: its name, its body rules and its answer. Everything the APIs share (URL, app, UserSig
/// and admin checks, the rate limit, the From_Account check, faults, latency, the log and the stats) is
/// <see cref="FollowApiPipeline"/>'s.
/// </summary>
internal interface IFollowApi
{
    /// <summary>The command, e.g. follow_get_info: the path is /v4/follow/{Name}.</summary>
    string Name { get; }

    /// <summary>Reads the body's fields and finds the first rule it breaks (From_Account, then the API's own).</summary>
    FollowRequest Parse(JsonElement body);

    /// <summary>
    /// The answer to a call that passed every check, From_Account's existence included. A write changes the graph
    /// here; this is not called when the call draws a fault that refuses it before it is handled.
    /// </summary>
    ApiAnswer Answer(FollowRequest request);
}
