namespace TencentChatFollow.Emulator;

/// <summary>An account's three counts as follow_get_info reports them.</summary>
internal readonly record struct FollowCounts(int Followers, int Following, int Mutual);

/// <summary>
/// The follow edges the emulator answers from, loaded once and read-only afterwards (so safe to share between requests).
/// Duplicate edges count once and self-edges are ignored, but the ids on them still exist as accounts.
/// </summary>
internal sealed class FollowGraph
{
    private const string Header = "follower,followee";

    private readonly Dictionary<string, FollowCounts> counts;

    private FollowGraph(Dictionary<string, FollowCounts> counts) => this.counts = counts;

    public static FollowGraph Empty { get; } = new(new Dictionary<string, FollowCounts>(StringComparer.Ordinal));

    public IEnumerable<string> Accounts => counts.Keys;

    public bool Contains(string account) => counts.ContainsKey(account);

    public FollowCounts CountsOf(string account) => counts.GetValueOrDefault(account);

    /// <summary>Reads a graph file; any problem becomes an <see cref="InvalidGraphException"/> naming the file and line.</summary>
    public static FollowGraph Load(string path)
    {
        try
        {
            using var reader = File.OpenText(path);
            return Parse(reader, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidGraphException($"cannot read graph file '{path}': {e.Message}");
        }
    }

    /// <summary>Parses CSV text: one <c>follower,followee</c> edge per line, '#' comments, blank lines and an optional header.</summary>
    public static FollowGraph Parse(TextReader reader, string source)
    {
        var following = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var lineNumber = 0;
        var sawContent = false;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }
            var fields = text.Split(',', StringSplitOptions.TrimEntries);
            var isFirstContent = !sawContent;
            sawContent = true;
            if (isFirstContent && fields is ["follower", "followee"])
            {
                continue;
            }
            if (text.Contains('"'))
            {
                throw new InvalidGraphException($"{source} line {lineNumber}: quoted fields are not supported, got '{line}'");
            }
            if (fields.Length != 2 || fields[0].Length == 0 || fields[1].Length == 0)
            {
                throw new InvalidGraphException($"{source} line {lineNumber}: expected '{Header}' (two non-empty ids), got '{line}'");
            }
            var (follower, followee) = (fields[0], fields[1]);
            var followees = FolloweesOf(following, follower);
            FolloweesOf(following, followee); // the followee is an account too, even if it follows nobody
            if (follower != followee)
            {
                followees.Add(followee);
            }
        }
        return FromAdjacency(following);
    }

    private static HashSet<string> FolloweesOf(Dictionary<string, HashSet<string>> following, string account)
    {
        if (!following.TryGetValue(account, out var set))
        {
            following[account] = set = new HashSet<string>(StringComparer.Ordinal);
        }
        return set;
    }

    private static FollowGraph FromAdjacency(Dictionary<string, HashSet<string>> following)
    {
        var followers = following.Keys.ToDictionary(a => a, _ => 0, StringComparer.Ordinal);
        foreach (var followee in following.Values.SelectMany(set => set))
        {
            followers[followee]++;
        }
        var counts = following.ToDictionary(
            p => p.Key,
            p => new FollowCounts(
                Followers: followers[p.Key],
                Following: p.Value.Count,
                Mutual: p.Value.Count(other => following[other].Contains(p.Key))),
            StringComparer.Ordinal);
        return new FollowGraph(counts);
    }
}

/// <summary>A graph file that cannot be read or has a bad line; the message says where.</summary>
internal sealed class InvalidGraphException(string message) : Exception(message);
