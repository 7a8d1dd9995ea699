namespace TencentChatFollow.Emulator.Tests;

/// <summary>The checks every follow API shares, and each API's own body rules and limits.</summary>
public class FollowApiValidationTests
{
    private const string Graph = "alice,bob\nbob,alice";

    /// <summary>A valid body for each API.</summary>
    private static readonly (string Api, string Body)[] Valid =
    [
        ("follow_get_info", """{"From_Account":"alice","To_Account":["bob"]}"""),
        ("follow_check", """{"From_Account":"alice","To_Account":["bob"]}"""),
        ("follow_delete", """{"From_Account":"alice","To_Account":["bob"]}"""),
        ("follow_add", """{"From_Account":"alice","FollowItem":[{"To_Account":"bob"}]}"""),
        ("follow_get", """{"From_Account":"alice","FollowType":1,"StartCursor":"","WantNum":10}"""),
    ];

    public static IEnumerable<object[]> ValidBodies => Valid.Select(v => new object[] { v.Api, v.Body });

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public async Task Every_api_checks_the_url_the_usersig_and_the_admin_and_answers_a_valid_call(string api, string body)
    {
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { Admins = ["administrator", "ops"] }, Graph);

        var badSig = emulator.ValidParameters();
        badSig["usersig"] = "garbage";
        Envelope.AssertFail(await emulator.CallAsync(badSig, body, api), ErrorCodes.UserSigUnparsable);
        var otherApp = emulator.ValidParameters();
        otherApp["sdkappid"] = "1400000002";
        Envelope.AssertFail(await emulator.CallAsync(otherApp, body, api), ErrorCodes.UnknownSdkAppId);
        var noRandom = emulator.ValidParameters();
        noRandom.Remove("random");
        Envelope.AssertFail(await emulator.CallAsync(noRandom, body, api), ErrorCodes.HttpParseError);
        Envelope.AssertFail(await emulator.CallAsync(emulator.ValidParameters("alice"), body, api), ErrorCodes.AdminRequired);
        Envelope.AssertFail(await emulator.CallAsync(body: "not json", api: api), ErrorCodes.JsonParseError);
        Envelope.AssertFail(await emulator.CallAsync(body: "[]", api: api), ErrorCodes.JsonParseError);
        Envelope.AssertFail(await emulator.CallAsync(body: body.Replace("\"alice\"", "\"nobody\"", StringComparison.Ordinal), api: api), ErrorCodes.AccountNotFound);

        var missingFrom = await emulator.CallAsync(body: body.Replace("\"From_Account\":\"alice\",", "", StringComparison.Ordinal), api: api);
        Envelope.AssertFail(missingFrom, ErrorCodes.InvalidParameter);
        Assert.Contains("From_Account", missingFrom.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);

