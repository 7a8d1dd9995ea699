using System.Text;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using TencentChatFollow.Tests.Execution;
using TencentChatFollow.Tests.Support;
using Xunit;

namespace TencentChatFollow.Tests.Api;

/// <summary>
/// What a follow_get page must hold to be used (issue 16, fuzz findings F1 and F4): a FollowTime in whole seconds or
/// milliseconds since 1970 before 2100, and a NextCursor string. Anything else is the user's spoiled item: asked again, then the user's error.
/// </summary>
public class FollowGetAnswerTests
{
    private static string Page(string followTime, string nextCursor = "\"\"")
        => "{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"FollowItem\":[{\"To_Account\":\"fan\",\"FollowTime\":" + followTime
            + ",\"ProfileItem\":[]}]" + (nextCursor.Length == 0 ? "" : ",\"NextCursor\":" + nextCursor) + "}";

    private static FollowPage Read(string answer)
    {
        var read = new FollowGetProtocol(FollowRelation.Follower, 100).ParseAnswer(Encoding.UTF8.GetBytes(answer), "alice").Body!;
        Assert.Null(read.Problem);
        Assert.All(read.Page!.Entries, e => Assert.Equal("alice", e.OfUserId));
        return read.Page;
    }

    [Theory]
    [InlineData("1700000000", 1_700_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("-0", 0L)]
    [InlineData("4102444800", 4_102_444_800L)] // 2100-01-01, the last second read as seconds
    public void A_FollowTime_in_seconds_is_read_as_such(string followTime, long seconds)
        => Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(seconds), Read(Page(followTime)).Entries[0].FollowTime);

