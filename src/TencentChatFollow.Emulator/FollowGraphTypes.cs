namespace TencentChatFollow.Emulator;

/// <summary>An account's three counts as follow_get_info reports them.</summary>
internal readonly record struct FollowCounts(int Followers, int Following, int Mutual);

/// <summary>
/// When an edge was made: its FollowTime (Unix seconds) and a sequence number unique to the edge, which orders edges
/// made in the same second. Later is newer: a higher time, or the same time and a higher sequence number.
/// </summary>
internal readonly record struct EdgeStamp(long FollowTime, long Seq) : IComparable<EdgeStamp>
{
    public int CompareTo(EdgeStamp other) =>
        FollowTime != other.FollowTime ? FollowTime.CompareTo(other.FollowTime) : Seq.CompareTo(other.Seq);

    public static EdgeStamp Later(EdgeStamp a, EdgeStamp b) => a.CompareTo(b) >= 0 ? a : b;
}

/// <summary>The three lists follow_get pages through; the values are its FollowType numbers.</summary>
internal enum FollowList
{
    Followers = 1,
    Following = 2,
    Mutual = 3,
}

/// <summary>One entry of a follow list: the other account and when the relation was made.</summary>
internal readonly record struct FollowEntry(string Account, EdgeStamp Stamp);

/// <summary>What <see cref="FollowGraph.Follow"/> did.</summary>
internal enum FollowOutcome
{
    Added,
    AlreadyFollowing,
    FollowLimitReached,
}

/// <summary>A graph file that cannot be read or has a bad line; the message says where.</summary>
internal sealed class InvalidGraphException(string message) : Exception(message);
