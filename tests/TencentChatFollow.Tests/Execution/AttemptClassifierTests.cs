using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

public class AttemptClassifierTests
{
    private static Attempt Code(int code, int status = 200)
        => Attempt.Failed(new TencentChatException("x", ErrorKind.ServiceError, "m", code), transient: false, statusCode: status);

    private static Attempt Transport(bool transient, bool fatal = false, int? status = null)
        => Attempt.Failed(new TencentChatException("x", ErrorKind.ConnectionError, "m"), transient, fatal, status);

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
    public void A_Tencent_code_gets_one_verdict(int code, bool canRenew, string expected)
        => Assert.Equal(expected, AttemptClassifier.Classify(Code(code), canRenew).ToString());

    [Fact]
    public void An_answer_with_ErrorCode_0_is_a_success()
        => Assert.Equal(Verdict.Success, AttemptClassifier.Classify(new Attempt { Answer = new ApiAnswer() }, true));

    [Fact]
    public void HTTP_429_is_a_refusal_whatever_the_transport_said()
        => Assert.Equal(Verdict.Throttled, AttemptClassifier.Classify(Transport(transient: true, status: 429), true));

    [Theory]
    [InlineData(true, false, nameof(Verdict.Transient))]  // connection failed, timeout, 5xx, unreadable answer
    [InlineData(false, true, nameof(Verdict.Fatal))]      // HTTP 404, an untrusted certificate
    [InlineData(false, false, nameof(Verdict.Failed))]
    public void A_failure_without_a_Tencent_code_goes_by_what_the_transport_knows(bool transient, bool fatal, string expected)
        => Assert.Equal(expected, AttemptClassifier.Classify(Transport(transient, fatal), true).ToString());

    [Fact]
    public void A_call_level_30003_stops_the_run_only_when_every_call_has_the_same_From()
    {
        Assert.Equal(Verdict.Fatal, AttemptClassifier.Classify(Code(30003), true, fromPerCall: false));
        Assert.Equal(Verdict.Failed, AttemptClassifier.Classify(Code(30003), true, fromPerCall: true));
    }
}
