namespace TencentChatFollow.Emulator.Tests;

public class FollowGraphTests
{
    private static FollowGraph Parse(string csv) => FollowGraph.Parse(new StringReader(csv), "graph.csv");

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
