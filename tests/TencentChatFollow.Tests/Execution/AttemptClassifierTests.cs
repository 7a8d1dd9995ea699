using System.Text;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>What each attempt means: the transport's fault, the HTTP status, the body and the code, judged in one place.</summary>
public class AttemptClassifierTests
{
    private static readonly Uri Endpoint = new("https://console.tim.qq.com/");

    // The redactor scrubs secrets of 8 characters or more (a real UserSig has hundreds).
    private const string Sig = "eJwSIGNATURE";

    private static CallFacts Facts(bool fromPerCall = false, uint? keyAppId = null)
        => new(FollowGetInfoProtocol.Instance, Endpoint, "admin", fromPerCall, keyAppId, keepBody: true);

    private static Attempt<AnswerItems<FollowInfo>> Judge(Sent sent, bool canRenew = true, bool fromPerCall = false, uint? keyAppId = null)
        => AttemptClassifier.Judge(sent, body => FollowGetInfoProtocol.Instance.ParseAnswer(body, "admin"), Facts(fromPerCall, keyAppId), canRenew);

    private static Sent Answer(string json, int status = 200, TimeSpan? retryAfter = null)
        => new() { StatusCode = status, ReasonPhrase = "Reason", Body = Encoding.UTF8.GetBytes(json), RetryAfter = retryAfter, Sig = Sig };

    private static Sent Code(int code, string info = "") => Answer($"{{\"ErrorCode\":{code},\"ErrorInfo\":\"{info}\"}}");

    private static Sent Fault(TransportFault fault)
        => new() { Fault = fault, FaultError = new TencentChatException("TencentChat.X", ErrorKind.ConnectionError, "m"), Sig = Sig };

    [Theory]
    [InlineData(60007, true, nameof(Verdict.Throttled))]
    [InlineData(60011, true, nameof(Verdict.Throttled))]
    [InlineData(30006, true, nameof(Verdict.Transient))]
    [InlineData(30007, true, nameof(Verdict.Transient))]
    [InlineData(60008, true, nameof(Verdict.Transient))]
    [InlineData(70001, true, nameof(Verdict.RenewSig))]
    [InlineData(70001, false, nameof(Verdict.Fatal))]
    [InlineData(70009, true, nameof(Verdict.Fatal))]
    [InlineData(30003, true, nameof(Verdict.Fatal))]  // for a whole call: the From_Account
    [InlineData(30004, true, nameof(Verdict.Fatal))]
    [InlineData(30001, true, nameof(Verdict.Failed))]
    [InlineData(12345, true, nameof(Verdict.Failed))] // a code the module does not know
    public void A_Tencent_code_gets_one_verdict(int code, bool canRenew, string expected)
    {
        var attempt = Judge(Code(code), canRenew);
        Assert.Equal(expected, attempt.Verdict.ToString());
        Assert.Equal(code, attempt.Failure!.Code);
        Assert.True(attempt.TencentAnswered);
        Assert.False(attempt.Unreachable);
    }

    [Fact]
    public void An_answer_with_ErrorCode_0_is_a_success_with_its_items()
    {
        var attempt = Judge(Answer("{\"ErrorCode\":0,\"FollowInfo\":[{\"To_Account\":\"a\",\"ResultCode\":0,\"FollowerCount\":1,\"FollowingCount\":2,\"MutualFollowingCount\":3}]}"));
        Assert.Equal(Verdict.Success, attempt.Verdict);
        Assert.Equal(1, attempt.Body!.Items["a"].Result!.FollowerCount);
        Assert.Null(attempt.Failure);
        Assert.Equal("HTTP 200", attempt.StatusText);
    }

    [Theory]
    [InlineData(429, nameof(Verdict.Throttled))]
    [InlineData(500, nameof(Verdict.Transient))]
    [InlineData(503, nameof(Verdict.Transient))]
    [InlineData(408, nameof(Verdict.Transient))]
    [InlineData(404, nameof(Verdict.Fatal))]
    [InlineData(403, nameof(Verdict.Fatal))]
    public void An_HTTP_status_other_than_200_goes_by_its_class_whatever_the_body(int status, string expected)
    {
        var attempt = Judge(Answer("{\"ErrorCode\":0,\"FollowInfo\":[]}", status, TimeSpan.FromSeconds(2)));
        Assert.Equal(expected, attempt.Verdict.ToString());
        Assert.Equal("TencentChat.HttpError", attempt.Failure!.ErrorId);
        Assert.Equal(TimeSpan.FromSeconds(2), attempt.RetryAfter);
        Assert.False(attempt.TencentAnswered);
    }

