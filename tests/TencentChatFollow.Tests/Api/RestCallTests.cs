using System.Globalization;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
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

    /// <summary>
    /// One body through a run whose calls <paramref name="fake"/> answers, with <paramref name="maxRetry"/>: its answer,
    /// or its error (the cause of the run's stop, when its call is the run's first and got no usable answer).
    /// </summary>
    private static (string? Answer, TencentChatException? Error) RunOne(FakeTransport fake, int maxRetry)
    {
        var session = fake.Session(maxRetry: maxRetry, clock: new InstantClock(DateTimeOffset.UtcNow));
        Assert.True(RestApiName.TryParse("im_open_login_svc/account_check", out var api, out _));
        var run = new RestRun(new RestCall(session, new RestProtocol(api!), collectDebug: false).ExecuteAsync, 4, CancellationToken.None, session.Clock);
        var outcomes = run.Add("body", "{}"u8.ToArray(), null).Concat(run.Complete()).SelectMany(r => r.Outcomes).ToList();
        if (run.Stopped is { } stopped) return (null, stopped.Cause);
        var outcome = Assert.Single(outcomes);
        return (outcome.Result, outcome.Error);
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

    [Theory]
    [InlineData("""{"ActionStatus":"FAIL","ErrorCode":0,"ErrorInfo":"","ResultItem":[]}""", "its ActionStatus is FAIL but its ErrorCode is 0")]
    [InlineData("""{"ActionStatus":"OK","ErrorCode":70009,"ErrorCode":0,"ErrorInfo":"","ResultItem":[]}""", "it gives 'ErrorCode' twice")]
    public void An_envelope_that_contradicts_itself_is_no_answer_its_body_is_retried_then_fails_as_InvalidResponse(string answer, string why)
    {
        using var fake = new FakeTransport(_ => answer);

        var outcome = RunOne(fake, maxRetry: 2);

        Assert.Null(outcome.Answer);
        Assert.Equal("TencentChat.InvalidResponse", outcome.Error!.ErrorId);
        Assert.Contains("The answer contradicts itself: " + why, outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal(3, fake.Count);
    }

    [Fact]
    public void A_body_whose_answer_contradicted_itself_is_sent_again_and_its_next_answer_is_written()
    {
        using var fake = new FakeTransport(
            FakeTransport.Reply.Ok("""{"ActionStatus":"FAIL","ErrorCode":0,"ErrorInfo":"","Note":"first"}"""),
            FakeTransport.Reply.Ok("""{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Note":"second"}"""));

        var outcome = RunOne(fake, maxRetry: 2);

        Assert.Null(outcome.Error);
        Assert.Equal("second", (string)((RestJsonObject)RestJson.Read(outcome.Answer!)!)["Note"]!);
        Assert.Equal(2, fake.Count);
    }

    [Fact]
    public void The_ErrorInfo_of_a_failed_body_reaches_its_error_with_control_characters_escaped()
    {
        using var fake = new FakeTransport(_ => """{"ActionStatus":"FAIL","ErrorCode":30001,"ErrorInfo":"\u001b[2J\u001b[31mcleared\r\nWARNING: fake"}""");

        var outcome = RunOne(fake, maxRetry: 0);

        Assert.Equal("TencentChat.InvalidRequest", outcome.Error!.ErrorId);
        Assert.Contains("(\\u001B[2J\\u001B[31mcleared\\u000D\\u000AWARNING: fake)", outcome.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(outcome.Error.Message, char.IsControl);
    }

    [Fact]
    public void A_call_level_30003_fails_only_its_own_body_and_the_run_goes_on()
    {
        // Each body names its own accounts: a 30003 for the whole call is this body's, not the run's (no From of the module's).
        using var fake = new FakeTransport(
            FakeTransport.Reply.Ok("""{"ActionStatus":"FAIL","ErrorCode":30003,"ErrorInfo":"account not found"}"""),
            FakeTransport.Reply.Ok("""{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Note":"second"}"""));

        var outcomes = Run(fake, 2);

        Assert.Equal(new[] { "1", "2" }, outcomes.Select(o => o.UserId));
        Assert.Equal(30003, outcomes[0].Error!.Code);
        Assert.Contains("an account in the body does not exist in this app", outcomes[0].Error!.Message, StringComparison.Ordinal);
        Assert.Null(outcomes[1].Error);
        Assert.Equal("second", Note(outcomes[1]));
        Assert.Equal(2, fake.Count);
    }

    [Fact]
    public void The_commands_own_MaxRetry_is_used_over_the_sessions()
    {
        using var fake = new FakeTransport(_ => """{"ActionStatus":"FAIL","ErrorCode":0,"ErrorInfo":"","ResultItem":[]}""");
        var session = fake.Session(maxRetry: 0, clock: new InstantClock(DateTimeOffset.UtcNow));
        Assert.True(RestApiName.TryParse("im_open_login_svc/account_check", out var api, out _));
        var run = new RestRun(new RestCall(session, new RestProtocol(api!), collectDebug: false, maxRetry: 2).ExecuteAsync, 4, CancellationToken.None, session.Clock);

        var results = run.Add("body", "{}"u8.ToArray(), null).Concat(run.Complete()).ToList();

        Assert.Equal(3, fake.Count);
        Assert.Contains("(after 3 attempts)", Assert.IsType<TencentChatRunStoppedException>(run.Stopped).Cause.Message, StringComparison.Ordinal);
        Assert.Empty(results.SelectMany(r => r.Outcomes));
    }

    [Fact]
    public void Each_body_gets_its_verbose_summary_line_with_its_place_in_the_input()
    {
        using var fake = new FakeTransport(
            FakeTransport.Reply.Ok("""{"ActionStatus":"FAIL","ErrorCode":0,"ErrorInfo":"","Note":"first"}"""),
            FakeTransport.Reply.Ok("""{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Note":"second"}"""),
            FakeTransport.Reply.Ok("""{"ActionStatus":"FAIL","ErrorCode":30001,"ErrorInfo":"bad"}"""));
        var session = fake.Session(maxRetry: 1, clock: new InstantClock(DateTimeOffset.UtcNow));
        Assert.True(RestApiName.TryParse("im_open_login_svc/account_check", out var api, out _));
        var run = new RestRun(new RestCall(session, new RestProtocol(api!), collectDebug: false).ExecuteAsync, 1, CancellationToken.None, session.Clock);

        var results = run.Add("body 1", "{}"u8.ToArray(), null).Concat(run.Add("body 2", "{}"u8.ToArray(), null)).Concat(run.Complete()).ToList();

        // The time in each summary is left out: a retry's delay is jittered.
        var lines = results.SelectMany(r => r.Verbose).ToList();
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("Body 1: attempt 1 failed (", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("POST v4/im_open_login_svc/account_check body 1, HTTP 200, ", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(" ms, 1 retry, OK", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("POST v4/im_open_login_svc/account_check body 2, HTTP 200, ", lines[2], StringComparison.Ordinal);
        Assert.Contains(" ms, 0 retries, failed: Tencent error 30001 (bad).", lines[2], StringComparison.Ordinal);
    }
}
