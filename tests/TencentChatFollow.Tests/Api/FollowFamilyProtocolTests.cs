using System.Text;
using System.Text.Json;
using TencentChatFollow.Api;
using Xunit;

namespace TencentChatFollow.Tests.Api;

public class FollowFamilyProtocolTests
{
    private static JsonElement Json(byte[] body) => JsonDocument.Parse(body).RootElement;

    private static AnswerItems<TResult> Parse<TResult>(BatchProtocol<TResult> protocol, string items)
        where TResult : class
        => protocol.ParseAnswer(Encoding.UTF8.GetBytes("{\"ResultItem\":[" + items + "],\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}"), "alice").Body!;

    [Fact]
    public void Each_API_has_its_path_and_Tencents_batch_limit()
    {
        Assert.Equal(("v4/follow/follow_get_info", 20), (FollowGetInfoProtocol.Instance.Path, FollowGetInfoProtocol.Instance.MaxIdsPerCall));
        Assert.Equal(("v4/follow/follow_check", 100), (FollowCheckProtocol.Instance.Path, FollowCheckProtocol.Instance.MaxIdsPerCall));
        Assert.Equal(("v4/follow/follow_add", 20), (FollowChangeProtocol.Add.Path, FollowChangeProtocol.Add.MaxIdsPerCall));
        Assert.Equal(("v4/follow/follow_delete", 20), (FollowChangeProtocol.Delete.Path, FollowChangeProtocol.Delete.MaxIdsPerCall));
    }

    [Fact]
    public void The_follow_add_body_has_a_FollowItem_object_per_id()
    {
        var body = Json(FollowChangeProtocol.Add.WriteRequest("alice", new[] { "bob", "\"q\"" }));
        Assert.Equal("alice", body.GetProperty("From_Account").GetString());
        Assert.Equal(new[] { "bob", "\"q\"" }, body.GetProperty("FollowItem").EnumerateArray().Select(i => i.GetProperty("To_Account").GetString()));
        Assert.False(body.TryGetProperty("To_Account", out _));
    }

    [Fact]
    public void The_follow_delete_and_follow_check_bodies_have_a_To_Account_array()
    {
        foreach (var request in new[] { FollowChangeProtocol.Delete.WriteRequest("alice", new[] { "bob", "carol" }), FollowCheckProtocol.Instance.WriteRequest("alice", new[] { "bob", "carol" }) })
        {
            var body = Json(request);
            Assert.Equal("alice", body.GetProperty("From_Account").GetString());
            Assert.Equal(new[] { "bob", "carol" }, body.GetProperty("To_Account").EnumerateArray().Select(i => i.GetString()));
        }
    }

    [Theory]
    [InlineData(0, FollowRelation.None, false, false)]
    [InlineData(1, FollowRelation.Follower, false, true)]
    [InlineData(2, FollowRelation.Following, true, false)]
    [InlineData(3, FollowRelation.Mutual, true, true)]
    public void FollowType_is_the_relation_seen_from_From(int followType, FollowRelation relation, bool isFollowing, bool isFollower)
    {
        var answer = Parse(FollowCheckProtocol.Instance, $"{{\"To_Account\":\"bob\",\"FollowType\":{followType},\"ResultCode\":0,\"ResultInfo\":\"\"}}");
        var check = answer.Items["bob"].Result!;
        Assert.Equal(("alice", "bob", relation, isFollowing, isFollower), (check.From, check.UserId, check.Relation, check.IsFollowing, check.IsFollower));
    }

