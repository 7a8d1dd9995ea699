using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace TencentChatFollow.Emulator;

/// <summary>Reading a graph file: the CSV format the emulator starts from (see docs/emulator.md).</summary>
internal sealed partial class FollowGraph
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a graph file; any problem becomes an <see cref="InvalidGraphException"/> naming the file and line.</summary>
    public static FollowGraph Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidGraphException($"cannot read graph file '{path}': it is a folder; give the path of the CSV file in it");
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidGraphException($"cannot read graph file '{path}': {e.Message}");
        }
        return Parse(new StringReader(TextOf(bytes, path)), path);
    }

    /// <summary>
    /// A graph file's text: UTF-8, strictly (a UTF-8 byte order mark skipped), or UTF-16 or UTF-32 when a byte order
    /// mark says so. Bytes that are not UTF-8 are an error naming the line, not characters made up in their place.
    /// </summary>
    private static string TextOf(byte[] bytes, string path)
    {
        ReadOnlySpan<byte> data = bytes;
        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || data.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || data.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        var start = data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            throw NotUtf8(data[start..], path);
        }
    }

    /// <summary>The error for a file that is not UTF-8: its first such line, the bytes shown as \xNN escapes.</summary>
    private static InvalidGraphException NotUtf8(ReadOnlySpan<byte> data, string path)
    {
        for (var lineNumber = 1; ; lineNumber++)
        {
            var end = data.IndexOf((byte)'\n');
            var line = end < 0 ? data : data[..end];
            if (!Utf8.IsValid(line) || end < 0)
            {
                return new InvalidGraphException(
                    $"{path} line {lineNumber}: not UTF-8, got '{ShownBytes(line)}'. The emulator reads a graph file as UTF-8 "
                    + "(or as UTF-16 with a byte order mark): save it as UTF-8.");
            }
            data = data[(end + 1)..];
        }
    }

    /// <summary>A line's bytes as text: UTF-8 where they are, \xNN for each byte that is not, cut as <see cref="AccountIds.Shown"/> cuts.</summary>
    private static string ShownBytes(ReadOnlySpan<byte> line)
    {
        var text = new StringBuilder();
        while (!line.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(line, out var rune, out var used) == OperationStatus.Done)
            {
                text.Append(rune.ToString());
            }
            else
            {
                foreach (var b in line[..used])
                {
                    text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
                }
            }
            line = line[used..];
        }
        return AccountIds.Shown(text.ToString().TrimEnd('\r'), max: 60);
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
            if (text.Any(char.IsControl))
            {
                var hint = text.Contains('\0')
                    ? ". NULs between the characters are what a UTF-16 file without a byte order mark gives: save it as UTF-8."
                    : "";
                throw new InvalidGraphException(
                    $"{source} line {lineNumber}: control characters, which no id may hold, in '{AccountIds.Shown(text, max: 60)}'{hint}");
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
            if ((AccountIds.TooLong(from) ?? AccountIds.TooLong(to)) is { } tooLong)
            {
                throw new InvalidGraphException($"{source} line {lineNumber}: {tooLong}");
            }
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
