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
        Profile = profile as FollowProfile ?? new FollowProfile(profile);
    }

    /// <summary>The account in the list (so the entries pipe into Get-TencentChatFollowInfo).</summary>
    public string UserId { get; }
    /// <summary>Whose list it is.</summary>
    public string OfUserId { get; }
    /// <summary>Follower (a fan of OfUserId), Following (followed by OfUserId) or Mutual.</summary>
    public FollowRelation Relation { get; }
    /// <summary>
    /// When the follow began, in UTC. The module's type data shows it (and Export-Csv writes it) in ISO 8601 form,
    /// 2023-11-14T22:13:20+00:00, the same in every culture.
    /// </summary>
    public DateTimeOffset? FollowTime { get; }
    /// <summary>The nickname (Tag_Profile_IM_Nick), when the answer has it.</summary>
    public string? Nick { get; }
    /// <summary>Every profile tag the answer gave, with its value; as text, one JSON object.</summary>
    public FollowProfile Profile { get; }

    public override string ToString() => UserId;
}
