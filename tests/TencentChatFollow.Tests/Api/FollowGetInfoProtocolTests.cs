using System.Text;
using System.Text.Json;
using TencentChatFollow.Api;
using Xunit;

namespace TencentChatFollow.Tests.Api;

public class FollowGetInfoProtocolTests
{
    /// <summary>An answer's envelope and items in one view (an error answer has no items).</summary>
    private sealed class View
    {
        public View(ApiAnswer<AnswerItems<FollowInfo>> answer)
        {
            ErrorCode = answer.ErrorCode;
            ErrorInfo = answer.ErrorInfo;
            var body = answer.Body ?? new AnswerItems<FollowInfo>();
            Items = body.Items;
            BadItems = body.BadItems;
        }

        public int ErrorCode { get; }
        public string ErrorInfo { get; }
        public Dictionary<string, AnswerItem<FollowInfo>> Items { get; }
        public Dictionary<string, string> BadItems { get; }
    }

    private static View Parse(string json) => new(FollowGetInfoProtocol.Instance.ParseAnswer(Encoding.UTF8.GetBytes(json), "admin"));

    private static FollowInfo Counts(View answer, string id) => answer.Items[id].Result!;

    private static string Item(string id, int code = 0, long followers = 1, long following = 2, long mutual = 3, string info = "")
        => $"{{\"To_Account\":{JsonSerializer.Serialize(id)},\"ResultCode\":{code},\"ResultInfo\":{JsonSerializer.Serialize(info)},\"FollowerCount\":{followers},\"FollowingCount\":{following},\"MutualFollowingCount\":{mutual}}}";

    private static string Ok(params string[] items)
        => "{\"FollowInfo\":[" + string.Join(",", items) + "],\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"ErrorDisplay\":\"\"}";

    [Fact]
    public void WriteRequest_writes_the_documented_body_with_ids_in_order()
    {
        var body = FollowGetInfoProtocol.Instance.WriteRequest("UserID_001", new[] { "UserID_001", "UserID_002", "UserID_003" });

        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(2, root.EnumerateObject().Count());
        Assert.Equal("UserID_001", root.GetProperty("From_Account").GetString());
        Assert.Equal(new[] { "UserID_001", "UserID_002", "UserID_003" },
            root.GetProperty("To_Account").EnumerateArray().Select(e => e.GetString()).ToArray());
    }

    [Fact]
    public void WriteRequest_escapes_quotes_and_keeps_non_ascii_ids_intact()
    {
        var ids = new[] { "a\"b\\c", "用户_1", "x y" };
        var body = FollowGetInfoProtocol.Instance.WriteRequest("管理员", ids);

        using var doc = JsonDocument.Parse(body);
        Assert.Equal("管理员", doc.RootElement.GetProperty("From_Account").GetString());
        Assert.Equal(ids, doc.RootElement.GetProperty("To_Account").EnumerateArray().Select(e => e.GetString()).ToArray());
    }