    // Get-TencentChatFollowInfo's error list: HttpError for 429, 408 and 5xx is ConnectionError (the service failed, retried);
    // any other status is InvalidResult (ErrorKind.InvalidResponse) and stops the run with "check -Endpoint".
    [Theory]
    [InlineData(429, nameof(ErrorKind.ConnectionError), false)]
    [InlineData(500, nameof(ErrorKind.ConnectionError), false)]
    [InlineData(502, nameof(ErrorKind.ConnectionError), false)]
    [InlineData(408, nameof(ErrorKind.ConnectionError), false)]
    [InlineData(404, nameof(ErrorKind.InvalidResponse), true)]
    [InlineData(400, nameof(ErrorKind.InvalidResponse), true)]
    public void An_HTTP_errors_category_and_advice_follow_whether_the_service_failed_or_the_endpoint_is_wrong(int status, string kind, bool checkEndpoint)
    {
        var attempt = Judge(Answer("{\"ErrorCode\":0,\"FollowInfo\":[]}", status));
        Assert.Equal(kind, attempt.Failure!.Kind.ToString());
        Assert.Equal(checkEndpoint, attempt.Failure.Message.Contains("Check -Endpoint and -Region.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<html>proxy</html>")]
    [InlineData("{\"ErrorCode\":0}")]
    [InlineData("")]
    public void A_body_that_is_not_the_APIs_JSON_is_transient_and_no_Tencent_answer(string body)
    {
        var attempt = Judge(Answer(body));
        Assert.Equal(Verdict.Transient, attempt.Verdict);
        Assert.Equal("TencentChat.InvalidResponse", attempt.Failure!.ErrorId);
        Assert.Contains("follow_get_info", attempt.Failure.Message, StringComparison.Ordinal);
        Assert.False(attempt.TencentAnswered);
    }

    [Theory]
    [InlineData(nameof(TransportFault.Timeout), nameof(Verdict.Transient), true)]
    [InlineData(nameof(TransportFault.ConnectionFailed), nameof(Verdict.Transient), true)]
    [InlineData(nameof(TransportFault.BodyBroken), nameof(Verdict.Transient), false)]
    [InlineData(nameof(TransportFault.BodyStalled), nameof(Verdict.Transient), false)]
    [InlineData(nameof(TransportFault.TooLarge), nameof(Verdict.Transient), false)]
    [InlineData(nameof(TransportFault.CertificateRejected), nameof(Verdict.Fatal), false)]
    [InlineData(nameof(TransportFault.TlsFailed), nameof(Verdict.Fatal), false)]
    [InlineData(nameof(TransportFault.RequestFailed), nameof(Verdict.Fatal), false)]
    [InlineData(nameof(TransportFault.Redirected), nameof(Verdict.Fatal), false)]
    [InlineData(nameof(TransportFault.Undecodable), nameof(Verdict.Transient), false)]
    public void A_transport_fault_goes_by_its_kind(string fault, string expected, bool unreachable)
    {
        var attempt = Judge(Fault(Enum.Parse<TransportFault>(fault)));
        Assert.Equal(expected, attempt.Verdict.ToString());
        Assert.Equal(unreachable, attempt.Unreachable);
        Assert.False(attempt.TencentAnswered);
        Assert.Equal("no HTTP answer", attempt.StatusText);
    }

    [Fact]
    public void A_call_level_30003_stops_the_run_only_when_every_call_has_the_same_From_and_names_that_From()
    {
        var same = Judge(Code(30003), fromPerCall: false);
        Assert.Equal(Verdict.Fatal, same.Verdict);
        Assert.Contains("From_Account 'admin'", same.Failure!.Message, StringComparison.Ordinal);
        var perCall = Judge(Code(30003), fromPerCall: true);
        Assert.Equal(Verdict.Failed, perCall.Verdict);
        Assert.Equal(FollowGetInfoProtocol.Instance.UnknownFrom("admin"), perCall.Failure!.Message);
    }

    [Fact]
    public void The_failure_carries_the_catalogs_id_and_advice_and_never_the_UserSig()
    {
        var attempt = Judge(Code(70009, "sig " + Sig + " rejected"), keyAppId: 1400000001);
        Assert.Equal("TencentChat.UserSigRejected", attempt.Failure!.ErrorId);
        Assert.Contains("1400000001", attempt.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Sig, attempt.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Sig, attempt.BodyText, StringComparison.Ordinal);
    }

    // Escape sequences that clear and recolour the console, a forged log line, a C1 CSI, a line separator, a bidi override.
    private const string Hostile = "\u001b[2J\u001b[31mcleared\r\nWARNING: fake \u009b31m\u2028\u202e";
    private const string HostileShown = "\\u001B[2J\\u001B[31mcleared\\u000D\\u000AWARNING: fake \\u009B31m\\u2028\\u202E";

    private static void AssertSafe(string? text)
    {
        Assert.NotNull(text);
        Assert.DoesNotContain(text!, c => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u202e');
    }

    [Fact]
    public void ErrorInfo_reaches_the_message_with_its_control_characters_escaped_and_the_UserSig_still_redacted()
    {
        var attempt = Judge(Answer("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":30001,\"ErrorInfo\":" + System.Text.Json.JsonSerializer.Serialize(Hostile + " usersig=" + Sig) + "}"));
        Assert.Equal(Verdict.Failed, attempt.Verdict);
        AssertSafe(attempt.Failure!.Message);
        Assert.Contains("(" + HostileShown + " usersig=<redacted>)", attempt.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Sig, attempt.Failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void An_empty_or_missing_ErrorInfo_leaves_no_empty_brackets_in_the_message(string? info)
    {
        var json = info is null ? "{\"ErrorCode\":30006}" : "{\"ErrorCode\":30006,\"ErrorInfo\":\"\"}";
        var attempt = Judge(Answer(json));
        Assert.StartsWith("Tencent error 30006. ", attempt.Failure!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("()", attempt.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_ErrorInfo_is_cut()
    {
        var attempt = Judge(Code(30001, new string('x', 100_000)));
        Assert.Contains(new string('x', 500) + "...)", attempt.Failure!.Message, StringComparison.Ordinal);
        Assert.True(attempt.Failure.Message.Length < 1000);
    }

    [Fact]
    public void The_reason_phrase_of_an_HTTP_error_is_escaped()
    {
        var sent = Answer("busy", 503);
        sent.ReasonPhrase = "\u001b[2J\u001b[31mboom\r\nWARNING: fake";
        var attempt = Judge(sent);
        AssertSafe(attempt.Failure!.Message);
        Assert.StartsWith("HTTP 503 \\u001B[2J\\u001B[31mboom\\u000D\\u000AWARNING: fake from https://console.tim.qq.com", attempt.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_start_of_a_body_that_is_not_JSON_is_escaped_in_the_message_and_in_the_Debug_text()
    {
        var attempt = Judge(Answer("\u001b[2J\u001b]0;pwned\u0007<html>\r\nWARNING: fake"));
        Assert.Equal(Verdict.Transient, attempt.Verdict);
        AssertSafe(attempt.Failure!.Message);
        Assert.Contains("starting '\\u001B[2J\\u001B]0;pwned\\u0007<html>\\u000D\\u000AWARNING: fake'", attempt.Failure.Message, StringComparison.Ordinal);
        AssertSafe(attempt.BodyText);
        Assert.StartsWith("\\u001B[2J", attempt.BodyText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"FollowInfo\":[]}", "its ActionStatus is FAIL but its ErrorCode is 0")]
    [InlineData("{\"ActionStatus\":\"fail\",\"ErrorCode\":0,\"FollowInfo\":[]}", "its ActionStatus is FAIL but its ErrorCode is 0")]
    [InlineData("{\"ActionStatus\":\"OK\",\"ErrorCode\":70009,\"ErrorCode\":0,\"ErrorInfo\":\"\",\"FollowInfo\":[]}", "it gives 'ErrorCode' twice")]
    [InlineData("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorCode\":70009,\"ErrorInfo\":\"\",\"FollowInfo\":[]}", "it gives 'ErrorCode' twice")]
    [InlineData("{\"ActionStatus\":\"FAIL\",\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"FollowInfo\":[]}", "it gives 'ActionStatus' twice")]
    [InlineData("{\"ErrorCode\":0,\"FollowInfo\":[],\"FollowInfo\":[]}", "it gives 'FollowInfo' twice")]
    [InlineData("{\"ErrorCode\":0,\"FollowInfo\":[],\"\\u001b[2J\":1,\"\\u001b[2J\":2}", "it gives '\\u001B[2J' twice")]
    public void An_envelope_that_contradicts_itself_is_an_unreadable_answer_retried_not_a_success(string body, string why)
    {
        var attempt = Judge(Answer(body));
        Assert.Equal(Verdict.Transient, attempt.Verdict);
        Assert.Equal("TencentChat.InvalidResponse", attempt.Failure!.ErrorId);
        Assert.Contains("The answer contradicts itself: " + why, attempt.Failure.Message, StringComparison.Ordinal);
        AssertSafe(attempt.Failure.Message);
        Assert.False(attempt.TencentAnswered);
    }

    [Theory]
    [InlineData("{\"ActionStatus\":\"OK\",\"ErrorCode\":30006,\"ErrorInfo\":\"internal\"}", nameof(Verdict.Transient))]
    [InlineData("{\"ActionStatus\":\"OK\",\"ErrorCode\":70009,\"ErrorInfo\":\"\"}", nameof(Verdict.Fatal))]
    public void ActionStatus_OK_with_a_non_zero_ErrorCode_goes_by_the_ErrorCode(string body, string expected)
    {
        var attempt = Judge(Answer(body));
        Assert.Equal(expected, attempt.Verdict.ToString());
        Assert.True(attempt.TencentAnswered);
    }

    [Theory]
    [InlineData("{\"ErrorCode\":0,\"FollowInfo\":[]}")]                              // no ActionStatus
    [InlineData("{\"ActionStatus\":1,\"ErrorCode\":0,\"FollowInfo\":[]}")]           // not a string
    [InlineData("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"FollowInfo\":[{\"To_Account\":\"a\",\"ResultCode\":0,\"ResultCode\":0,\"FollowerCount\":1,\"FollowingCount\":2,\"MutualFollowingCount\":3}]}")] // a name twice inside an item, not the envelope
    public void An_envelope_that_does_not_contradict_itself_is_read(string body)
    {
        Assert.Equal(Verdict.Success, Judge(Answer(body)).Verdict);
    }
}
