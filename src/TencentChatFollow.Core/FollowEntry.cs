using System;
using System.Collections.Generic;

namespace TencentChatFollow;

/// <summary>One account in a user's list of fans, follows or mutual follows: the output of Get-TencentChatFollow.</summary>
public sealed class FollowEntry
{
    public FollowEntry(string userId, string ofUserId, FollowRelation relation, DateTimeOffset? followTime, string? nick, IReadOnlyDictionary<string, object?> profile)
    {
        UserId = userId;
        OfUserId = ofUserId;
        Relation = relation;
        FollowTime = followTime;
        Nick = nick;
        Profile = profile;
    }

    /// <summary>The account in the list (so the entries pipe into Get-TencentChatFollowInfo).</summary>
    public string UserId { get; }
    /// <summary>Whose list it is.</summary>
    public string OfUserId { get; }
    /// <summary>Follower (a fan of OfUserId), Following (followed by OfUserId) or Mutual.</summary>
    public FollowRelation Relation { get; }
    /// <summary>When the follow began, in UTC.</summary>
    public DateTimeOffset? FollowTime { get; }
    /// <summary>The nickname (Tag_Profile_IM_Nick), when the answer has it.</summary>
    public string? Nick { get; }
    /// <summary>Every profile tag the answer gave, with its value.</summary>
    public IReadOnlyDictionary<string, object?> Profile { get; }

    public override string ToString() => UserId;
}
