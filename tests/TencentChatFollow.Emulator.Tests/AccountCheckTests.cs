namespace TencentChatFollow.Emulator.Tests;

/// <summary>v4/im_open_login_svc/account_check: which accounts exist, its body rules, and the checks it shares with the follow APIs.</summary>
public class AccountCheckTests
{
    private const string Graph = "alice,bob\nbob,carol";

    private static (string Id, int Code, string Info, string Status)[] Items(JsonElement envelope) =>
        Envelope.AssertOk(envelope, "ResultItem").Select(i => (
            i.GetProperty("UserID").GetString()!,
            i.GetProperty("ResultCode").GetInt32(),
            i.GetProperty("ResultInfo").GetString()!,
            i.GetProperty("AccountStatus").GetString()!)).ToArray();

    [Fact]
    public async Task Accounts_in_the_graph_and_admins_are_imported_the_rest_not_one_item_per_id_in_request_order()
    {
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { Admins = ["administrator", "ops"] }, Graph);

        var envelope = await emulator.AccountCheckAsync("carol", "ghost", "ops", "alice", "ghost", "Alice", "");

        Assert.Equal(
            [
                ("carol", 0, "", "Imported"), ("ghost", 0, "", "NotImported"), ("ops", 0, "", "Imported"), ("alice", 0, "", "Imported"),
                ("ghost", 0, "", "NotImported"), ("Alice", 0, "", "NotImported"), ("", 0, "", "NotImported"),
            ],
            Items(envelope));
        // The field order of Tencent's sample answer, with the item array first.
        Assert.StartsWith("""{"ResultItem":[{"UserID":"carol","ResultCode":0,"ResultInfo":"","AccountStatus":"Imported"}""", envelope.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_request_log_shows_the_user_ids_and_no_from_account()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        await emulator.AccountCheckAsync("alice", "ghost");

        var entry = (await emulator.GetJsonAsync("/_emulator/requests"))[0];
        Assert.Equal("account_check", entry.GetProperty("api").GetString());
        Assert.Equal(["alice", "ghost"], entry.GetProperty("toAccount").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("from").ValueKind);
        Assert.Equal(1, (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty("batchSizes").GetProperty("2").GetInt32());
    }

    [Fact]
    public async Task A_hundred_accounts_are_accepted_and_a_hundred_and_one_are_70402()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        var hundred = Enumerable.Range(0, 100).Select(i => $"user{i}").ToArray();

        Assert.Equal(100, Items(await emulator.AccountCheckAsync(hundred)).Length);
        var tooMany = await emulator.AccountCheckAsync([.. hundred, "alice"]);
        Envelope.AssertFail(tooMany, ErrorCodes.AccountInvalidParameter);
        Assert.Contains("101", tooMany.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{}""", "CheckItem")]
    [InlineData("""{"checkitem":[{"UserID":"alice"}]}""", "CheckItem")]
    [InlineData("""{"CheckItem":[]}""", "CheckItem")]
    [InlineData("""{"CheckItem":{"UserID":"alice"}}""", "CheckItem")]
    [InlineData("""{"CheckItem":["alice"]}""", "UserID")]
    [InlineData("""{"CheckItem":[{"UserID":"alice"},{"UserId":"bob"}]}""", "UserID")]
    [InlineData("""{"CheckItem":[{"UserID":null}]}""", "UserID")]
    [InlineData("""{"CheckItem":[{"UserID":"alice"},null]}""", "UserID")]
    public async Task A_bad_check_item_is_70402_naming_the_field(string body, string field)
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        var envelope = await emulator.CallAsync(body: body, api: TestEmulator.AccountCheck);

        Envelope.AssertFail(envelope, ErrorCodes.AccountInvalidParameter);
        Assert.Contains(field, envelope.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""[{"UserID":"alice"}]""")]
    [InlineData("""{"CheckItem":[{"UserID":"alice"}],"CheckItem":[]}""")]
    public async Task A_body_that_is_not_a_json_object_is_60003(string body)
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        Envelope.AssertFail(await emulator.CallAsync(body: body, api: TestEmulator.AccountCheck), ErrorCodes.JsonParseError);
    }

    [Fact]
    public async Task The_url_usersig_and_admin_checks_come_first_as_for_the_follow_apis()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        var badSig = emulator.ValidParameters();
        badSig["usersig"] = "garbage";
        var noRandom = emulator.ValidParameters();
        noRandom.Remove("random");
        const string body = """{"CheckItem":[]}""";

        Envelope.AssertFail(await emulator.CallAsync(badSig, body, TestEmulator.AccountCheck), ErrorCodes.UserSigUnparsable);
        Envelope.AssertFail(await emulator.CallAsync(noRandom, body, TestEmulator.AccountCheck), ErrorCodes.HttpParseError);
        Envelope.AssertFail(await emulator.CallAsync(emulator.ValidParameters("alice"), body, TestEmulator.AccountCheck), ErrorCodes.AdminRequired);
    }

    [Fact]
    public async Task Its_limit_is_100_calls_a_second_of_its_own()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph, clock: clock);

        var codes = new List<int>();
        for (var i = 0; i < 101; i++)
        {
            codes.Add((await emulator.AccountCheckAsync("alice")).GetProperty("ErrorCode").GetInt32());
        }

        Assert.Equal([.. Enumerable.Repeat(0, 100), ErrorCodes.FrequencyLimit], codes);
        Envelope.AssertOk(await emulator.CallAsync("alice", "bob")); // follow_get_info in the same second
        clock.Advance(TimeSpan.FromSeconds(1));
        Items(await emulator.AccountCheckAsync("alice"));
    }

    [Theory]
    [InlineData("extra")]
    [InlineData("doubled")]
    [InlineData("wrongtype")]
    [InlineData("negative")]
    [InlineData("missing")]
    public async Task Item_faults_spoil_one_item(string kind)
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        await emulator.SetFaultsAsync(new { rate = 1.0, kinds = new[] { kind } });

        var envelope = await emulator.AccountCheckAsync("alice", "ghost");

        var items = Envelope.AssertOk(envelope, "ResultItem");
        var genuine = new[] { ("alice", "Imported"), ("ghost", "NotImported") };
        switch (kind)
        {
            case "extra":
                Assert.Equal([.. genuine, ("emulator_extra_1", "NotImported")], items.Select(i => (i.GetProperty("UserID").GetString(), i.GetProperty("AccountStatus").GetString())));
                break;
            case "doubled":
                Assert.Equal(3, items.Length);
                var (id, status) = genuine.Single(g => g.Item1 == items[2].GetProperty("UserID").GetString());
                Assert.NotEqual(status, items[2].GetProperty("AccountStatus").GetString());
                Assert.Contains(id, items.Take(2).Select(i => i.GetProperty("UserID").GetString()));
                break;
            case "wrongtype":
                Assert.Single(items, i => i.GetProperty("ResultCode").ValueKind == JsonValueKind.String);
                break;
            case "negative":
                Assert.Single(items, i => i.GetProperty("ResultCode").GetInt32() == -1);
                break;
            default:
                Assert.Single(items);
                break;
        }
        Assert.Equal(kind, (await emulator.GetJsonAsync("/_emulator/requests"))[0].GetProperty("fault").GetString());
    }

    [Fact]
    public async Task Error_faults_and_the_outage_apply_to_it()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        await emulator.SetFaultsAsync(new { rate = 1.0, kinds = new[] { "30006" } });
        Envelope.AssertFail(await emulator.AccountCheckAsync("alice"), ErrorCodes.InternalError);

        await emulator.SetFaultsAsync(new { rate = 0, outageAtS = 0, outageS = 1000, outageKind = "60008" });
        Envelope.AssertFail(await emulator.AccountCheckAsync("alice"), ErrorCodes.ServiceTimeout);
        Assert.Equal(1, (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty("outageCalls").GetInt32());
    }

    [Fact]
    public async Task Latency_delays_its_answers()
    {
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { LatencyMs = 300 }, Graph);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        Items(await emulator.AccountCheckAsync("alice"));

        Assert.True(stopwatch.ElapsedMilliseconds >= 290, $"answered after {stopwatch.ElapsedMilliseconds} ms");
    }
}
