namespace TencentChatFollow.Emulator.Tests;

/// <summary>follow_check's FollowType, and follow_add and follow_delete changing what every API answers.</summary>
public class FollowWriteTests
{
    // alice and bob follow each other; carol follows alice; alice follows dave; erin exists but follows no one.
    private const string Graph = "alice,bob\nbob,alice\ncarol,alice\nalice,dave\nerin,erin";

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static async Task<(int Followers, int Following, int Mutual)> CountsAsync(TestEmulator emulator, string account)
    {
        var item = Assert.Single(Envelope.AssertOk(await emulator.CallAsync(TestEmulator.Admin, account)));
        return (item.GetProperty("FollowerCount").GetInt32(), item.GetProperty("FollowingCount").GetInt32(), item.GetProperty("MutualFollowingCount").GetInt32());
    }

    private static async Task<int[]> FollowTypesAsync(TestEmulator emulator, string from, params string[] to) =>
        Envelope.AssertOk(await emulator.FollowCheckAsync(from, to), "ResultItem").Select(i => i.GetProperty("FollowType").GetInt32()).ToArray();

    private static async Task<(string Id, long Time)[]> ListAsync(TestEmulator emulator, string from, int followType) =>
        Envelope.AssertOk(await emulator.FollowGetAsync(from, followType, wantNum: 1000), "FollowItem")
            .Select(i => (i.GetProperty("To_Account").GetString()!, i.GetProperty("FollowTime").GetInt64())).ToArray();

    [Fact]
    public async Task Follow_check_says_who_follows_whom_seen_from_From_Account()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        var items = Envelope.AssertOk(await emulator.FollowCheckAsync("alice", "bob", "carol", "dave", "erin", "ghost", "alice"), "ResultItem");

