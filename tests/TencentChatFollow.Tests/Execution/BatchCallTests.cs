using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TencentChatFollow.Api;
using TencentChatFollow.Auth;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;
using TencentChatFollow.Tests.Session;
using TencentChatFollow.Tests.Support;
using Xunit;
using Reply = TencentChatFollow.Tests.Support.FakeTransport.Reply;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// A batched call (follow_get_info) against canned answers on the fake transport (no socket), its waits on an
/// <see cref="InstantClock"/>: retries, refusals and outages run through at once, and what was waited is on the clock.
/// </summary>
public class BatchCallTests
{
    private const string Key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    private const string From = "boss_account";
    private static int _nextAppId = 1_700_000_000;

    private static uint NextAppId() => (uint)Interlocked.Increment(ref _nextAppId);

    private sealed class Rig
    {
        public required TencentChatSession Session { get; init; }
        public required ISigSource Sig { get; init; }
        public required FakeTransport Server { get; init; }
        public required InstantClock Clock { get; init; }

        public Task<BatchResult<FollowInfo>> Run(params string[] ids) => Run(CancellationToken.None, ids);

        public Task<BatchResult<FollowInfo>> Run(CancellationToken token, params string[] ids)
            => new BatchCall<FollowInfo>(Session, FollowGetInfoProtocol.Instance, collectDebug: true).ExecuteAsync(42, From, ids, token);

        /// <summary>A run whose first call (for "w") the service has answered: its later calls are not a first call.</summary>
        public async Task<BatchCall<FollowInfo>> AnsweredRun()
        {
            var call = new BatchCall<FollowInfo>(Session, FollowGetInfoProtocol.Instance, collectDebug: true);
            var first = await call.ExecuteAsync(1, From, new[] { "w" }, CancellationToken.None);
            Assert.NotNull(Assert.Single(first.Outcomes).Result);
            return call;
        }

        public RecordedRequest[] Requests => Server.Requests.ToArray();
    }

    private static Rig Make(FakeTransport server, int maxRetry = 2, TimeSpan? timeout = null, ISigSource? sig = null, string identifier = "administrator")
    {
        var appId = NextAppId();
        sig ??= new SecretKeySigSource(appId, identifier, Encoding.UTF8.GetBytes(Key));
        var clock = new InstantClock(DateTimeOffset.UtcNow);
        var session = new TencentChatSession(appId, identifier, server.BaseUri, null, sig, 200, maxRetry, timeout ?? TimeSpan.FromSeconds(5), clock: clock, transport: server);
        return new Rig { Session = session, Sig = sig, Server = server, Clock = clock };
    }

    private static string Item(string id, long followers, long following, long mutual)
        => $"{{\"To_Account\":{JsonSerializer.Serialize(id)},\"ResultCode\":0,\"ResultInfo\":\"\",\"FollowerCount\":{followers},\"FollowingCount\":{following},\"MutualFollowingCount\":{mutual}}}";

    private static string FailedItem(string id, int code, string info)
        => $"{{\"To_Account\":{JsonSerializer.Serialize(id)},\"ResultCode\":{code},\"ResultInfo\":{JsonSerializer.Serialize(info)}}}";

    private static Reply Ok(params string[] items)
        => new(200, "{\"FollowInfo\":[" + string.Join(",", items) + "],\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"ErrorDisplay\":\"\"}");

    private static Reply Fail(int code, string info = "")
        => new(200, $"{{\"ActionStatus\":\"FAIL\",\"ErrorCode\":{code},\"ErrorInfo\":{JsonSerializer.Serialize(info)},\"ErrorDisplay\":\"\"}}");

    private static Reply Bent(Reply reply, string what, string with) => reply with { Body = reply.Body.Replace(what, with, StringComparison.Ordinal) };

