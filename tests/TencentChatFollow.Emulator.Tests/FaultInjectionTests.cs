using System.Diagnostics;
using System.Net;

namespace TencentChatFollow.Emulator.Tests;

public class FaultInjectionTests
{
    private const string Graph = "alice,bob\nbob,alice\ncarol,alice";
    private const string ThreeIds = """{"From_Account":"alice","To_Account":["alice","bob","carol"]}""";

    private static async Task<TestEmulator> StartWithFaultAsync(string kind, int slowMs = 5000)
    {
        var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        await emulator.SetFaultsAsync(new { rate = 1.0, kinds = new[] { kind }, slowMs });
        return emulator;
    }

    private static async Task<JsonElement> LastLogEntryAsync(TestEmulator emulator) =>
        (await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray().Last();

    /// <summary>
    /// The genuine answer's bytes, then a call with <paramref name="kind"/> opened at its headers: HTTP 200 with the
    /// genuine answer's Content-Length.
    /// </summary>
    private static async Task<(byte[] Whole, HttpResponseMessage Response)> GenuineThenFaultedAsync(TestEmulator emulator, string kind)
    {
        using var genuine = await emulator.PostAsync(body: ThreeIds);
        var whole = await genuine.Content.ReadAsByteArrayAsync();
        await emulator.SetFaultsAsync(new { rate = 1.0, kinds = new[] { kind } });
        var response = await emulator.PostAsync(body: ThreeIds, completion: HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(whole.Length, response.Content.Headers.ContentLength);
        return (whole, response);
    }

    [Theory]
    [InlineData("502", HttpStatusCode.BadGateway)]
    [InlineData("408", HttpStatusCode.RequestTimeout)]
    public async Task Faults_502_and_408_are_html_pages_with_that_status(string kind, HttpStatusCode status)
    {
        await using var emulator = await StartWithFaultAsync(kind);

        using var response = await emulator.PostAsync(body: ThreeIds);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var entry = await LastLogEntryAsync(emulator);
        Assert.Equal((int)status, entry.GetProperty("httpStatus").GetInt32());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("errorCode").ValueKind);
        Assert.Equal(kind, entry.GetProperty("fault").GetString());
        var stats = await emulator.GetJsonAsync("/_emulator/stats");
        Assert.Equal(1, stats.GetProperty("faultsInjected").GetInt32());
        Assert.Equal(0, stats.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Fault_drop_closes_the_connection_without_a_response()
    {
        await using var emulator = await StartWithFaultAsync("drop");

        await Assert.ThrowsAsync<HttpRequestException>(() => emulator.PostAsync(body: ThreeIds));

        var entry = await LastLogEntryAsync(emulator);
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("httpStatus").ValueKind);
        Assert.Equal("drop", entry.GetProperty("fault").GetString());
    }

    [Theory]
    [InlineData("30006")]
    [InlineData("30007")]
    [InlineData("60007")]
    [InlineData("60008")]
    public async Task Error_code_faults_are_fail_envelopes(string kind)
    {
        await using var emulator = await StartWithFaultAsync(kind);

        Envelope.AssertFail(await emulator.CallAsync(body: ThreeIds), int.Parse(kind, System.Globalization.CultureInfo.InvariantCulture));

        var stats = await emulator.GetJsonAsync("/_emulator/stats");
        Assert.Equal(1, stats.GetProperty("errorsByCode").GetProperty(kind).GetInt32());
        Assert.Equal(0, stats.GetProperty("rateLimited").GetInt32()); // an injected 60007 is not the real limiter
    }

    [Fact]
    public async Task Fault_429_asks_to_retry_after_one_second()
    {
        await using var emulator = await StartWithFaultAsync("429");

        using var response = await emulator.PostAsync(body: ThreeIds);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Fault_cut_body_sends_the_headers_and_half_the_answer_then_closes_the_connection()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        var (whole, response) = await GenuineThenFaultedAsync(emulator, "cut-body");
        using var _ = response;
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new byte[whole.Length];
        var got = 0;
        var broke = await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            while (true)
            {
                var n = await body.ReadAsync(received.AsMemory(got)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                if (n == 0)
                {
                    return;
                }
                got += n;
            }
        });

        Assert.NotNull(broke);
        Assert.Equal(whole.Length / 2, got);
        Assert.Equal(whole[..got], received[..got]);
        var entry = await LastLogEntryAsync(emulator);
        Assert.Equal(200, entry.GetProperty("httpStatus").GetInt32());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("errorCode").ValueKind);
        Assert.Equal("cut-body", entry.GetProperty("fault").GetString());
    }

