namespace TencentChatFollow.Emulator.Tests;

/// <summary>follow_get: newest first, pages joined by an opaque cursor, stable while the graph changes.</summary>
public class FollowGetTests
{
    private const int Fans = 3_500;

    // fan0001..fan3500 follow star, in that order (so fan3500 is the newest); star follows back every 100th fan;
    // new1..new5 exist and follow fan0001.
    private static readonly string StarGraph = string.Join('\n',
        Enumerable.Range(1, Fans).Select(i => $"fan{i:D4},star")
            .Concat(Enumerable.Range(1, Fans / 100).Select(i => $"star,fan{i * 100:D4}"))
            .Concat(Enumerable.Range(1, 5).Select(i => $"new{i},fan0001")));

    private sealed record Page(List<(string Id, long Time, string Nick)> Entries, string NextCursor);

    private static async Task<Page> PageAsync(TestEmulator emulator, string from, int followType, string cursor, int wantNum)
    {
        var envelope = await emulator.FollowGetAsync(from, followType, cursor, wantNum);
        var entries = Envelope.AssertOk(envelope, "FollowItem").Select(i => (
            i.GetProperty("To_Account").GetString()!,
            i.GetProperty("FollowTime").GetInt64(),
            i.GetProperty("ProfileItem").EnumerateArray().Single(p => p.GetProperty("Tag").GetString() == "Tag_Profile_IM_Nick").GetProperty("Value").GetString()!)).ToList();
        return new Page(entries, envelope.GetProperty("NextCursor").GetString()!);
    }

    private static async Task<List<Page>> AllPagesAsync(TestEmulator emulator, string from, int followType, int wantNum)
    {
        var pages = new List<Page>();
        var cursor = "";
        do
        {
            pages.Add(await PageAsync(emulator, from, followType, cursor, wantNum));
            cursor = pages[^1].NextCursor;
        }
        while (cursor != "" && pages.Count < 100);
        return pages;
    }

