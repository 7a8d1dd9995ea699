using System.Net;
using System.Text;

namespace TencentChatFollow.Emulator.Tests;

public class CannedAnswerTests
{
    private const string Graph = "alice,bob\nbob,alice";

    private static async Task<HttpResponseMessage> QueueAsync(TestEmulator emulator, object request)
    {
        using var content = new StringContent(JsonSerializer.Serialize(request), Encoding.UTF8, "application/json");
        return await emulator.Http.PostAsync("/_emulator/answers", content);
    }

    private static async Task<string> CallTextAsync(TestEmulator emulator, string api, object body)
    {
        using var response = await emulator.PostAsync(body: JsonSerializer.Serialize(body), api: api);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Queued_answers_replace_the_genuine_ones_for_their_calls_then_the_genuine_answers_resume()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        var ask = new { From_Account = "alice", FollowType = 1, StartCursor = "", WantNum = 10 };
        using (var queued = await QueueAsync(emulator, new { api = "follow_get", body = """{"FollowItem":[{"FollowTime":1e300""", calls = 2 }))
        {
            Assert.Equal(HttpStatusCode.OK, queued.StatusCode);
        }
        using (await QueueAsync(emulator, new { api = "follow_get", body = "null" })) { }
        Assert.Equal("""{"follow_get":3}""", (await emulator.GetJsonAsync("/_emulator/answers")).GetRawText());

        var texts = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            texts.Add(await CallTextAsync(emulator, "follow_get", ask));
        }

        Assert.Equal(["""{"FollowItem":[{"FollowTime":1e300""", """{"FollowItem":[{"FollowTime":1e300""", "null"], texts.Take(3));
        Assert.Equal("bob", Envelope.AssertOk(TestEmulator.Parse(texts[3]), "FollowItem").Single().GetProperty("To_Account").GetString());
        var log = (await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray().ToList();
        Assert.Equal(["answer", "answer", "answer", null], log.Select(e => e.GetProperty("fault").GetString()));
        Assert.Equal(JsonValueKind.Null, log[0].GetProperty("errorCode").ValueKind);
        Assert.Equal("{}", (await emulator.GetJsonAsync("/_emulator/answers")).GetRawText());
    }

    [Fact]
    public async Task A_canned_answer_serves_only_its_api_and_a_write_it_answers_is_still_made()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph + "\ncarol,bob");
        using (await QueueAsync(emulator, new { api = "follow_add", body = """{"ResultItem":"many","ActionStatus":"OK","ErrorCode":0}""" })) { }

        Assert.Equal(0, (await emulator.FollowCheckAsync("carol", "alice")).GetProperty("ResultItem")[0].GetProperty("FollowType").GetInt32());
        Assert.Equal("""{"ResultItem":"many","ActionStatus":"OK","ErrorCode":0}""",
            await CallTextAsync(emulator, "follow_add", new { From_Account = "carol", FollowItem = new[] { new { To_Account = "alice" } } }));

        Assert.Equal(2, (await emulator.FollowCheckAsync("carol", "alice")).GetProperty("ResultItem")[0].GetProperty("FollowType").GetInt32());
    }

    [Fact]
    public async Task A_call_refused_before_the_body_is_read_does_not_use_a_canned_answer_and_reset_clears_them()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        using (await QueueAsync(emulator, new { api = "follow_get_info", body = "{}", calls = 5 })) { }
        var badSig = emulator.ValidParameters();
        badSig["usersig"] = "garbage";

        Envelope.AssertFail(await emulator.CallAsync(badSig, """{"From_Account":"alice","To_Account":["bob"]}"""), 70003);
        Assert.Equal("""{"follow_get_info":5}""", (await emulator.GetJsonAsync("/_emulator/answers")).GetRawText());
        // A body the service would refuse gets the canned answer: a client can follow a canned cursor.
        Assert.Equal("{}", await CallTextAsync(emulator, "follow_get_info", new { From_Account = "ghost", To_Account = new[] { "alice" } }));
        Assert.Equal("""{"follow_get_info":4}""", (await emulator.GetJsonAsync("/_emulator/answers")).GetRawText());

        using (await emulator.Http.PostAsync("/_emulator/reset", null)) { }
        Assert.Equal("{}", (await emulator.GetJsonAsync("/_emulator/answers")).GetRawText());
        Envelope.AssertOk(await emulator.CallAsync("alice", "bob"));
    }

    [Theory]
    [InlineData("""{"api":"follow_nope","body":"{}"}""")]
    [InlineData("""{"api":"follow_get","body":{}}""")]
    [InlineData("""{"api":"follow_get","body":"{}","calls":-1}""")]
    [InlineData("""{"api":"follow_get","body":"{}","count":1}""")]
    [InlineData("""{"api":"follow_get"}""")]
    [InlineData("""[]""")]
    [InlineData("""{"api":""")]
    public async Task A_bad_request_is_400_and_queues_nothing(string request)
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);

        using var content = new StringContent(request, Encoding.UTF8, "application/json");
        using var response = await emulator.Http.PostAsync("/_emulator/answers", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(TestEmulator.Parse(await response.Content.ReadAsStringAsync()).GetProperty("error").GetString()!);
        Assert.Equal("{}", (await emulator.GetJsonAsync("/_emulator/answers")).GetRawText());
    }

    [Fact]
    public async Task Calls_0_empties_the_queue_of_an_api()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        using (await QueueAsync(emulator, new { api = "follow_check", body = "{}", calls = 3 })) { }
        using (await QueueAsync(emulator, new { api = "follow_get_info", body = "{}" })) { }

        using (await QueueAsync(emulator, new { api = "follow_check", calls = 0 })) { }

        Assert.Equal("""{"follow_get_info":1}""", (await emulator.GetJsonAsync("/_emulator/answers")).GetRawText());
    }
}
