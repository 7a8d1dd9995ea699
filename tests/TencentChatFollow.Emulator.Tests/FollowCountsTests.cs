namespace TencentChatFollow.Emulator.Tests;

public class FollowCountsTests
{
    // Counted by hand:
    //   alice: followed by bob, carol, frank (3); follows bob, carol, dave (3); mutual with bob, carol (2)
    //   bob:   followed by alice, dave (2);       follows alice (1);            mutual with alice (1)
    //   carol: 1 / 1 / 1      dave: 1 / 1 / 0      frank: 0 / 1 / 0
    //   erin only follows herself, which does not count: 0 / 0 / 0, but she exists.
    private const string Graph = """
        # a small graph
        follower,followee
        alice,bob
        bob,alice
        alice,carol
        carol,alice
        alice,dave
        dave,bob
        alice,bob
        erin,erin

           frank ,  alice
        """;

    [Fact]
    public async Task Counts_come_from_the_graph()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        var items = Envelope.AssertOk(await emulator.CallAsync(TestEmulator.Admin, "alice", "bob", "carol", "dave", "erin", "frank", "administrator"));

        Assert.Equal(
            [
                ("alice", 3, 3, 2),
                ("bob", 2, 1, 1),
                ("carol", 1, 1, 1),
                ("dave", 1, 1, 0),
                ("erin", 0, 0, 0),
                ("frank", 0, 1, 0),
                ("administrator", 0, 0, 0),
            ],
            items.Select(i => (
                i.GetProperty("To_Account").GetString(),
                i.GetProperty("FollowerCount").GetInt32(),
                i.GetProperty("FollowingCount").GetInt32(),
                i.GetProperty("MutualFollowingCount").GetInt32())));
        Assert.All(items, i =>
        {
            Assert.Equal(0, i.GetProperty("ResultCode").GetInt32());
            Assert.Equal("", i.GetProperty("ResultInfo").GetString());
        });
    }

    [Fact]
    public async Task Each_unknown_id_gets_its_own_30003_while_the_call_succeeds()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        var items = Envelope.AssertOk(await emulator.CallAsync("dave", "ghost", "alice", "Alice"));

        Assert.Equal(["ghost", "alice", "Alice"], items.Select(i => i.GetProperty("To_Account").GetString()));
        Assert.Equal([30003, 0, 30003], items.Select(i => i.GetProperty("ResultCode").GetInt32()));
        Assert.NotEqual("", items[0].GetProperty("ResultInfo").GetString());
        Assert.Equal(0, items[0].GetProperty("FollowerCount").GetInt32());
        Assert.Equal(3, items[1].GetProperty("FollowerCount").GetInt32());
    }

    [Fact]
    public async Task A_repeated_id_is_answered_once_per_occurrence_in_request_order()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        var items = Envelope.AssertOk(await emulator.CallAsync(TestEmulator.Admin, "bob", "alice", "bob"));

        Assert.Equal(["bob", "alice", "bob"], items.Select(i => i.GetProperty("To_Account").GetString()));
    }

    [Fact]
    public async Task The_envelope_has_exactly_the_documented_fields_in_the_documented_order()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        using var response = await emulator.PostAsync(body: """{"From_Account":"alice","To_Account":["bob"]}""");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            """{"FollowInfo":[{"To_Account":"bob","ResultCode":0,"ResultInfo":"","FollowerCount":2,"FollowingCount":1,"MutualFollowingCount":1}],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}""",
            await response.Content.ReadAsStringAsync());
    }
}