    [Fact]
    public void WriteRequest_with_no_ids_still_writes_an_array()
    {
        var body = FollowGetInfoProtocol.Instance.WriteRequest("me", Array.Empty<string>());
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("To_Account").ValueKind);
        Assert.Equal(0, doc.RootElement.GetProperty("To_Account").GetArrayLength());
    }

    [Fact]
    public void ParseResponse_reads_the_reference_sample_answer()
    {
        const string sample = "{\"FollowInfo\": [{\"To_Account\": \"UserID_001\",\"ResultCode\": 0,\"ResultInfo\": \"\",\"FollowerCount\": 0,\"FollowingCount\": 2,\"MutualFollowingCount\": 0},{\"To_Account\": \"UserID_002\",\"ResultCode\": 0,\"ResultInfo\": \"\",\"FollowerCount\": 1,\"FollowingCount\": 0,\"MutualFollowingCount\": 0},{\"To_Account\": \"UserID_003\",\"ResultCode\": 0,\"ResultInfo\": \"\",\"FollowerCount\": 1,\"FollowingCount\": 0,\"MutualFollowingCount\": 0}],\"ActionStatus\": \"OK\",\"ErrorCode\": 0,\"ErrorInfo\": \"\",\"ErrorDisplay\": \"\"}";

        var response = Parse(sample);

        Assert.Equal(0, response.ErrorCode);
        Assert.Empty(response.BadItems);
        Assert.Equal(3, response.Items.Count);
        var first = Counts(response, "UserID_001");
        Assert.Equal((0L, 2L, 0L), (first.FollowerCount, first.FollowingCount, first.MutualFollowingCount));
        var second = Counts(response, "UserID_002");
        Assert.Equal((1L, 0L, 0L), (second.FollowerCount, second.FollowingCount, second.MutualFollowingCount));
        Assert.True(response.Items.ContainsKey("UserID_003"));
    }

    [Fact]
    public void ParseResponse_keys_items_by_To_Account_whatever_their_order()
    {
        var response = Parse(Ok(Item("c", followers: 30), Item("a", followers: 10), Item("b", followers: 20)));

        Assert.Equal(10, Counts(response, "a").FollowerCount);
        Assert.Equal(20, Counts(response, "b").FollowerCount);
        Assert.Equal(30, Counts(response, "c").FollowerCount);
    }

    [Fact]
    public void ParseResponse_matches_accounts_case_sensitively()
    {
        var response = Parse(Ok(Item("Alice", followers: 1), Item("alice", followers: 2)));

        Assert.Equal(2, response.Items.Count);
        Assert.Equal(1, Counts(response, "Alice").FollowerCount);
        Assert.False(response.Items.ContainsKey("ALICE"));
    }

    [Fact]
    public void ParseResponse_keeps_counts_beyond_int32()
    {
        var response = Parse(Ok(Item("big", followers: 5_000_000_000L, following: 5000, mutual: 4_294_967_296L)));
        Assert.Equal(5_000_000_000L, Counts(response, "big").FollowerCount);
        Assert.Equal(4_294_967_296L, Counts(response, "big").MutualFollowingCount);
    }

    [Fact]
    public void ParseResponse_keeps_a_failed_item_with_its_code_and_info_without_requiring_counts()
    {
        var response = Parse(Ok("{\"To_Account\":\"ghost\",\"ResultCode\":30003,\"ResultInfo\":\"account not found\"}", Item("real")));

        Assert.Empty(response.BadItems);
        Assert.Equal(30003, response.Items["ghost"].ResultCode);
        Assert.Equal("account not found", response.Items["ghost"].ResultInfo);
        Assert.Equal(0, response.Items["real"].ResultCode);
    }

    [Fact]
    public void ParseResponse_returns_a_call_level_error_without_needing_FollowInfo()
    {
        var response = Parse("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":70001,\"ErrorInfo\":\"usersig expired\"}");

        Assert.Equal(70001, response.ErrorCode);
        Assert.Equal("usersig expired", response.ErrorInfo);
        Assert.Empty(response.Items);
    }

    [Fact]
    public void ParseResponse_tolerates_a_missing_or_mistyped_ErrorInfo()
    {
        Assert.Equal("", Parse("{\"ErrorCode\":30006}").ErrorInfo);
        Assert.Equal("", Parse("{\"ErrorCode\":30006,\"ErrorInfo\":42}").ErrorInfo);
    }

    public static TheoryData<string> BrokenEnvelopes() => new()
    {
        "",                                                         // empty body
        "<html><body>502 Bad Gateway</body></html>",              // an HTML page
        "{\"ErrorCode\":0,\"FollowInfo\":[",                       // truncated
        "[1,2,3]",                                                  // JSON, not an object
        "\"OK\"",
        "{\"ActionStatus\":\"OK\",\"FollowInfo\":[]}",              // no ErrorCode
        "{\"ErrorCode\":\"0\",\"FollowInfo\":[]}",                  // ErrorCode as a string
        "{\"ErrorCode\":0.5,\"FollowInfo\":[]}",                    // ErrorCode not whole
        "{\"ErrorCode\":99999999999,\"FollowInfo\":[]}",            // ErrorCode beyond int
        "{\"ErrorCode\":0,\"ActionStatus\":\"OK\"}",                // OK without FollowInfo
        "{\"ErrorCode\":0,\"FollowInfo\":{}}",                      // FollowInfo not an array
        "{\"ErrorCode\":0,\"FollowInfo\":null}",
        "{\"ActionStatus\":\"FAIL\",\"ErrorCode\":0,\"FollowInfo\":[]}",       // contradicts itself: FAIL with ErrorCode 0
        "{\"ErrorCode\":70009,\"ErrorCode\":0,\"FollowInfo\":[]}",              // a name twice: either value may be meant
        "{\"ErrorCode\":0,\"FollowInfo\":[],\"FollowInfo\":[]}",
    };

    [Theory]
    [MemberData(nameof(BrokenEnvelopes))]
    public void ParseResponse_throws_FormatException_for_a_broken_envelope(string body)
    {
        Assert.ThrowsAny<FormatException>(() => Parse(body));
    }

    [Fact]
    public void ParseResponse_describes_a_non_JSON_body_by_its_start_without_the_secrets_of_the_call()
    {
        const string sig = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwjDB4pTsxIKCzBQlK0MTAyiAyKRWFGQWpQ";
        var ex = Assert.Throws<NotJsonException>(() => Parse("<html>gateway error</html>"));
        Assert.Contains("(26 bytes, starting '<html>gateway error</html>')", ex.Describe(), StringComparison.Ordinal);
        // The message itself never holds the body: only Describe, given the call's secrets, shows its start.
        Assert.DoesNotContain("<html>", ex.Message, StringComparison.Ordinal);

        var echo = Assert.Throws<NotJsonException>(() => Parse(sig + " was refused"));
        Assert.Contains("starting '<redacted> was refused'", echo.Describe(sig), StringComparison.Ordinal);

        var empty = Assert.Throws<NotJsonException>(() => Parse(""));
        Assert.Contains("empty", empty.Describe(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MistypedItems() => new()
    {
        { "{\"To_Account\":\"x\",\"ResultInfo\":\"\",\"FollowerCount\":1,\"FollowingCount\":1,\"MutualFollowingCount\":1}", "ResultCode" },
        { "{\"To_Account\":\"x\",\"ResultCode\":\"0\",\"FollowerCount\":1,\"FollowingCount\":1,\"MutualFollowingCount\":1}", "ResultCode" },
        { "{\"To_Account\":\"x\",\"ResultCode\":-1,\"ResultInfo\":\"\"}", "ResultCode" },
        { "{\"To_Account\":\"x\",\"ResultCode\":-2147483648,\"ResultInfo\":\"\",\"FollowerCount\":1,\"FollowingCount\":1,\"MutualFollowingCount\":1}", "ResultCode" },
        { "{\"To_Account\":\"x\",\"ResultCode\":0,\"FollowerCount\":\"1\",\"FollowingCount\":1,\"MutualFollowingCount\":1}", "counts" },
        { "{\"To_Account\":\"x\",\"ResultCode\":0,\"FollowerCount\":1,\"FollowingCount\":1}", "counts" },
        { "{\"To_Account\":\"x\",\"ResultCode\":0,\"FollowerCount\":-1,\"FollowingCount\":1,\"MutualFollowingCount\":1}", "counts" },
        { "{\"To_Account\":\"x\",\"ResultCode\":0,\"FollowerCount\":1,\"FollowingCount\":1.5,\"MutualFollowingCount\":1}", "counts" },
        { "{\"To_Account\":\"x\",\"ResultCode\":0,\"FollowerCount\":1,\"FollowingCount\":1,\"MutualFollowingCount\":null}", "counts" },
        { "{\"To_Account\":\"x\",\"ResultCode\":0,\"FollowerCount\":1e30,\"FollowingCount\":1,\"MutualFollowingCount\":1}", "counts" },
    };

    [Theory]
    [MemberData(nameof(MistypedItems))]
    public void ParseResponse_puts_a_mistyped_item_in_BadItems_and_keeps_the_others(string badItem, string reasonWord)
    {
        var response = Parse(Ok(Item("before", followers: 7), badItem, Item("after", followers: 9)));

        Assert.False(response.Items.ContainsKey("x"));
        Assert.Contains(reasonWord, response.BadItems["x"], StringComparison.Ordinal);
        Assert.Single(response.BadItems);
        Assert.Equal(7, Counts(response, "before").FollowerCount);
        Assert.Equal(9, Counts(response, "after").FollowerCount);
    }

    [Fact]
    public void ParseResponse_skips_items_that_name_no_account()
    {
        var response = Parse(Ok("{\"ResultCode\":0,\"FollowerCount\":1,\"FollowingCount\":1,\"MutualFollowingCount\":1}",
            "{\"To_Account\":5,\"ResultCode\":0}", "42", "null", Item("ok")));

        Assert.Equal(new[] { "ok" }, response.Items.Keys.ToArray());
        Assert.Empty(response.BadItems);
    }

    [Fact]
    public void ParseResponse_turns_a_duplicated_item_into_a_bad_item_even_when_both_copies_are_fine()
    {
        var response = Parse(Ok(Item("dup", followers: 1), Item("other"), Item("dup", followers: 2)));

        Assert.False(response.Items.ContainsKey("dup"));
        Assert.Contains("more than once", response.BadItems["dup"], StringComparison.Ordinal);
        Assert.True(response.Items.ContainsKey("other"));
    }

    [Fact]
    public void ParseResponse_reports_a_third_copy_as_a_duplicate_too()
    {
        var response = Parse(Ok(Item("dup"), Item("dup"), Item("dup")));

        Assert.False(response.Items.ContainsKey("dup"));
        Assert.Contains("more than once", response.BadItems["dup"], StringComparison.Ordinal);
    }

    [Fact]
    public void ParseResponse_does_not_let_a_good_copy_hide_a_bad_one()
    {
        var response = Parse(Ok("{\"To_Account\":\"dup\",\"ResultCode\":\"x\"}", Item("dup")));

        Assert.False(response.Items.ContainsKey("dup"));
        Assert.True(response.BadItems.ContainsKey("dup"));
    }
}
