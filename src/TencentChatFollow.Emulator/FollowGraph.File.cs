namespace TencentChatFollow.Emulator;

/// <summary>Reading a graph file: the CSV format the emulator starts from (see docs/emulator.md).</summary>
internal sealed partial class FollowGraph
{
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

    /// <summary>
    /// Parses CSV text: one <c>follower,followee</c> edge per line, '#' comments, blank lines and an optional header.
    /// The n-th edge line (from 0) gets FollowTime <see cref="FileBaseTime"/> + n, so later lines are newer.
    /// </summary>
    public static FollowGraph Parse(TextReader reader, string source)
    {
        var graph = Empty();
        var lineNumber = 0;
        var edgeLine = 0L;
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
            var (from, to) = (fields[0], fields[1]);
            var follower = graph.NodeOf(from, fromFile: true);
            var followee = graph.NodeOf(to, fromFile: true); // the followee is an account too, even if it follows nobody
            var seq = edgeLine++;
            if (from != to && follower.Following?.ContainsKey(to) != true)
            {
                Link(follower, from, followee, to, new EdgeStamp(FileBaseTime + seq, seq));
            }
        }
        graph._lastSeq = edgeLine;
        return graph;
    }
}