    [Theory]
    [InlineData("1700000000123", 1_700_000_000_123L)] // the common mistake: milliseconds
    [InlineData("1000000000000", 1_000_000_000_000L)] // 2001-09-09, the first value read as milliseconds
    [InlineData("4102444800000", 4_102_444_800_000L)] // 2100-01-01 in milliseconds
    public void A_FollowTime_in_milliseconds_is_read_as_such(string followTime, long milliseconds)
        => Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), Read(Page(followTime)).Entries[0].FollowTime);

    [Theory]
    [InlineData("null")]
    [InlineData("")]
    public void A_FollowTime_the_answer_does_not_give_is_null(string followTime)
        => Assert.Null(Read(followTime.Length == 0 ? Page("0").Replace(",\"FollowTime\":0", "", StringComparison.Ordinal) : Page(followTime)).Entries[0].FollowTime);

    [Theory]
    [InlineData("4102444801")] // after 2100 in seconds, before 2001 in milliseconds: neither
    [InlineData("999999999999")]
    [InlineData("4102444800001")] // after 2100 in milliseconds
    [InlineData("9223372036854775807")]
    [InlineData("-1")]
    [InlineData("-1700000000000")]
    [InlineData("1700000000.5")]
    [InlineData("1e3")]
    [InlineData("\"1700000000\"")]
    [InlineData("{}")]
    [InlineData("true")]
    public void A_FollowTime_neither_seconds_nor_milliseconds_before_2100_makes_the_page_unusable(string followTime)
    {
        var read = new FollowGetProtocol(FollowRelation.Follower, 100).ParseAnswer(Encoding.UTF8.GetBytes(Page(followTime)), "alice").Body!;
        Assert.Null(read.Page);
        Assert.Contains("FollowTime", read.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_FollowTime_shown_in_the_problem_has_its_control_characters_escaped_and_is_cut()
    {
        // JSON escapes C0 controls, but C1 ones (CSI) and the line separator may stand in a string as they are.
        var read = new FollowGetProtocol(FollowRelation.Follower, 100).ParseAnswer(Encoding.UTF8.GetBytes(Page("\"\u009b2J\u2028" + new string('x', 100) + "\"")), "alice").Body!;
        Assert.Contains("(\"\\u009B2J\\u2028" + new string('x', 25) + "...)", read.Describe(), StringComparison.Ordinal);
        Assert.DoesNotContain(read.Describe()!, c => char.IsControl(c) || c == '\u2028');
    }

    [Theory]
    [InlineData("5")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("")] // missing
    public void A_NextCursor_that_is_not_a_string_makes_the_page_unusable_not_the_end_of_the_list(string nextCursor)
    {
        var read = new FollowGetProtocol(FollowRelation.Follower, 100).ParseAnswer(Encoding.UTF8.GetBytes(Page("1700000000", nextCursor)), "alice").Body!;
        Assert.Null(read.Page);
        Assert.Contains("NextCursor", read.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]                                  // the bare OK envelope: a list with no entries and no cursor left out
    [InlineData(",\"NextCursor\":\"\"")]               // no entries, and the end
    [InlineData(",\"FollowItem\":null,\"NextCursor\":\"\"")]
    [InlineData(",\"FollowItem\":[]")]                   // an empty list with the empty cursor left out
    public void An_OK_answer_that_leaves_out_an_empty_FollowItem_is_an_empty_last_page_not_an_unusable_one(string fields)
    {
        // Services that write JSON from protobuf leave out empty repeated and string fields, and Tencent's own web SDK
        // reads follow_get's answer with FollowItem defaulting to empty: a user with no fans must not fail the run.
        var page = Read("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"" + fields + "}");
        Assert.Empty(page.Entries);
        Assert.Equal("", page.NextCursor);
    }

    [Fact]
    public void An_answer_without_FollowItem_that_says_the_list_goes_on_is_an_empty_page_with_its_cursor()
    {
        var page = Read("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"NextCursor\":\"c2\"}");
        Assert.Empty(page.Entries);
        Assert.Equal("c2", page.NextCursor);
    }

    [Theory]
    [InlineData("\"x\"")]
    [InlineData("{}")]
    [InlineData("5")]
    public void A_FollowItem_that_is_there_but_not_a_list_is_an_unusable_answer(string followItem)
    {
        var answer = "{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"FollowItem\":" + followItem + ",\"NextCursor\":\"\"}";
        var ex = Assert.Throws<FormatException>(() => new FollowGetProtocol(FollowRelation.Follower, 100).ParseAnswer(Encoding.UTF8.GetBytes(answer), "alice"));
        Assert.Contains("FollowItem", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")] // blank: the module's own commands refuse it as an id, so it is no entry either
    [InlineData("\\t\\u3000")]
    public void An_entry_with_an_empty_or_blank_To_Account_makes_the_page_unusable_not_a_row_without_a_user(string account)
    {
        var answer = Page("1700000000").Replace("\"To_Account\":\"fan\"", "\"To_Account\":\"" + account + "\"", StringComparison.Ordinal);
        var read = new FollowGetProtocol(FollowRelation.Follower, 100).ParseAnswer(Encoding.UTF8.GetBytes(answer), "alice").Body!;
        Assert.Null(read.Page);
        Assert.Contains("To_Account is empty or blank", read.Problem, StringComparison.Ordinal);
    }

    /// <summary>An entry that gives a field twice (two accounts, two times) says two things at once: the page is not used, as a batched API's item that does so is not.</summary>
    [Theory]
    [InlineData("\"To_Account\":\"fan\"", "\"To_Account\":\"fan\",\"To_Account\":\"other\"")]
    [InlineData("\"FollowTime\":1700000000", "\"FollowTime\":1700000000,\"FollowTime\":1600000000")]
    public void An_entry_that_gives_a_field_twice_makes_the_page_unusable(string field, string twice)
    {
        var answer = Page("1700000000").Replace(field, twice, StringComparison.Ordinal);
        var read = new FollowGetProtocol(FollowRelation.Follower, 100).ParseAnswer(Encoding.UTF8.GetBytes(answer), "alice").Body!;
        Assert.Null(read.Page);
        Assert.Contains("twice", read.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_after_a_UTF8_byte_order_mark_is_read_as_without_it()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(Page("1700000000"))).ToArray();
        var read = new FollowGetProtocol(FollowRelation.Follower, 100).ParseAnswer(bytes, "alice").Body!;
        Assert.Null(read.Problem);
        Assert.Equal("fan", Assert.Single(read.Page!.Entries).UserId);
    }

    /// <summary>
    /// A profile value that is a whole number past Int64 (a uint64 custom field) is kept exactly, as
    /// Invoke-TencentChatRestMethod keeps it (Decimal), not rounded to a Double; one past Double's range does not spoil
    /// the page (and the user's list with it), it is kept as its text.
    /// </summary>
    [Theory]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("-9223372036854775809", "-9223372036854775809")]
    [InlineData("1e400", "1e400")]
    public void A_profile_number_past_Int64_is_kept_exactly_and_does_not_spoil_the_page(string value, string kept)
    {
        var answer = Page("1700000000").Replace("\"ProfileItem\":[]", "\"ProfileItem\":[{\"Tag\":\"Tag_Profile_Custom_Id\",\"Value\":" + value + "}]", StringComparison.Ordinal);
        var entry = Assert.Single(Read(answer).Entries);
        Assert.Equal(kept, Convert.ToString(entry.Profile["Tag_Profile_Custom_Id"], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Runs the pipeline side of a run; a run that waits for ever fails the test instead of hanging the suite.</summary>
    private static async Task Ended(Action pipeline)
    {
        var work = Task.Run(pipeline);
        Assert.True(await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(30))) == work, "the run did not end");
        await work;
    }

    [Fact]
    public async Task A_page_that_stays_unusable_ends_its_list_with_the_users_error_and_the_next_list_is_read()
    {
        // bob's second page carries a negative FollowTime every time it is asked for; carol's list is fine. The run must end,
        // bob's first page written, then his error; carol's list read.
        using var fake = new FakeTransport(request => !request.Body.Contains("\"bob\"", StringComparison.Ordinal) ? Page("1700000000")
            : request.Body.Contains("\"StartCursor\":\"\"", StringComparison.Ordinal) ? Page("1700000000", "\"c1\"")
            : Page("-1"));
        var session = fake.Session(maxRetry: 2, clock: new InstantClock(DateTimeOffset.UnixEpoch));
        var outcomes = new List<IdOutcome<FollowPage>>();
        using var run = new ListLoop(new ListRun(session, FollowRelation.Follower, 100, 2, CancellationToken.None), page => outcomes.Add(page.Outcomes[0]));

        await Ended(() =>
        {
            run.Add("bob");
            run.Add("carol");
            run.Complete();
        });

        Assert.Null(run.Stopped);
        Assert.Equal(new[] { "bob", "bob", "carol" }, outcomes.Select(o => o.UserId));
        Assert.Equal("c1", Assert.IsType<FollowPage>(outcomes[0].Result).NextCursor);
        Assert.Equal("TencentChat.InvalidResponse", outcomes[1].Error!.ErrorId);
        Assert.Contains("FollowTime", outcomes[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(3, fake.Requests.Count(r => r.Body.Contains("\"c1\"", StringComparison.Ordinal))); // asked again twice
        Assert.Equal("fan", Assert.IsType<FollowPage>(outcomes[2].Result).Entries[0].UserId);
    }

    /// <summary>
    /// A server that echoes the request (its URL carries the UserSig) into FollowTime: the value the problem shows is
    /// scrubbed before it is cut, so neither the user's error nor the -Verbose lines hold any of the sig.
    /// </summary>
    [Theory]
    [InlineData("usersig=")]
    [InlineData("")] // the sig alone, which only the sig itself finds
    public async Task A_FollowTime_that_echoes_the_UserSig_shows_none_of_it(string before)
    {
        using var fake = new FakeTransport(request => Page("\"" + before + request.Query("usersig") + "\""));
        var session = fake.Session(maxRetry: 1, clock: new InstantClock(DateTimeOffset.UnixEpoch));
        var pages = new List<BatchResult<FollowPage>>();
        using var run = new ListLoop(new ListRun(session, FollowRelation.Follower, 100, 1, CancellationToken.None), pages.Add);

        await Ended(() =>
        {
            run.Add("bob");
            run.Complete();
        });

        var error = Assert.Single(pages.SelectMany(p => p.Outcomes)).Error!;
        Assert.Contains("FollowTime", error.Message, StringComparison.Ordinal);
        var sig = fake.Requests.First().Query("usersig");
        var texts = pages.SelectMany(p => p.Verbose.Concat(p.Debug)).Append(error.Message).ToList();
        for (var i = 0; i + 8 <= sig.Length; i++)
            Assert.All(texts, text => Assert.DoesNotContain(sig.Substring(i, 8), text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_list_without_a_Tencent_answer_after_another_was_read_fails_alone_and_does_not_stop_the_run()
    {
        // carol's list is read first; bob's first page is a proxy's HTML page every time (no Tencent answer). The run
        // has had Tencent answers, so the endpoint is right: bob gets his error, the run is not stopped (fuzz finding F5).
        var carolAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TencentChatFollow.Session.TencentChatSession? session = null;
        using var fake = new FakeTransport(async (_, request, _, token) =>
        {
            if (request.Body.Contains("\"carol\"", StringComparison.Ordinal))
            {
                carolAnswered.TrySetResult();
                return Ok(Page("1700000000"));
            }
            // bob's call may start first: it gets its page only once carol's answer was taken as the run's answer (on
            // the instant clock its retry would otherwise come back before that, as a first call with no answer).
            await carolAnswered.Task.WaitAsync(token);
            while (!session!.HasAnswered) await Task.Delay(5, token);
            return Ok("<html>proxy error</html>");
        });
        session = fake.Session(maxRetry: 1, clock: new InstantClock(DateTimeOffset.UnixEpoch));
        var outcomes = new List<IdOutcome<FollowPage>>();
        using var run = new ListLoop(new ListRun(session, FollowRelation.Follower, 100, 2,
            CancellationToken.None), page => outcomes.Add(page.Outcomes[0]));

        await Ended(() =>
        {
            run.Add("carol");
            run.Add("bob");
            run.Complete();
        });

        Assert.Null(run.Stopped);
        Assert.Equal(new[] { "carol", "bob" }, outcomes.Select(o => o.UserId));
        Assert.IsType<FollowPage>(outcomes[0].Result);
        Assert.Equal("TencentChat.InvalidResponse", outcomes[1].Error!.ErrorId);
    }

    private static HttpResponseMessage Ok(string body) => new(System.Net.HttpStatusCode.OK) { Content = new StringContent(body) };

    [Fact]
    public async Task An_exception_inside_a_list_fetch_ends_that_list_with_a_module_error_instead_of_a_wait()
    {
        // A handler throwing what no network does (the engine's own surprise): the list ends with TencentChat.*, the run goes on.
        using var fake = new FakeTransport((_, _, _, _) => throw new InvalidCastException("surprise"));
        var outcomes = new List<IdOutcome<FollowPage>>();
        using var run = new ListLoop(new ListRun(fake.Session(), FollowRelation.Follower, 100, 1, CancellationToken.None), page => outcomes.Add(page.Outcomes[0]));

        await Ended(() =>
        {
            run.Add("bob");
            run.Complete();
        });

        var error = Assert.IsAssignableFrom<TencentChatException>(run.Stopped?.Cause ?? outcomes.Single().Error);
        Assert.StartsWith("TencentChat.", error.ErrorId, StringComparison.Ordinal);
    }
}