        // 3 mutual, 1 carol follows alice, 2 alice follows dave, 0 none; an unknown id is a per-item 30003.
        Assert.Equal(["bob", "carol", "dave", "erin", "ghost", "alice"], items.Select(i => i.GetProperty("To_Account").GetString()));
        Assert.Equal([3, 1, 2, 0, 0, 0], items.Select(i => i.GetProperty("FollowType").GetInt32()));
        Assert.Equal([0, 0, 0, 0, 30003, 0], items.Select(i => i.GetProperty("ResultCode").GetInt32()));
        Assert.NotEqual("", items[4].GetProperty("ResultInfo").GetString());
        Assert.Equal(new[] { 2, 0 }, await FollowTypesAsync(emulator, "carol", "alice", "ghost2")); // unknown: 30003 and FollowType 0
        Assert.Equal(new[] { 1 }, await FollowTypesAsync(emulator, "dave", "alice"));
    }

    [Fact]
    public async Task An_added_follow_is_seen_by_follow_get_info_follow_check_and_follow_get()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph, clock: new ManualClock(Now));

        Assert.Equal([("alice", 0), ("erin", 0)], Envelope.Results(await emulator.FollowAddAsync("dave", "alice", "erin")));

        Assert.Equal((3, 2, 2), await CountsAsync(emulator, "alice")); // dave now follows alice back
        Assert.Equal((1, 2, 1), await CountsAsync(emulator, "dave"));
        Assert.Equal((1, 0, 0), await CountsAsync(emulator, "erin"));
        Assert.Equal(new[] { 3, 2 }, await FollowTypesAsync(emulator, "dave", "alice", "erin"));
        Assert.Equal(new[] { 1 }, await FollowTypesAsync(emulator, "erin", "dave"));
        var fans = await ListAsync(emulator, "alice", 1);
        Assert.Equal(("dave", Now.ToUnixTimeSeconds()), fans[0]); // the newest first
        Assert.Equal(["dave", "carol", "bob"], fans.Select(f => f.Id));
        Assert.Equal(["erin", "alice"], (await ListAsync(emulator, "dave", 2)).Select(f => f.Id)); // added in that order: erin is newer
        Assert.Equal([("dave", Now.ToUnixTimeSeconds()), ("bob", FollowGraph.FileBaseTime + 1)], await ListAsync(emulator, "alice", 3));
    }

    [Fact]
    public async Task A_deleted_follow_is_gone_from_every_answer()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        Assert.Equal([("bob", 0), ("carol", 0)], Envelope.Results(await emulator.FollowDeleteAsync("alice", "bob", "carol")));

        Assert.Equal((2, 1, 0), await CountsAsync(emulator, "alice"));
        Assert.Equal((0, 1, 0), await CountsAsync(emulator, "bob"));
        Assert.Equal(new[] { 1, 1 }, await FollowTypesAsync(emulator, "alice", "bob", "carol"));
        Assert.Equal(["dave"], (await ListAsync(emulator, "alice", 2)).Select(f => f.Id));
        Assert.Empty(await ListAsync(emulator, "alice", 3));
        Assert.Equal(["alice"], (await ListAsync(emulator, "bob", 2)).Select(f => f.Id));
    }

    [Fact]
    public async Task Adding_and_deleting_again_succeed_and_change_nothing_more()
    {
        var clock = new ManualClock(Now);
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph, clock: clock);

        // An edge from the file keeps its FollowTime when added again.
        Assert.Equal([("bob", 0)], Envelope.Results(await emulator.FollowAddAsync("alice", "bob")));
        Assert.Contains(("bob", FollowGraph.FileBaseTime), await ListAsync(emulator, "alice", 2));

        Assert.Equal([("erin", 0), ("erin", 0)], Envelope.Results(await emulator.FollowAddAsync("carol", "erin", "erin")));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([("erin", 0)], Envelope.Results(await emulator.FollowAddAsync("carol", "erin")));
        Assert.Equal((1, 0, 0), await CountsAsync(emulator, "erin"));
        Assert.Equal((0, 2, 0), await CountsAsync(emulator, "carol"));
        Assert.Equal([("carol", Now.ToUnixTimeSeconds())], await ListAsync(emulator, "erin", 1)); // the first add's time

        Assert.Equal([("erin", 0)], Envelope.Results(await emulator.FollowDeleteAsync("carol", "erin")));
        Assert.Equal([("erin", 0), ("bob", 0), ("carol", 0)], Envelope.Results(await emulator.FollowDeleteAsync("carol", "erin", "bob", "carol")));
        Assert.Equal((0, 0, 0), await CountsAsync(emulator, "erin"));
        Assert.Equal((0, 1, 0), await CountsAsync(emulator, "carol"));
        Assert.Equal((1, 1, 1), await CountsAsync(emulator, "bob"));
    }

    [Fact]
    public async Task Per_item_errors_leave_the_other_items_done()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        var added = Envelope.AssertOk(await emulator.FollowAddAsync("erin", "ghost", "erin", "alice"), "ResultItem");
        var deleted = Envelope.Results(await emulator.FollowDeleteAsync("carol", "ghost", "alice"));

        Assert.Equal([30003, 30001, 0], added.Select(i => i.GetProperty("ResultCode").GetInt32()));
        Assert.Contains("ghost", added[0].GetProperty("ResultInfo").GetString(), StringComparison.Ordinal);
        Assert.Contains("itself", added[1].GetProperty("ResultInfo").GetString(), StringComparison.Ordinal);
        Assert.Equal("", added[2].GetProperty("ResultInfo").GetString());
        Assert.Equal([("ghost", 30003), ("alice", 0)], deleted);
        Assert.Equal((2, 2, 1), await CountsAsync(emulator, "alice")); // erin in, carol out
        Assert.Equal((0, 0, 0), await CountsAsync(emulator, "ghost")); // still unknown: nothing was made for it
    }

    [Fact]
    public async Task A_user_who_follows_5000_accounts_gets_32100_for_a_new_one()
    {
        var graph = string.Join('\n', Enumerable.Range(1, FollowGraph.MaxFollowing + 1).Select(i => i <= FollowGraph.MaxFollowing ? $"fan,u{i}" : $"u{i},x"));
        await using var emulator = await TestEmulator.StartAsync(graphCsv: graph);

        var refused = Envelope.AssertOk(await emulator.FollowAddAsync("fan", "u5001", "u1"), "ResultItem");

        Assert.Equal([32100, 0], refused.Select(i => i.GetProperty("ResultCode").GetInt32())); // following u1 again is still fine
        Assert.Contains("5000", refused[0].GetProperty("ResultInfo").GetString(), StringComparison.Ordinal);
        Assert.Equal(new[] { 0 }, await FollowTypesAsync(emulator, "fan", "u5001"));
        Assert.Equal([("u1", 0)], Envelope.Results(await emulator.FollowDeleteAsync("fan", "u1")));
        Assert.Equal([("u5001", 0)], Envelope.Results(await emulator.FollowAddAsync("fan", "u5001")));
        Assert.Equal((0, 5000, 0), await CountsAsync(emulator, "fan"));
    }

    [Fact]
    public async Task Admins_can_follow_and_be_followed_and_have_no_nick()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        Envelope.Results(await emulator.FollowAddAsync(TestEmulator.Admin, "alice"));
        Envelope.Results(await emulator.FollowAddAsync("bob", TestEmulator.Admin));

        var fans = Envelope.AssertOk(await emulator.FollowGetAsync("alice", 1), "FollowItem");
        Assert.Equal(TestEmulator.Admin, fans[0].GetProperty("To_Account").GetString());
        Assert.Equal(0, fans[0].GetProperty("ProfileItem").GetArrayLength());
        Assert.Equal(
            """[{"Tag":"Tag_Profile_IM_Nick","Value":"Nick of carol"}]""",
            fans[1].GetProperty("ProfileItem").GetRawText());
        Assert.Equal((1, 1, 0), await CountsAsync(emulator, TestEmulator.Admin));
    }

    [Fact]
    public async Task Concurrent_writes_and_reads_leave_the_graph_consistent()
    {
        const int users = 60;
        var graph = string.Join('\n', Enumerable.Range(0, users).Select(i => $"u{i},seed"));
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 0 }, graph);
        string[] Next(int i) => Enumerable.Range(1, 20).Select(k => $"u{(i + k) % users}").ToArray();

        // Each user follows the next 20 while others read; then each unfollows the next 10.
        var reads = Enumerable.Range(0, 30).Select(i => emulator.CallAsync(TestEmulator.Admin, Next(i)));
        var adds = Enumerable.Range(0, users).Select(i => emulator.FollowAddAsync($"u{i}", Next(i)));
        await Task.WhenAll([.. reads, .. adds]);
        Assert.All(await Task.WhenAll(Enumerable.Range(0, users).Select(i => emulator.FollowDeleteAsync($"u{i}", Next(i)[..10]))),
            envelope => Assert.All(Envelope.Results(envelope), r => Assert.Equal(0, r.Code)));

        // u_i now follows seed and u_{i+11}..u_{i+20}, and is followed by u_{i-20}..u_{i-11}: no pair is mutual.
        var all = Enumerable.Range(0, users).Select(i => $"u{i}").ToArray();
        foreach (var chunk in all.Chunk(20))
        {
            Assert.All(Envelope.AssertOk(await emulator.CallAsync(TestEmulator.Admin, chunk)), item =>
            {
                Assert.Equal(10, item.GetProperty("FollowerCount").GetInt32());
                Assert.Equal(11, item.GetProperty("FollowingCount").GetInt32());
                Assert.Equal(0, item.GetProperty("MutualFollowingCount").GetInt32());
            });
        }
        Assert.Equal(users, (await CountsAsync(emulator, "seed")).Followers);
    }
}
