using System.Text;
using TencentChatFollow.Api;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// Get-TencentChatFollow's list pages take their first turn at the rate limiter in the order the run asked for them,
/// as the batched calls do: the output waits for the earlier user's list anyway (a run at 10 calls/s with 8 lists
/// at once sent user 3's first page after users 4 to 9's on the emulator, and wrote nothing for 0.6 s).
/// </summary>
public class FollowPageOrderTests
{
    [Fact]
    public async Task A_later_users_page_that_reaches_the_rate_limit_first_goes_after_the_earlier_users_page()
    {
        // The run starts its pages on the thread pool in the order it asks for them; on a busy machine page 3 can reach
        // the limiter before page 2. At 1 call/s both wait for a turn: page 2 (user b's) goes first all the same.
        using var server = new Support.FakeTransport(_ => "{\"FollowItem\":[],\"NextCursor\":\"\",\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}");
        const uint appId = 3_997_300_001; // an app of its own: the process's limiters are per app
        var clock = new ManualClock();
        var sig = new SecretKeySigSource(appId, "administrator", Encoding.UTF8.GetBytes("page-order-key"));
        var session = new TencentChatSession(appId, "administrator", server.BaseUri, null, sig, 1, 0, TimeSpan.FromSeconds(5), clock: clock, transport: server);
        var pages = new FollowPageCall(session, new FollowGetProtocol(FollowRelation.Following, 100), new RunHistory(session));

        await pages.ExecuteAsync(1, "a", "", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)); // the second's one turn
        var third = pages.ExecuteAsync(3, "c", "", CancellationToken.None);
        var second = pages.ExecuteAsync(2, "b", "", CancellationToken.None);
        for (var step = 0; step < 600 && server.Requests.Count < 3; step++)
        {
            await Task.Delay(2);
            clock.Advance(TimeSpan.FromMilliseconds(50));
        }
        await Task.WhenAll(second, third).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a", "b", "c"], server.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("From_Account").GetString()));
    }
}
