namespace TencentChatFollow;

/// <summary>Fan, follow and mutual-follow counts of one user: the output of Get-TencentChatFollowInfo.</summary>
public sealed class FollowInfo
{
    public FollowInfo(string userId, long followerCount, long followingCount, long mutualFollowingCount)
    {
        UserId = userId;
        FollowerCount = followerCount;
        FollowingCount = followingCount;
        MutualFollowingCount = mutualFollowingCount;
    }

    /// <summary>The user's UserID, as passed in (trimmed).</summary>
    public string UserId { get; }
    /// <summary>How many accounts follow the user (fans).</summary>
    public long FollowerCount { get; }
    /// <summary>How many accounts the user follows.</summary>
    public long FollowingCount { get; }
    /// <summary>How many accounts the user and they follow each other.</summary>
    public long MutualFollowingCount { get; }

    public override string ToString() => UserId;
}
