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

    private static ListLoop Run(FakeTransport fake, int maxLists, Action<BatchResult<FollowPage>> output, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => new(new ListRun(fake.Session(timeout: timeout, clock: new InstantClock(DateTimeOffset.UtcNow)), FollowRelation.Follower, 1000, maxLists, cancellationToken), output);

    /// <summary>Requests after which <see cref="ReadGuarded"/> cancels its run.</summary>
    private const int GuardRequests = 200;

    /// <summary>
    /// Reads the lists of <paramref name="users"/>, each page answered with <paramref name="answer"/>(user, StartCursor).
    /// The run is cancelled once the fake has had <see cref="GuardRequests"/> requests, so a list that would page
    /// without end fails the test with OperationCanceledException instead of hanging it.
    /// </summary>
    private static (List<BatchResult<FollowPage>> Pages, long Answered, int Requests) ReadGuarded(Func<string, string, string> answer, params string[] users)
    {
        using var guard = new CancellationTokenSource();
        using var fake = new FakeTransport((request, i) =>
        {
            if (i >= GuardRequests) guard.Cancel();
            var (user, cursor) = Read(request);
            return Reply.Ok(answer(user, cursor));
        });
        var pages = new List<BatchResult<FollowPage>>();
        using var run = Run(fake, 4, pages.Add, cancellationToken: guard.Token);
        foreach (var user in users) run.Add(user);
        run.Complete();
        Assert.Null(run.Stopped);
        return (pages, run.Answered, fake.Count);
    }

    private static IEnumerable<string> Entries(IEnumerable<BatchResult<FollowPage>> pages)
        => pages.SelectMany(p => p.Outcomes[0].Result!.Entries).Select(e => e.OfUserId + ":" + e.UserId);

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
        Assert.All(written.Take(pages), p => Assert.Single(p.Outcomes[0].Result!.Entries)); // the entries before the error are written
        var error = written[pages].Outcomes[0].Error;
        Assert.NotNull(error);
        Assert.Equal("TencentChat.InvalidResponse", error!.ErrorId);
        Assert.Contains($"same NextCursor twice for 'loop' after {pages} pages; the list was not read to its end", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, answered); // only "fine" was read to its end
        Assert.Equal(pages + 1, requests);
    }

    [Fact]
    public void A_list_of_empty_pages_each_with_a_new_cursor_ends_with_the_users_error()
    {
        // Every page of "endless" is empty and names a cursor never seen before: "", "+", "++"...
        var (written, answered, requests) = ReadGuarded((user, cursor) => user != "endless" ? PageJson("x", "") : EmptyPageJson(cursor + "+"), "endless", "fine");

        Assert.Equal(Enumerable.Repeat("endless", ListRun.MaxEmptyPages + 1).Append("fine"), written.Select(p => p.Outcomes[0].UserId));
        var error = written[ListRun.MaxEmptyPages].Outcomes[0].Error;
        Assert.NotNull(error);
        Assert.Equal("TencentChat.InvalidResponse", error!.ErrorId);
        Assert.Contains($"{ListRun.MaxEmptyPages} pages in a row with no entry and a NextCursor for 'endless' after {ListRun.MaxEmptyPages} pages; the list was not read to its end",
            error.Message, StringComparison.Ordinal);
        Assert.Equal(1, answered);
        Assert.Equal(ListRun.MaxEmptyPages + 1, requests);
    }

    [Fact]
    public void Empty_pages_fewer_in_a_row_than_the_bound_do_not_end_a_list()
    {
        // Page k is asked with "p" + (k - 1): only every MaxEmptyPages-th page has an entry, and page 2 * MaxEmptyPages ends the list.
        var n = ListRun.MaxEmptyPages;
        var (written, answered, _) = ReadGuarded((_, cursor) =>
        {
            var k = cursor.Length == 0 ? 1 : int.Parse(cursor.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) + 1;
            var next = k == 2 * n ? "" : "p" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return k % n == 0 ? PageJson("e" + k.ToString(System.Globalization.CultureInfo.InvariantCulture), next) : EmptyPageJson(next);
        }, "sparse");

        Assert.Equal(2 * n, written.Count);
        Assert.All(written, p => Assert.Null(p.Outcomes[0].Error));
        Assert.Equal(new[] { $"sparse:e{n}", $"sparse:e{2 * n}" }, Entries(written));
        Assert.Equal(1, answered);
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

    private static async Task<HttpResponseMessage> Answer(Reply reply)
    {
        await Task.Yield();
        return new HttpResponseMessage((System.Net.HttpStatusCode)reply.Status) { Content = new StringContent(reply.Body, System.Text.Encoding.UTF8, "application/json") };
    }
}
