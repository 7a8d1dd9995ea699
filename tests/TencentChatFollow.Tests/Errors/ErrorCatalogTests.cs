using TencentChatFollow.Errors;
using Xunit;

namespace TencentChatFollow.Tests.Errors;

public class ErrorCatalogTests
{
    // From the "Error codes" table of tencent-chat-rest.md.
    private static readonly int[] TransientCodes = { 30006, 30007, 60007, 60008, 60011, 60014, 60018, 60019 };
    private static readonly int[] ThrottlingCodes = { 60007, 60011, 60018, 60019 };
    private static readonly int[] NonTransientCodes =
    {
        30001, 30002, 30003, 30004, 30005, 60002, 60003, 60004, 60005, 60006, 60010, 60015, 60016, 60020, 60021,
        70001, 70003, 70009, 70013, 70014, 70016, 70020, 70050,
    };

    // Codes after which every later call of the session fails the same way.
    private static readonly int[] SessionWideCodes =
    {
        30002, 30004, 30005, 60004, 60005, 60006, 60010, 60016, 60020, 60021, 70003, 70009, 70013, 70014, 70016, 70020, 70050,
    };

    public static IEnumerable<object[]> AllDocumentedCodes() => TransientCodes.Concat(NonTransientCodes).Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(AllDocumentedCodes))]
    public void Transient_and_throttles_flags_match_the_reference_table(int code)
    {
        var d = ErrorCatalog.Describe(code);

        Assert.Equal(code, d.Code);
        Assert.Equal(TransientCodes.Contains(code), d.Meaning is CodeMeaning.Transient or CodeMeaning.Throttles);
        Assert.Equal(ThrottlingCodes.Contains(code), d.Meaning == CodeMeaning.Throttles);
    }

    [Theory]
    [MemberData(nameof(AllDocumentedCodes))]
    public void Every_documented_code_is_known_with_a_specific_id_and_advice(int code)
    {
        var d = ErrorCatalog.Describe(code);
        var unknown = ErrorCatalog.Describe(1);

        Assert.StartsWith("TencentChat.", d.ErrorId, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(d.Advice));
        Assert.NotEqual(unknown.Advice, d.Advice);
    }

    [Fact]
    public void Session_wide_failures_are_fatal_and_per_user_or_per_request_ones_are_not()
    {
        foreach (var code in SessionWideCodes) Assert.True(ErrorCatalog.Describe(code).Meaning == CodeMeaning.StopsTheRun, $"{code} should stop the run");
        Assert.False(ErrorCatalog.Describe(30003).Meaning == CodeMeaning.StopsTheRun); // per item it is one missing user
        Assert.False(ErrorCatalog.Describe(30001).Meaning == CodeMeaning.StopsTheRun); // a bad id, not a bad session
    }

    [Fact]
    public void Codes_map_to_the_ids_and_kinds_the_cmdlets_rely_on()
    {
        Assert.Equal(("TencentChat.UserNotFound", ErrorKind.NotFound), Pair(30003));
        Assert.Equal(("TencentChat.FollowNotEnabled", ErrorKind.PermissionDenied), Pair(30005));
        Assert.Equal(("TencentChat.UserSigExpired", ErrorKind.Authentication), Pair(70001));
        Assert.Equal(ErrorKind.LimitsExceeded, ErrorCatalog.Describe(60007).Kind);
        Assert.Equal(ErrorKind.Timeout, ErrorCatalog.Describe(30007).Kind);
        Assert.Equal("TencentChat.WrongRegion", ErrorCatalog.Describe(70016).ErrorId);
        Assert.Equal("TencentChat.WrongRegion", ErrorCatalog.Describe(70020).ErrorId);
        Assert.Contains("Region", ErrorCatalog.Describe(70016).Advice, StringComparison.Ordinal);
        Assert.Contains("minute", ErrorCatalog.Describe(70050).Advice, StringComparison.Ordinal); // retry only after a minute

        static (string, ErrorKind) Pair(int code) => (ErrorCatalog.Describe(code).ErrorId, ErrorCatalog.Describe(code).Kind);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(30008)]
    [InlineData(60001)]
    [InlineData(99999)]
    [InlineData(int.MaxValue)]
    public void Unknown_codes_are_non_transient_non_fatal_service_errors(int code)
    {
        var d = ErrorCatalog.Describe(code);

        Assert.Equal(code, d.Code);
        Assert.Equal(CodeMeaning.FailsItsCall, d.Meaning);
        Assert.Equal(ErrorKind.ServiceError, d.Kind);
        Assert.Equal("TencentChat.ServiceError", d.ErrorId);
    }

    [Fact]
    public void ForUser_keeps_everything_but_the_user()
    {
        var inner = new InvalidOperationException("inner");
        var call = new TencentChatException("TencentChat.Throttled", ErrorKind.LimitsExceeded, "slow down", 60007, null, inner);

        var forUser = call.ForUser("alice");

        Assert.Equal("alice", forUser.UserId);
        Assert.Equal("TencentChat.Throttled", forUser.ErrorId);
        Assert.Equal(ErrorKind.LimitsExceeded, forUser.Kind);
        Assert.Equal("slow down", forUser.Message);
        Assert.Equal(60007, forUser.Code);
        Assert.Same(inner, forUser.InnerException);
        Assert.Null(call.UserId);
    }

    [Theory]
    [InlineData("The connection to 127.0.0.1:5080 failed: Connection reset by peer", "The connection to 127.0.0.1:5080 failed: Connection reset by peer. Check it.")]
    [InlineData("Tencent error 60008 (timeout). Try again later (after 2 attempts). ", "Tencent error 60008 (timeout). Try again later (after 2 attempts). Check it.")]
    public void Unknown_ends_the_message_as_a_sentence_before_its_advice(string message, string expected)
    {
        // .NET's own network messages ("Connection reset by peer") have no full stop: the advice is a sentence of its own.
        var unknown = new TencentChatException("TencentChat.ConnectionFailed", ErrorKind.ConnectionError, message).Unknown("Check it.");
        Assert.Equal(expected, unknown.Message);
        Assert.True(unknown.OutcomeUnknown);
    }

    [Fact]
    public void A_stopped_run_says_what_stopped_it_as_a_sentence_before_its_record()
    {
        var cause = new TencentChatException("TencentChat.ConnectionFailed", ErrorKind.ConnectionError, "The connection to 127.0.0.1:5080 failed: Connection reset by peer");
        var stopped = new TencentChatRunStoppedException(cause, 0, new[] { "u1" });
        Assert.StartsWith("The connection to 127.0.0.1:5080 failed: Connection reset by peer. The run stopped:", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_per_id_30003_advice_does_not_bring_up_From()
    {
        var advice = ErrorCatalog.Describe(30003).Advice;
        Assert.DoesNotContain("-From", advice, StringComparison.Ordinal);
        Assert.Contains("check the id", advice, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(70003)]
    [InlineData(70009)]
    public void With_a_sig_made_from_the_key_70003_and_70009_say_the_key_is_not_this_apps(int code)
    {
        var advice = ErrorCatalog.AdviceFor(code, 1400000123);
        Assert.Contains("secret key does not belong to SDKAppID 1400000123", advice, StringComparison.Ordinal);
        Assert.Contains("Chat console", advice, StringComparison.Ordinal);
        Assert.DoesNotContain("truncated", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_ready_made_UserSig_the_advice_is_the_catalogs()
    {
        Assert.Equal(ErrorCatalog.Describe(70003).Advice, ErrorCatalog.AdviceFor(70003, null));
        Assert.Contains("truncated", ErrorCatalog.AdviceFor(70003, null), StringComparison.Ordinal);
        Assert.Equal(ErrorCatalog.Describe(70009).Advice, ErrorCatalog.AdviceFor(70009, null));
        Assert.Equal(ErrorCatalog.Describe(30004).Advice, ErrorCatalog.AdviceFor(30004, 1400000123));
        Assert.Equal(ErrorCatalog.Describe(70001).Advice, ErrorCatalog.AdviceFor(70001, null));
        Assert.Contains("new -UserSig", ErrorCatalog.AdviceFor(70001, null), StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_sig_made_from_the_key_70001_points_at_the_clock_not_at_connecting_with_the_key()
    {
        // It comes to a fatal 70001 only after the module renewed the sig once: the session has the key already.
        var advice = ErrorCatalog.AdviceFor(70001, 1400000123);
        Assert.Contains("clock", advice, StringComparison.Ordinal);
        Assert.DoesNotContain("-SecretKey", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void A_70009_after_the_session_was_answered_says_the_key_was_changed_in_the_console()
    {
        // The same key (or sig) worked for this session: it is not another app's, and no copy was cut short.
        var withKey = ErrorCatalog.AdviceFor(70009, 1400000123, acceptedBefore: true);
        Assert.Contains("changed (reset) in the Chat console", withKey, StringComparison.Ordinal);
        Assert.Contains("SDKAppID 1400000123", withKey, StringComparison.Ordinal);
        Assert.DoesNotContain("does not belong", withKey, StringComparison.Ordinal);
        var withSig = ErrorCatalog.AdviceFor(70009, null, acceptedBefore: true);
        Assert.Contains("changed (reset) in the Chat console", withSig, StringComparison.Ordinal);
        Assert.Contains("UserSig made from the current key", withSig, StringComparison.Ordinal);
        // A 70001 is an expiry either way: the clock (with a key) or a new sig (without) is still the advice.
        Assert.Equal(ErrorCatalog.AdviceFor(70001, null), ErrorCatalog.AdviceFor(70001, null, acceptedBefore: true));
        Assert.Equal(ErrorCatalog.AdviceFor(70001, 1400000123), ErrorCatalog.AdviceFor(70001, 1400000123, acceptedBefore: true));
    }
}
