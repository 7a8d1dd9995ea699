namespace TencentChatFollow.Emulator;

/// <summary>
/// The follow edges the emulator answers from: loaded from a file, then changed by follow_add and follow_delete.
/// Every member takes one lock, so the graph is safe to share between concurrent requests and each call sees it whole.
/// Duplicate edges count once and self-edges are ignored, but the ids on them still exist as accounts.
/// </summary>
internal sealed partial class FollowGraph
{
    /// <summary>A user follows at most this many accounts (Tencent's limit); fans are unlimited.</summary>
    public const int MaxFollowing = 5_000;

    /// <summary>
    /// The FollowTime of the first edge in a graph file (2023-11-14T22:13:20Z); each later edge line is one second newer.
    /// Fixed, so that follow_get answers the same for the same file.
    /// </summary>
    public const long FileBaseTime = 1_700_000_000;

    private const string Header = "follower,followee";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Node> _nodes;
    private long _lastSeq;

    private FollowGraph(Dictionary<string, Node> nodes, long lastSeq)
    {
        _nodes = nodes;
        _lastSeq = lastSeq;
    }

    /// <summary>A new graph with no accounts (each call: graphs are mutable).</summary>
    public static FollowGraph Empty() => new(new Dictionary<string, Node>(StringComparer.Ordinal), 0);

    /// <summary>The accounts in the graph: those of the file, and any that follow_add has linked since.</summary>
    public IReadOnlyList<string> Accounts
    {
        get
        {
            lock (_gate)
            {
                return [.. _nodes.Keys];
            }
        }
    }

    public bool Contains(string account)
    {
        lock (_gate)
        {
            return _nodes.ContainsKey(account);
        }
    }

    /// <summary>The nick follow_get reports in Tag_Profile_IM_Nick: "Nick of &lt;id&gt;" for the file's accounts, none for others.</summary>
    public string? NickOf(string account)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(account, out var node) && node.FromFile ? "Nick of " + account : null;
        }
    }

    public FollowCounts CountsOf(string account)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(account, out var node)
                ? new FollowCounts(node.Followers?.Count ?? 0, node.Following?.Count ?? 0, node.Mutual)
                : default;
        }
    }

    /// <summary>
    /// follow_check's FollowType from <paramref name="from"/>'s side: 0 none, 1 <paramref name="to"/> follows from,
    /// 2 from follows to, 3 both.
    /// </summary>
    public int FollowTypeOf(string from, string to)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(from, out var node))
            {
                return 0;
            }
            var theyFollow = node.Followers?.ContainsKey(to) == true;
            var youFollow = node.Following?.ContainsKey(to) == true;
            return (theyFollow ? 1 : 0) + (youFollow ? 2 : 0);
        }
    }

    /// <summary>
    /// Makes <paramref name="from"/> follow <paramref name="to"/> at <paramref name="now"/>. An edge that exists is left
    /// as it is, FollowTime included. The caller checks that both accounts exist and differ.
    /// </summary>
    public FollowOutcome Follow(string from, string to, DateTimeOffset now)
    {
        lock (_gate)
        {
            var follower = NodeOf(from, fromFile: false);
            if (follower.Following?.ContainsKey(to) == true)
            {
                return FollowOutcome.AlreadyFollowing;
            }
            if ((follower.Following?.Count ?? 0) >= MaxFollowing)
            {
                return FollowOutcome.FollowLimitReached;
            }
            Link(follower, from, NodeOf(to, fromFile: false), to, new EdgeStamp(now.ToUnixTimeSeconds(), ++_lastSeq));
            return FollowOutcome.Added;
        }
    }

    /// <summary>Removes the edge <paramref name="from"/> → <paramref name="to"/>; false when there was none.</summary>
    public bool Unfollow(string from, string to)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(from, out var follower) || follower.Following?.Remove(to) != true)
            {
                return false;
            }
            var followee = _nodes[to];
            followee.Followers!.Remove(from);
            if (followee.Following?.ContainsKey(from) == true)
            {
                follower.Mutual--;
                followee.Mutual--;
            }
            return true;
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> entries of <paramref name="account"/>'s list, newest first, starting after
    /// <paramref name="after"/> (from the newest when null), and whether more entries follow them.
    /// A mutual entry's stamp is the later of the two edges: the moment the follow became mutual.
    /// </summary>
    public (IReadOnlyList<FollowEntry> Entries, bool More) Page(string account, FollowList list, EdgeStamp? after, int count)
    {
        // Copy the entries older than the cursor under the lock; sort outside it, so a long list holds no one up.
        var entries = new List<FollowEntry>();
        lock (_gate)
        {
            if (_nodes.TryGetValue(account, out var node))
            {
                var edges = list == FollowList.Followers ? node.Followers : node.Following;
                foreach (var (other, stamp) in edges ?? [])
                {
                    var entry = stamp;
                    if (list == FollowList.Mutual)
                    {
                        if (node.Followers?.TryGetValue(other, out var back) != true)
                        {
                            continue;
                        }
                        entry = EdgeStamp.Later(stamp, back);
                    }
                    if (after is not { } cursor || entry.CompareTo(cursor) < 0)
                    {
                        entries.Add(new FollowEntry(other, entry));
                    }
                }
            }
        }
        entries.Sort((a, b) => b.Stamp.CompareTo(a.Stamp));
        return entries.Count > count ? (entries.GetRange(0, count), true) : (entries, false);
    }

    private Node NodeOf(string account, bool fromFile)
    {
        if (!_nodes.TryGetValue(account, out var node))
        {
            _nodes[account] = node = new Node { FromFile = fromFile };
        }
        return node;
    }

    private static void Link(Node follower, string from, Node followee, string to, EdgeStamp stamp)
    {
        (follower.Following ??= new Dictionary<string, EdgeStamp>(StringComparer.Ordinal))[to] = stamp;
        (followee.Followers ??= new Dictionary<string, EdgeStamp>(StringComparer.Ordinal))[from] = stamp;
        if (followee.Following?.ContainsKey(from) == true)
        {
            follower.Mutual++;
            followee.Mutual++;
        }
    }

    /// <summary>One account: the edges out of it and into it (created on first use, to keep a large graph small).</summary>
    private sealed class Node
    {
        public bool FromFile { get; init; }
        public Dictionary<string, EdgeStamp>? Following { get; set; }
        public Dictionary<string, EdgeStamp>? Followers { get; set; }
        public int Mutual { get; set; }
    }
}
