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
    public async Task An_id_left_out_of_an_answer_is_asked_for_again_after_the_retry_back_off_not_at_once()
    {
        // Asking again for ids an answer left out is a retry: it waits the first retry's back-off (125-250 ms), on the
        // session's clock, as a failed attempt does.
        const string okB = "{\"FollowInfo\":[{\"To_Account\":\"b\",\"ResultCode\":0,\"ResultInfo\":\"\",\"FollowerCount\":4,\"FollowingCount\":5,\"MutualFollowingCount\":6}],\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}";
        using var server = new FakeTransport(FakeTransport.Reply.Ok(Ok), FakeTransport.Reply.Ok(okB));
        var (session, clock) = Make(server, maxRetry: 2, DateTimeOffset.UtcNow);
        var call = new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false);

        var result = await call.ExecuteAsync(1, "administrator", new[] { "a", "b" }, CancellationToken.None);

        Assert.Equal(4, result.Outcomes[1].Result!.FollowerCount);
        Assert.Equal(2, server.Requests.Count);
        var backOff = Assert.Single(clock.Waits, w => w >= TimeSpan.FromMilliseconds(100));
        Assert.InRange(backOff, TimeSpan.FromMilliseconds(125), TimeSpan.FromMilliseconds(250));
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
    [Fact]
    public async Task A_calls_summary_line_gives_its_own_time_not_the_sessions()
    {
        var bad = new FakeTransport.Reply(502, "<html>502</html>", ContentType: "text/html");
        using var server = new FakeTransport(bad, FakeTransport.Reply.Ok(Ok));
        var (session, clock) = Make(server, maxRetry: 2, DateTimeOffset.UtcNow);
        clock.Advance(TimeSpan.FromMinutes(10)); // the run has gone on for ten minutes before this call starts
        var before = clock.Elapsed;
        var call = new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false);

        var result = await call.ExecuteAsync(7, "administrator", new[] { "a" }, CancellationToken.None);

        var took = (long)(clock.Elapsed - before).TotalMilliseconds;
        Assert.InRange(took, 125, 250); // one retry's wait
        var summary = Assert.Single(result.Verbose, v => v.StartsWith("POST v4/follow/follow_get_info batch 7: 1 id,", StringComparison.Ordinal));
        Assert.EndsWith($", {took} ms, 1 retry, OK", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Retry_After_wait_ends_as_soon_as_the_run_sends_nothing_more_when_the_call_did_nothing_yet()
    {
        // The service refused the call for frequency and asked for 30 s; the run stops 0 s into that wait.
        using var server = new FakeTransport(new FakeTransport.Reply(429, "slow down", ContentType: "text/plain", RetryAfter: "30"), FakeTransport.Reply.Ok(Ok));
        var (session, clock) = MakeManual(server);
        using var stop = new CancellationTokenSource();
        var call = new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false);

        var running = call.ExecuteAsync(1, "administrator", new[] { "a" }, stop.Token, CancellationToken.None);
        await Until(() => clock.PendingDues.Contains(clock.Elapsed + TimeSpan.FromSeconds(30)), running);
        stop.Cancel();
        var result = await running.WaitAsync(Patience); // not 30 s later, and not when the clock next moves

        Assert.True(Assert.Single(result.Outcomes).NotSent);
        Assert.Single(server.Requests);
        Assert.Equal(TimeSpan.FromSeconds(100), clock.Elapsed);
    }

    [Fact]
    public async Task A_wait_for_the_limiter_after_a_refusal_ends_as_soon_as_the_run_sends_nothing_more()
    {
        // Refused for frequency: the call waits at the front of the limiter's line for the next probe, which the
        // limiter sends on its clock; the run stops while it waits.
        using var server = new FakeTransport(new FakeTransport.Reply(200, "{\"ActionStatus\":\"FAIL\",\"ErrorCode\":60007,\"ErrorInfo\":\"frequency\"}"), FakeTransport.Reply.Ok(Ok));
        var (session, clock) = MakeManual(server);
        using var stop = new CancellationTokenSource();
        var call = new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false);

        var running = call.ExecuteAsync(1, "administrator", new[] { "a" }, stop.Token, CancellationToken.None);
        await Until(() => server.Requests.Count == 1 && session.LimiterFor(FollowGetInfoProtocol.Instance.Path).Waiting == 1, running);
        stop.Cancel();
        var result = await running.WaitAsync(Patience);

        Assert.True(Assert.Single(result.Outcomes).NotSent);
        Assert.Single(server.Requests);
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static (TencentChatSession Session, ManualClock Clock) MakeManual(FakeTransport server)
    {
        var appId = (uint)Interlocked.Increment(ref _nextApp);
        var clock = new ManualClock();
        var sig = new SecretKeySigSource(appId, "administrator", Encoding.UTF8.GetBytes(Key));
        var session = new TencentChatSession(appId, "administrator", server.BaseUri, null, sig, 200, 2, TimeSpan.FromSeconds(60), clock: clock, transport: server);
        return (session, clock);
    }

    /// <summary>Waits (real time, a hang guard only) until <paramref name="condition"/> holds; fails if the call ended first.</summary>
    private static async Task Until(Func<bool> condition, Task running)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.False(running.IsCompleted, "the call ended before the test could stop its run");
            Assert.True(DateTime.UtcNow < deadline, "the call never reached the wait");
            await Task.Delay(5);
        }
    }
    [Fact]
    public async Task A_runs_later_call_that_reaches_the_rate_limit_first_goes_after_the_earlier_one()
    {
        // The run starts its calls on the thread pool in input order; on a busy machine call 3 can reach the limiter
        // before call 2. At 1 call/s both wait for a turn: call 2's ids go first all the same.
        using var server = new FakeTransport(_ => Ok);
        var appId = (uint)Interlocked.Increment(ref _nextApp);
        var clock = new ManualClock();
        var sig = new SecretKeySigSource(appId, "administrator", Encoding.UTF8.GetBytes(Key));
        var session = new TencentChatSession(appId, "administrator", server.BaseUri, null, sig, 1, 0, TimeSpan.FromSeconds(5), clock: clock, transport: server);
        var call = new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false);

        await call.ExecuteAsync(1, "administrator", new[] { "a" }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)); // the second's one turn
        var third = call.ExecuteAsync(3, "administrator", new[] { "c" }, CancellationToken.None);
        var second = call.ExecuteAsync(2, "administrator", new[] { "b" }, CancellationToken.None);
        // Time moves in 50 ms steps, the calls' own work between them, until both went (30 s of the clock at most).
        for (var step = 0; step < 600 && server.Requests.Count < 3; step++)
        {
            await Task.Delay(2);
            clock.Advance(TimeSpan.FromMilliseconds(50));
        }
        await Task.WhenAll(second, third).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a", "b", "c"], server.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("To_Account")[0].GetString()));
    }
}
