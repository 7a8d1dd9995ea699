namespace TencentChatFollow.Emulator.Tests;

/// <summary>Faults on the follow APIs other than follow_get_info, writes above all.</summary>
public class FollowFaultTests
{
    private const string Graph = "alice,bob\nbob,alice\ncarol,alice\ndave,erin";

    private static async Task<TestEmulator> StartWithFaultAsync(string kind)
    {
        var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        await emulator.SetFaultsAsync(new { rate = 1.0, kinds = new[] { kind } });
        return emulator;
    }

    private static Task<JsonElement> NoFaultsAsync(TestEmulator emulator) => emulator.SetFaultsAsync(new { rate = 0.0 });

    private static async Task<int> FollowersAsync(TestEmulator emulator, string account) =>
        Assert.Single(Envelope.AssertOk(await emulator.CallAsync(TestEmulator.Admin, account))).GetProperty("FollowerCount").GetInt32();

    private static async Task<JsonElement> LastLogEntryAsync(TestEmulator emulator) =>
        (await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray().Last();

    [Theory]
    [InlineData("drop")]
    [InlineData("502")]
    [InlineData("30007")]
    [InlineData("truncated")]
    [InlineData("cut-body")]
    public async Task A_write_whose_answer_is_lost_was_made_and_sending_it_again_does_not_double_it(string kind)
    {
        await using var emulator = await StartWithFaultAsync(kind);

        try
        {
            using var lost = await emulator.PostAsync(body: """{"From_Account":"dave","FollowItem":[{"To_Account":"alice"},{"To_Account":"bob"}]}""", api: "follow_add");
        }
        catch (HttpRequestException)
        {
            // 'drop' and 'cut-body' close the connection.
        }
        Assert.Equal(kind, (await LastLogEntryAsync(emulator)).GetProperty("fault").GetString());
        await NoFaultsAsync(emulator);

        Assert.Equal([("alice", 0), ("bob", 0)], Envelope.Results(await emulator.FollowAddAsync("dave", "alice", "bob")));
        Assert.Equal(3, await FollowersAsync(emulator, "alice"));
        Assert.Equal(2, await FollowersAsync(emulator, "bob"));
    }

    [Theory]
    [InlineData("60007")]
    [InlineData("429")]
    [InlineData("408")]
    [InlineData("70009")]
    public async Task A_write_refused_by_a_rate_fault_is_not_made(string kind)
    {
        await using var emulator = await StartWithFaultAsync(kind);

        using var refused = await emulator.PostAsync(body: """{"From_Account":"alice","To_Account":["bob"]}""", api: "follow_delete");
        await NoFaultsAsync(emulator);

        Assert.Equal([3], Envelope.AssertOk(await emulator.FollowCheckAsync("alice", "bob"), "ResultItem").Select(i => i.GetProperty("FollowType").GetInt32()));
    }

    [Fact]
    public async Task A_write_during_an_outage_is_not_made()
    {
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { OutageS = 60 }, Graph);

        using var down = await emulator.PostAsync(body: """{"From_Account":"dave","FollowItem":[{"To_Account":"alice"}]}""", api: "follow_add");
        Assert.Equal(System.Net.HttpStatusCode.BadGateway, down.StatusCode);
        await emulator.SetFaultsAsync(new { outageS = 0 });

        Assert.Equal(2, await FollowersAsync(emulator, "alice"));
    }

    [Fact]
    public async Task Missing_leaves_one_item_out_of_a_write_answer_but_every_write_is_made()
    {
        await using var emulator = await StartWithFaultAsync("missing");

        var answered = Envelope.Results(await emulator.FollowAddAsync("erin", "alice", "bob", "carol"));
        await NoFaultsAsync(emulator);

        Assert.Equal(2, answered.Length);
        Assert.All(answered, r => Assert.Equal(0, r.Code));
        Assert.Equal([2, 2, 2], Envelope.AssertOk(await emulator.FollowCheckAsync("erin", "alice", "bob", "carol"), "ResultItem").Select(i => i.GetProperty("FollowType").GetInt32()));
    }