    private static readonly Reply Html502 = new(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", ContentType: "text/html");
    private static readonly Reply Html408 = new(408, "<html><body><h1>408 Request Time-out</h1></body></html>", ContentType: "text/html");
    private static readonly Reply Html200 = new(200, "<html><body>maintenance</body></html>", ContentType: "text/html");

    private static void AssertCounts(IdOutcome<FollowInfo> outcome, string id, long followers, long following, long mutual)
    {
        Assert.Equal(id, outcome.UserId);
        Assert.Null(outcome.Error);
        Assert.NotNull(outcome.Result);
        Assert.Equal(id, outcome.Result!.UserId);
        Assert.Equal((followers, following, mutual), (outcome.Result.FollowerCount, outcome.Result.FollowingCount, outcome.Result.MutualFollowingCount));
    }

    private static string[] ToAccounts(RecordedRequest request)
    {
        using var doc = JsonDocument.Parse(request.Body);
        return doc.RootElement.GetProperty("To_Account").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    [Fact]
    public async Task Items_are_matched_to_ids_by_To_Account_not_by_position()
    {
        using var server = new FakeTransport(Ok(Item("carol", 3, 30, 300), Item("alice", 1, 10, 100), Item("bob", 2, 20, 200)));
        var rig = Make(server);

        var result = await rig.Run("alice", "bob", "carol");

        Assert.Equal(42, result.Sequence);
        Assert.Null(result.Fatal);
        Assert.Equal(3, result.Outcomes.Count);
        AssertCounts(result.Outcomes[0], "alice", 1, 10, 100);
        AssertCounts(result.Outcomes[1], "bob", 2, 20, 200);
        AssertCounts(result.Outcomes[2], "carol", 3, 30, 300);
        var verbose = Assert.Single(result.Verbose);
        Assert.Contains("HTTP 200", verbose, StringComparison.Ordinal);
        Assert.Contains("0 retries", verbose, StringComparison.Ordinal);

        var request = Assert.Single(rig.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v4/follow/follow_get_info", request.Path);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(request.Body);
        Assert.Equal(From, doc.RootElement.GetProperty("From_Account").GetString());
        Assert.Equal(new[] { "alice", "bob", "carol" }, ToAccounts(request));
    }

    [Fact]
    public async Task The_query_carries_the_documented_parameters()
    {
        var replies = Enumerable.Range(0, 6).Select(_ => Ok(Item("a", 0, 0, 0))).ToArray();
        using var server = new FakeTransport(replies);
        var rig = Make(server, identifier: "ops+admin@x/y");

        for (var i = 0; i < replies.Length; i++) await rig.Run("a");

        var requests = rig.Requests;
        var sig = rig.Sig.Current(DateTimeOffset.UtcNow);
        foreach (var request in requests)
        {
            Assert.Equal(new[] { "sdkappid", "identifier", "usersig", "random", "contenttype" }.OrderBy(n => n), request.RawQuery.Select(p => p.Key).OrderBy(n => n));
            Assert.Equal(rig.Session.SdkAppId.ToString(CultureInfo.InvariantCulture), request.Raw("sdkappid"));
            Assert.Equal("ops+admin@x/y", request.Query("identifier")); // escaped, so '+' is not a space
            Assert.Equal(sig, request.Query("usersig"));
            Assert.Equal("json", request.Raw("contenttype"));
            Assert.True(uint.TryParse(request.Raw("random"), NumberStyles.None, CultureInfo.InvariantCulture, out _),
                $"random '{request.Raw("random")}' is not a 32-bit unsigned integer");
        }
        var sent = SigInspector.Open(requests[0].Query("usersig"));
        Assert.Equal((rig.Session.SdkAppId, "ops+admin@x/y"), (sent.SdkAppId, sent.Identifier));
        Assert.True(SigInspector.MadeWithKey(requests[0].Query("usersig"), Key));
        // random changes from call to call.
        Assert.True(requests.Select(r => r.Raw("random")).Distinct().Count() > 1);
    }

    [Fact]
    public void The_random_parameter_covers_the_whole_unsigned_range()
    {
        // BuildUrl draws from ThreadSafeRandom.Next and casts to uint: both halves of the range must occur.
        var values = Enumerable.Range(0, 2000).Select(_ => unchecked((uint)ThreadSafeRandom.Next())).ToList();
        Assert.Contains(values, v => v > int.MaxValue);
        Assert.Contains(values, v => v < int.MaxValue);
    }

    [Fact]
    public async Task A_per_item_30003_is_a_UserNotFound_error_for_that_id_only()
    {
        using var server = new FakeTransport(Ok(Item("alice", 1, 2, 3), FailedItem("ghost", 30003, "account not exist")));
        var rig = Make(server);

        var result = await rig.Run("ghost", "alice");

        Assert.Null(result.Fatal);
        var ghost = result.Outcomes[0];
        Assert.Equal("ghost", ghost.UserId);
        Assert.Null(ghost.Result);
        Assert.NotNull(ghost.Error);
        Assert.Equal("TencentChat.UserNotFound", ghost.Error!.ErrorId);
        Assert.Equal(ErrorKind.NotFound, ghost.Error.Kind);
        Assert.Equal(30003, ghost.Error.Code);
        Assert.Equal("ghost", ghost.Error.UserId);
        Assert.Contains("'ghost'", ghost.Error.Message, StringComparison.Ordinal);
        Assert.Contains("account not exist", ghost.Error.Message, StringComparison.Ordinal);
        AssertCounts(result.Outcomes[1], "alice", 1, 2, 3);
        Assert.Single(rig.Requests);
    }

    [Fact]
    public async Task A_per_item_ResultInfo_reaches_its_error_with_control_characters_escaped_and_the_UserSig_redacted()
    {
        using var server = new FakeTransport((r, _) => Ok(FailedItem("ghost", 30003, "\u001b[2J\u001b[31mcleared\r\nWARNING: fake\u2028 usersig=" + r.Query("usersig")), Item("alice", 1, 2, 3)));
        var rig = Make(server);

        var result = await rig.Run("ghost", "alice");

        var error = result.Outcomes[0].Error!;
        Assert.Equal("TencentChat.UserNotFound", error.ErrorId);
        Assert.Contains("for 'ghost' (\\u001B[2J\\u001B[31mcleared\\u000D\\u000AWARNING: fake\\u2028 usersig=<redacted>)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Message, c => char.IsControl(c) || c == '\u2028');
        Assert.All(result.Verbose.Concat(result.Debug), line => Assert.DoesNotContain(line, c => char.IsControl(c) || c == '\u2028'));
        AssertCounts(result.Outcomes[1], "alice", 1, 2, 3);
    }

    [Fact]
    public async Task An_id_missing_from_the_answer_is_asked_for_again_alone_and_its_counts_come_back()
    {
        using var server = new FakeTransport(Ok(Item("a", 1, 1, 1)), Ok(Item("b", 2, 3, 4)));
        var rig = Make(server, maxRetry: 2);

        var result = await rig.Run("a", "b");

        AssertCounts(result.Outcomes[0], "a", 1, 1, 1);
        AssertCounts(result.Outcomes[1], "b", 2, 3, 4);
        var requests = rig.Requests;
        Assert.Equal(2, requests.Length);
        Assert.Equal(new[] { "b" }, ToAccounts(requests[1]));
        Assert.Contains(result.Verbose, v => v.Contains("no usable item for 1 id", StringComparison.Ordinal) && v.Contains("'b': missing", StringComparison.Ordinal) && v.Contains("retry 1 of 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_id_still_missing_after_every_retry_gets_MissingFromAnswer()
    {
        using var server = new FakeTransport(Ok(Item("a", 1, 1, 1)), Ok(), Ok());
        var rig = Make(server, maxRetry: 2);

        var result = await rig.Run("a", "b");

        AssertCounts(result.Outcomes[0], "a", 1, 1, 1);
        var b = result.Outcomes[1];
        Assert.Equal("TencentChat.MissingFromAnswer", b.Error!.ErrorId);
        Assert.Equal(ErrorKind.InvalidResponse, b.Error.Kind);
        Assert.Equal("b", b.Error.UserId);
        Assert.Contains("after 3 attempts", b.Error.Message, StringComparison.Ordinal);
        Assert.Null(result.Fatal);
        Assert.Equal(3, rig.Requests.Length);
    }

    [Fact]
    public async Task With_MaxRetry_zero_a_missing_id_gets_MissingFromAnswer_at_once()
    {
        using var server = new FakeTransport(Ok(Item("a", 1, 1, 1)));
        var rig = Make(server, maxRetry: 0);

        var result = await rig.Run("a", "b");

        AssertCounts(result.Outcomes[0], "a", 1, 1, 1);
        Assert.Equal("TencentChat.MissingFromAnswer", result.Outcomes[1].Error!.ErrorId);
        Assert.Single(rig.Requests);
    }

    [Theory]
    [InlineData("doubled")]
    [InlineData("text")]
    [InlineData("negative")]
    [InlineData("negative ResultCode")]
    public async Task A_spoiled_item_is_asked_for_again_and_never_reported_as_a_count(string spoil)
    {
        var bad = spoil switch
        {
            "doubled" => Item("b", 2, 2, 2) + "," + Item("b", 5, 5, 5),
            "text" => "{\"To_Account\":\"b\",\"ResultCode\":0,\"ResultInfo\":\"\",\"FollowerCount\":\"12\",\"FollowingCount\":1,\"MutualFollowingCount\":1}",
            "negative ResultCode" => FailedItem("b", -1, ""), // no Tencent result code is negative: not Tencent's word on b
            _ => Item("b", 2, -1, 2),
        };
        using var server = new FakeTransport(Ok(Item("a", 1, 1, 1), bad, Item("c", 3, 3, 3)), Ok(Item("b", 7, 8, 9)));
        var rig = Make(server, maxRetry: 1);

        var result = await rig.Run("a", "b", "c");

        AssertCounts(result.Outcomes[0], "a", 1, 1, 1);
        AssertCounts(result.Outcomes[1], "b", 7, 8, 9);
        AssertCounts(result.Outcomes[2], "c", 3, 3, 3);
        Assert.Equal(new[] { "b" }, ToAccounts(rig.Requests[1]));
    }

    [Fact]
    public async Task An_answer_over_the_size_cap_is_refused_unread_as_a_passing_fault_and_retried()
    {
        var huge = "{\"FollowInfo\":[],\"ErrorCode\":0,\"Padding\":\"" + new string('x', FollowGetInfoProtocol.MaxAnswerBytes + 10) + "\"}";
        using var server = new FakeTransport(new Reply(200, huge), Ok(Item("a", 1, 2, 3)));
        var rig = Make(server, maxRetry: 1);

        var result = await rig.Run("a");

        AssertCounts(Assert.Single(result.Outcomes), "a", 1, 2, 3);
        Assert.Equal(2, rig.Requests.Length);
        Assert.Contains(result.Verbose, v => v.Contains("larger than 1024 KB", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_item_for_an_id_not_asked_for_is_ignored()
    {
        using var server = new FakeTransport(Ok(Item("intruder", 9, 9, 9), Item("a", 1, 2, 3)));
        var rig = Make(server);

        var result = await rig.Run("a");

        var only = Assert.Single(result.Outcomes);
        AssertCounts(only, "a", 1, 2, 3);
    }

    [Fact]
    public async Task With_MaxRetry_zero_a_mistyped_item_is_an_InvalidResponse_for_that_id_only()
    {
        using var server = new FakeTransport(Ok(
            Item("a", 1, 1, 1),
            "{\"To_Account\":\"b\",\"ResultCode\":0,\"ResultInfo\":\"\",\"FollowerCount\":\"12\",\"FollowingCount\":1,\"MutualFollowingCount\":1}",
            Item("c", 3, 3, 3)));
        var rig = Make(server, maxRetry: 0);

        var result = await rig.Run("a", "b", "c");

        AssertCounts(result.Outcomes[0], "a", 1, 1, 1);
        Assert.Equal("TencentChat.InvalidResponse", result.Outcomes[1].Error!.ErrorId);
        Assert.Equal(ErrorKind.InvalidResponse, result.Outcomes[1].Error!.Kind);
        Assert.Contains("'b'", result.Outcomes[1].Error!.Message, StringComparison.Ordinal);
        AssertCounts(result.Outcomes[2], "c", 3, 3, 3);
        Assert.Null(result.Fatal);
        Assert.Single(rig.Requests);
    }

    [Fact]
    public async Task Duplicate_ids_are_sent_once_and_answered_for_each_occurrence()
    {
        using var server = new FakeTransport(Ok(Item("b", 2, 2, 2), Item("a", 1, 1, 1), Item("c", 3, 3, 3)));
        var rig = Make(server);

        var result = await rig.Run("a", "b", "a", "c", "b");

        Assert.Equal(new[] { "a", "b", "c" }, ToAccounts(Assert.Single(rig.Requests)));
        Assert.Equal(new[] { "a", "b", "a", "c", "b" }, result.Outcomes.Select(o => o.UserId));
        AssertCounts(result.Outcomes[2], "a", 1, 1, 1);
        AssertCounts(result.Outcomes[4], "b", 2, 2, 2);
    }

    public static TheoryData<string, string> TransientFailures() => new()
    {
        { "30006", "TencentChat.ServiceError" },
        { "30007", "TencentChat.ServiceTimeout" },
        { "502", "TencentChat.HttpError" },
        { "408", "TencentChat.HttpError" },
        { "html", "TencentChat.InvalidResponse" },
        { "truncated", "TencentChat.InvalidResponse" },
        { "half a surrogate in ErrorInfo", "TencentChat.InvalidResponse" },
        { "half a surrogate in an item", "TencentChat.InvalidResponse" },
        { "ActionStatus FAIL with ErrorCode 0", "TencentChat.InvalidResponse" },
        { "ErrorCode twice", "TencentChat.InvalidResponse" },
    };

    private static Reply Transient(string kind) => kind switch
    {
        "30006" => Fail(30006, "internal error"),
        "30007" => Fail(30007, "timeout"),
        "502" => Html502,
        "408" => Html408,
        "html" => Html200,
        "truncated" => new Reply(200, "{\"FollowInfo\":[{\"To_Account\":\"a\",\"Resu"),
        // Valid JSON whose string escapes half a surrogate pair: no text, so reading it throws.
        "half a surrogate in ErrorInfo" => new Reply(200, "{\"ActionStatus\":\"FAIL\",\"ErrorCode\":30006,\"ErrorInfo\":\"x\\uD800\"}"),
        "half a surrogate in an item" => Ok(Item("a", 1, 1, 1).Replace("\"ResultInfo\":\"\"", "\"ResultInfo\":\"\\uDC00\"", StringComparison.Ordinal)),
        // Envelopes that contradict themselves around items that would read as results: no answer to trust.
        "ActionStatus FAIL with ErrorCode 0" => Bent(Ok(Item("a", 1, 1, 1), Item("b", 2, 2, 2)), "\"OK\"", "\"FAIL\""),
        "ErrorCode twice" => Bent(Ok(Item("a", 1, 1, 1), Item("b", 2, 2, 2)), "\"ErrorCode\":0", "\"ErrorCode\":70009,\"ErrorCode\":0"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(TransientFailures))]
    public async Task A_transient_failure_is_retried_up_to_MaxRetry_then_every_id_gets_the_error(string kind, string errorId)
    {
        using var server = new FakeTransport(Ok(Item("w", 1, 1, 1)), Transient(kind), Transient(kind), Transient(kind));
        var rig = Make(server, maxRetry: 1);
        var call = await rig.AnsweredRun();

        var result = await call.ExecuteAsync(2, From, new[] { "a", "b" }, CancellationToken.None);

        Assert.Equal(3, rig.Requests.Length);
        Assert.Null(result.Fatal);
        Assert.Equal(new[] { "a", "b" }, result.Outcomes.Select(o => o.UserId));
        Assert.All(result.Outcomes, o =>
        {
            Assert.Null(o.Result);
            Assert.Equal(errorId, o.Error!.ErrorId);
            Assert.Equal(o.UserId, o.Error.UserId);
            Assert.Contains("after 2 attempts", o.Error.Message, StringComparison.Ordinal);
            if (kind.StartsWith("ActionStatus", StringComparison.Ordinal) || kind.EndsWith("twice", StringComparison.Ordinal))
                Assert.Contains("The answer contradicts itself", o.Error.Message, StringComparison.Ordinal);
        });
        Assert.Contains(result.Verbose, v => v.Contains("retry 1 of 1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("502", "TencentChat.HttpError")]
    [InlineData("408", "TencentChat.HttpError")]
    [InlineData("html", "TencentChat.InvalidResponse")]
    public async Task The_first_call_of_a_run_without_a_Tencent_answer_after_its_retries_stops_the_run(string kind, string errorId)
    {
        using var server = new FakeTransport(Transient(kind), Transient(kind), Transient(kind));
        var rig = Make(server, maxRetry: 1);

        var result = await rig.Run("a", "b");

        Assert.Equal(2, rig.Requests.Length);
        Assert.NotNull(result.Fatal);
        Assert.Equal(errorId, result.Fatal!.ErrorId);
        Assert.Contains("No call of this run to http://chat.invalid got a Tencent Cloud Chat answer", result.Fatal.Message, StringComparison.Ordinal);
        Assert.Contains("Check -Endpoint and -Region", result.Fatal.Message, StringComparison.Ordinal);
        Assert.All(result.Outcomes, o => Assert.True(o.CallFailed));
    }

    [Fact]
    public async Task A_first_answer_cut_short_is_not_called_no_answer_it_may_have_been_the_services()
    {
        using var server = new FakeTransport(Transient("truncated"));
        var rig = Make(server, maxRetry: 0);

        var result = await rig.Run("a");

        Assert.Single(rig.Requests);
        Assert.Contains("No call of this run to http://chat.invalid got a Tencent Cloud Chat answer it could read", result.Fatal!.Message, StringComparison.Ordinal);
        Assert.Contains("may still have been the service's, with the call made", result.Fatal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Tencent_error_on_the_first_call_is_an_answer_and_does_not_stop_the_run()
    {
        using var server = new FakeTransport(Fail(30006, "internal error"), Fail(30006, "internal error"));
        var rig = Make(server, maxRetry: 1);

        var result = await rig.Run("a");

        Assert.Null(result.Fatal);
        Assert.Equal(30006, Assert.Single(result.Outcomes).Error!.Code);
    }

    [Fact]
    public async Task Mixed_transient_failures_use_up_MaxRetry_and_the_last_one_is_reported()
    {
        using var server = new FakeTransport(Html502, Html200, Fail(30006, "internal error"), Ok(Item("a", 1, 1, 1)));
        var rig = Make(server, maxRetry: 2);

        var result = await rig.Run("a");

        Assert.Equal(3, rig.Requests.Length);
        var error = Assert.Single(result.Outcomes).Error!;
        Assert.Equal("TencentChat.ServiceError", error.ErrorId);
        Assert.Equal(30006, error.Code);
        Assert.Contains("after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tencent error 30006", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transient_failure_followed_by_success_gives_the_counts()
    {
        using var server = new FakeTransport(Html502, Fail(60008), Ok(Item("a", 5, 6, 7)));
        var rig = Make(server, maxRetry: 2);

        var result = await rig.Run("a");

        Assert.Equal(3, rig.Requests.Length);
        AssertCounts(Assert.Single(result.Outcomes), "a", 5, 6, 7);
        Assert.Null(result.Fatal);
        Assert.Contains(result.Verbose, v => v.Contains("2 retries", StringComparison.Ordinal) && v.Contains("OK", StringComparison.Ordinal));
        // The same body was sent each time.
        Assert.Single(rig.Requests.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task With_MaxRetry_zero_a_transient_failure_is_reported_at_once()
    {
        using var server = new FakeTransport(Fail(30006), Ok(Item("a", 1, 1, 1)));
        var rig = Make(server, maxRetry: 0);

        var result = await rig.Run("a");

        Assert.Single(rig.Requests);
        var error = Assert.Single(result.Outcomes).Error!;
        Assert.Equal(30006, error.Code);
        Assert.DoesNotContain("attempts", error.Message, StringComparison.Ordinal);
        Assert.Null(result.Fatal);
    }

    [Theory]
    [InlineData(70009, "TencentChat.UserSigRejected")]
    [InlineData(30004, "TencentChat.NotAdmin")]
    [InlineData(30005, "TencentChat.FollowNotEnabled")]
    [InlineData(70016, "TencentChat.WrongRegion")]
    public async Task A_non_transient_fatal_code_is_not_retried_and_sets_Fatal(int code, string errorId)
    {
        using var server = new FakeTransport(Fail(code, "refused"), Ok(Item("a", 1, 1, 1)));
        var rig = Make(server, maxRetry: 2);

        var result = await rig.Run("a", "b");

        Assert.Single(rig.Requests);
        Assert.NotNull(result.Fatal);
        Assert.Equal(errorId, result.Fatal!.ErrorId);
        Assert.Equal(code, result.Fatal.Code);
        Assert.Contains($"Tencent error {code}", result.Fatal.Message, StringComparison.Ordinal);
        Assert.All(result.Outcomes, o =>
        {
            Assert.Equal(errorId, o.Error!.ErrorId);
            Assert.Equal(code, o.Error.Code);
            Assert.Equal(o.UserId, o.Error.UserId);
        });
    }

    [Fact]
    public async Task An_unknown_call_level_code_is_neither_retried_nor_fatal()
    {
        using var server = new FakeTransport(Fail(39999, "new error"), Ok(Item("a", 1, 1, 1)));
        var rig = Make(server, maxRetry: 2);

        var result = await rig.Run("a");

        Assert.Single(rig.Requests);
        Assert.Null(result.Fatal);
        Assert.Equal(39999, Assert.Single(result.Outcomes).Error!.Code);
    }

    [Fact]
    public async Task An_HTTP_404_is_not_retried_and_is_fatal()
    {
        using var server = new FakeTransport(new Reply(404, "not found", ContentType: "text/plain"), Ok(Item("a", 1, 1, 1)));
        var rig = Make(server, maxRetry: 2);

        var result = await rig.Run("a");

        Assert.Single(rig.Requests);
        Assert.NotNull(result.Fatal);
        Assert.Equal("TencentChat.HttpError", result.Fatal!.ErrorId);
        Assert.Contains("HTTP 404", result.Fatal.Message, StringComparison.Ordinal);
        Assert.Contains("-Endpoint", result.Fatal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_70001_renews_the_sig_and_retries_once()
    {
        using var server = new FakeTransport(Fail(70001, "usersig expired"), Ok(Item("a", 1, 2, 3)));
        var appId = NextAppId();
        var sig = new SecretKeySigSource(appId, "administrator", Encoding.UTF8.GetBytes(Key));
        var old = sig.Current(DateTimeOffset.UtcNow.AddHours(-10)); // still cached: under three quarters of a day old
        var rig = Make(server, maxRetry: 0, sig: sig);

        var result = await rig.Run("a");

        var requests = rig.Requests;
        Assert.Equal(2, requests.Length);
        Assert.Equal(old, requests[0].Query("usersig"));
        var renewed = requests[1].Query("usersig");
        Assert.NotEqual(old, renewed);
        Assert.InRange(SigInspector.Open(renewed).Time, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(SigInspector.MadeWithKey(renewed, Key));
        AssertCounts(Assert.Single(result.Outcomes), "a", 1, 2, 3);
        Assert.Null(result.Fatal);
        Assert.Contains(result.Verbose, v => v.Contains("70001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_70001_is_not_renewed_again_and_is_fatal()
    {
        using var server = new FakeTransport(Fail(70001), Fail(70001), Ok(Item("a", 1, 1, 1)));
        var rig = Make(server, maxRetry: 2);

        var result = await rig.Run("a");

        Assert.Equal(2, rig.Requests.Length);
        Assert.Equal("TencentChat.UserSigExpired", result.Fatal!.ErrorId);
        Assert.Equal(70001, Assert.Single(result.Outcomes).Error!.Code);
    }

    [Fact]
    public async Task A_70001_with_a_ready_made_UserSig_cannot_be_renewed_and_is_fatal()
    {
        using var server = new FakeTransport(Fail(70001), Ok(Item("a", 1, 1, 1)));
        var appId = NextAppId();
        var ready = UserSigGenerator.Generate(appId, Encoding.UTF8.GetBytes(Key), "administrator", 86400, DateTimeOffset.UtcNow);
        var rig = Make(server, maxRetry: 2, sig: new StaticSigSource(ready));

        var result = await rig.Run("a");

        Assert.Single(rig.Requests);
        Assert.Equal("TencentChat.UserSigExpired", result.Fatal!.ErrorId);
        Assert.Contains("-UserSig", result.Fatal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_level_30003_is_about_From_Account_and_is_fatal()
    {
        using var server = new FakeTransport(Fail(30003, "From_Account not exist"), Ok(Item("a", 1, 1, 1)));
        var rig = Make(server, maxRetry: 2);

        var result = await rig.Run("a", "b");

        Assert.Single(rig.Requests);
        Assert.NotNull(result.Fatal);
        Assert.Equal(30003, result.Fatal!.Code);
        Assert.Contains($"'{From}'", result.Fatal.Message, StringComparison.Ordinal);
        Assert.Contains("-From", result.Fatal.Message, StringComparison.Ordinal);
        Assert.All(result.Outcomes, o => Assert.Contains($"'{From}'", o.Error!.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_a_Timeout_error_worded_the_same_in_every_culture()
    {
        // The send never ends on its own: only the session's timeout ends it.
        using var server = new FakeTransport(Reply.Never);
        var rig = Make(server, maxRetry: 0, timeout: TimeSpan.FromMilliseconds(300));
        var culture = CultureInfo.CurrentCulture;
        BatchResult<FollowInfo> result;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // "0,3" there, were the number formatted in it
            result = await rig.Run("a");
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        var error = Assert.Single(result.Outcomes).Error!;
        Assert.Equal("TencentChat.Timeout", error.ErrorId);
        Assert.Equal(ErrorKind.Timeout, error.Kind);
        Assert.Contains("No answer within 0.3 s", error.Message, StringComparison.Ordinal);
        // The first call of its run, with no answer at all: the run stops rather than trying the next call.
        Assert.Contains("No call of this run", result.Fatal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_is_transient_and_retried()
    {
        using var server = new FakeTransport(Reply.Never, Ok(Item("a", 1, 2, 3)));
        // The retry's answer must be read within the same timeout: 2 s, not 300 ms, which a stall on a busy machine can
        // outlast. Without the retry the call ends in the timeout's error whatever its length.
        var rig = Make(server, maxRetry: 1, timeout: TimeSpan.FromSeconds(2));

        var result = await rig.Run("a");

        Assert.Equal(2, rig.Requests.Length);
        AssertCounts(Assert.Single(result.Outcomes), "a", 1, 2, 3);
        Assert.Contains(result.Verbose, v => v.Contains("No answer within", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_connection_is_a_transient_ConnectionFailed_error()
    {
        // A real socket on purpose: what .NET throws for a port nobody listens on is what the transport must map.
        var appId = NextAppId();
        // Bound for the whole test but never listening: a connection is refused, and no other test can take the port
        // meanwhile (a port found free and let go could be).
        using var bound = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        bound.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)bound.LocalEndPoint!).Port;
        var sig = new SecretKeySigSource(appId, "administrator", Encoding.UTF8.GetBytes(Key));
        var session = new TencentChatSession(appId, "administrator", new Uri($"http://127.0.0.1:{port}/"), null, sig, 200, 1, TimeSpan.FromSeconds(5),
            clock: new InstantClock(DateTimeOffset.UtcNow));

        var result = await new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: true).ExecuteAsync(1, From, new[] { "a" }, CancellationToken.None);

        var error = Assert.Single(result.Outcomes).Error!;
        Assert.Equal("TencentChat.ConnectionFailed", error.ErrorId);
        Assert.Equal(ErrorKind.ConnectionError, error.Kind);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 2 attempts", error.Message, StringComparison.Ordinal);
        Assert.Contains($"No call of this run to http://127.0.0.1:{port} got a Tencent Cloud Chat answer,", result.Fatal!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("cut short", result.Fatal.Message, StringComparison.Ordinal); // no HTTP answer came at all
        var current = sig.Current(DateTimeOffset.UtcNow);
        Assert.DoesNotContain(current, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_the_caller_ends_the_call_with_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        // The caller cancels while the send is out, and the answer never comes: only the cancellation can end the call.
        using var server = new FakeTransport((_, _) =>
        {
            cts.Cancel();
            return Reply.Never;
        });
        var rig = Make(server, maxRetry: 2, timeout: TimeSpan.FromHours(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.Run(cts.Token, "a"));
        Assert.Single(rig.Requests);
    }

    [Fact]
    public async Task A_429_with_Retry_After_waits_that_long_and_slows_the_limiter_down()
    {
        using var server = new FakeTransport(new Reply(429, "slow down", ContentType: "text/plain", RetryAfter: "1"), Ok(Item("a", 1, 1, 1)));
        var rig = Make(server, maxRetry: 0);

        var result = await rig.Run("a");

        var requests = rig.Requests;
        Assert.Equal(2, requests.Length);
        Assert.Contains(TimeSpan.FromSeconds(1), rig.Clock.Waits);
        AssertCounts(Assert.Single(result.Outcomes), "a", 1, 1, 1);
        AssertLimiterSlowed(rig.Session, result, "HTTP 429");
    }

    [Theory]
    [InlineData(60007)]
    [InlineData(60018)]
    public async Task A_throttling_code_slows_the_limiter_down(int code)
    {
        using var server = new FakeTransport(Fail(code, "too many requests"), Ok(Item("a", 1, 1, 1)));
        var rig = Make(server, maxRetry: 1);

        var result = await rig.Run("a");

        Assert.Equal(2, rig.Requests.Length);
        AssertCounts(Assert.Single(result.Outcomes), "a", 1, 1, 1);
        AssertLimiterSlowed(rig.Session, result, code.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Refusals_are_not_failed_attempts_they_go_again_without_a_back_off_until_the_service_takes_the_call()
    {
        // Six refusals in a row with no retries allowed at all: a refusal is not a fault.
        var refusal = Fail(60007, "frequency limit");
        using var server = new FakeTransport(refusal, refusal, refusal, refusal, refusal, refusal, Ok(Item("a", 4, 5, 6)));
        var rig = Make(server, maxRetry: 0);

        var result = await rig.Run("a");

        Assert.Equal(7, rig.Requests.Length);
        AssertCounts(Assert.Single(result.Outcomes), "a", 4, 5, 6);
        Assert.Contains(result.Verbose, v => v.Contains("0 retries", StringComparison.Ordinal) && v.Contains("OK", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Verbose, v => v.Contains("retry 1 of", StringComparison.Ordinal));
        // One probe each 50 ms or so while the service refuses, not the exponential back-off meant for faults (which
        // would have waited 0.1 + 0.2 + 0.5 + 1 + 2 + 4 s at least), on the session's clock.
        Assert.True(rig.Clock.Elapsed < TimeSpan.FromSeconds(2), $"waited {rig.Clock.Elapsed.TotalMilliseconds} ms: {string.Join(", ", rig.Clock.Waits)}");
        // One verbose line for the one cut: the refusals after it belong to the same episode.
        Assert.Single(result.Verbose, v => v.Contains("slowing from", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2")]        // longer than the limiter's one probe a second: the refused call came back as the next probe, for ever
    [InlineData("99999999")] // capped at a minute, and then at what is left of the retry timeout
    public async Task A_429_whose_Retry_After_outlasts_the_retry_timeout_still_ends_the_call_with_the_quota_used_up(string retryAfter)
    {
        using var cts = new CancellationTokenSource();
        var sent = 0;
        using var server = new FakeTransport((_, _) =>
        {
            if (++sent == 200) cts.Cancel(); // a call that never ends fails the test instead of hanging it
            return new Reply(429, "slow down", ContentType: "text/plain", RetryAfter: retryAfter);
        });
        var rig = Make(server, maxRetry: 2);
        rig.Session.RetryTimeout = TimeSpan.FromSeconds(5);

        var result = await rig.Run(cts.Token, "a", "b");

        Assert.All(result.Outcomes, o => Assert.Equal("TencentChat.QuotaExhausted", o.Error!.ErrorId));
        Assert.InRange(rig.Clock.Elapsed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6));
        Assert.InRange(rig.Requests.Length, 2, 5);
    }

    [Fact]
    public async Task A_call_started_after_its_run_sends_nothing_more_is_not_sent()
    {
        using var server = new FakeTransport(Ok(Item("a", 1, 1, 1)));
        var rig = Make(server);
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false);

        var result = await call.ExecuteAsync(1, From, new[] { "a", "b" }, stop.Token, CancellationToken.None);

        Assert.Empty(rig.Requests);
        Assert.Null(result.Fatal);
        Assert.All(result.Outcomes, o => Assert.True(o.NotSent && o.CallFailed && o.Result is null));
        Assert.Equal(new[] { "a", "b" }, result.Outcomes.Select(o => o.UserId));
    }

    [Theory]
    [InlineData("60007")] // refused for frequency: the service did nothing, so the call is not sent again
    [InlineData("429")]
    public async Task A_call_the_service_only_refused_is_not_sent_again_once_its_run_stops(string refusal)
    {
        using var stop = new CancellationTokenSource();
        using var server = new FakeTransport((_, i) =>
        {
            stop.Cancel(); // the run stops while this attempt is on the wire
            return i == 0 ? refusal == "429" ? new Reply(429, "slow down", ContentType: "text/plain", RetryAfter: "1") : Fail(60007, "frequency") : Ok(Item("a", 1, 1, 1));
        });
        var rig = Make(server);
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false);

        var result = await call.ExecuteAsync(1, From, new[] { "a" }, stop.Token, CancellationToken.None);

        Assert.Single(rig.Requests);
        Assert.True(Assert.Single(result.Outcomes).NotSent);
    }

    [Fact]
    public async Task A_call_that_may_have_done_its_work_goes_on_with_its_retries_when_its_run_stops()
    {
        using var stop = new CancellationTokenSource();
        using var server = new FakeTransport((_, i) =>
        {
            stop.Cancel();
            return i == 0 ? Html502 : Ok(Item("a", 1, 1, 1)); // a 502: the write may have been done, only its answer lost
        });
        var rig = Make(server, maxRetry: 2);
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false);

        var result = await call.ExecuteAsync(1, From, new[] { "a" }, stop.Token, CancellationToken.None);

        Assert.Equal(2, rig.Requests.Length);
        AssertCounts(Assert.Single(result.Outcomes), "a", 1, 1, 1);
    }

    [Fact]
    public async Task When_the_service_refuses_everything_for_the_retry_timeout_the_ids_fail_with_the_quota_used_up_elsewhere()
    {
        using var server = new FakeTransport((_, _) => Fail(60007, "frequency limit"));
        var rig = Make(server, maxRetry: 5);
        rig.Session.RetryTimeout = TimeSpan.FromMilliseconds(400);

        var result = await rig.Run("a", "b");

        Assert.Null(result.Fatal);
        Assert.Equal(new[] { "a", "b" }, result.Outcomes.Select(o => o.UserId));
        Assert.All(result.Outcomes, o =>
        {
            Assert.Null(o.Result);
            Assert.Equal("TencentChat.QuotaExhausted", o.Error!.ErrorId);
            Assert.Equal(ErrorKind.LimitsExceeded, o.Error.Kind);
            Assert.Equal(o.UserId, o.Error.UserId);
            Assert.Contains("used up elsewhere", o.Error.Message, StringComparison.Ordinal);
        });
        // Probes only while refused (about one each 50 ms), not 64 calls hammering a full window.
        Assert.InRange(rig.Requests.Length, 2, 15);
    }

    /// <summary>A call of id "a" that <paramref name="server"/> (refusing every call) refuses for <paramref name="retryTimeout"/>, the session's -RetryTimeoutSec.</summary>
    private static async Task<(Rig Rig, BatchCall<FollowInfo> Call, BatchResult<FollowInfo> First)> RefusedForTheRetryTimeout(FakeTransport server, TimeSpan retryTimeout)
    {
        var rig = Make(server, maxRetry: 5);
        rig.Session.RetryTimeout = retryTimeout;
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false);
        return (rig, call, await call.ExecuteAsync(1, From, new[] { "a" }, CancellationToken.None));
    }

    [Fact]
    public async Task Once_every_call_was_refused_for_the_retry_timeout_the_next_call_fails_at_once_without_a_send()
    {
        // The quota is used up elsewhere: the limiter keeps one probe a second going, and the calls between probes fail
        // with the quota used up instead of each adding a refused request.
        using var server = new FakeTransport((_, _) => Fail(60007, "frequency limit"));
        var (rig, call, first) = await RefusedForTheRetryTimeout(server, TimeSpan.FromMilliseconds(400));
        Assert.Equal("TencentChat.QuotaExhausted", Assert.Single(first.Outcomes).Error!.ErrorId);
        var sent = rig.Requests.Length;

        var next = await call.ExecuteAsync(2, From, new[] { "b" }, CancellationToken.None);

        Assert.Equal("TencentChat.QuotaExhausted", Assert.Single(next.Outcomes).Error!.ErrorId);
        Assert.Equal(sent, rig.Requests.Length);
    }

    [Fact]
    public async Task The_used_up_quota_error_names_the_wait_to_raise_and_does_not_call_the_sessions_ceiling_the_apps_quota()
    {
        // Connect-TencentChat -MaxRequestsPerSecond 50 -RetryTimeoutSec 2: 50 is this process's ceiling, not the app's
        // quota (Tencent's 200 for follow_get_info), and the way to wait longer is the session's -RetryTimeoutSec,
        // which about_TencentChatFollow gives as what to do for TencentChat.QuotaExhausted.
        using var server = new FakeTransport((_, _) => Fail(60007, "frequency limit"));
        var appId = NextAppId();
        var clock = new InstantClock(DateTimeOffset.UtcNow);
        var sig = new SecretKeySigSource(appId, "administrator", Encoding.UTF8.GetBytes(Key));
        var session = new TencentChatSession(appId, "administrator", server.BaseUri, null, sig, maxRequestsPerSecond: 50, maxRetry: 5,
            timeout: TimeSpan.FromSeconds(5), retryTimeout: TimeSpan.FromSeconds(2), clock: clock, transport: server);

        var result = await new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false).ExecuteAsync(1, From, new[] { "a" }, CancellationToken.None);

        var error = Assert.Single(result.Outcomes).Error!;
        Assert.Equal("TencentChat.QuotaExhausted", error.ErrorId);
        Assert.DoesNotContain("50 calls/s", error.Message, StringComparison.Ordinal);
        Assert.Contains("200 calls/s", error.Message, StringComparison.Ordinal);
        Assert.Contains("-RetryTimeoutSec (now 2 s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_that_fails_at_once_for_the_used_up_quota_says_how_long_the_service_has_refused_not_the_retry_timeout()
    {
        // The first call spends -RetryTimeoutSec (2 s) being refused; a call 3.5 s later, between two probes, fails at
        // once: the service has refused every call for about 5 s by then, and the message says so.
        using var server = new FakeTransport((_, _) => Fail(60007, "frequency limit"));
        var (rig, call, first) = await RefusedForTheRetryTimeout(server, TimeSpan.FromSeconds(2));
        Assert.Contains("refused every call for 2 s", Assert.Single(first.Outcomes).Error!.Message, StringComparison.Ordinal);
        var sent = rig.Requests.Length;
        rig.Clock.Advance(TimeSpan.FromSeconds(3.5));
        var probe = await call.ExecuteAsync(2, From, new[] { "b" }, CancellationToken.None); // a second on: the limiter's probe goes
        Assert.Equal(sent + 1, rig.Requests.Length);
        sent = rig.Requests.Length;

        var next = await call.ExecuteAsync(3, From, new[] { "c" }, CancellationToken.None);

        Assert.Equal(sent, rig.Requests.Length);
        var error = Assert.Single(next.Outcomes).Error!;
        Assert.Equal("TencentChat.QuotaExhausted", error.ErrorId);
        var seconds = int.Parse(Regex.Match(error.Message, @"refused every call for (\d+) s").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 5, 6);
        Assert.Equal("TencentChat.QuotaExhausted", Assert.Single(probe.Outcomes).Error!.ErrorId);
    }

    [Fact]
    public async Task While_the_service_is_down_the_waiting_call_probes_it_at_the_outage_pace_not_the_calls_rate()
    {
        // After three failures in a row the service is down for every call: one probe about each 250 ms at first (more
        // rarely as it lasts), on the session's clock, instead of the 200 calls a second (5 ms apart) the limiter allows.
        var sentAt = new List<TimeSpan>();
        var rig = default(Rig);
        using var server = new FakeTransport((_, i) =>
        {
            sentAt.Add(rig!.Clock.Elapsed);
            return i == 0 ? Ok(Item("a", 1, 1, 1)) : i <= 5 ? Html502 : Ok(Item("b", 2, 2, 2));
        });
        rig = Make(server, maxRetry: 2);
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false);
        await call.ExecuteAsync(1, From, new[] { "a" }, CancellationToken.None);

        var result = await call.ExecuteAsync(2, From, new[] { "b" }, CancellationToken.None);

        AssertCounts(Assert.Single(result.Outcomes), "b", 2, 2, 2);
        Assert.Equal(7, sentAt.Count); // "a", "b" three times (the third failure begins the outage), then three probes
        for (var i = 4; i < sentAt.Count; i++)
            Assert.True(sentAt[i] - sentAt[i - 1] >= OutageWatch.FirstProbe / 2, $"probe {i - 3} went {(sentAt[i] - sentAt[i - 1]).TotalMilliseconds} ms after the attempt before it");
    }

    [Fact]
    public async Task When_the_service_goes_down_for_every_call_the_call_waits_for_it_without_spending_retries()
    {
        var replies = new List<Reply> { Ok(Item("a", 1, 1, 1)) };
        for (var i = 0; i < 6; i++) replies.Add(i % 2 == 0 ? Html502 : Fail(30007, "timeout"));
        replies.Add(Ok(Item("b", 2, 2, 2)));
        using var server = new FakeTransport(replies.ToArray());
        var rig = Make(server, maxRetry: 2);
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false);
        await call.ExecuteAsync(1, From, new[] { "a" }, CancellationToken.None); // the service has answered this run

        var result = await call.ExecuteAsync(2, From, new[] { "b" }, CancellationToken.None);

        AssertCounts(Assert.Single(result.Outcomes), "b", 2, 2, 2);
        Assert.Null(result.Fatal);
        Assert.Equal(8, rig.Requests.Length);
        Assert.Single(result.Verbose, v => v.Contains("down for every call", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_outage_that_begins_late_in_a_long_run_is_waited_out_its_length_counts_from_its_start_not_the_runs()
    {
        // The run has gone on longer than -RetryTimeoutSec before the service went down: the outage is young, so the
        // call waits for the service instead of giving up at once as if it had been down since the run began.
        var replies = new List<Reply> { Ok(Item("a", 1, 1, 1)) };
        for (var i = 0; i < 4; i++) replies.Add(Html502);
        replies.Add(Ok(Item("b", 2, 2, 2)));
        using var server = new FakeTransport(replies.ToArray());
        var rig = Make(server, maxRetry: 2);
        rig.Session.RetryTimeout = TimeSpan.FromSeconds(5);
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false);
        await call.ExecuteAsync(1, From, new[] { "a" }, CancellationToken.None);
        rig.Clock.Advance(TimeSpan.FromSeconds(30));

        var result = await call.ExecuteAsync(2, From, new[] { "b" }, CancellationToken.None);

        Assert.Null(result.Fatal);
        AssertCounts(Assert.Single(result.Outcomes), "b", 2, 2, 2);
        Assert.Equal(6, rig.Requests.Length);
    }

    [Fact]
    public async Task A_call_waiting_out_an_outage_ends_at_once_when_its_run_stops_and_says_the_service_was_down()
    {
        // The service answered the run, then failed this call three times in a row: an outage, waited out one probe at a
        // time. The run stops meanwhile (an error elsewhere under -ErrorAction Stop): the call ends at once with what
        // happened to it, not after probes of its own, and it may have been done.
        using var stop = new CancellationTokenSource();
        using var server = new FakeTransport((_, i) =>
        {
            if (i == 3) stop.Cancel(); // the run stops while the call's third attempt is on the wire
            return i == 0 ? Ok(Item("w", 1, 1, 1)) : Html502;
        });
        var rig = Make(server, maxRetry: 2);
        var call = await rig.AnsweredRun();

        var result = await call.ExecuteAsync(2, From, new[] { "b" }, stop.Token, CancellationToken.None);

        Assert.Equal(4, rig.Requests.Length); // "w", then "b" three times: no probe after the stop
        Assert.Null(result.Fatal);
        var error = Assert.Single(result.Outcomes).Error!;
        Assert.Equal("TencentChat.HttpError", error.ErrorId);
        Assert.EndsWith("; the service was down for every call, and the run stopped before this call went again.", error.Message, StringComparison.Ordinal);
        Assert.True(error.OutcomeUnknown, "three 502s: the service may have done the call");
    }

    [Fact]
    public async Task With_MaxRetry_0_a_call_that_fails_in_an_outage_is_not_sent_again()
    {
        // -MaxRetry 0 is one attempt: for a write that must not be done twice, waiting out an outage must not send it
        // again either (before: it waited, as a probe, and went again, and again).
        using var server = new FakeTransport(Ok(Item("a", 1, 1, 1)), Html502, Html502, Html502, Html502, Ok(Item("b", 2, 2, 2)));
        var rig = Make(server, maxRetry: 0);
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false);
        await call.ExecuteAsync(1, From, new[] { "a" }, CancellationToken.None);
        for (var i = 0; i < 3; i++) await call.ExecuteAsync(2 + i, From, new[] { "x" + i }, CancellationToken.None); // now down for every call

        var result = await call.ExecuteAsync(5, From, new[] { "b" }, CancellationToken.None);

        Assert.Equal("TencentChat.HttpError", Assert.Single(result.Outcomes).Error!.ErrorId);
        Assert.Null(result.Fatal);
        Assert.Equal(5, rig.Requests.Length);
        Assert.DoesNotContain(result.Verbose, v => v.Contains("down for every call", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_service_stays_down_for_the_retry_timeout_the_run_stops_with_how_long_it_was_down()
    {
        using var server = new FakeTransport((_, i) => i == 0 ? Ok(Item("a", 1, 1, 1)) : Html502);
        var rig = Make(server, maxRetry: 2);
        rig.Session.RetryTimeout = TimeSpan.FromMilliseconds(800);
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false);
        await call.ExecuteAsync(1, From, new[] { "a" }, CancellationToken.None);

        var result = await call.ExecuteAsync(2, From, new[] { "b", "c" }, CancellationToken.None);

        Assert.NotNull(result.Fatal);
        Assert.Equal("TencentChat.ServiceUnavailable", result.Fatal!.ErrorId);
        Assert.Matches(@"answered nothing usable for \d+ s \(last: HTTP 502", result.Fatal.Message);
        Assert.All(result.Outcomes, o => Assert.Equal("TencentChat.ServiceUnavailable", o.Error!.ErrorId));
    }

    [Fact]
    public async Task A_Retry_After_on_a_5xx_keeps_a_call_failing_no_longer_than_the_retry_timeout()
    {
        // A 503 asking for a day (capped at a minute a wait) once kept a run with -RetryTimeoutSec 5 for two minutes,
        // and Connect-TencentChat's check for five. As with a refusal, the call waits what is left, then gives up.
        using var server = new FakeTransport((_, i) => i == 0 ? Ok(Item("w", 1, 1, 1)) : new Reply(503, "busy", ContentType: "text/plain", RetryAfter: "86400"));
        var rig = Make(server, maxRetry: 5);
        rig.Session.RetryTimeout = TimeSpan.FromSeconds(5);
        var call = await rig.AnsweredRun();
        while (rig.Clock.Waits.TryDequeue(out _)) { }

        var result = await call.ExecuteAsync(2, From, new[] { "b" }, CancellationToken.None);

        Assert.Equal("TencentChat.HttpError", Assert.Single(result.Outcomes).Error!.ErrorId);
        var waited = TimeSpan.FromTicks(rig.Clock.Waits.Sum(w => w.Ticks));
        Assert.InRange(waited, TimeSpan.FromSeconds(4.9), TimeSpan.FromSeconds(5.1));
        Assert.Equal(3, rig.Requests.Length); // "w", then "b" and its one retry 5 s later
    }

    [Fact]
    public async Task Calls_that_time_out_while_the_service_answers_another_call_do_not_stop_the_run_as_out_of_reach()
    {
        // Three slow calls that time out together, beside a call answered meanwhile, are bad luck: not "3 calls in a row
        // could not reach the service", which stopped a run whose other calls the service answered.
        // The slow calls end as their timeout ends them (cancelled while the caller is not), once "v" was answered: on a
        // real 2 s timeout a busy machine could answer "v" after they timed out, and then they are rightly out of reach.
        var vAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new FakeTransport(async (_, _, i, token) =>
        {
            if (i == 0 || i == 4) return await FakeTransport.Respond(Ok(Item(i == 0 ? "w" : "v", 1, 1, 1)), token);
            await vAnswered.Task.WaitAsync(token);
            throw new OperationCanceledException("The call's timeout came first.");
        });
        var rig = Make(server, maxRetry: 0, timeout: TimeSpan.FromMinutes(1));
        var call = await rig.AnsweredRun();
        var slow = new[] { "x", "y", "z" }.Select((id, n) => call.ExecuteAsync(2 + n, From, new[] { id }, CancellationToken.None)).ToArray();
        while (server.Requests.Count < 4) await Task.Delay(5);

        var answered = await call.ExecuteAsync(5, From, new[] { "v" }, CancellationToken.None);
        vAnswered.SetResult();
        var results = await Task.WhenAll(slow).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(Assert.Single(answered.Outcomes).Error);
        Assert.All(results, r =>
        {
            Assert.Equal("TencentChat.Timeout", Assert.Single(r.Outcomes).Error!.ErrorId);
            Assert.Null(r.Fatal);
        });
    }

    [Fact]
    public async Task The_run_says_once_when_an_outage_begins_and_once_when_the_service_answers_again()
    {
        // performance.md: -Verbose says when the outage begins and when the service answers again, as it happens.
        // Two retries, then the third failure in a row is an outage: one wait, and the probe is answered.
        var replies = new List<Reply> { Ok(Item("a", 1, 1, 1)), Html502, Html502, Html502, Ok(Item("b", 2, 2, 2)), Ok(Item("c", 3, 3, 3)) };
        using var server = new FakeTransport(replies.ToArray());
        var rig = Make(server, maxRetry: 2);
        var notices = new List<string>();
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false) { RunNotice = notices.Add };
        await call.ExecuteAsync(1, From, new[] { "a" }, CancellationToken.None);
        Assert.Empty(notices); // answers alone tell of nothing

        AssertCounts(Assert.Single((await call.ExecuteAsync(2, From, new[] { "b" }, CancellationToken.None)).Outcomes), "b", 2, 2, 2);
        AssertCounts(Assert.Single((await call.ExecuteAsync(3, From, new[] { "c" }, CancellationToken.None)).Outcomes), "c", 3, 3, 3);

        Assert.Equal(2, notices.Count);
        Assert.Contains("is down for every call", notices[0], StringComparison.Ordinal);
        Assert.Contains("answers again", notices[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_run_says_the_service_answers_again_as_soon_as_it_refuses_a_probe_for_frequency()
    {
        // A refusal is the service's answer: the outage is over when it comes, not only when a call is taken.
        var notices = new List<string>();
        string[]? toldBeforeTheCallWasTaken = null;
        using var server = new FakeTransport((_, i) =>
        {
            if (i == 5) toldBeforeTheCallWasTaken = notices.ToArray();
            return i == 0 ? Ok(Item("a", 1, 1, 1)) : i <= 3 ? Html502 : i == 4 ? Fail(60007, "frequency limit") : Ok(Item("b", 2, 2, 2));
        });
        var rig = Make(server, maxRetry: 2);
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false) { RunNotice = notices.Add };
        await call.ExecuteAsync(1, From, new[] { "a" }, CancellationToken.None);

        var result = await call.ExecuteAsync(2, From, new[] { "b" }, CancellationToken.None);

        AssertCounts(Assert.Single(result.Outcomes), "b", 2, 2, 2);
        Assert.NotNull(toldBeforeTheCallWasTaken);
        Assert.Equal(2, toldBeforeTheCallWasTaken!.Length);
        Assert.Contains("is down for every call", toldBeforeTheCallWasTaken[0], StringComparison.Ordinal);
        Assert.Contains("answers again", toldBeforeTheCallWasTaken[1], StringComparison.Ordinal);
        Assert.Equal(toldBeforeTheCallWasTaken, notices); // and once only
    }

    [Fact]
    public async Task Three_later_calls_in_a_row_that_cannot_reach_the_service_stop_the_run_and_an_answer_between_starts_the_count_again()
    {
        // Get-TencentChatFollowInfo: three later calls in a row that run out of retries without reaching the service
        // (connection refused, timeouts) mean the endpoint is wrong or down, and the run stops.
        var refused = Refused(SocketError.ConnectionRefused);
        using var server = new FakeTransport(Ok(Item("w", 1, 1, 1)), refused, refused, Ok(Item("v", 1, 1, 1)), refused, refused, refused);
        var rig = Make(server, maxRetry: 0);
        var call = await rig.AnsweredRun();

        async Task<BatchResult<FollowInfo>> Later(string id)
        {
            rig.Clock.Advance(TimeSpan.FromSeconds(1)); // each call starts after the service's last answer
            return await call.ExecuteAsync(2, From, new[] { id }, CancellationToken.None);
        }

        Assert.Null((await Later("x1")).Fatal);
        Assert.Null((await Later("x2")).Fatal);
        Assert.Null(Assert.Single((await Later("v")).Outcomes).Error);
        Assert.Null((await Later("x3")).Fatal);
        Assert.Null((await Later("x4")).Fatal);
        var third = await Later("x5");

        Assert.NotNull(third.Fatal);
        Assert.Equal("TencentChat.ConnectionFailed", third.Fatal!.ErrorId);
        Assert.Contains("3 calls in a row could not reach the service", third.Fatal.Message, StringComparison.Ordinal);
        Assert.Equal("TencentChat.ConnectionFailed", Assert.Single(third.Outcomes).Error!.ErrorId);
    }

    [Fact]
    public async Task An_answer_whose_body_breaks_off_reached_the_service_so_calls_in_a_row_of_it_do_not_stop_the_run_as_unreachable()
    {
        // The status line and headers came, then the connection broke mid-body: the service (or something in front of
        // it) was reached. Such calls are not among the three in a row that could not reach it, and their status is
        // the HTTP one, not "no HTTP answer". The call may have been made: it is retried, and a write's outcome is unknown.
        var (results, write) = await CallsInARowOf(Ok(Item("x", 1, 1, 1)) with { BreaksOff = true });

        Assert.All(results, result => Assert.Null(result.Fatal?.Message));
        Assert.All(results, result =>
        {
            var error = Assert.Single(result.Outcomes).Error!;
            Assert.Equal("TencentChat.ConnectionFailed", error.ErrorId);
            Assert.Contains("(HTTP 200)", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(result.Verbose, v => v.Contains("no HTTP answer", StringComparison.Ordinal));
        });

        Assert.True(Assert.Single(write.Outcomes).Error!.OutcomeUnknown, "the first attempt's answer broke off: the follow may have been made");
    }

    /// <summary>
    /// Four later calls in a row of a run (its first call answered), -MaxRetry 0, each answered with <paramref name="reply"/>;
    /// and a write (-MaxRetry 1) whose first attempt got it and whose retry found no connection.
    /// </summary>
    private static async Task<(List<BatchResult<FollowInfo>> InARow, BatchResult<FollowChange> Write)> CallsInARowOf(Reply reply, TimeSpan? timeout = null)
    {
        using var server = new FakeTransport(Ok(Item("w", 1, 1, 1)), reply, reply, reply, reply);
        var rig = Make(server, maxRetry: 0, timeout: timeout);
        var call = await rig.AnsweredRun();
        var results = new List<BatchResult<FollowInfo>>();
        foreach (var id in new[] { "x1", "x2", "x3", "x4" })
        {
            rig.Clock.Advance(TimeSpan.FromSeconds(1)); // each call starts after the service's last answer
            results.Add(await call.ExecuteAsync(2, From, new[] { id }, CancellationToken.None));
        }
        using var write = new FakeTransport(reply, Refused(SocketError.ConnectionRefused));
        return (results, await Write(Make(write, maxRetry: 1, timeout: timeout), FollowChangeProtocol.Add, "alice"));
    }

    [Fact]
    public async Task An_answer_whose_body_stalls_past_the_timeout_reached_the_service_so_calls_in_a_row_of_it_do_not_stop_the_run_as_unreachable()
    {
        // The status line and headers came, then the body stopped until the call's timeout: the service (or something in
        // front of it) was reached, as with a body that breaks off. Such calls are not among the three in a row that could
        // not reach it, and their error says the HTTP status came and the body did not finish, not "No answer". The call
        // may have been made: it is retried, and a write's outcome is unknown.
        var (results, write) = await CallsInARowOf(Ok(Item("x", 1, 1, 1)) with { StallsBody = true }, timeout: TimeSpan.FromSeconds(7));

        Assert.All(results, result => Assert.Null(result.Fatal?.Message));
        Assert.All(results, result =>
        {
            var error = Assert.Single(result.Outcomes).Error!;
            Assert.Equal("TencentChat.Timeout", error.ErrorId);
            Assert.Equal(ErrorKind.Timeout, error.Kind);
            Assert.Contains("(HTTP 200)", error.Message, StringComparison.Ordinal);
            Assert.Contains("did not finish within 7 s", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("No answer", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(result.Verbose, v => v.Contains("no HTTP answer", StringComparison.Ordinal));
        });

        Assert.True(Assert.Single(write.Outcomes).Error!.OutcomeUnknown, "the first attempt's answer stalled: the follow may have been made");
    }

    [Fact]
    public async Task A_run_whose_answers_only_ever_stall_still_ends_at_its_first_call_or_after_the_retry_timeout()
    {
        // Not counted as unreachable, a stalled body must not keep a run going for ever. The first call of a session
        // never answered stops the run (no answer it could read); after an answer, the outage rule ends it.
        var stalled = Ok(Item("x", 1, 1, 1)) with { StallsBody = true };
        using var never = new FakeTransport((_, _) => stalled);
        var first = await Make(never, maxRetry: 2).Run("a", "b");
        Assert.Equal("TencentChat.Timeout", first.Fatal!.ErrorId);
        Assert.Contains("No call of this run", first.Fatal.Message, StringComparison.Ordinal);
        Assert.Equal(3, never.Count);

        using var server = new FakeTransport((_, i) => i == 0 ? Ok(Item("a", 1, 1, 1)) : stalled);
        var rig = Make(server, maxRetry: 2);
        rig.Session.RetryTimeout = TimeSpan.FromSeconds(3);
        var call = new BatchCall<FollowInfo>(rig.Session, FollowGetInfoProtocol.Instance, collectDebug: false);
        await call.ExecuteAsync(1, From, new[] { "a" }, CancellationToken.None);

        var result = await call.ExecuteAsync(2, From, new[] { "b", "c" }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("TencentChat.ServiceUnavailable", result.Fatal!.ErrorId);
        Assert.Matches(@"answered nothing usable for \d+ s \(last: The answer from .* \(HTTP 200\)", result.Fatal.Message);
    }

    [Fact]
    public async Task A_refusal_for_frequency_is_an_answer_so_the_first_calls_502s_after_it_do_not_stop_the_run()
    {
        // 60007 is Tencent's own answer: the endpoint is right. The first call's 502s after it are the service's bad
        // luck, so its ids get the error and the run goes on, instead of stopping with "check -Endpoint".
        using var server = new FakeTransport(Fail(60007, "frequency limit"), Html502, Html502);
        var rig = Make(server, maxRetry: 1);

        var result = await rig.Run("a", "b");

        Assert.Equal(3, rig.Requests.Length);
        Assert.Null(result.Fatal);
        Assert.All(result.Outcomes, o =>
        {
            Assert.Equal("TencentChat.HttpError", o.Error!.ErrorId);
            Assert.DoesNotContain("No call of this run", o.Error.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_session_the_service_never_answered_is_not_in_an_outage_its_calls_use_their_retries()
    {
        // The app's limiter has seen answers (another session of the app, at the same endpoint), but this session has
        // not (Connect -SkipCheck): failures use retries as usual, and the first call's failure says check -Endpoint.
        using var server = new FakeTransport((_, i) => i == 0 ? Ok(Item("a", 1, 1, 1)) : Html502);
        var rig = Make(server, maxRetry: 1);
        await rig.Run("a");
        for (var i = 0; i < 3; i++) await rig.Run("x" + i);
        var sig = new SecretKeySigSource(rig.Session.SdkAppId, "administrator", Encoding.UTF8.GetBytes(Key));
        var fresh = new TencentChatSession(rig.Session.SdkAppId, "administrator", server.BaseUri, null, sig, 200, 1, TimeSpan.FromSeconds(5), clock: rig.Clock, transport: server, limiters: rig.Session.Limiters);
        Assert.Same(rig.Session.LimiterFor("v4/follow/follow_get_info"), fresh.LimiterFor("v4/follow/follow_get_info"));

        var result = await new BatchCall<FollowInfo>(fresh, FollowGetInfoProtocol.Instance, collectDebug: true).ExecuteAsync(1, From, new[] { "b" }, CancellationToken.None);

        Assert.Contains("No call of this run", result.Fatal!.Message, StringComparison.Ordinal);
        Assert.Contains("after 2 attempts", Assert.Single(result.Outcomes).Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Verbose, v => v.Contains("down for every call", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(502)]
    [InlineData(30007)]
    public async Task A_run_that_starts_while_the_service_is_down_waits_it_out_when_the_session_was_answered_before(int code)
    {
        // Connect's check (here: an earlier run of the session) was answered; the service went down before this run's
        // first call. It is an outage, not a wrong endpoint: the run waits for the service, it neither stops with
        // "check -Endpoint" (a 502) nor spends each call's retries and fails its ids (a 30007).
        var down = code == 502 ? Html502 : Fail(30007, "timeout");
        using var server = new FakeTransport((_, i) => i == 0 ? Ok(Item("a", 1, 1, 1)) : i <= 6 ? down : Ok(Item("b", 2, 2, 2)));
        var rig = Make(server, maxRetry: 2);
        await rig.Run("a");

        var result = await rig.Run("b");

        AssertCounts(Assert.Single(result.Outcomes), "b", 2, 2, 2);
        Assert.Null(result.Fatal);
        Assert.Equal(8, rig.Requests.Length);
        Assert.Single(result.Verbose, v => v.Contains("down for every call", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Answers_it_cannot_read_from_a_runs_first_call_stop_the_run_even_when_the_session_was_answered_before()
    {
        // The session was answered (here by an earlier run), but every answer to this run is one the module cannot read
        // (a sign-in page of something in the way): not an outage to wait -RetryTimeoutSec for. The call spends its
        // retries and the run stops, as for a wrong endpoint.
        using var server = new FakeTransport((_, i) => i == 0 ? Ok(Item("a", 1, 1, 1)) : Reply.Ok("<html>Sign in to continue</html>"));
        var rig = Make(server, maxRetry: 2);
        await rig.Run("a");

        var result = await rig.Run("b");

        Assert.Contains("No call of this run", result.Fatal!.Message, StringComparison.Ordinal);
        Assert.Equal("TencentChat.InvalidResponse", Assert.Single(result.Outcomes).Error!.ErrorId);
        Assert.Equal(4, rig.Requests.Length);
        Assert.DoesNotContain(result.Verbose, v => v.Contains("down for every call", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_non_throttling_transient_code_does_not_slow_the_limiter_down()
    {
        using var server = new FakeTransport(Fail(30006), Ok(Item("a", 1, 1, 1)));
        var rig = Make(server, maxRetry: 1);

        var result = await rig.Run("a");

        Assert.Equal(2, rig.Requests.Length);
        Assert.Equal(200, rig.Session.LimiterFor("v4/follow/follow_get_info").CurrentRate(200));
        Assert.DoesNotContain(result.Verbose, v => v.Contains("slowing", StringComparison.Ordinal));
    }

    /// <summary>
    /// After a refusal the session's limiter (the real, shared one of its app) was cut below the ceiling of 200 and
    /// is pacing again (the call after the cut went through), and the call said so once in its verbose lines.
    /// </summary>
    private static void AssertLimiterSlowed(TencentChatSession session, BatchResult<FollowInfo> result, string reason)
    {
        var rate = session.LimiterFor("v4/follow/follow_get_info").CurrentRate(200);
        Assert.InRange(rate, 1, 199);
        var line = Assert.Single(result.Verbose, v => v.Contains("slowing from", StringComparison.Ordinal));
        Assert.Contains(reason, line, StringComparison.Ordinal);
    }

    private static IEnumerable<string> AllText(BatchResult<FollowInfo> result)
        => result.Verbose
            .Concat(result.Debug)
            .Concat(result.Outcomes.Where(o => o.Error is not null).Select(o => o.Error!.Message))
            .Concat(result.Fatal is null ? Array.Empty<string>() : new[] { result.Fatal.Message });

    private static void AssertNoSig(BatchResult<FollowInfo> result, IEnumerable<string> sigs)
    {
        foreach (var text in AllText(result))
        {
            foreach (var sig in sigs)
            {
                Assert.DoesNotContain(sig, text, StringComparison.Ordinal);
                Assert.DoesNotContain(Uri.EscapeDataString(sig), text, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>A server that repeats the usersig it was sent, raw and inside the URL, in everything it says.</summary>
    private static Reply Echo(RecordedRequest request, int index)
    {
        var sig = request.Query("usersig");
        var url = $"/v4/follow/follow_get_info?sdkappid=1&usersig={request.Raw("usersig")}&random=1";
        var info = $"bad request {url} with sig {sig}";
        return index switch
        {
            0 => new Reply(500, $"<html>error for {url} sig={sig} {sig}</html>", ContentType: "text/html"),
            1 => new Reply(200, $"<html>not json {sig}</html>", ContentType: "text/html"),
            2 => Fail(30006, info),
            3 => Fail(70001, info),
            _ => Ok(Item("a", 1, 1, 1), FailedItem("b", 30001, $"invalid id, see {url}")),
        };
    }

    [Fact]
    public async Task No_message_of_a_successful_run_contains_the_usersig()
    {
        using var server = new FakeTransport(Echo);
        var rig = Make(server, maxRetry: 3);

        var result = await rig.Run("a", "b");

        var requests = rig.Requests;
        Assert.Equal(5, requests.Length); // 500, HTML, 30006, 70001 (renewal), OK
        AssertCounts(result.Outcomes[0], "a", 1, 1, 1);
        Assert.Equal(30001, result.Outcomes[1].Error!.Code);
        // The answers did reach the debug messages, scrubbed.
        Assert.True(result.Debug.Count >= 5);
        Assert.Contains(result.Debug, d => d.Contains("<redacted>", StringComparison.Ordinal));
        AssertNoSig(result, requests.Select(r => r.Query("usersig")).Distinct());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task No_message_of_a_failed_run_contains_the_usersig(int firstReply)
    {
        using var server = new FakeTransport((r, i) => Echo(r, firstReply));
        var rig = Make(server, maxRetry: 1);

        var result = await rig.Run("a", "b");

        Assert.Equal(2, rig.Requests.Length);
        Assert.All(result.Outcomes, o => Assert.NotNull(o.Error));
        Assert.NotEmpty(result.Debug);
        AssertNoSig(result, rig.Requests.Select(r => r.Query("usersig")).Distinct());
    }

    [Theory]
    [InlineData(0)]    // an answer that starts with the sig: its first characters are shown in the error
    [InlineData(4000)] // the sig runs across the 4,096 characters -Debug shows of an answer
    public async Task No_part_of_a_usersig_echoed_where_an_answer_is_cut_reaches_a_message(int offset)
    {
        using var server = new FakeTransport((r, _) => new Reply(200, new string(' ', offset) + r.Query("usersig") + " is not JSON", ContentType: "text/plain"));
        var rig = Make(server, maxRetry: 1);

        var result = await rig.Run("a");

        Assert.Equal("TencentChat.InvalidResponse", Assert.Single(result.Outcomes).Error!.ErrorId);
        Assert.NotEmpty(result.Debug);
        foreach (var sig in rig.Requests.Select(r => r.Query("usersig")).Distinct())
        {
            // No 12 characters in a row of it, anywhere: cutting first and scrubbing then left all but its tail.
            for (var i = 0; i + 12 <= sig.Length; i += 6)
                Assert.All(AllText(result), text => Assert.DoesNotContain(sig.Substring(i, 12), text, StringComparison.Ordinal));
        }
        if (offset == 0) Assert.Contains("starting '<redacted> is not JSON'", result.Outcomes[0].Error!.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A page in the way (a proxy's block page, a captive portal's login) that links back to the request's URL, put whole
    /// into a query parameter of its own and so percent-encoded once more: "usersig%3D" and the sig with %252A for '*'.
    /// </summary>
    [Fact]
    public async Task A_usersig_in_a_request_url_that_a_page_repeats_percent_encoded_is_scrubbed()
    {
        using var server = new FakeTransport((r, _) => new Reply(200,
            "<html><body>Blocked. <a href=\"https://gateway.example/login?next=" + Uri.EscapeDataString($"https://chat.invalid/v4/follow/follow_get_info?sdkappid=1&identifier=administrator&usersig={r.Raw("usersig")}&random=1&contenttype=json") + "\">sign in</a></body></html>",
            ContentType: "text/html"));
        var rig = Make(server, maxRetry: 0);

        var result = await rig.Run("a");

        Assert.Equal("TencentChat.InvalidResponse", Assert.Single(result.Outcomes).Error!.ErrorId);
        Assert.Contains(result.Debug, d => d.Contains("gateway.example", StringComparison.Ordinal));
        var sig = Assert.Single(rig.Requests).Query("usersig");
        for (var i = 0; i + 12 <= sig.Length; i += 6)
            Assert.All(AllText(result), text => Assert.DoesNotContain(sig.Substring(i, 12), text, StringComparison.Ordinal));
    }

    /// <summary>
    /// An envelope that gives a name twice is refused with the name in the message; a name that repeats the usersig must
    /// not leave the sig's first part there (cut to the characters shown, then scrubbed: the scrub no longer knows it).
    /// </summary>
    [Fact]
    public async Task No_part_of_a_usersig_an_envelope_gives_as_a_name_twice_reaches_a_message()
    {
        using var server = new FakeTransport((r, _) => Ok(Item("a", 1, 1, 1)) with { Body = "{\"" + r.Query("usersig") + "\":1,\"" + r.Query("usersig") + "\":2," + Ok(Item("a", 1, 1, 1)).Body[1..] });
        var rig = Make(server, maxRetry: 0);

        var result = await rig.Run("a");

        Assert.Contains("twice", Assert.Single(result.Outcomes).Error!.Message, StringComparison.Ordinal);
        var sig = Assert.Single(rig.Requests).Query("usersig");
        for (var i = 0; i + 12 <= sig.Length; i += 6)
            Assert.All(AllText(result), text => Assert.DoesNotContain(sig.Substring(i, 12), text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_item_ResultInfo_that_repeats_the_raw_usersig_is_scrubbed()
    {
        using var server = new FakeTransport((r, _) => Ok(FailedItem("a", 30001, "bad sig " + r.Query("usersig"))));
        var rig = Make(server);

        var result = await rig.Run("a");

        Assert.Equal(30001, Assert.Single(result.Outcomes).Error!.Code);
        AssertNoSig(result, rig.Requests.Select(r => r.Query("usersig")));
    }

    /// <summary>
    /// The usersig as the request carried it in its URL (percent-encoded: each '*' of Tencent's Base64 is %2A), repeated
    /// on its own by an item's ResultInfo or a call's ErrorInfo, without the "usersig=" before it.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_usersig_echoed_as_the_url_carried_it_is_scrubbed(bool inItem)
    {
        const string sig = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwjDB4pTsxIKCzBQlK0MTAyiAyKRWFGQWpQLFTU1NjeCiJZm5YDEzS0tDAyOYaHFmOtBM54KsUqeUwGLLqPK8UndHryCL-Lx8-1RPy7Ty1AijMk9f30hLk0x-r3CvSFulWgAPYy*9";
        using var server = new FakeTransport((r, _) => inItem ? Ok(FailedItem("a", 30001, "bad sig " + r.Raw("usersig"))) : Fail(30001, "bad sig " + r.Raw("usersig")));
        var rig = Make(server, maxRetry: 0, sig: new StaticSigSource(sig));

        var result = await rig.Run("a");

        Assert.Contains("%2A9", Assert.Single(rig.Requests).Raw("usersig"), StringComparison.Ordinal);
        Assert.Equal(30001, Assert.Single(result.Outcomes).Error!.Code);
        AssertNoSig(result, new[] { sig });
    }

    [Theory]
    [InlineData(70003)]
    [InlineData(70009)]
    public async Task A_key_session_refused_with_70003_or_70009_is_told_the_key_is_not_this_apps(int code)
    {
        using var server = new FakeTransport(Fail(code, "usersig check failed"));
        var rig = Make(server);

        var result = await rig.Run("a");

        Assert.NotNull(result.Fatal);
        Assert.Contains($"Tencent error {code}", result.Fatal!.Message, StringComparison.Ordinal);
        Assert.Contains($"secret key does not belong to SDKAppID {rig.Session.SdkAppId}", result.Fatal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("truncated", result.Fatal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ready_made_UserSig_refused_with_70003_keeps_the_truncated_copy_advice()
    {
        using var server = new FakeTransport(Fail(70003, "usersig check failed"));
        var rig = Make(server, sig: new StaticSigSource("eJyrVkrOz01Kzc"));

        var result = await rig.Run("a");

        Assert.NotNull(result.Fatal);
        Assert.Contains("truncated copy", result.Fatal!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("does not belong", result.Fatal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_verbose_line_of_a_one_id_call_says_1_id_and_1_retry()
    {
        using var server = new FakeTransport(Fail(30006), Ok(Item("a", 1, 1, 1)));
        var rig = Make(server);

        var result = await rig.Run("a");

        var line = Assert.Single(result.Verbose, v => v.StartsWith("POST ", StringComparison.Ordinal));
        Assert.Contains(": 1 id,", line, StringComparison.Ordinal);
        Assert.Contains(" 1 retry,", line, StringComparison.Ordinal);
        Assert.DoesNotContain("1 ids", line, StringComparison.Ordinal);
        Assert.DoesNotContain("1 retries", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_per_id_30003_does_not_bring_up_From()
    {
        using var server = new FakeTransport(Ok(Item("alice", 1, 2, 3), FailedItem("ghost", 30003, "account not exist")));
        var rig = Make(server);

        var result = await rig.Run("ghost", "alice");

        Assert.DoesNotContain("-From", result.Outcomes[0].Error!.Message, StringComparison.Ordinal);
        Assert.Contains("check the id", result.Outcomes[0].Error!.Message, StringComparison.Ordinal);
    }

    // "A write run's record is complete": a pair sent without a usable answer is unknown (the service may have made
    // it), not failed. The flag is the call's (an attempt that may have reached the service), carried to each id.

    private static Task<BatchResult<FollowChange>> Write(Rig rig, FollowChangeProtocol protocol, params string[] ids)
        => new BatchCall<FollowChange>(rig.Session, protocol, collectDebug: false, fromPerCall: true).ExecuteAsync(7, From, ids, CancellationToken.None);

    private static string ChangeItem(string id, int code = 0)
        => $"{{\"To_Account\":{JsonSerializer.Serialize(id)},\"ResultCode\":{code},\"ResultInfo\":\"\"}}";

    private static Reply Changed(params string[] items)
        => new(200, "{\"ResultItem\":[" + string.Join(",", items) + "],\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}");

    private static Reply Refused(SocketError error)
        => Reply.Fails(new HttpRequestException("the connection failed", new SocketException((int)error)));

    [Fact]
    public async Task A_write_whose_retries_all_got_30006_is_unknown_with_its_error_id_kept_and_says_how_to_check()
    {
        using var server = new FakeTransport(Fail(30006, "internal"), Fail(30006, "internal"), Fail(30006, "internal"));
        var rig = Make(server, maxRetry: 2);

        var result = await Write(rig, FollowChangeProtocol.Add, "alice", "bob");

        Assert.Equal(3, server.Count);
        Assert.Null(result.Fatal);
        Assert.All(result.Outcomes, o =>
        {
            Assert.True(o.Error!.OutcomeUnknown, "sent, answered 30006 each time: the service may have made it");
            Assert.Equal("TencentChat.ServiceError", o.Error.ErrorId);
            Assert.Equal(ErrorKind.ServiceError, o.Error.Kind);
            Assert.Equal(30006, o.Error.Code);
            Assert.Equal(o.UserId, o.Error.UserId);
        });
        Assert.Contains($"so '{From}' may follow 'alice' now: Test-TencentChatFollow -From '{From}' -UserId 'alice' shows whether it does.", result.Outcomes[0].Error!.Message, StringComparison.Ordinal);
        Assert.Contains("-UserId 'bob'", result.Outcomes[1].Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "o'brien", "so '{0}' may no longer follow 'o'brien': Test-TencentChatFollow -From '{0}' -UserId 'o''brien' shows whether it still does.")]
    // An id with a zero-width space: shown escaped, and the command builds it exactly.
    [InlineData(true, "bob\u200b", "so '{0}' may follow 'bob\\u200B' now: Test-TencentChatFollow -From '{0}' -UserId \"bob$([char]0x200B)\" shows whether it does.")]
    public async Task A_write_that_timed_out_is_unknown_and_its_message_says_the_follow_may_have_changed(bool add, string id, string says)
    {
        using var server = new FakeTransport(Reply.Never, Reply.Never);
        var rig = Make(server, maxRetry: 1, timeout: TimeSpan.FromMilliseconds(100));

        var result = await Write(rig, add ? FollowChangeProtocol.Add : FollowChangeProtocol.Delete, id);

        var error = Assert.Single(result.Outcomes).Error!;
        Assert.Equal("TencentChat.Timeout", error.ErrorId);
        Assert.True(error.OutcomeUnknown);
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, says, From), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_id_still_missing_from_a_write_answer_after_every_retry_is_unknown_and_the_others_are_done()
    {
        using var server = new FakeTransport(Changed(ChangeItem("bob")), Changed(), Changed());
        var rig = Make(server, maxRetry: 2);

        var result = await Write(rig, FollowChangeProtocol.Add, "alice", "bob");

        Assert.Equal("TencentChat.MissingFromAnswer", result.Outcomes[0].Error!.ErrorId);
        Assert.True(result.Outcomes[0].Error!.OutcomeUnknown);
        Assert.False(result.Outcomes[0].CallFailed);
        Assert.Contains("Test-TencentChatFollow", result.Outcomes[0].Error!.Message, StringComparison.Ordinal);
        Assert.Equal("Added", result.Outcomes[1].Result!.Action);
    }

    [Fact]
    public async Task A_pair_Tencent_refused_in_its_item_is_a_known_failure_not_unknown()
    {
        using var server = new FakeTransport(Changed(ChangeItem("alice", 30003), ChangeItem("bob")));
        var rig = Make(server);

        var result = await Write(rig, FollowChangeProtocol.Add, "alice", "bob");

        Assert.Equal("TencentChat.UserNotFound", result.Outcomes[0].Error!.ErrorId);
        Assert.False(result.Outcomes[0].Error!.OutcomeUnknown);
        Assert.DoesNotContain("Test-TencentChatFollow", result.Outcomes[0].Error!.Message, StringComparison.Ordinal);
        Assert.Null(result.Outcomes[1].Error);
    }

    [Fact]
    public async Task A_connection_never_made_did_nothing_but_one_that_broke_after_connecting_or_after_a_502_may_have()
    {
        using var refused = new FakeTransport(Refused(SocketError.ConnectionRefused), Refused(SocketError.HostNotFound), Refused(SocketError.ConnectionRefused));
        var never = Assert.Single((await Write(Make(refused, maxRetry: 2), FollowChangeProtocol.Add, "alice")).Outcomes).Error!;
        Assert.Equal("TencentChat.ConnectionFailed", never.ErrorId);
        Assert.False(never.OutcomeUnknown, "no attempt reached the service");
        Assert.DoesNotContain("Test-TencentChatFollow", never.Message, StringComparison.Ordinal);

        using var reset = new FakeTransport(Refused(SocketError.ConnectionReset));
        Assert.True(Assert.Single((await Write(Make(reset, maxRetry: 0), FollowChangeProtocol.Add, "alice")).Outcomes).Error!.OutcomeUnknown, "reset after connecting: the request may have been read");

        using var after502 = new FakeTransport(Html502, Refused(SocketError.ConnectionRefused));
        var late = Assert.Single((await Write(Make(after502, maxRetry: 1), FollowChangeProtocol.Add, "alice")).Outcomes).Error!;
        Assert.Equal("TencentChat.ConnectionFailed", late.ErrorId);
        Assert.True(late.OutcomeUnknown, "the first attempt got a 502: it may have been made");

        using var after408 = new FakeTransport(Html408, Refused(SocketError.ConnectionRefused));
        var timedOut = Assert.Single((await Write(Make(after408, maxRetry: 1), FollowChangeProtocol.Add, "alice")).Outcomes).Error!;
        Assert.Equal("TencentChat.ConnectionFailed", timedOut.ErrorId);
        Assert.True(timedOut.OutcomeUnknown, "the first attempt got a 408 from whatever answered: treated as a 5xx, it may have been made");
    }

    [Fact]
    public async Task A_pair_left_out_of_an_answer_whose_retry_never_connected_is_still_unknown()
    {
        // The first answer said nothing of alice: Tencent may have made her follow. Asked again, the connection is
        // refused; that attempt did nothing, but the earlier one may have, so the outcome stays unknown (the docs:
        // a connection never made is a known failure "unless an earlier attempt of the same call may have gone through").
        using var server = new FakeTransport(Changed(ChangeItem("bob")), Refused(SocketError.ConnectionRefused));
        var rig = Make(server, maxRetry: 1);

        var result = await Write(rig, FollowChangeProtocol.Add, "alice", "bob");

        Assert.Equal(2, server.Count);
        Assert.Equal("TencentChat.ConnectionFailed", result.Outcomes[0].Error!.ErrorId);
        Assert.True(result.Outcomes[0].Error!.OutcomeUnknown, "the first answer left alice out: it may have been made");
        Assert.Contains("Test-TencentChatFollow", result.Outcomes[0].Error!.Message, StringComparison.Ordinal);
        Assert.Equal("Added", result.Outcomes[1].Result!.Action);
    }

    [Fact]
    public async Task A_read_that_ran_out_of_retries_carries_the_flag_and_its_message_is_unchanged()
    {
        using var server = new FakeTransport(Fail(30006), Fail(30006), Fail(30006));
        var rig = Make(server, maxRetry: 2);

        var error = Assert.Single((await rig.Run("alice")).Outcomes).Error!;

        Assert.True(error.OutcomeUnknown);
        Assert.EndsWith("(after 3 attempts).", error.Message, StringComparison.Ordinal);
    }
}
