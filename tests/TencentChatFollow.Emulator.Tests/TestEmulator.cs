using System.Net.Http.Headers;
using System.Text;

namespace TencentChatFollow.Emulator.Tests;

/// <summary>An emulator started in-process on a free port, with an HttpClient and helpers to call it.</summary>
internal sealed class TestEmulator : IAsyncDisposable
{
    public const string Admin = EmulatorOptions.WellKnownAdmin;
    public const string DefaultBody = """{"From_Account":"administrator","To_Account":["administrator"]}""";

    private TestEmulator(EmulatorServer server, EmulatorOptions options, TimeProvider clock)
    {
        Server = server;
        Options = options;
        Clock = clock;
        Http = new HttpClient { BaseAddress = server.BaseUri };
    }

    public EmulatorServer Server { get; }
    public EmulatorOptions Options { get; }
    public TimeProvider Clock { get; }
    public HttpClient Http { get; }

    /// <param name="options">Start-up options; the port is always replaced with 0.</param>
    /// <param name="graphCsv">The follow graph as CSV text.</param>
    /// <param name="clock">The emulator's clock; the system clock by default.</param>
    public static async Task<TestEmulator> StartAsync(EmulatorOptions? options = null, string graphCsv = "", TimeProvider? clock = null)
    {
        options = (options ?? new EmulatorOptions()) with { Port = 0 };
        clock ??= TimeProvider.System;
        var graph = FollowGraph.Parse(new StringReader(graphCsv), "test graph");
        var server = await EmulatorServer.StartAsync(options, graph, clock);
        return new TestEmulator(server, options, clock);
    }

    /// <summary>A UserSig valid now for this emulator's app and key.</summary>
    public string UserSig(string identifier = Admin) =>
        TestUserSig.Create(Options.SdkAppId, Options.Key, identifier, Clock.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>A complete, valid set of URL parameters, for tests to modify.</summary>
    public Dictionary<string, string> ValidParameters(string identifier = Admin) => new()
    {
        ["sdkappid"] = Options.SdkAppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["identifier"] = identifier,
        ["usersig"] = UserSig(identifier),
        ["random"] = "99999999",
        ["contenttype"] = "json",
    };

    /// <param name="parameters">The URL parameters; <see cref="ValidParameters"/> by default.</param>
    /// <param name="body">The request body.</param>
    /// <param name="completion">ResponseHeadersRead to read a large body as a stream instead of buffering it.</param>
    /// <param name="api">
    /// A follow command (follow_get_info, follow_check, follow_get, follow_add or follow_delete), or service/command for
    /// any other API, such as im_open_login_svc/account_check.
    /// </param>
    public async Task<HttpResponseMessage> PostAsync(
        IReadOnlyDictionary<string, string>? parameters = null,
        string body = DefaultBody,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        string api = "follow_get_info")
    {
        parameters ??= ValidParameters();
        var query = string.Join("&", parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var path = api.Contains('/', StringComparison.Ordinal) ? api : $"follow/{api}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v4/{path}?{query}") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await Http.SendAsync(request, completion);
    }

    /// <summary>Calls the API and returns the JSON envelope, asserting the HTTP 200 the service always answers with.</summary>
    public async Task<JsonElement> CallAsync(IReadOnlyDictionary<string, string>? parameters = null, string body = DefaultBody, string api = "follow_get_info")
    {
        using var response = await PostAsync(parameters, body, api: api);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> CallAsync(string from, params string[] toAccount) =>
        await CallAsync(body: JsonSerializer.Serialize(new Dictionary<string, object> { ["From_Account"] = from, ["To_Account"] = toAccount }));

    /// <summary>Calls <paramref name="api"/> with <paramref name="body"/> serialized as JSON and returns the envelope.</summary>
    public Task<JsonElement> CallApiAsync(string api, object body) => CallAsync(body: JsonSerializer.Serialize(body), api: api);

    public Task<JsonElement> FollowAddAsync(string from, params string[] to) =>
        CallApiAsync("follow_add", new { From_Account = from, FollowItem = to.Select(id => new { To_Account = id }) });

    public Task<JsonElement> FollowDeleteAsync(string from, params string[] to) =>
        CallApiAsync("follow_delete", new { From_Account = from, To_Account = to });

    public Task<JsonElement> FollowCheckAsync(string from, params string[] to) =>
        CallApiAsync("follow_check", new { From_Account = from, To_Account = to });

    public Task<JsonElement> FollowGetAsync(string from, int followType, string startCursor = "", int wantNum = 100) =>
        CallApiAsync("follow_get", new { From_Account = from, FollowType = followType, StartCursor = startCursor, WantNum = wantNum });

    public const string AccountCheck = "im_open_login_svc/account_check";

    public Task<JsonElement> AccountCheckAsync(params string[] ids) =>
        CallApiAsync(AccountCheck, new { CheckItem = ids.Select(id => new { UserID = id }) });

    public async Task<JsonElement> GetJsonAsync(string path) => Parse(await Http.GetStringAsync(path));

    public async Task<JsonElement> SetFaultsAsync(object settings)
    {
        using var content = new StringContent(JsonSerializer.Serialize(settings), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/_emulator/faults", content);
        response.EnsureSuccessStatusCode();
        return Parse(await response.Content.ReadAsStringAsync());
    }

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Assertions on Tencent response envelopes.</summary>
internal static class Envelope
{
    public static void AssertFail(JsonElement envelope, int errorCode)
    {
        Assert.Equal(errorCode, envelope.GetProperty("ErrorCode").GetInt32());
        Assert.Equal("FAIL", envelope.GetProperty("ActionStatus").GetString());
        Assert.NotEqual("", envelope.GetProperty("ErrorInfo").GetString());
        Assert.Equal("", envelope.GetProperty("ErrorDisplay").GetString());
        foreach (var items in new[] { "FollowInfo", "ResultItem", "FollowItem", "NextCursor" })
        {
            Assert.False(envelope.TryGetProperty(items, out _), $"a FAIL envelope has {items}");
        }
    }

    /// <summary>Asserts an OK envelope and returns its item array (FollowInfo for follow_get_info, ResultItem for the others, FollowItem for follow_get).</summary>
    public static JsonElement[] AssertOk(JsonElement envelope, string items = "FollowInfo")
    {
        Assert.Equal(0, envelope.GetProperty("ErrorCode").GetInt32());
        Assert.Equal("OK", envelope.GetProperty("ActionStatus").GetString());
        Assert.Equal("", envelope.GetProperty("ErrorInfo").GetString());
        Assert.Equal("", envelope.GetProperty("ErrorDisplay").GetString());
        return [.. envelope.GetProperty(items).EnumerateArray()];
    }

    /// <summary>An OK envelope's ResultItem as (To_Account, ResultCode) pairs.</summary>
    public static (string Id, int Code)[] Results(JsonElement envelope) =>
        AssertOk(envelope, "ResultItem").Select(i => (i.GetProperty("To_Account").GetString()!, i.GetProperty("ResultCode").GetInt32())).ToArray();
}
