using TencentChatFollow.Api;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Support;

/// <summary>The transport seam: a session given a handler sends through it (no socket), signed as ever.</summary>
public class FakeTransportTests
{
    private const string Both = """{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"To_Account":"u1","ResultCode":0,"FollowType":3}]}""";

    [Fact]
    public async Task A_session_with_a_transport_sends_through_it_signed_and_gets_its_answer()
    {
        using var fake = new FakeTransport(_ => Both);
        var session = fake.Session();

        var result = await new BatchCall<FollowCheck>(session, FollowCheckProtocol.Instance, collectDebug: false)
            .ExecuteAsync(1, "administrator", new[] { "u1" }, CancellationToken.None);

        var request = Assert.Single(fake.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v4/follow/follow_check", request.Path);
        Assert.Equal(session.SdkAppId.ToString(System.Globalization.CultureInfo.InvariantCulture), request.Query("sdkappid"));
        Assert.False(string.IsNullOrEmpty(request.Query("usersig")));
        Assert.Contains("\"u1\"", request.Body, StringComparison.Ordinal);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        var outcome = Assert.Single(result.Outcomes);
        Assert.Null(outcome.Error);
        Assert.Equal(FollowRelation.Mutual, ((FollowCheck)outcome.Result!).Relation);
    }

    [Fact]
    public async Task A_hanging_transport_ends_in_the_call_timeout_and_a_failed_send_in_a_connection_error()
    {
        using var fake = new FakeTransport(FakeTransport.Reply.Never, FakeTransport.Reply.Fails(new HttpRequestException("reset")));
        var hanging = new BatchCall<FollowCheck>(fake.Session(timeout: TimeSpan.FromMilliseconds(50)), FollowCheckProtocol.Instance, collectDebug: false);
        // A session of its own with a timeout no stall reaches: under 50 ms, a busy machine that got to the failed send
        // late turned its connection error into a timeout (HttpClient reports a send failing after the timeout so).
        var failing = new BatchCall<FollowCheck>(fake.Session(timeout: TimeSpan.FromMinutes(1)), FollowCheckProtocol.Instance, collectDebug: false);

        var timedOut = await hanging.ExecuteAsync(1, "administrator", new[] { "u1" }, CancellationToken.None);
        var failed = await failing.ExecuteAsync(2, "administrator", new[] { "u2" }, CancellationToken.None);

        Assert.Equal("TencentChat.Timeout", Assert.Single(timedOut.Outcomes).Error!.ErrorId);
        Assert.Equal("TencentChat.ConnectionFailed", Assert.Single(failed.Outcomes).Error!.ErrorId);
    }

    [Fact]
    public void Sessions_on_a_transport_do_not_take_the_shared_client_of_the_endpoint()
    {
        using var fake = new FakeTransport(_ => Both);
        Assert.NotSame(HttpClientCache.For(fake.BaseUri), fake.Session().Http);
    }
}
