using System.Text;

namespace TencentChatFollow.Emulator.Tests;

public class FollowGraphTests
{
    private static FollowGraph Parse(string csv) => FollowGraph.Parse(new StringReader(csv), "graph.csv");

    /// <summary>A folder given as --graph (a path typed without its file name) is named as a folder, not as "access denied".</summary>
    [Fact]
    public void A_folder_as_the_graph_file_is_named_as_a_folder()
    {
        var folder = Directory.CreateTempSubdirectory("graph-folder-").FullName;
        try
        {
            var error = Assert.Throws<InvalidGraphException>(() => FollowGraph.Load(folder));
            Assert.Equal($"cannot read graph file '{folder}': it is a folder; give the path of the CSV file in it", error.Message);
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Theory]
    [InlineData("a,b\nc", 2)]
    [InlineData("# header next\nfollower,followee\na,b,c", 3)]
    [InlineData("a,b\n\n,b", 3)]
    [InlineData("a,", 1)]
    [InlineData("\"a\",\"b\"", 1)]
    public void A_bad_line_is_reported_with_its_number(string csv, int line)
    {
        var error = Assert.Throws<InvalidGraphException>(() => Parse(csv));

        Assert.Contains($"graph.csv line {line}:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,b\nuser002,JosÉ\u001b[31m", 2, "JosÉ\\u001B[31m")]
    [InlineData("a,b\n\tx\u0000y,b", 2, "x\\u0000y,b")]
    [InlineData("a,b\nx\u0085,b", 2, "x\\u0085,b")]
    public void A_line_with_control_characters_is_an_error_that_shows_them_as_escapes(string csv, int line, string shown)
    {
        var error = Assert.Throws<InvalidGraphException>(() => Parse(csv));

        Assert.Contains($"graph.csv line {line}: control characters", error.Message, StringComparison.Ordinal);
        Assert.Contains(shown, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Message, char.IsControl);
        Assert.Equal(csv.Contains('\0', StringComparison.Ordinal), error.Message.Contains("UTF-16", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 33)] // 33 ASCII letters
    [InlineData("界界界界界界界界界界界", 33)] // 11 characters of 3 bytes
    [InlineData("😀😀😀😀😀😀😀😀a", 33)] // 8 characters of 4 bytes
    public void An_id_over_32_bytes_of_UTF_8_is_an_error_naming_the_line_the_id_cut_short_and_its_bytes(string id, int bytes)
    {
        var followee = Assert.Throws<InvalidGraphException>(() => Parse($"# ids\na,b\nb,{id}"));
        var follower = Assert.Throws<InvalidGraphException>(() => Parse($"{id},b"));

        Assert.StartsWith("graph.csv line 3: the id '", followee.Message, StringComparison.Ordinal);
        Assert.StartsWith("graph.csv line 1: the id '", follower.Message, StringComparison.Ordinal);
        var cut = string.Concat(id.EnumerateRunes().Take(20)) + (id.EnumerateRunes().Count() > 20 ? "…" : "");
        Assert.Contains($"'{cut}' is {bytes} bytes in UTF-8", followee.Message, StringComparison.Ordinal);
        Assert.Contains("(32 bytes, https://www.tencentcloud.com/document/product/1047/34381)", followee.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_of_32_bytes_is_an_account()
    {
        var graph = Parse("界界界界界界界界界界ab,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

        Assert.True(graph.Contains("界界界界界界界界界界ab"));
        Assert.True(graph.Contains(new string('a', 32)));
    }

    [Fact]
    public void A_file_that_is_not_UTF_8_is_an_error_naming_the_line_and_showing_the_bytes()
    {
        var path = TempGraph([.. "follower,followee\nuser001,user002\n"u8, .. "Jos"u8, 0xE9, .. ",user001\r\n"u8]);
        try
        {
            var error = Assert.Throws<InvalidGraphException>(() => FollowGraph.Load(path));

            Assert.StartsWith($"{path} line 3: not UTF-8, got 'Jos\\xE9,user001'.", error.Message, StringComparison.Ordinal);
            Assert.Contains("save it as UTF-8", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_UTF_16_file_without_a_byte_order_mark_is_an_error_that_says_so_without_raw_NULs()
    {
        var path = TempGraph(Encoding.Unicode.GetBytes("follower,followee\r\nuser002,user001\r\n"));
        try
        {
            var error = Assert.Throws<InvalidGraphException>(() => FollowGraph.Load(path));

            Assert.StartsWith($"{path} line 1: control characters, which no id may hold, in 'f\\u0000o\\u0000l\\u0000", error.Message, StringComparison.Ordinal);
            Assert.Contains("UTF-16 file without a byte order mark", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\0', error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string> Encodings => ["utf-8", "utf-8 bom", "utf-16le bom", "utf-16be bom", "utf-32le bom"];

    [Theory]
    [MemberData(nameof(Encodings))]
    public void A_file_in_UTF_8_or_with_a_byte_order_mark_is_read_as_its_text(string encoding)
    {
        const string text = "follower,followee\r\nJosé,user001\r\nuser001,界😀\r\n";
        var bytes = encoding switch
        {
            "utf-8" => [.. Encoding.UTF8.GetBytes(text)],
            "utf-8 bom" => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
            "utf-16le bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
            "utf-16be bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
            _ => (byte[])[.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(text)],
        };
        var path = TempGraph(bytes);
        try
        {
            var graph = FollowGraph.Load(path);

            Assert.Equal(["José", "user001", "界😀"], graph.Accounts.Order(StringComparer.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string TempGraph(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"graph-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void The_header_is_only_skipped_as_the_first_edge_line()
    {
        var graph = Parse("a,b\nfollower,followee");

        Assert.True(graph.Contains("follower"));
        Assert.Equal(new FollowCounts(1, 0, 0), graph.CountsOf("followee"));
    }

    [Fact]
    public void An_unreadable_file_names_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-graph-{Guid.NewGuid():N}.csv");

        var error = Assert.Throws<InvalidGraphException>(() => FollowGraph.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_graph_has_the_shapes_the_docs_describe()
    {
        var graph = FollowGraph.Load(RepositoryFiles.PathOf("docs/samples/graph.csv"));

        Assert.Equal(40, graph.Accounts.Count());
        // The counts docs/emulator.md quotes.
        Assert.Equal(new FollowCounts(30, 0, 0), graph.CountsOf("user001"));
        Assert.Equal(new FollowCounts(2, 2, 1), graph.CountsOf("user002"));
        Assert.Equal(new FollowCounts(10, 3, 2), graph.CountsOf("user010"));
        Assert.Equal(new FollowCounts(2, 4, 2), graph.CountsOf("user033"));
        Assert.Equal(new FollowCounts(0, 3, 0), graph.CountsOf("user040"));
    }

    [Fact]
    public void The_sample_user_list_mixes_known_ids_unknown_ids_and_a_blank_line()
    {
        var graph = FollowGraph.Load(RepositoryFiles.PathOf("docs/samples/graph.csv"));
        var lines = File.ReadAllLines(RepositoryFiles.PathOf("docs/samples/users.txt"));

        Assert.Single(lines, line => line.Length == 0);
        var ids = lines.Where(line => line.Length > 0).ToList();
        Assert.Equal(["ghost.account", "user999"], ids.Where(id => !graph.Contains(id)).Order());
        Assert.InRange(ids.Count, 25, 35);
        Assert.Contains("user001", ids);
        Assert.Contains("user040", ids);
    }
}