        Assert.Equal(0, (await emulator.CallAsync(emulator.ValidParameters("ops"), body, api)).GetProperty("ErrorCode").GetInt32());
        var log = (await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray().ToList();
        Assert.All(log, entry => Assert.Equal(api, entry.GetProperty("api").GetString()));
        Assert.Equal(9, (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty("callsByApi").GetProperty(api).GetInt32());
    }

    [Theory]
    [InlineData("follow_add", """{"From_Account":"alice"}""", "FollowItem")]
    [InlineData("follow_add", """{"From_Account":"alice","To_Account":["bob"]}""", "FollowItem")]
    [InlineData("follow_add", """{"From_Account":"alice","FollowItem":["bob"]}""", "FollowItem")]
    [InlineData("follow_add", """{"From_Account":"alice","FollowItem":[{"to_account":"bob"}]}""", "FollowItem")]
    [InlineData("follow_add", """{"From_Account":"alice","FollowItem":[]}""", "FollowItem")]
    [InlineData("follow_add", """{"From_Account":"alice","FollowItem":{"To_Account":"bob"}}""", "FollowItem")]
    [InlineData("follow_delete", """{"From_Account":"alice"}""", "To_Account")]
    [InlineData("follow_delete", """{"From_Account":"alice","To_Account":"bob"}""", "To_Account")]
    [InlineData("follow_delete", """{"From_Account":"alice","To_Account":[]}""", "To_Account")]
    [InlineData("follow_check", """{"From_Account":"alice","To_Account":[null]}""", "To_Account")]
    [InlineData("follow_check", """{"From_Account":"alice","To_Account":[]}""", "To_Account")]
    [InlineData("follow_get", """{"From_Account":"alice","StartCursor":"","WantNum":10}""", "FollowType")]
    [InlineData("follow_get", """{"From_Account":"alice","FollowType":0}""", "FollowType")]
    [InlineData("follow_get", """{"From_Account":"alice","FollowType":4}""", "FollowType")]
    [InlineData("follow_get", """{"From_Account":"alice","FollowType":"1"}""", "FollowType")]
    [InlineData("follow_get", """{"From_Account":"alice","FollowType":1.5}""", "FollowType")]
    [InlineData("follow_get", """{"From_Account":"alice","FollowType":1,"WantNum":0}""", "WantNum")]
    [InlineData("follow_get", """{"From_Account":"alice","FollowType":1,"WantNum":1001}""", "WantNum")]
    [InlineData("follow_get", """{"From_Account":"alice","FollowType":1,"WantNum":"10"}""", "WantNum")]
    [InlineData("follow_get", """{"From_Account":"alice","FollowType":1,"WantNum":2.5}""", "WantNum")]
    [InlineData("follow_get", """{"From_Account":"alice","FollowType":1,"StartCursor":5}""", "StartCursor")]
    [InlineData("follow_get", """{"From_Account":"alice","FollowType":1,"StartCursor":"not-a-cursor"}""", "StartCursor")]
    public async Task A_body_that_breaks_an_api_rule_is_30001_naming_the_field(string api, string body, string field)
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        var envelope = await emulator.CallAsync(body: body, api: api);

        Envelope.AssertFail(envelope, ErrorCodes.InvalidParameter);
        Assert.Contains(field, envelope.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// An account id written as a number (or true/false) is 60015, Tencent's "the request body's account type is
    /// wrong: make sure the account is a string", before the API's own rules and whatever the id's place.
    /// </summary>
    [Theory]
    [InlineData("follow_get_info", """{"From_Account":7,"To_Account":["bob"]}""", "From_Account")]
    [InlineData("follow_get_info", """{"From_Account":"alice","To_Account":["bob",1001]}""", "To_Account[1]")]
    [InlineData("follow_check", """{"From_Account":"alice","To_Account":[true]}""", "To_Account[0]")]
    [InlineData("follow_delete", """{"From_Account":"alice","To_Account":[1.5]}""", "To_Account[0]")]
    [InlineData("follow_add", """{"From_Account":"alice","FollowItem":[{"To_Account":1}]}""", "FollowItem[0].To_Account")]
    [InlineData("follow_add", """{"From_Account":1,"FollowItem":[{"To_Account":"bob"}]}""", "From_Account")]
    [InlineData("follow_get", """{"From_Account":1,"FollowType":1}""", "From_Account")]
    [InlineData(TestEmulator.AccountCheck, """{"CheckItem":[{"UserID":"alice"},{"UserID":7}]}""", "CheckItem[1].UserID")]
    [InlineData(TestEmulator.AccountCheck, """{"CheckItem":[{"UserID":7}],"From_Account":1}""", "CheckItem[0].UserID")]
    public async Task An_account_id_that_is_a_number_is_60015_naming_its_place(string api, string body, string where)
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        var envelope = await emulator.CallAsync(body: body, api: api);

        Envelope.AssertFail(envelope, ErrorCodes.AccountTypeError);
        Assert.StartsWith(where + " is ", envelope.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("follow_add", 20)]
    [InlineData("follow_delete", 20)]
    [InlineData("follow_check", 100)]
    [InlineData("follow_get_info", 20)]
    public async Task Each_api_takes_up_to_its_limit_of_ids_and_refuses_one_more(string api, int limit)
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        object Body(int count)
        {
            var ids = Enumerable.Range(0, count).Select(i => $"ghost{i}").ToArray();
            return api == "follow_add"
                ? new { From_Account = "alice", FollowItem = ids.Select(id => new { To_Account = id }) }
                : new { From_Account = "alice", To_Account = ids };
        }

        var atLimit = await emulator.CallApiAsync(api, Body(limit));
        var overLimit = await emulator.CallApiAsync(api, Body(limit + 1));

        var items = Envelope.AssertOk(atLimit, api == "follow_get_info" ? "FollowInfo" : "ResultItem");
        Assert.Equal(limit, items.Length);
        Assert.All(items, item => Assert.Equal(ErrorCodes.AccountNotFound, item.GetProperty("ResultCode").GetInt32()));
        Envelope.AssertFail(overLimit, ErrorCodes.InvalidParameter);
        Assert.Contains($"{limit + 1}", overLimit.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
        var stats = await emulator.GetJsonAsync("/_emulator/stats");
        Assert.Equal(limit + 1, stats.GetProperty("maxBatchSize").GetInt32());
    }

    [Fact]
    public async Task WantNum_is_1_to_1000_and_100_when_absent()
    {
        var graph = string.Join('\n', Enumerable.Range(1, 1001).Select(i => $"fan{i},star"));
        await using var emulator = await TestEmulator.StartAsync(graphCsv: graph);

        var absent = Envelope.AssertOk(await emulator.CallApiAsync("follow_get", new { From_Account = "star", FollowType = 1 }), "FollowItem");
        var one = Envelope.AssertOk(await emulator.FollowGetAsync("star", 1, wantNum: 1), "FollowItem");
        var most = Envelope.AssertOk(await emulator.FollowGetAsync("star", 1, wantNum: 1000), "FollowItem");
        var tooMany = await emulator.FollowGetAsync("star", 1, wantNum: 1001);

        Assert.Equal(100, absent.Length);
        Assert.Single(one);
        Assert.Equal(1000, most.Length);
        Envelope.AssertFail(tooMany, ErrorCodes.InvalidParameter);
        Assert.Contains("1000", tooMany.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
        var logged = (await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray().Select(e => e.GetProperty("wantNum").GetInt32());
        Assert.Equal([100, 1, 1000, 1001], logged);
    }

    [Theory]
    [InlineData("app", new[] { 0, 0, 0, 0, 0, 60011, 60011, 0 })]
    [InlineData("api", new[] { 0, 0, 0, 0, 0, 0, 0, 0 })]
    public async Task The_app_scope_counts_the_calls_of_every_api_together_the_api_scope_each_apart(string scopeName, int[] expected)
    {
        Assert.True(LimitNames.Scopes.TryParse(scopeName, out var scope));
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 5, LimitScope = scope }, Graph, clock);

        var codes = new List<int>();
        foreach (var (api, body) in Valid)
        {
            codes.Add((await emulator.CallAsync(body: body, api: api)).GetProperty("ErrorCode").GetInt32());
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        codes.Add((await emulator.FollowCheckAsync("alice", "bob")).GetProperty("ErrorCode").GetInt32());
        codes.Add((await emulator.FollowAddAsync("bob", "alice")).GetProperty("ErrorCode").GetInt32());
        clock.Advance(TimeSpan.FromSeconds(1));
        codes.Add((await emulator.FollowGetAsync("alice", 2)).GetProperty("ErrorCode").GetInt32());

        Assert.Equal(expected, codes);
        var stats = await emulator.GetJsonAsync("/_emulator/stats");
        Assert.Equal(expected.Count(c => c != 0), stats.GetProperty("rateLimited").GetInt32());
        Assert.Equal(7, stats.GetProperty("maxCallsInCalendarSecond").GetInt32());
        var byApi = stats.GetProperty("callsByApi");
        Assert.Equal(2, byApi.GetProperty("follow_check").GetInt32());
        Assert.Equal(2, byApi.GetProperty("follow_add").GetInt32());
        Assert.Equal(2, byApi.GetProperty("follow_get").GetInt32());
    }

    [Fact]
    public async Task An_id_over_32_bytes_names_no_account_in_any_request()
    {
        // The graph and --admin refuse such ids, so none exists: each API answers it as any unknown id (30003).
        const string tooLong = "界界界界界界界界界界abc"; // 33 bytes
        const string longest = "界界界界界界界界界界ab"; // 32 bytes: an account
        await using var emulator = await TestEmulator.StartAsync(graphCsv: $"alice,bob\nbob,{longest}");

        Assert.Equal([(longest, 0), (tooLong, ErrorCodes.AccountNotFound)],
            Envelope.AssertOk(await emulator.CallAsync("alice", longest, tooLong)).Select(i => (i.GetProperty("To_Account").GetString(), i.GetProperty("ResultCode").GetInt32())));
        Assert.Equal([(tooLong, ErrorCodes.AccountNotFound)], Envelope.Results(await emulator.FollowCheckAsync("alice", tooLong)));
        Assert.Equal([(tooLong, ErrorCodes.AccountNotFound)], Envelope.Results(await emulator.FollowAddAsync("alice", tooLong)));
        Assert.Equal([(tooLong, ErrorCodes.AccountNotFound)], Envelope.Results(await emulator.FollowDeleteAsync("alice", tooLong)));
        Envelope.AssertFail(await emulator.FollowGetAsync(tooLong, 1), ErrorCodes.AccountNotFound);
        Envelope.AssertFail(await emulator.CallAsync(tooLong, "alice"), ErrorCodes.AccountNotFound);
        Assert.Equal(["Imported", "NotImported"],
            Envelope.AssertOk(await emulator.AccountCheckAsync(longest, tooLong), "ResultItem").Select(i => i.GetProperty("AccountStatus").GetString()));
    }
}