    [Fact]
    public async Task Fault_slow_delays_a_normal_answer()
    {
        await using var emulator = await StartWithFaultAsync("slow", slowMs: 400);
        var stopwatch = Stopwatch.StartNew();

        var items = Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds));

        Assert.True(stopwatch.ElapsedMilliseconds >= 390, $"answered after {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(3, items.Length);
        Assert.Equal("slow", (await LastLogEntryAsync(emulator)).GetProperty("fault").GetString());
    }

    [Fact]
    public async Task Fault_stall_body_sends_the_headers_and_half_the_answer_then_the_rest_after_the_pause()
    {
        var guard = TimeSpan.FromSeconds(10); // a hang guard only: the pause is held until the test releases it
        var clock = new HeldTimers();
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph, clock: clock);
        var (whole, response) = await GenuineThenFaultedAsync(emulator, "stall-body");
        using var _ = response;
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new byte[whole.Length];
        var got = 0;
        while (got < whole.Length / 2)
        {
            got += await body.ReadAsync(received.AsMemory(got)).AsTask().WaitAsync(guard);
        }
        var rest = body.ReadAsync(received.AsMemory(got)).AsTask();
        await clock.FirstHeld.WaitAsync(guard);

        Assert.Equal(whole.Length / 2, got);
        Assert.False(rest.IsCompleted, "the rest comes only after the pause");
        clock.Release();
        got += await rest.WaitAsync(guard);
        while (got < whole.Length)
        {
            var n = await body.ReadAsync(received.AsMemory(got)).AsTask().WaitAsync(guard);
            if (n == 0)
            {
                break;
            }
            got += n;
        }
        Assert.Equal(whole, received);
        Assert.Equal("stall-body", (await LastLogEntryAsync(emulator)).GetProperty("fault").GetString());
    }

    [Fact]
    public async Task Fault_html_is_a_200_that_is_not_json()
    {
        await using var emulator = await StartWithFaultAsync("html");

        using var response = await emulator.PostAsync(body: ThreeIds);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<html>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fault_truncated_is_the_first_half_of_the_real_answer()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        using var genuine = await emulator.PostAsync(body: ThreeIds);
        var genuineBody = await genuine.Content.ReadAsStringAsync();
        await emulator.SetFaultsAsync(new { rate = 1.0, kinds = new[] { "truncated" } });

        using var response = await emulator.PostAsync(body: ThreeIds);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(genuineBody[..(genuineBody.Length / 2)], body);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
    }

    [Fact]
    public async Task Fault_missing_leaves_out_one_requested_item()
    {
        await using var emulator = await StartWithFaultAsync("missing");

        var ids = Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds)).Select(i => i.GetProperty("To_Account").GetString()).ToList();

        Assert.Equal(2, ids.Count);
        Assert.Equal(2, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Contains(id, new[] { "alice", "bob", "carol" }));
    }

    [Fact]
    public async Task Fault_extra_adds_an_item_that_was_not_asked_for()
    {
        await using var emulator = await StartWithFaultAsync("extra");

        var ids = Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds)).Select(i => i.GetProperty("To_Account").GetString()).ToList();

        Assert.Equal(4, ids.Count);
        Assert.Equal(["alice", "bob", "carol"], ids.Take(3));
        Assert.DoesNotContain(ids[3], new[] { "alice", "bob", "carol" });
    }

    [Fact]
    public async Task Fault_wrongtype_turns_one_follower_count_into_a_string()
    {
        await using var emulator = await StartWithFaultAsync("wrongtype");

        var kinds = Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds)).Select(i => i.GetProperty("FollowerCount").ValueKind).ToList();

        Assert.Equal(1, kinds.Count(k => k == JsonValueKind.String));
        Assert.Equal(2, kinds.Count(k => k == JsonValueKind.Number));
    }

    private static (string Id, int Followers, int Following, int Mutual) Counts(JsonElement item) =>
        (item.GetProperty("To_Account").GetString()!, item.GetProperty("FollowerCount").GetInt32(),
         item.GetProperty("FollowingCount").GetInt32(), item.GetProperty("MutualFollowingCount").GetInt32());

    [Fact]
    public async Task Fault_doubled_repeats_one_item_at_the_end_with_other_counts()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        var genuine = Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds)).Select(Counts).ToList();
        await emulator.SetFaultsAsync(new { rate = 1.0, kinds = new[] { "doubled" } });

        var items = Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds)).Select(Counts).ToList();

        Assert.Equal(4, items.Count);
        Assert.Equal(genuine, items.Take(3));
        var first = genuine.Single(g => g.Id == items[3].Id);
        Assert.Equal((first.Id, first.Followers + 1, first.Following + 1, first.Mutual + 1), items[3]);
        Assert.Equal("doubled", (await LastLogEntryAsync(emulator)).GetProperty("fault").GetString());
        Assert.Equal(2, (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Fault_negative_makes_one_following_count_negative()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        var genuine = Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds)).Select(Counts).ToList();
        await emulator.SetFaultsAsync(new { rate = 1.0, kinds = new[] { "negative" } });

        var items = Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds)).Select(Counts).ToList();

        Assert.Equal(genuine.Select(g => g.Id), items.Select(i => i.Id));
        var spoiled = Assert.Single(Enumerable.Range(0, 3), i => items[i] != genuine[i]);
        Assert.Equal(genuine[spoiled] with { Following = -1 }, items[spoiled]);
        Assert.Equal("negative", (await LastLogEntryAsync(emulator)).GetProperty("fault").GetString());
    }

    [Fact]
    public async Task Spoiled_item_kinds_mix_at_a_fault_rate_and_each_spoils_exactly_one_item()
    {
        var (parsed, errors) = EmulatorOptions.Parse(["--fault-rate", "0.2", "--faults", "missing,doubled,wrongtype,negative", "--seed", "11"]);
        Assert.Empty(errors);
        await using var emulator = await TestEmulator.StartAsync(parsed, Graph);
        var genuine = Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds)).Select(e => e.GetRawText()).ToList();

        var seen = new List<string?>();
        for (var i = 0; i < 100; i++)
        {
            var items = Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds)).Select(e => e.GetRawText()).ToList();
            var changed = items.Count == 3 ? Enumerable.Range(0, 3).Count(k => items[k] != genuine[k]) : -1;
            seen.Add((items.Count, changed) switch
            {
                (3, 0) => null,
                (2, _) when items.All(genuine.Contains) => "missing",
                (4, _) when items.Take(3).SequenceEqual(genuine) => "doubled",
                (3, 1) when items.Any(item => item.Contains("\"FollowerCount\":\"many\"", StringComparison.Ordinal)) => "wrongtype",
                (3, 1) when items.Any(item => item.Contains("\"FollowingCount\":-1", StringComparison.Ordinal)) => "negative",
                _ => $"unexpected: [{string.Join(",", items)}]",
            });
        }

        var log = (await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray().Skip(1).Select(e => e.GetProperty("fault").GetString());
        Assert.Equal(seen, log);
        Assert.Equal(["doubled", "missing", "negative", "wrongtype"], seen.OfType<string>().Distinct().Order());
        Assert.InRange(seen.Count(f => f is not null), 10, 35);
        Assert.Equal(101, (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Faults_only_hit_calls_that_would_have_succeeded()
    {
        await using var emulator = await StartWithFaultAsync("30006");
        var badSig = emulator.ValidParameters();
        badSig["usersig"] = "garbage";

        Envelope.AssertFail(await emulator.CallAsync(badSig, ThreeIds), ErrorCodes.UserSigUnparsable);
        Envelope.AssertFail(await emulator.CallAsync(body: """{"From_Account":"alice"}"""), ErrorCodes.InvalidParameter);
        Envelope.AssertFail(await emulator.CallAsync("nobody", "alice"), ErrorCodes.AccountNotFound);
        Assert.Equal(0, (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty("faultsInjected").GetInt32());
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_faults()
    {
        var options = new EmulatorOptions { Seed = 7, FaultRate = 0.5, Faults = [FaultKind.InternalError, FaultKind.NetworkTimeout, FaultKind.ServiceTimeout] };

        async Task<List<int>> RunAsync()
        {
            await using var emulator = await TestEmulator.StartAsync(options, Graph);
            var codes = new List<int>();
            for (var i = 0; i < 20; i++)
            {
                codes.Add((await emulator.CallAsync(body: ThreeIds)).GetProperty("ErrorCode").GetInt32());
            }
            return codes;
        }

        var first = await RunAsync();

        Assert.Equal(first, await RunAsync());
        Assert.Contains(0, first);
        Assert.True(first.Distinct().Count() >= 3, string.Join(",", first));
    }

    [Fact]
    public async Task Latency_delays_every_api_answer_including_errors()
    {
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { LatencyMs = 300 });
        var badSig = emulator.ValidParameters();
        badSig["usersig"] = "garbage";
        var stopwatch = Stopwatch.StartNew();

        Envelope.AssertFail(await emulator.CallAsync(badSig), ErrorCodes.UserSigUnparsable);

        Assert.True(stopwatch.ElapsedMilliseconds >= 290, $"answered after {stopwatch.ElapsedMilliseconds} ms");
        Assert.True((await LastLogEntryAsync(emulator)).GetProperty("durationMs").GetInt64() >= 290);
    }
}
