using System.Globalization;
using TencentChatFollow.Api;
using TencentChatFollow.Execution;
using TencentChatFollow.Tests.Execution;
using TencentChatFollow.Tests.Support;
using Xunit;

namespace TencentChatFollow.Tests.Api;

/// <summary>REST calls (Invoke-TencentChatRestMethod's engine) on the fake transport: what reaches the caller of an OK answer.</summary>
public class RestCallTests
{
    /// <summary>Every body through one run of account_check calls answered by <paramref name="fake"/>, its outcomes in order.</summary>
    private static List<IdOutcome<string>> Run(FakeTransport fake, int bodies)
    {
        var session = fake.Session(clock: new InstantClock(DateTimeOffset.UtcNow));
        Assert.True(RestApiName.TryParse("im_open_login_svc/account_check", out var api, out _));
        var run = new RestRun(new RestCall(session, new RestProtocol(api!), collectDebug: false).ExecuteAsync, 4, CancellationToken.None, session.Clock);
        var outcomes = new List<IdOutcome<string>>();
        for (var i = 1; i <= bodies; i++) outcomes.AddRange(run.Add("body " + i, "{}"u8.ToArray(), null).SelectMany(r => r.Outcomes));
        outcomes.AddRange(run.Complete().SelectMany(r => r.Outcomes));
        return outcomes;
    }

    private static string Note(IdOutcome<string> outcome) => (string)((RestJsonObject)RestJson.Read(outcome.Result!)!)["Note"]!;

    [Fact]
    public void An_answer_with_a_usersig_before_an_escaped_quote_stays_JSON_and_every_body_comes_out_once()
    {
        using var fake = new FakeTransport(_ => """{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Note":"see usersig=abc\"def"}""");

        var outcomes = Run(fake, 3);

        Assert.Equal(new[] { "1", "2", "3" }, outcomes.Select(o => o.UserId));
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.All(outcomes, o => Assert.Equal("see usersig=<redacted>\"def", Note(o)));
        Assert.Equal(3, fake.Count);
    }

    [Fact]
    public void The_sessions_UserSig_echoed_in_an_answer_is_taken_out_even_when_written_with_escapes()
    {
        // The answer echoes the request's own sig three ways: as it is, with its first character as a \u escape, and in a URL.
        using var fake = new FakeTransport(request =>
        {
            var sig = request.Query("usersig");
            var escaped = "\\u" + ((int)sig[0]).ToString("x4", CultureInfo.InvariantCulture) + sig[1..];
            return $$"""{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Note":"{{sig}} {{escaped}} /v4?usersig={{sig}}&random=1"}""";
        });

        var outcome = Assert.Single(Run(fake, 1));

        var sent = Assert.Single(fake.Requests).Query("usersig");
        Assert.DoesNotContain(sent, outcome.Result!, StringComparison.Ordinal);
        Assert.Equal("<redacted> <redacted> /v4?usersig=<redacted>&random=1", Note(outcome));
    }
}