    [Fact]
    public async Task Doubled_adds_a_second_item_with_the_opposite_outcome()
    {
        await using var emulator = await StartWithFaultAsync("doubled");

        var items = Envelope.AssertOk(await emulator.FollowDeleteAsync("carol", "alice"), "ResultItem");

        Assert.Equal(["alice", "alice"], items.Select(i => i.GetProperty("To_Account").GetString()));
        Assert.Equal([0, 30006], items.Select(i => i.GetProperty("ResultCode").GetInt32()));
        Assert.Equal("doubled", (await LastLogEntryAsync(emulator)).GetProperty("fault").GetString());
    }

    [Theory]
    [InlineData("wrongtype", "follow_check", "FollowType", "\"many\"")]
    [InlineData("negative", "follow_check", "FollowType", "-1")]
    [InlineData("wrongtype", "follow_add", "ResultCode", "\"many\"")]
    [InlineData("negative", "follow_delete", "ResultCode", "-1")]
    [InlineData("wrongtype", "follow_get", "FollowTime", "\"many\"")]
    [InlineData("negative", "follow_get", "FollowTime", "-1")]
    public async Task Wrongtype_and_negative_spoil_one_field_of_one_item(string kind, string api, string field, string spoiled)
    {
        await using var emulator = await StartWithFaultAsync(kind);
        var (body, items) = api switch
        {
            "follow_add" => ((object)new { From_Account = "erin", FollowItem = new[] { new { To_Account = "alice" }, new { To_Account = "bob" } } }, "ResultItem"),
            "follow_get" => (new { From_Account = "alice", FollowType = 1, StartCursor = "", WantNum = 10 }, "FollowItem"),
            _ => (new { From_Account = "alice", To_Account = new[] { "bob", "carol" } }, "ResultItem"),
        };

        var values = Envelope.AssertOk(await emulator.CallApiAsync(api, body), items).Select(i => i.GetProperty(field).GetRawText()).ToList();

        Assert.Equal(2, values.Count);
        Assert.Single(values, spoiled);
        Assert.Equal(kind, (await LastLogEntryAsync(emulator)).GetProperty("fault").GetString());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("extra")]
    [InlineData("doubled")]
    public async Task Item_faults_that_follow_get_cannot_show_leave_its_answer_genuine_and_are_not_counted(string kind)
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        var genuine = (await emulator.FollowGetAsync("alice", 1)).GetRawText();
        await emulator.SetFaultsAsync(new { rate = 1.0, kinds = new[] { kind } });

        Assert.Equal(genuine, (await emulator.FollowGetAsync("alice", 1)).GetRawText());

        Assert.Equal(JsonValueKind.Null, (await LastLogEntryAsync(emulator)).GetProperty("fault").ValueKind);
        Assert.Equal(0, (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty("faultsInjected").GetInt32());
    }

    [Fact]
    public async Task Extra_adds_an_item_nobody_asked_for_to_follow_check()
    {
        await using var emulator = await StartWithFaultAsync("extra");

        var ids = Envelope.AssertOk(await emulator.FollowCheckAsync("alice", "bob", "carol"), "ResultItem").Select(i => i.GetProperty("To_Account").GetString()).ToList();

        Assert.Equal(["bob", "carol", "emulator_extra_1"], ids);
    }

    [Fact]
    public async Task The_envelopes_have_tencents_field_order()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph, clock: new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)));

        Assert.Equal(
            """{"ResultItem":[{"To_Account":"bob","ResultCode":0,"ResultInfo":"","FollowType":3}],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}""",
            (await emulator.FollowCheckAsync("alice", "bob")).GetRawText());
        Assert.Equal(
            """{"ResultItem":[{"To_Account":"erin","ResultCode":0,"ResultInfo":""}],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}""",
            (await emulator.FollowAddAsync("carol", "erin")).GetRawText());
        Assert.Equal(
            """{"ResultItem":[{"To_Account":"erin","ResultCode":0,"ResultInfo":""}],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}""",
            (await emulator.FollowDeleteAsync("carol", "erin")).GetRawText());
        Assert.Equal(
            """{"FollowItem":[{"To_Account":"erin","FollowTime":1700000003,"ProfileItem":[{"Tag":"Tag_Profile_IM_Nick","Value":"Nick of erin"}]}],"NextCursor":"","ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}""",
            (await emulator.FollowGetAsync("dave", 2)).GetRawText());
    }
}
