using System.Text;
using System.Text.Json;
using TencentChatFollow.Api;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

public class ListRunTests
{
    private static long _nextApp = 3_997_200_000;

    /// <summary>follow_get for a user: two pages ("p1", then "p2"); user "slow" answers its first page late.</summary>
    private static LocalHttpServer.Reply Answer(LocalHttpServer.Received request, int _)
    {
        using var body = JsonDocument.Parse(request.Body);
        var user = body.RootElement.GetProperty("From_Account").GetString()!;
        var cursor = body.RootElement.GetProperty("StartCursor").GetString()!;
        var page = cursor.Length == 0 ? "p1" : "p2";
        var next = cursor.Length == 0 ? "c-" + user : "";
        var json = $"{{\"FollowItem\":[{{\"To_Account\":\"{user}-{page}\",\"FollowTime\":1700000000,\"ProfileItem\":[]}}],\"NextCursor\":\"{next}\",\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}}";
        return new LocalHttpServer.Reply(200, json, user == "slow" && page == "p1" ? TimeSpan.FromMilliseconds(400) : TimeSpan.Zero);
    }

    private static TencentChatSession Session(LocalHttpServer server)
    {
        var appId = (uint)Interlocked.Increment(ref _nextApp);
        var sig = new SecretKeySigSource(appId, "administrator", Encoding.UTF8.GetBytes("k"));
        return new TencentChatSession(appId, "administrator", server.BaseUri, null, sig, 200, 0, TimeSpan.FromSeconds(5));
    }

    private static IEnumerable<string> Entries(IEnumerable<BatchResult> pages)
        => pages.SelectMany(p => ((FollowPage)p.Outcomes[0].Result!).Entries).Select(e => e.OfUserId + ":" + e.UserId);

    [Fact]
    public void Lists_are_read_at_once_and_handed_out_in_input_order_page_by_page()
    {
        using var server = new LocalHttpServer(Answer);
        var pages = new List<BatchResult>();
        using var run = new ListRun(Session(server), FollowRelation.Follower, 1000, 4, pages.Add, CancellationToken.None);

        foreach (var user in new[] { "slow", "b", "c" }) run.Add(user);
        run.Complete();

        Assert.Equal(new[] { "slow:slow-p1", "slow:slow-p2", "b:b-p1", "b:b-p2", "c:c-p1", "c:c-p2" }, Entries(pages));
        Assert.Equal(3, run.Answered);
        // b and c did not wait for slow's first page: their first calls went while it was out.
        var firstOfB = server.Requests.First(r => r.Body.Contains("\"b\""));
        var slowAnswered = server.Requests.First(r => r.Body.Contains("\"slow\"")).At + TimeSpan.FromMilliseconds(400);
        Assert.True(firstOfB.At < slowAnswered, "b's first page waited for slow's");
    }

    [Fact]
    public void A_list_whose_cursor_repeats_ends_with_the_users_error_not_silently()
    {
        // "loop" answers the cursor "c" for its first page and again for its second.
        using var server = new LocalHttpServer((request, _) =>
        {
            using var body = JsonDocument.Parse(request.Body);
            var user = body.RootElement.GetProperty("From_Account").GetString()!;
            var next = user == "loop" ? "c" : "";
            return new LocalHttpServer.Reply(200, $"{{\"FollowItem\":[{{\"To_Account\":\"x\",\"FollowTime\":1700000000,\"ProfileItem\":[]}}],\"NextCursor\":\"{next}\",\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}}", TimeSpan.Zero);
        });
        var pages = new List<BatchResult>();
        using var run = new ListRun(Session(server), FollowRelation.Follower, 1000, 4, pages.Add, CancellationToken.None);

        run.Add("loop");
        run.Add("fine");
        run.Complete();

        Assert.Equal(new[] { "loop", "loop", "loop", "fine" }, pages.Select(p => p.Outcomes[0].UserId));
        var error = pages[2].Outcomes[0].Error;
        Assert.NotNull(error);
        Assert.Equal("TencentChat.InvalidResponse", error!.ErrorId);
        Assert.Contains("same NextCursor twice for 'loop' after 2 pages", error.Message);
        Assert.Equal(1, run.Answered); // only "fine" was read to its end
        Assert.Null(run.Stopped);
    }

    [Fact]
    public void A_list_asks_for_its_next_page_only_once_the_last_is_handed_out()
    {
        using var server = new LocalHttpServer(Answer);
        var pages = new List<BatchResult>();
        using var run = new ListRun(Session(server), FollowRelation.Follower, 1000, 1, p => { pages.Add(p); throw new OperationCanceledException("the consumer stopped"); }, CancellationToken.None);

        Assert.Throws<OperationCanceledException>(() => { run.Add("a"); run.Complete(); });
        Thread.Sleep(200);

        Assert.Single(pages);
        Assert.Single(server.Requests);
    }
}
