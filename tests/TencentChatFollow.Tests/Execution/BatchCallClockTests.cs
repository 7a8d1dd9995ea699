using System.Text;
using TencentChatFollow.Api;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;
using TencentChatFollow.Tests.Support;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>The engine's waits and the UserSig's age go by the session's clock: retry schedules and renewal tested without sleeping.</summary>
public class BatchCallClockTests
{
    private const string Key = "clock-test-key";
    private const string Ok = "{\"FollowInfo\":[{\"To_Account\":\"a\",\"ResultCode\":0,\"ResultInfo\":\"\",\"FollowerCount\":1,\"FollowingCount\":2,\"MutualFollowingCount\":3}],\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}";
    private static long _nextApp = 3_997_100_000;

    private static (TencentChatSession Session, InstantClock Clock) Make(FakeTransport server, int maxRetry, DateTimeOffset start)
    {
        var appId = (uint)Interlocked.Increment(ref _nextApp);
        var clock = new InstantClock(start);
        var sig = new SecretKeySigSource(appId, "administrator", Encoding.UTF8.GetBytes(Key));
        var session = new TencentChatSession(appId, "administrator", server.BaseUri, null, sig, 200, maxRetry, TimeSpan.FromSeconds(5), clock: clock, transport: server);
        return (session, clock);
    }

    [Fact]
    public async Task Retries_wait_an_exponential_schedule_on_the_session_clock_not_the_wall_clock()
    {
        var bad = new FakeTransport.Reply(502, "<html>502</html>", ContentType: "text/html");
        using var server = new FakeTransport(bad, bad, bad, bad, FakeTransport.Reply.Ok(Ok));
        var (session, clock) = Make(server, maxRetry: 5, DateTimeOffset.UtcNow);
        var call = new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false);

        var result = await call.ExecuteAsync(1, "administrator", new[] { "a" }, CancellationToken.None);

        Assert.Equal(1, Assert.Single(result.Outcomes).Result!.FollowerCount);
        var retryWaits = clock.Waits.Where(w => w >= TimeSpan.FromMilliseconds(100)).ToArray();
        Assert.Equal(4, retryWaits.Length);
        // Each wait is half its exponential step plus a random share of the other half: 125-250 ms, 250-500, 500-1000, 1-2 s.
        for (var i = 0; i < retryWaits.Length; i++)
        {
            var step = TimeSpan.FromMilliseconds(250 * Math.Pow(2, i));
            Assert.InRange(retryWaits[i], step / 2, step);
        }
        // The waits were the clock's: its time moved on by exactly what was asked of it.
        Assert.Equal(clock.Waits.Aggregate(TimeSpan.Zero, (sum, w) => sum + w), clock.Elapsed);
    }

    [Fact]
    public async Task A_UserSig_is_remade_once_the_session_clock_passes_its_renewal_time()
    {
        using var server = new FakeTransport(_ => Ok);
        var (session, clock) = Make(server, maxRetry: 0, DateTimeOffset.UtcNow);
        var call = new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false);

        await call.ExecuteAsync(1, "administrator", new[] { "a" }, CancellationToken.None);
        await call.ExecuteAsync(2, "administrator", new[] { "a" }, CancellationToken.None);
        var firstExpiry = session.UserSigExpiresAt!.Value;
        clock.Advance(firstExpiry - clock.UtcNow); // the sig is now at (or past) its expiry
        await call.ExecuteAsync(3, "administrator", new[] { "a" }, CancellationToken.None);

        var sigs = server.Requests.Select(r => r.Raw("usersig")).ToArray();
        Assert.Equal(sigs[0], sigs[1]);
        Assert.NotEqual(sigs[1], sigs[2]);
        Assert.True(session.UserSigExpiresAt > firstExpiry);
    }
}
