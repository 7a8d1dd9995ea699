using System.Text.Json;
using TencentChatFollow.Api;
using TencentChatFollow.Execution;
using TencentChatFollow.Tests.Support;
using Xunit;
using Reply = TencentChatFollow.Tests.Support.FakeTransport.Reply;

namespace TencentChatFollow.Tests.Execution;

/// <summary>Lists (follow_get) read together and handed out in input order, on the fake transport and an instant clock.</summary>
public class ListRunTests
{
    private static (string User, string Cursor) Read(RecordedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return (body.RootElement.GetProperty("From_Account").GetString()!, body.RootElement.GetProperty("StartCursor").GetString()!);
    }

    private static string PageJson(string entry, string next)
        => $"{{\"FollowItem\":[{{\"To_Account\":\"{entry}\",\"FollowTime\":1700000000,\"ProfileItem\":[]}}],\"NextCursor\":\"{next}\",\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}}";

    /// <summary>follow_get for a user: two pages ("p1", then "p2").</summary>
    private static Reply TwoPages(RecordedRequest request)
    {
        var (user, cursor) = Read(request);
        return cursor.Length == 0 ? Reply.Ok(PageJson(user + "-p1", "c-" + user)) : Reply.Ok(PageJson(user + "-p2", ""));
    }

    private static string EmptyPageJson(string next)
        => $"{{\"FollowItem\":[],\"NextCursor\":\"{next}\",\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}}";

