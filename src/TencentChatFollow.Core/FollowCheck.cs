namespace TencentChatFollow;

/// <summary>How two accounts relate, seen from the first (From).</summary>
public enum FollowRelation
{
    /// <summary>Neither follows the other.</summary>
    None = 0,
    /// <summary>The other account follows From (a fan of From; Tencent's FollowType 1).</summary>
    Follower = 1,
    /// <summary>From follows the other account (FollowType 2).</summary>
    Following = 2,
    /// <summary>Both follow each other (FollowType 3).</summary>
    Mutual = 3,
}

/// <summary>Whether From and UserId follow each other: the output of Test-TencentChatFollow.</summary>
public sealed class FollowCheck
{
    public FollowCheck(string from, string userId, FollowRelation relation)
    {
        From = from;
        UserId = userId;
        Relation = relation;
    }

    /// <summary>The account the relation is seen from.</summary>
    public string From { get; }
    /// <summary>The other account.</summary>
    public string UserId { get; }
    public FollowRelation Relation { get; }
    /// <summary>From follows UserId.</summary>
    public bool IsFollowing => Relation is FollowRelation.Following or FollowRelation.Mutual;
    /// <summary>UserId follows From.</summary>
    public bool IsFollower => Relation is FollowRelation.Follower or FollowRelation.Mutual;

    public override string ToString() => $"{From} {Relation} {UserId}";
}

/// <summary>What Add- or Remove-TencentChatFollow did for one pair (written with -PassThru).</summary>
public sealed class FollowChange
{
    public FollowChange(string from, string userId, string action)
    {
        From = from;
        UserId = userId;
        Action = action;
    }

    /// <summary>The account that now follows (Added) or no longer follows (Removed) UserId.</summary>
    public string From { get; }
    public string UserId { get; }
    /// <summary>Added or Removed.</summary>
    public string Action { get; }

    public override string ToString() => $"{From} {Action} {UserId}";
}