    [Theory]
    [InlineData("{\"To_Account\":\"bob\",\"ResultCode\":0}")]
    [InlineData("{\"To_Account\":\"bob\",\"FollowType\":4,\"ResultCode\":0}")]
    [InlineData("{\"To_Account\":\"bob\",\"FollowType\":\"2\",\"ResultCode\":0}")]
    public void A_check_item_without_a_usable_FollowType_is_a_bad_item_asked_again(string item)
    {
        var answer = Parse(FollowCheckProtocol.Instance, item);
        Assert.Empty(answer.Items);
        Assert.Contains("FollowType", answer.BadItems["bob"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_check_item_needs_no_FollowType()
    {
        var answer = Parse(FollowCheckProtocol.Instance, "{\"To_Account\":\"ghost\",\"ResultCode\":30003,\"ResultInfo\":\"no such account\"}");
        Assert.Equal(30003, answer.Items["ghost"].ResultCode);
    }

    [Fact]
    public void A_write_maps_each_item_to_a_change_and_per_id_codes_name_From()
    {
        var answer = Parse(FollowChangeProtocol.Add, "{\"To_Account\":\"bob\",\"ResultCode\":0,\"ResultInfo\":\"\"},{\"To_Account\":\"carol\",\"ResultCode\":32100,\"ResultInfo\":\"limit\"}");
        var change = answer.Items["bob"].Result!;
        Assert.Equal(("alice", "bob", "Added"), (change.From, change.UserId, change.Action));
        Assert.Equal(32100, answer.Items["carol"].ResultCode);
        Assert.Equal("Removed", Parse(FollowChangeProtocol.Delete, "{\"To_Account\":\"bob\",\"ResultCode\":0}").Items["bob"].Result!.Action);
        Assert.Contains("'alice'", FollowChangeProtocol.Add.DescribeId("alice", "carol"), StringComparison.Ordinal);
        Assert.Contains("'carol'", FollowChangeProtocol.Add.DescribeId("alice", "carol"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-30003)]
    public void A_write_item_with_a_negative_ResultCode_is_a_bad_item_asked_again_not_Tencents_error(int code)
    {
        // No Tencent result code is negative (docs/shared reference): such an item is spoiled, like a mistyped one.
        foreach (var protocol in new[] { FollowChangeProtocol.Add, FollowChangeProtocol.Delete })
        {
            var answer = Parse(protocol, $"{{\"To_Account\":\"bob\",\"ResultCode\":{code},\"ResultInfo\":\"\"}},{{\"To_Account\":\"carol\",\"ResultCode\":0,\"ResultInfo\":\"\"}}");
            Assert.False(answer.Items.ContainsKey("bob"));
            Assert.Contains("ResultCode", answer.BadItems["bob"], StringComparison.Ordinal);
            Assert.True(answer.Items.ContainsKey("carol"));
        }
    }

    /// <summary>
    /// An item that gives a name twice says two things at once, as an envelope that does (which is refused): the JSON
    /// reader keeps the last value, so a pair Tencent refused (30003 first) would come out done, or the other way round.
    /// </summary>
    [Theory]
    [InlineData("{\"To_Account\":\"bob\",\"ResultCode\":30003,\"ResultInfo\":\"no such account\",\"ResultCode\":0}")]
    [InlineData("{\"To_Account\":\"bob\",\"ResultCode\":0,\"ResultInfo\":\"\",\"ResultCode\":30003}")]
    public void A_write_item_that_gives_a_name_twice_is_a_bad_item_asked_again_not_a_change_or_an_error(string item)
    {
        var answer = Parse(FollowChangeProtocol.Add, item);
        Assert.Empty(answer.Items);
        Assert.Contains("twice", Assert.Single(answer.BadItems).Value, StringComparison.Ordinal);
    }

    /// <summary>An item that names two accounts says of neither: both are missing from the answer (asked again), neither is done.</summary>
    [Fact]
    public void A_write_item_that_gives_To_Account_twice_is_no_accounts_item()
    {
        var answer = Parse(FollowChangeProtocol.Add, "{\"To_Account\":\"carol\",\"ResultCode\":0,\"To_Account\":\"bob\"}");
        Assert.Empty(answer.Items);
        Assert.Empty(answer.BadItems);
    }

    [Fact]
    public void An_OK_answer_without_its_item_array_is_not_the_documented_JSON()
        => Assert.Throws<FormatException>(() => FollowCheckProtocol.Instance.ParseAnswer(Encoding.UTF8.GetBytes("{\"ErrorCode\":0,\"FollowInfo\":[]}"), "alice"));
}