    private static string PageJson(IEnumerable<string> entries, string next)
        => $"{{\"FollowItem\":[{string.Join(",", entries.Select(e => $"{{\"To_Account\":\"{e}\",\"FollowTime\":1700000000}}"))}],\"NextCursor\":\"{next}\",\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}}";

    private static ListLoop Run(FakeTransport fake, int maxLists, Action<BatchResult<FollowPage>> output, TimeSpan? timeout = null,
        FollowRelation relation = FollowRelation.Follower, CancellationToken cancellationToken = default)
        => new(new ListRun(fake.Session(timeout: timeout, clock: new InstantClock(DateTimeOffset.UtcNow)), relation, 1000, maxLists, cancellationToken), output);

    /// <summary>Requests after which <see cref="ReadGuarded"/> cancels its run.</summary>
    private const int GuardRequests = 200;

    /// <summary>
    /// Reads the lists of <paramref name="users"/>, each page answered with <paramref name="answer"/>(user, StartCursor).
    /// The run is cancelled once the fake has had <see cref="GuardRequests"/> requests, so a list that would page
    /// without end fails the test with OperationCanceledException instead of hanging it.
    /// </summary>
    private static (List<BatchResult<FollowPage>> Pages, long Answered, int Requests) ReadGuarded(Func<string, string, string> answer, params string[] users)
        => ReadGuarded(FollowRelation.Follower, GuardRequests, answer, users);

    private static (List<BatchResult<FollowPage>> Pages, long Answered, int Requests) ReadGuarded(FollowRelation relation, int guardRequests, Func<string, string, string> answer, params string[] users)
    {
        using var guard = new CancellationTokenSource();
        using var fake = new FakeTransport((request, i) =>
        {
            if (i >= guardRequests) guard.Cancel();
            var (user, cursor) = Read(request);
            return Reply.Ok(answer(user, cursor));
        });
        var pages = new List<BatchResult<FollowPage>>();
        using var run = Run(fake, 4, pages.Add, cancellationToken: guard.Token, relation: relation);
        foreach (var user in users) run.Add(user);
        run.Complete();
        Assert.Null(run.Stopped);
        return (pages, run.Answered, fake.Count);
    }

    private static IEnumerable<string> Entries(IEnumerable<BatchResult<FollowPage>> pages)
        => pages.Where(p => p.Outcomes[0].Result is not null).SelectMany(p => p.Outcomes[0].Result!.Entries).Select(e => e.OfUserId + ":" + e.UserId);

    /// <summary>The page number a cursor "p{k}" stands for (the page it starts is k + 1); 1 for the first page.</summary>
    private static int PageOf(string cursor)
        => cursor.Length == 0 ? 1 : int.Parse(cursor.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) + 1;

    private static string Cursor(int page) => "p" + page.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The list's error (the last page handed out), checked to be the loop error for <paramref name="why"/>.</summary>
    private static string LoopError(List<BatchResult<FollowPage>> written, string user, string why, int pages, string entriesWritten)
    {
        var error = written.Last(p => p.Outcomes[0].UserId == user).Outcomes[0].Error;
        Assert.NotNull(error);
        Assert.Equal("TencentChat.InvalidResponse", error!.ErrorId);
        Assert.Contains($"{why} for '{user}' after {pages} pages; the list was not read to its end. {entriesWritten} before the page that showed it", error.Message, StringComparison.Ordinal);
        Assert.Contains("read it again, and if it happens again, report it", error.Message, StringComparison.Ordinal);
        return error.Message;
    }

    [Fact]
    public void Lists_are_read_at_once_and_handed_out_in_input_order_page_by_page()
    {
        // "slow" answers its first page only once b's first page has been asked for: were the lists read one after
        // the other, slow's send would wait until the session's timeout and the run would hand out its error.
        var bAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var fake = new FakeTransport(async (_, request, _, token) =>
        {
            var (user, cursor) = Read(request);
            if (user == "b") bAsked.TrySetResult();
            if (user == "slow" && cursor.Length == 0) await bAsked.Task.WaitAsync(token);
            return await Answer(TwoPages(request));
        });
        var pages = new List<BatchResult<FollowPage>>();
        using var run = Run(fake, 4, pages.Add, timeout: TimeSpan.FromSeconds(10));

        foreach (var user in new[] { "slow", "b", "c" }) run.Add(user);
        run.Complete();

        Assert.All(pages, p => Assert.Null(p.Outcomes[0].Error));
        Assert.Equal(new[] { "slow:slow-p1", "slow:slow-p2", "b:b-p1", "b:b-p2", "c:c-p1", "c:c-p2" }, Entries(pages));
        Assert.Equal(3, run.Answered);
    }

    [Fact]
    public void A_list_whose_cursor_repeats_ends_with_the_users_error_not_silently()
    {
        // "loop" answers the cursor "c" for its first page and again for its second.
        using var fake = new FakeTransport((request, _) => Reply.Ok(PageJson("x", Read(request).User == "loop" ? "c" : "")));
        var pages = new List<BatchResult<FollowPage>>();
        using var run = Run(fake, 4, pages.Add);

        run.Add("loop");
        run.Add("fine");
        run.Complete();

        Assert.Equal(new[] { "loop", "loop", "loop", "fine" }, pages.Select(p => p.Outcomes[0].UserId));
        var error = pages[2].Outcomes[0].Error;
        Assert.NotNull(error);
        Assert.Equal("TencentChat.InvalidResponse", error!.ErrorId);
        Assert.Contains("same NextCursor twice for 'loop' after 2 pages", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, run.Answered); // only "fine" was read to its end
        Assert.Null(run.Stopped);
    }

    [Theory]
    [InlineData("A,B", 3)] // "" gives A, A gives B, B gives A
    [InlineData("A,B,C", 4)] // "" gives A, A gives B, B gives C, C gives A
    public void A_list_whose_cursors_go_round_a_cycle_ends_with_the_users_error_and_keeps_its_entries(string cycle, int pages)
    {
        // Each of loop's pages brings one entry and the cursor after the one it was asked with, round the cycle.
        var cursors = cycle.Split(',');
        var (written, answered, requests) = ReadGuarded((user, cursor) => user != "loop" ? PageJson("x", "")
            : PageJson("e" + cursor, cursors[(Array.IndexOf(cursors, cursor) + 1) % cursors.Length]), "loop", "fine");

        Assert.Equal(Enumerable.Repeat("loop", pages + 1).Append("fine"), written.Select(p => p.Outcomes[0].UserId));
        Assert.All(written.Take(pages - 1), p => Assert.Single(p.Outcomes[0].Result!.Entries)); // the entries before the error are written
        Assert.Empty(written[pages - 1].Outcomes[0].Result!.Entries); // not those of the page that shows the loop
        LoopError(written, "loop", "the same NextCursor twice", pages, $"{pages - 1} entries from the {pages - 1} pages");
        Assert.Equal(1, answered); // only "fine" was read to its end
        Assert.Equal(pages + 1, requests);
    }

    [Fact]
    public void A_list_of_empty_pages_each_with_a_new_cursor_ends_with_the_users_error()
    {
        // Every page of "endless" is empty and names a cursor never seen before: "", "+", "++"...
        var (written, answered, requests) = ReadGuarded((user, cursor) => user != "endless" ? PageJson("x", "") : EmptyPageJson(cursor + "+"), "endless", "fine");

        Assert.Equal(Enumerable.Repeat("endless", ListRun.MaxEmptyPages + 1).Append("fine"), written.Select(p => p.Outcomes[0].UserId));
        LoopError(written, "endless", $"{ListRun.MaxEmptyPages} pages that brought no new account yet named a next page", ListRun.MaxEmptyPages, $"0 entries from the {ListRun.MaxEmptyPages - 1} pages");
        Assert.Equal(1, answered);
        Assert.Equal(ListRun.MaxEmptyPages + 1, requests);
    }

    [Fact]
    public void Fewer_empty_pages_in_a_whole_list_than_the_bound_do_not_end_it()
    {
        // 30 pages; one in three (pages 1, 4, ..., 25, 28: MaxEmptyPages - 1 of them) is empty, the others bring one account each.
        var n = ListRun.MaxEmptyPages;
        var (written, answered, _) = ReadGuarded((_, cursor) =>
        {
            var k = PageOf(cursor);
            var next = k == 3 * n ? "" : Cursor(k);
            return k % 3 == 1 && k < 3 * (n - 1) ? EmptyPageJson(next) : PageJson("e" + k.ToString(System.Globalization.CultureInfo.InvariantCulture), next);
        }, "sparse");

        Assert.Equal(3 * n, written.Count);
        Assert.All(written, p => Assert.Null(p.Outcomes[0].Error));
        Assert.Equal(3 * n - (n - 1), Entries(written).Count());
        Assert.Equal(1, answered);
    }

    [Fact]
    public void Empty_pages_spread_over_a_list_end_it_at_the_bound_though_never_in_a_row()
    {
        // Audit finding 1 ("alt-empty"): nine empty pages, then one with a new account, over and over, each page with a
        // new cursor. Counted in a row this never reached the bound; counted over the list it ends at the tenth empty page.
        var (written, answered, requests) = ReadGuarded((user, cursor) =>
        {
            if (user != "sparse") return PageJson("x", "");
            var k = PageOf(cursor);
            return k % 10 == 0 ? PageJson("e" + k.ToString(System.Globalization.CultureInfo.InvariantCulture), Cursor(k)) : EmptyPageJson(Cursor(k));
        }, "sparse", "fine");

        Assert.Equal(new[] { "sparse:e10", "fine:x" }, Entries(written));
        LoopError(written, "sparse", $"{ListRun.MaxEmptyPages} pages that brought no new account yet named a next page", 11, "1 entry from the 10 pages");
        Assert.Equal(1, answered); // only "fine"
        Assert.Equal(12, requests);
    }

    [Fact]
    public void A_list_that_repeats_the_same_account_under_new_cursors_writes_it_once_and_ends_at_the_bound()
    {
        // Audit finding 1 ("endless"): every page brings the same account "dup" and a cursor never seen before.
        var (written, answered, requests) = ReadGuarded((user, cursor) => user != "dup" ? PageJson("x", "") : PageJson("dup", Cursor(PageOf(cursor))), "dup", "fine");

        Assert.Equal(new[] { "dup:dup", "fine:x" }, Entries(written));
        LoopError(written, "dup", $"{ListRun.MaxEmptyPages} pages that brought no new account yet named a next page", ListRun.MaxEmptyPages + 1, "1 entry from the 10 pages");
        Assert.Equal(1, answered);
        Assert.Equal(ListRun.MaxEmptyPages + 2, requests);
    }

    [Fact]
    public void A_repeated_page_is_not_written_again_before_the_loop_error()
    {
        // Audit finding 2: the same page (a1, a2, cursor "A") for every call.
        var (written, _, requests) = ReadGuarded((user, _) => user != "loop" ? PageJson("x", "") : PageJson(new[] { "a1", "a2" }, "A"), "loop", "fine");

        Assert.Equal(new[] { "loop:a1", "loop:a2", "fine:x" }, Entries(written));
        LoopError(written, "loop", "the same NextCursor twice", 2, "2 entries from the 1 page");
        Assert.Equal(3, requests);
    }

    [Fact]
    public void Each_pages_call_line_says_how_many_entries_the_page_brought()
    {
        var (written, _, _) = ReadGuarded((_, cursor) => cursor.Length == 0 ? PageJson(new[] { "a1", "a2" }, "c2") : PageJson(new[] { "a3" }, ""), "user001");

        Assert.Equal(2, written.Count);
        Assert.Matches(@"^POST v4/follow/follow_get batch \d+: a page of the list of 'user001', HTTP 200, \d+ ms, 0 retries, OK, 2 entries$", Assert.Single(written[0].Verbose));
        Assert.EndsWith(", 0 retries, OK, 1 entry", Assert.Single(written[1].Verbose), StringComparison.Ordinal);
    }

    [Fact]
    public void Accounts_a_page_repeats_are_not_written_again_and_the_list_goes_on()
    {
        // Pages of 3 accounts, each repeating the last account of the page before, as a list that shifts while it is read may.
        var (written, answered, _) = ReadGuarded((_, cursor) =>
        {
            var k = PageOf(cursor);
            return PageJson(new[] { "a" + (2 * k - 1), "a" + (2 * k), "a" + (2 * k + 1) }, k == 5 ? "" : Cursor(k));
        }, "shifting");

        Assert.Equal(Enumerable.Range(1, 11).Select(i => "shifting:a" + i), Entries(written));
        Assert.All(written, p => Assert.Null(p.Outcomes[0].Error));
        Assert.Contains("Page 2 of the list of 'shifting' repeated 1 account already written: not written again.", written[1].Verbose);
        Assert.Equal(1, answered);
    }

    [Theory]
    [InlineData(FollowRelation.Following)]
    [InlineData(FollowRelation.Mutual)]
    public void A_follow_list_ends_once_it_brings_more_accounts_than_a_user_may_follow(FollowRelation relation)
    {
        // Audit finding 1 ("endless-new"): a new page of 1,000 new accounts under a new cursor for every call.
        var (written, answered, requests) = ReadGuarded(relation, GuardRequests, (user, cursor) =>
        {
            if (user != "many") return PageJson("x", "");
            var k = PageOf(cursor);
            return PageJson(Enumerable.Range(1000 * (k - 1), 1000).Select(i => "n" + i), Cursor(k));
        }, "many", "fine");

        Assert.Equal(ListRun.MaxFollowing, Entries(written).Count(e => e.StartsWith("many:", StringComparison.Ordinal)));
        LoopError(written, "many", $"more than 5,000 accounts in a {relation} list (a user follows at most 5,000)", 6, "5000 entries from the 5 pages");
        Assert.Equal(1, answered);
        Assert.Equal(7, requests);
    }

    [Fact]
    public void A_follow_list_of_exactly_the_limit_is_read_whole()
    {
        var (written, answered, _) = ReadGuarded(FollowRelation.Following, GuardRequests, (_, cursor) =>
        {
            var k = PageOf(cursor);
            return PageJson(Enumerable.Range(1000 * (k - 1), 1000).Select(i => "n" + i), k == 5 ? "" : Cursor(k));
        }, "full");

        Assert.Equal(ListRun.MaxFollowing, Entries(written).Distinct().Count());
        Assert.All(written, p => Assert.Null(p.Outcomes[0].Error));
        Assert.Equal(1, answered);
    }

    [Fact]
    public void A_fan_list_longer_than_the_accounts_remembered_is_read_whole_with_repeats_seen_among_the_latest()
    {
        // 150 pages of 1,000 new fans: no limit applies to fans. The last page also repeats a fan of the page before,
        // which is not written again, and the very first fan, which has left the 100,000 remembered and is written again:
        // the memory a list takes is bounded, and a real list repeats no account anyway.
        const int pages = 150;
        var (written, answered, requests) = ReadGuarded(FollowRelation.Follower, pages + 10, (_, cursor) =>
        {
            var k = PageOf(cursor);
            var fans = Enumerable.Range(1000 * (k - 1), 1000).Select(i => "f" + i);
            if (k == pages) fans = fans.Append("f" + (1000 * (k - 1) - 1)).Append("f0");
            return PageJson(fans, k == pages ? "" : Cursor(k));
        }, "star");

        var entries = Entries(written).ToList();
        Assert.Equal(1000 * pages + 1, entries.Count);
        Assert.Equal("star:f0", entries[^1]);
        Assert.All(written, p => Assert.Null(p.Outcomes[0].Error));
        Assert.Equal(1, answered);
        Assert.Equal(pages, requests);
        Assert.True(ListRun.Remembered < 1000 * pages);
    }

    [Fact]
    public void A_list_that_fails_after_pages_were_written_says_it_is_incomplete_and_how_much_was_written()
    {
        // Audit finding 3: page 1 is fine; page 2's FollowTime is no time, so that page cannot be used.
        var (written, _, _) = ReadGuarded((user, cursor) => user != "half" ? PageJson("x", "")
            : cursor.Length == 0 ? PageJson(new[] { "p1", "p2" }, "C1") : PageJson("q", "").Replace("1700000000", "-5", StringComparison.Ordinal), "half", "fine");

        Assert.Equal(new[] { "half:p1", "half:p2", "fine:x" }, Entries(written));
        var error = written.Single(p => p.Outcomes[0].Error is not null).Outcomes[0].Error!;
        Assert.Equal("TencentChat.InvalidResponse", error.ErrorId);
        Assert.Equal("half", error.UserId);
        Assert.Contains("FollowTime", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("The list was not read to its end: 2 entries from the 1 page before this error were written; read it again for the whole list.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("No result is reported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_cut_short_by_an_answer_that_stops_the_run_says_what_was_written_of_it()
    {
        // Page 1 of "half" is fine; page 2 is an answer every call would get (60016: the app is disabled).
        using var fake = new FakeTransport((request, _) => Read(request) is ("half", "") ? Reply.Ok(PageJson(new[] { "p1", "p2" }, "C1"))
            : Reply.Ok("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":60016,\"ErrorInfo\":\"app disabled\"}"));
        var pages = new List<BatchResult<FollowPage>>();
        using var run = Run(fake, 1, pages.Add);

        run.Add("half");
        run.Complete();

        Assert.Equal(new[] { "half:p1", "half:p2" }, Entries(pages));
        var stopped = Assert.IsType<TencentChatFollow.Errors.TencentChatRunStoppedException>(run.Stopped);
        Assert.Equal(new[] { "half" }, stopped.UnansweredIds);
        Assert.Contains("The list of 'half' was not read to its end: 2 entries from the 1 page before this answer were written.", stopped.Cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_that_ends_with_its_users_error_is_not_counted_as_read_to_its_end()
    {
        // Answered is the command's "done" (its record lists the failed users apart): a failed list is not done.
        // "nosuch" fails on its first page (an unknown account), "half" after one page (an answer it cannot use).
        var (written, answered, _) = ReadGuarded((user, cursor) => user switch
        {
            "nosuch" => "{\"ActionStatus\":\"FAIL\",\"ErrorCode\":30003,\"ErrorInfo\":\"Err_SNS_ItemCheck_Account_Not_Found\"}",
            "half" => cursor.Length == 0 ? PageJson("p1", "C1") : PageJson("q", "").Replace("1700000000", "-5", StringComparison.Ordinal),
            _ => PageJson("x", ""),
        }, "nosuch", "half", "fine");

        Assert.Equal(new[] { "nosuch", "half" }, written.Where(p => p.Outcomes[0].Error is not null).Select(p => p.Outcomes[0].UserId));
        Assert.Equal(1, answered); // only "fine" was read to its end
    }

    [Fact]
    public void A_list_that_fails_on_its_first_page_keeps_the_error_as_it_is()
    {
        var (written, _, _) = ReadGuarded((_, _) => PageJson("q", "").Replace("1700000000", "-5", StringComparison.Ordinal), "none");

        var error = Assert.Single(written).Outcomes[0].Error!;
        Assert.EndsWith("No result is reported for it; try it again.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_asks_for_its_next_page_only_once_the_last_is_handed_out()
    {
        using var fake = new FakeTransport((request, _) => TwoPages(request));
        var pages = new List<BatchResult<FollowPage>>();
        using var run = Run(fake, 1, p => { pages.Add(p); throw new OperationCanceledException("the consumer stopped"); });

        Assert.Throws<OperationCanceledException>(() => { run.Add("a"); run.Complete(); });

        Assert.Single(pages);
        // The run's own count, not a pause to see whether a request comes: the second page was never asked for.
        Assert.Equal(1, run.PagesAsked);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public void Every_page_of_every_list_is_asked_for_once()
    {
        using var fake = new FakeTransport((request, _) => TwoPages(request));
        var pages = new List<BatchResult<FollowPage>>();
        using var run = Run(fake, 2, pages.Add);

        foreach (var user in new[] { "a", "b", "c" }) run.Add(user);
        run.Complete();

        Assert.Equal(6, run.PagesAsked);
        Assert.Equal(6, fake.Count);
        Assert.Equal(6, fake.Requests.Select(Read).Distinct().Count());
    }

    [Fact]
    public void A_list_stopped_by_an_answer_on_its_first_page_keeps_that_answer_as_it_is()
    {
        // Nothing of the list was written: the stop's error does not say the list was cut short (mutation testing: WrittenBefore).
        using var fake = new FakeTransport((_, _) => Reply.Ok("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":60016,\"ErrorInfo\":\"app disabled\"}"));
        var pages = new List<BatchResult<FollowPage>>();
        using var run = Run(fake, 1, pages.Add);

        run.Add("first");
        run.Complete();

        Assert.Empty(pages);
        var stopped = Assert.IsType<TencentChatFollow.Errors.TencentChatRunStoppedException>(run.Stopped);
        Assert.Equal(new[] { "first" }, stopped.UnansweredIds);
        Assert.DoesNotContain("was not read to its end", stopped.Cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_cut_short_after_one_entry_says_it_was_written()
    {
        using var fake = new FakeTransport((request, _) => Read(request) is ("one", "") ? Reply.Ok(PageJson("p1", "C1"))
            : Reply.Ok("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":60016,\"ErrorInfo\":\"app disabled\"}"));
        var pages = new List<BatchResult<FollowPage>>();
        using var run = Run(fake, 1, pages.Add);

        run.Add("one");
        run.Complete();

        Assert.Equal(new[] { "one:p1" }, Entries(pages));
        var stopped = Assert.IsType<TencentChatFollow.Errors.TencentChatRunStoppedException>(run.Stopped);
        Assert.Contains("The list of 'one' was not read to its end: 1 entry from the 1 page before this answer was written.", stopped.Cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void While_no_more_lists_are_open_than_are_read_at_once_Next_gives_only_a_page_already_read()
    {
        // The pages never come (the fake hangs until the run is disposed): with no more lists open than the run reads
        // at once, and the input not ended, Next does not wait for them. The run's token is the guard: a Next that
        // waited would throw OperationCanceledException when it fires instead of hanging the test.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var fake = new FakeTransport((_, _) => Reply.Never);
        using var run = new ListRun(fake.Session(timeout: TimeSpan.FromMinutes(5), clock: new InstantClock(DateTimeOffset.UtcNow)), FollowRelation.Follower, 1000, 2, guard.Token);

        run.Add("a");
        Assert.Null(run.Next());
        run.Add("b");
        Assert.Null(run.Next());

        Assert.Equal(2, run.PagesAsked);
        Assert.False(guard.IsCancellationRequested);
    }

    [Fact]
    public async Task A_run_cancelled_while_Next_waits_for_a_page_throws_OperationCanceledException()
    {
        // Ctrl+C while the pipeline waits for a page that never comes: the wait ends with OperationCanceledException.
        using var cancel = new CancellationTokenSource();
        using var fake = new FakeTransport((_, _) => Reply.Never);
        using var run = new ListRun(fake.Session(timeout: TimeSpan.FromMinutes(5), clock: new InstantClock(DateTimeOffset.UtcNow)), FollowRelation.Follower, 1000, 1, cancel.Token);
        run.Add("a");
        run.Complete();

        var next = Task.Run(run.Next); // waits: the input has ended
        cancel.Cancel();

        Assert.True(await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(30))) == next, "Next did not end when the run was cancelled");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }

    [Fact]
    public async Task Disposing_the_run_cancels_the_calls_still_on_the_wire()
    {
        // The pipeline stopped early (Select-Object -First, Ctrl+C): a page still being fetched is not left to run
        // until its timeout.
        var sent = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var fake = new FakeTransport(async (_, _, _, token) =>
        {
            sent.TrySetResult(token);
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("not reached");
        });
        var run = new ListRun(fake.Session(timeout: TimeSpan.FromMinutes(5), clock: new InstantClock(DateTimeOffset.UtcNow)), FollowRelation.Follower, 1000, 1, CancellationToken.None);
        run.Add("a");
        var token = await sent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(token.IsCancellationRequested);

        run.Dispose();

        Assert.True(token.IsCancellationRequested, "the page's call was not cancelled");
    }

    [Fact]
    public void Disposing_the_run_a_second_time_does_nothing()
    {
        // Get-TencentChatFollow disposes the run when it ends on a held error (-ErrorAction Stop), and PowerShell then
        // disposes the command, which disposes the run again: that must not throw from the pipeline's cleanup.
        using var fake = new FakeTransport((_, _, _, _) => throw new InvalidOperationException("no call is made"));
        var run = new ListRun(fake.Session(timeout: TimeSpan.FromMinutes(5), clock: new InstantClock(DateTimeOffset.UtcNow)), FollowRelation.Follower, 1000, 1, CancellationToken.None);
        run.Dispose();

        var again = Record.Exception(run.Dispose);

        Assert.Null(again);
    }

    [Fact]
    public async Task A_fatal_answer_cancels_the_calls_of_the_lists_behind_it()
    {
        // a's second page stops the run while b's first page is still on the wire: b's call is not left to run until
        // its timeout.
        var behind = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var fake = new FakeTransport(async (_, request, _, token) =>
        {
            switch (Read(request))
            {
                case ("a", ""):
                    return await Answer(Reply.Ok(PageJson("p1", "C1")));
                case ("a", _):
                    await behind.Task.WaitAsync(token);
                    return await Answer(Reply.Ok("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":60016,\"ErrorInfo\":\"app disabled\"}"));
                default:
                    behind.TrySetResult(token);
                    await Task.Delay(Timeout.Infinite, token);
                    throw new InvalidOperationException("not reached");
            }
        });
        var pages = new List<BatchResult<FollowPage>>();
        using var run = Run(fake, 2, pages.Add, timeout: TimeSpan.FromMinutes(5));

        run.Add("a");
        run.Add("b");
        await Task.Run(run.Complete).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("TencentChat.AppDisabled", run.Stopped?.Cause.ErrorId);
        Assert.True((await behind.Task).IsCancellationRequested, "b's call was not cancelled");
    }

    private static async Task<HttpResponseMessage> Answer(Reply reply)
    {
        await Task.Yield();
        return new HttpResponseMessage((System.Net.HttpStatusCode)reply.Status) { Content = new StringContent(reply.Body, System.Text.Encoding.UTF8, "application/json") };
    }
}