    [Fact]
    public async Task Fans_come_newest_first_in_pages_that_match_the_graph_exactly()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: StarGraph);

        var pages = await AllPagesAsync(emulator, "star", 1, 1000);

        Assert.Equal([1000, 1000, 1000, 500], pages.Select(p => p.Entries.Count));
        Assert.All(pages[..3], p => Assert.NotEqual("", p.NextCursor));
        Assert.Equal("", pages[3].NextCursor);
        var entries = pages.SelectMany(p => p.Entries).ToList();
        // Line n (from 0) of the file has FollowTime FileBaseTime + n; newest first is the file read backwards.
        var expected = Enumerable.Range(1, Fans).Reverse().Select(i => ($"fan{i:D4}", FollowGraph.FileBaseTime + i - 1, $"Nick of fan{i:D4}"));
        Assert.Equal(expected, entries);
        Assert.Equal(Fans, entries.Select(e => e.Id).Distinct().Count());
        Assert.Equal(4, (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty("callsByApi").GetProperty("follow_get").GetInt32());
    }

    [Fact]
    public async Task Follows_and_mutual_follows_are_listed_too_and_a_list_that_fits_one_page_has_no_cursor()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: StarGraph);

        var follows = Assert.Single(await AllPagesAsync(emulator, "star", 2, 35));
        var mutual = await AllPagesAsync(emulator, "star", 3, 10);
        var fanFollows = Assert.Single(await AllPagesAsync(emulator, "fan0100", 2, 100));

        // star's follows are the file's last 35 lines; a mutual follow's time is that of its later edge, star's.
        Assert.Equal(Enumerable.Range(1, 35).Reverse().Select(i => $"fan{i * 100:D4}"), follows.Entries.Select(e => e.Id));
        Assert.Equal("", follows.NextCursor);
        Assert.Equal([10, 10, 10, 5], mutual.Select(p => p.Entries.Count));
        Assert.Equal(follows.Entries, mutual.SelectMany(p => p.Entries));
        Assert.Equal([("star", FollowGraph.FileBaseTime + 99, "Nick of star")], fanFollows.Entries);
        Assert.Empty((await PageAsync(emulator, "fan0002", 1, "", 100)).Entries);
    }

    [Fact]
    public async Task A_cursor_the_emulator_did_not_issue_for_this_user_and_list_is_30001()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: StarGraph);
        var cursor = (await PageAsync(emulator, "star", 1, "", 1000)).NextCursor;
        await using var otherRun = await TestEmulator.StartAsync(graphCsv: StarGraph);
        var flipped = (cursor[5] == 'A' ? 'B' : 'A') + "";

        var forged = new[]
        {
            await emulator.FollowGetAsync("star", 1, "c2Vjb25kIHBhZ2U", 1000),
            await emulator.FollowGetAsync("star", 1, cursor[..5] + flipped + cursor[6..], 1000),
            await emulator.FollowGetAsync("star", 1, cursor[..^2], 1000),
            await emulator.FollowGetAsync("star", 1, cursor + "=!", 1000),
            await emulator.FollowGetAsync("star", 2, cursor, 1000),
            await emulator.FollowGetAsync("fan0100", 1, cursor, 1000),
            await otherRun.FollowGetAsync("star", 1, cursor, 1000),
        };

        Assert.All(forged, envelope =>
        {
            Envelope.AssertFail(envelope, ErrorCodes.InvalidParameter);
            Assert.Contains("StartCursor", envelope.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(1000, (await PageAsync(emulator, "star", 1, cursor, 1000)).Entries.Count); // the genuine one still works
        Assert.DoesNotContain("star", cursor, StringComparison.Ordinal); // opaque, not plain text
    }

    [Fact]
    public async Task Paging_goes_on_where_it_stopped_while_the_graph_changes()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        await using var emulator = await TestEmulator.StartAsync(graphCsv: StarGraph, clock: clock);
        var first = await PageAsync(emulator, "star", 1, "", 1000);

        // Between pages: five new fans; five fans leave, three not yet listed and two listed; a listed fan leaves and
        // comes back.
        foreach (var newcomer in new[] { "new1", "new2", "new3", "new4", "new5" })
        {
            Envelope.Results(await emulator.FollowAddAsync(newcomer, "star"));
        }
        foreach (var gone in new[] { "fan1000", "fan2000", "fan2400", "fan3500", "fan3499" })
        {
            Envelope.Results(await emulator.FollowDeleteAsync(gone, "star"));
        }
        Envelope.Results(await emulator.FollowDeleteAsync("fan3000", "star"));
        Envelope.Results(await emulator.FollowAddAsync("fan3000", "star"));
        Envelope.Results(await emulator.FollowAddAsync("fan0100", "star")); // already a fan: stays where it was

        var rest = new List<string>();
        for (var cursor = first.NextCursor; cursor != "";)
        {
            var page = await PageAsync(emulator, "star", 1, cursor, 1000);
            rest.AddRange(page.Entries.Select(e => e.Id));
            cursor = page.NextCursor;
        }

        // The rest is what followed the first page and is still there: nothing twice, nothing that stayed is lost;
        // what changed after the cursor's position (newer) is not in this pass.
        var seen = first.Entries.Select(e => e.Id).ToList();
        var expectedRest = Enumerable.Range(1, 2500).Reverse().Select(i => $"fan{i:D4}")
            .Except(["fan1000", "fan2000", "fan2400"]);
        Assert.Equal(expectedRest, rest);
        Assert.Empty(seen.Intersect(rest));
        // A new pass starts with the newest: the fan who came back, then the newcomers, latest first.
        var again = await PageAsync(emulator, "star", 1, "", 6);
        Assert.Equal(["fan3000", "new5", "new4", "new3", "new2", "new1"], again.Entries.Select(e => e.Id));
        Assert.All(again.Entries, e => Assert.Equal(1_800_000_000, e.Time));
    }
}
