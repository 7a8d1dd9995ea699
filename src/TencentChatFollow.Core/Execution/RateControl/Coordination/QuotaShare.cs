using System;
using System.Collections.Generic;

namespace TencentChatFollow.Execution;

/// <summary>What one member of a quota board last said (<see cref="QuotaBoard"/>).</summary>
internal readonly struct QuotaRecord
{
    public QuotaRecord(DateTime at, int used, int rate, int ceiling, bool backlogged)
    {
        At = at;
        Used = used;
        Rate = rate;
        Ceiling = ceiling;
        Backlogged = backlogged;
    }

    /// <summary>When it said it (UTC wall time: members are processes, and share no other clock).</summary>
    public DateTime At { get; }
    /// <summary>
    /// What it holds of the service's window: its calls sent within the last window (refused ones too: the service
    /// counts them), or, while it wants more and is still filling the window, what its pace will put there.
    /// </summary>
    public int Used { get; }
    /// <summary>The calls per second it sent lately (over the last publish interval): what it goes on using.</summary>
    public int Rate { get; }
    /// <summary>Its own ceiling (the API's limit as it knows it, or -MaxRequestsPerSecond).</summary>
    public int Ceiling { get; }
    /// <summary>Its callers waited for the board's share while it used most of it: it wants more than it gets.</summary>
    public bool Backlogged { get; }
}

/// <summary>A member's part of the quota: a rate (calls per second) and how many calls it may have within the last window.</summary>
internal readonly struct QuotaSplit(double rate, int room)
{
    public double Rate { get; } = rate;
    public int Room { get; } = room;
}

/// <summary>
/// How much of an API's quota one process may use beside the others on the same machine, from what they last said
/// (<see cref="QuotaMember"/>). A pure function of the board, so every member works out the same split.
/// </summary>
internal static class QuotaShare
{
    /// <summary>A member that has said nothing for this long is gone (crashed or stopped): its calls have left the service's window.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    /// <summary>A record this old is a crashed process's: readers delete it.</summary>
    public static readonly TimeSpan Forgotten = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What a member may use under <paramref name="ceiling"/> beside the <paramref name="others"/> as read at
    /// <paramref name="now"/>. Its rate: the room that the others who want no more leave, split evenly among this
    /// member and those who want more (the sated keep the rate they send at, the rest share alike; one that ended
    /// sends nothing). Its calls within any window:
    /// no more than the others' calls of the last window leave, so a newcomer fills the service's window as fast as it
    /// frees, and a leaver's share comes back as its calls leave the window, with no burst into a full window. Alone
    /// (no fresh member): the ceiling for both. The quota split is the highest ceiling on the board: a job held to a
    /// lower one of its own (-MaxRequestsPerSecond) wants no more than that, and leaves the rest to the others.
    /// </summary>
    public static QuotaSplit Split(int ceiling, IReadOnlyList<QuotaRecord> others, DateTime now)
    {
        var quota = ceiling;
        var fresh = 0;
        var usedByAll = 0;
        foreach (var other in others)
        {
            if (!IsFresh(other, now)) continue;
            fresh++;
            quota = Math.Max(quota, other.Ceiling);
            usedByAll += other.Used;
        }
        if (fresh == 0) return new QuotaSplit(ceiling, ceiling);
        // A member that wants no more keeps what it sends. One that sends well over an even split had the quota to
        // itself until now (alone, its own ceiling bound it, not the board) and is bound to the split from now on.
        var even = SatedAtMost * quota / (1 + fresh);
        var rateOfSated = 0;
        var backlogged = 0;
        foreach (var other in others)
        {
            if (!IsFresh(other, now)) continue;
            if (other.Backlogged || other.Rate > even) backlogged++;
            else rateOfSated += other.Rate;
        }
        var fair = (double)(quota - rateOfSated) / (1 + backlogged);
        return new QuotaSplit(Math.Max(0, Math.Min(ceiling, fair)), Math.Max(0, Math.Min(ceiling, quota - usedByAll)));
    }

    /// <summary>A member that wants no more, sending over this many even splits, is taken to want an even split (see <see cref="Split"/>).</summary>
    public const double SatedAtMost = 1.5;

    /// <summary>
    /// Said <see cref="Forgotten"/> or more before <paramref name="now"/>, or as long after it (said before the wall
    /// clock stepped back: a live member says it again within a publish interval, a crashed one never).
    /// </summary>
    public static bool IsForgotten(DateTime at, DateTime now) => now - at >= Forgotten || at - now >= Forgotten;

    /// <summary>Said within <see cref="Fresh"/> of <paramref name="now"/> (a clock step back of as much is forgiven).</summary>
    public static bool IsFresh(QuotaRecord record, DateTime now) => now - record.At < Fresh && record.At - now < Fresh;
}
