using System.Collections.Generic;
using System.Text.Json;

namespace TencentChatFollow.Api;

/// <summary>v4/follow/follow_get_info: fan, follow and mutual-follow counts, 20 ids a call.</summary>
internal sealed class FollowGetInfoProtocol : BatchProtocol<FollowInfo>
{
    public const string ApiPath = "v4/follow/follow_get_info";

    /// <summary>Tencent's limit on To_Account per call.</summary>
    public const int MaxIds = 20;

    public static FollowGetInfoProtocol Instance { get; } = new();

    public override string Path => ApiPath;
    public override int MaxIdsPerCall => MaxIds;
    protected override string ItemArrayName => "FollowInfo";

    public override byte[] WriteRequest(string from, IReadOnlyList<string> ids) => WriteFromAndIds(from, "To_Account", ids);

    protected override FollowInfo? ReadResult(string from, string id, JsonElement item, out string? problem)
    {
        if (TryLong(item, "FollowerCount", out var followers) && TryLong(item, "FollowingCount", out var following) && TryLong(item, "MutualFollowingCount", out var mutual))
        {
            problem = null;
            return new FollowInfo(id, followers, following, mutual);
        }
        problem = "its counts are missing, negative or not whole numbers";
        return null;
    }
}
