using System.Text;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;
using TencentChatFollow.Tests.Support;
using Xunit;
using Reply = TencentChatFollow.Tests.Execution.LocalHttpServer.Reply;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// What the transport makes of answers an awkward server sends: a redirect (over a real socket and the module's own
/// handler, so that what the handler would follow is what is tested).
/// </summary>
public class CallTransportTests
{
    private const string Key = "call-transport-test-key";
    private const string From = "administrator";
    private const string OkAnswer = "{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"FollowInfo\":[{\"To_Account\":\"a\",\"ResultCode\":0,\"ResultInfo\":\"\",\"FollowerCount\":1,\"FollowingCount\":2,\"MutualFollowingCount\":3}]}";

    /// <summary>A session over the module's own handler (a real socket) to <paramref name="endpoint"/>, its waits instant.</summary>
    private static (TencentChatSession Session, ISigSource Sig, InstantClock Clock) Connect(Uri endpoint, int maxRetry)
    {
        var appId = FakeTransport.NextAppId();
        var sig = new SecretKeySigSource(appId, From, Encoding.UTF8.GetBytes(Key));
        var clock = new InstantClock(DateTimeOffset.UtcNow);
        return (new TencentChatSession(appId, From, endpoint, null, sig, 200, maxRetry, TimeSpan.FromSeconds(5), clock: clock), sig, clock);
    }

    private static Task<BatchResult<FollowInfo>> Call(BatchCall<FollowInfo> call, long sequence)
        => call.ExecuteAsync(sequence, From, new[] { "a" }, CancellationToken.None);

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_is_not_followed_no_request_reaches_its_host_and_the_run_stops_naming_both_hosts(int status)
    {
        using var elsewhere = new LocalHttpServer(new Reply(200, OkAnswer));
        // The Location echoes the request's path and query, UserSig included, as the audit's server did.
        using var endpoint = new LocalHttpServer((received, _) => new Reply(status, "")
        {
            Headers = new Dictionary<string, string>
            {
                ["Location"] = new Uri(elsewhere.BaseUri, received.Path + "?" + string.Join("&", received.RawQuery.Select(p => p.Key + "=" + p.Value))).AbsoluteUri,
            },
        });
        var (session, sig, _) = Connect(endpoint.BaseUri, maxRetry: 2);

        var result = await Call(new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: true), 1);

        Assert.Empty(elsewhere.Requests);
        Assert.Single(endpoint.Requests); // not retried: it would be answered the same
        var fatal = result.Fatal!;
        Assert.Equal("TencentChat.HttpError", fatal.ErrorId);
        Assert.Equal(ErrorKind.InvalidResponse, fatal.Kind);
        var here = endpoint.BaseUri.GetLeftPart(UriPartial.Authority);
        var there = elsewhere.BaseUri.GetLeftPart(UriPartial.Authority);
        Assert.StartsWith($"HTTP {status} ", fatal.Message, StringComparison.Ordinal);
        Assert.Contains($"from {here}: a redirect to {there}, not followed", fatal.Message, StringComparison.Ordinal);
        Assert.Contains("Tencent's REST API does not redirect", fatal.Message, StringComparison.Ordinal);
        Assert.Contains("-Endpoint", fatal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("usersig", fatal.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("follow_get_info?", fatal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sig.Current(DateTimeOffset.UtcNow), string.Join("\n", result.Verbose.Concat(result.Debug)), StringComparison.Ordinal);
        Assert.All(result.Outcomes, o => Assert.True(o.CallFailed));
        Assert.Contains(result.Verbose, v => v.Contains($"HTTP {status}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/elsewhere?usersig=x", true)]
    [InlineData(null, false)]
    public async Task A_redirect_to_a_relative_Location_or_none_is_worded_without_a_path(string? location, bool named)
    {
        using var endpoint = new LocalHttpServer(new Reply(302, "")
        {
            Headers = location is null ? null : new Dictionary<string, string> { ["Location"] = location },
        });
        var (session, _, _) = Connect(endpoint.BaseUri, maxRetry: 0);

        var result = await Call(new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false), 1);

        var here = endpoint.BaseUri.GetLeftPart(UriPartial.Authority);
        var message = result.Fatal!.Message;
        Assert.Contains(named ? $"a redirect to {here}, not followed" : "a redirect with no usable Location, not followed", message, StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere", message, StringComparison.Ordinal);
    }
}
