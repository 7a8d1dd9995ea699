using System.Net;
using System.Text;

namespace TencentChatFollow.Emulator.Tests;

public class ControlEndpointTests
{
    [Fact]
    public async Task Health_is_ok()
    {
        await using var emulator = await TestEmulator.StartAsync();

        Assert.Equal("""{"status":"ok"}""", await emulator.Http.GetStringAsync("/_emulator/health"));
    }

    [Fact]
    public async Task The_request_log_describes_each_call_in_arrival_order()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: "alice,bob");
        var badSig = emulator.ValidParameters();
        badSig["usersig"] = "garbage";

        await emulator.CallAsync("alice", "bob", "ghost");
        await emulator.CallAsync(badSig, """{"From_Account":"alice","To_Account":["bob"]}""");
        await emulator.CallAsync(body: "not json");

        var log = (await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray().ToList();
        Assert.Equal([1L, 2L, 3L], log.Select(e => e.GetProperty("seq").GetInt64()));
        var first = log[0];
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", first.GetProperty("arrivedAt").GetString());
        Assert.Equal(EmulatorOptions.WellKnownSdkAppId, first.GetProperty("sdkAppId").GetUInt32());
        Assert.Equal("administrator", first.GetProperty("identifier").GetString());
        Assert.Equal("alice", first.GetProperty("from").GetString());
        Assert.Equal(["bob", "ghost"], first.GetProperty("toAccount").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(200, first.GetProperty("httpStatus").GetInt32());
        Assert.Equal(0, first.GetProperty("errorCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("fault").ValueKind);
        Assert.False(first.GetProperty("outage").GetBoolean());
        Assert.True(first.GetProperty("durationMs").GetInt64() >= 0);
        // The body is logged even when an earlier check refused the call.
        Assert.Equal(70003, log[1].GetProperty("errorCode").GetInt32());
        Assert.Equal("alice", log[1].GetProperty("from").GetString());
        Assert.Equal(JsonValueKind.Null, log[2].GetProperty("toAccount").ValueKind);
    }

    [Fact]
    public async Task UserSigs_appear_only_in_the_test_only_usersigs_endpoint()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var parameters = emulator.ValidParameters();
        var userSig = parameters["usersig"];

        await emulator.CallAsync(parameters);
        await emulator.CallAsync(parameters);

        foreach (var path in new[] { "/_emulator/requests", "/_emulator/stats", "/_emulator/faults" })
        {
            var text = await emulator.Http.GetStringAsync(path);
            Assert.DoesNotContain(userSig, text, StringComparison.Ordinal);
            Assert.DoesNotContain(userSig[^24..], text, StringComparison.Ordinal);
        }
        Assert.Equal([userSig], (await emulator.GetJsonAsync("/_emulator/usersigs")).EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Stats_count_batch_sizes_and_errors()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var admin = TestEmulator.Admin;

        await emulator.CallAsync(admin, admin);
        await emulator.CallAsync(admin, admin, admin, admin);
        await emulator.CallAsync(admin, admin, admin, admin);
        await emulator.CallAsync(admin, Enumerable.Repeat(admin, 21).ToArray());

        var stats = await emulator.GetJsonAsync("/_emulator/stats");
        Assert.Equal(4, stats.GetProperty("calls").GetInt32());
        Assert.Equal(3, stats.GetProperty("accepted").GetInt32());
        Assert.Equal(21, stats.GetProperty("maxBatchSize").GetInt32());
        Assert.Equal("""{"1":1,"3":2,"21":1}""", stats.GetProperty("batchSizes").GetRawText());
        Assert.Equal("""{"30001":1}""", stats.GetProperty("errorsByCode").GetRawText());
        Assert.Equal(4, stats.GetProperty("maxCallsInAnySecond").GetInt32());
    }

    [Fact]
    public async Task Reset_clears_what_was_recorded_but_keeps_graph_and_faults()
    {
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 1 }, "alice,bob", new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)));
        await emulator.SetFaultsAsync(new { latencyMs = 1 });
        Envelope.AssertOk(await emulator.CallAsync("alice", "bob"));
        Envelope.AssertFail(await emulator.CallAsync("alice", "bob"), ErrorCodes.FrequencyLimit);

        using var reset = await emulator.Http.PostAsync("/_emulator/reset", null);

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Empty((await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray());
        Assert.Empty((await emulator.GetJsonAsync("/_emulator/usersigs")).EnumerateArray());
        var stats = await emulator.GetJsonAsync("/_emulator/stats");
        Assert.Equal(0, stats.GetProperty("calls").GetInt32());
        Assert.Equal(0, stats.GetProperty("maxCallsInAnySecond").GetInt32());
        Assert.Equal(1, (await emulator.GetJsonAsync("/_emulator/faults")).GetProperty("latencyMs").GetInt32());
        // The rate-limit counter is empty again (same calendar second), and the graph is still there.
        var items = Envelope.AssertOk(await emulator.CallAsync("alice", "bob"));
        Assert.Equal(1, items[0].GetProperty("FollowerCount").GetInt32());
        Assert.Equal(1, (await emulator.GetJsonAsync("/_emulator/requests"))[0].GetProperty("seq").GetInt32());
    }

    [Fact]
    public async Task Faults_settings_start_from_the_options_and_update_partially()
    {
        var options = new EmulatorOptions { FaultRate = 0.25, Faults = [FaultKind.Drop], LatencyMs = 5, SlowMs = 700, RateLimit = 50 };
        await using var emulator = await TestEmulator.StartAsync(options);

        Assert.Equal(
            """{"rate":0.25,"kinds":["drop"],"latencyMs":5,"slowMs":700,"rateLimit":50,"accountCheckRateLimit":100,"appRateLimit":0,""" +
            "\"limitScope\":\"api\",\"limitWindow\":\"calendar\"," +
            "\"outageAtS\":0,\"outageS\":0,\"outageKind\":\"502\",\"oversizeMb\":20}",
            (await emulator.GetJsonAsync("/_emulator/faults")).GetRawText());
        var updated = await emulator.SetFaultsAsync(new
        {
            rate = 0, kinds = new[] { "html", "extra" }, limitWindow = "sliding", outageAtS = 2.5, outageS = 10, outageKind = "drop",
            oversizeMb = 0.5, limitScope = "app", appRateLimit = 150, accountCheckRateLimit = 7,
        });
        Assert.Equal(
            """{"rate":0,"kinds":["html","extra"],"latencyMs":5,"slowMs":700,"rateLimit":50,"accountCheckRateLimit":7,"appRateLimit":150,""" +
            "\"limitScope\":\"app\",\"limitWindow\":\"sliding\"," +
            "\"outageAtS\":2.5,\"outageS\":10,\"outageKind\":\"drop\",\"oversizeMb\":0.5}",
            updated.GetRawText());
    }

    [Theory]
    [InlineData("""{"kinds":["502","teapot"]}""")]
    [InlineData("""{"kinds":[]}""")]
    [InlineData("""{"kinds":"502"}""")]
    [InlineData("""{"rate":1.5}""")]
    [InlineData("""{"rate":"0.1"}""")]
    [InlineData("""{"latencyMs":-1}""")]
    [InlineData("""{"rateLimit":1.5}""")]
    [InlineData("""{"ratelimit":5}""")]
    [InlineData("""{"limitWindow":"rolling"}""")]
    [InlineData("""{"limitScope":"App"}""")]
    [InlineData("""{"limitScope":"both"}""")]
    [InlineData("""{"appRateLimit":-1}""")]
    [InlineData("""{"accountCheckRateLimit":"100"}""")]
    [InlineData("""{"limitWindow":1}""")]
    [InlineData("""{"rate":0.5,"limitWindow":null}""")]
    [InlineData("""{"outageAtS":-1}""")]
    [InlineData("""{"outageS":"2"}""")]
    [InlineData("""{"outageS":1000001}""")]
    [InlineData("""{"outageKind":"teapot"}""")]
    [InlineData("""{"outageKind":["502"]}""")]
    [InlineData("""{"oversizeMb":0}""")]
    [InlineData("""{"oversizeMb":"20"}""")]
    [InlineData("""[1]""")]
    [InlineData("""not json""")]
    public async Task Bad_fault_settings_are_400_and_change_nothing(string body)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var before = (await emulator.GetJsonAsync("/_emulator/faults")).GetRawText();

        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await emulator.Http.PostAsync("/_emulator/faults", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(TestEmulator.Parse(await response.Content.ReadAsStringAsync()).GetProperty("error").GetString()!);
        Assert.Equal(before, (await emulator.GetJsonAsync("/_emulator/faults")).GetRawText());
    }

    /// <summary>A bad value's error says what the setting takes, as the command-line options' errors do, not only that it is bad.</summary>
    [Theory]
    [InlineData("""{"rate":2}""", "'rate' has a bad value: 2; expected a number from 0 to 1")]
    [InlineData("""{"kinds":"502"}""", "'kinds' has a bad value: \"502\"; expected a non-empty array of fault kind names")]
    [InlineData("""{"latencyMs":1.5}""", "'latencyMs' has a bad value: 1.5; expected an integer >= 0")]
    [InlineData("""{"limitScope":"APP"}""", "'limitScope' has a bad value: \"APP\"; expected one of api, app")]
    [InlineData("""{"limitWindow":1}""", "'limitWindow' has a bad value: 1; expected one of calendar, sliding")]
    [InlineData("""{"outageS":-1}""", "'outageS' has a bad value: -1; expected a number of seconds from 0 to 1000000, such as 2.5")]
    [InlineData("""{"outageKind":"teapot"}""", "'outageKind' has a bad value: \"teapot\"; expected one fault kind (502, ")]
    [InlineData("""{"oversizeMb":0}""", "'oversizeMb' has a bad value: 0; expected a number of MiB above 0, at most 4096")]
    public async Task A_bad_fault_setting_says_what_the_setting_takes(string body, string expected)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await emulator.Http.PostAsync("/_emulator/faults", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(expected, TestEmulator.Parse(await response.Content.ReadAsStringAsync()).GetProperty("error").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public void The_request_log_drops_its_oldest_entries_beyond_its_capacity()
    {
        var log = new RequestLog();
        for (var i = 0; i < RequestLog.Capacity + 2; i++)
        {
            log.Add(new RequestLogEntry(log.NextSeq(), "", "follow_get_info", null, null, null, null, null, null, null, 200, 0, null, false, 0));
        }

        var entries = log.Snapshot();

        Assert.Equal(RequestLog.Capacity, entries.Length);
        Assert.Equal(3, entries[0].Seq);
    }

    [Fact]
    public void Seen_usersigs_are_distinct_and_capped()
    {
        var seen = new SeenUserSigs();
        seen.Add("first");
        seen.Add("first");
        for (var i = 0; i < SeenUserSigs.Capacity + 5; i++)
        {
            seen.Add($"sig{i}");
        }

        var sigs = seen.Snapshot();

        Assert.Equal(SeenUserSigs.Capacity, sigs.Length);
        Assert.Equal(["first", "sig0"], sigs.Take(2));
    }
}
