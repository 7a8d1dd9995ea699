namespace TencentChatFollow.Emulator.Tests;

/// <summary>
/// Which calls the frequency limits count together (--limit-scope), on a clock the tests move by hand: per API (the
/// default) with an optional app-wide cap, or one counter for the whole app; and the stats that report each API's share.
/// </summary>
public class LimitScopeTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private const string Info = "follow_get_info";
    private const string Check = "follow_check";
    private const string Body = """{"From_Account":"administrator","To_Account":["administrator"]}""";

    /// <summary>Moves the clock to <paramref name="milliseconds"/> after <see cref="Start"/>, calls <paramref name="api"/> once and returns its ErrorCode.</summary>
    private static async Task<int> CallAtAsync(TestEmulator emulator, ManualClock clock, int milliseconds, string api)
    {
        clock.Advance(Start.AddMilliseconds(milliseconds) - clock.GetUtcNow());
        var body = api == TestEmulator.AccountCheck ? """{"CheckItem":[{"UserID":"administrator"}]}""" : Body;
        return (await emulator.CallAsync(body: body, api: api)).GetProperty("ErrorCode").GetInt32();
    }

    private static async Task<(TestEmulator Emulator, ManualClock Clock)> StartAsync(EmulatorOptions options)
    {
        var clock = new ManualClock(Start);
        return (await TestEmulator.StartAsync(options, clock: clock), clock);
    }

    private static async Task<JsonElement> StatsAsync(TestEmulator emulator) => await emulator.GetJsonAsync("/_emulator/stats");

    [Fact]
    public async Task Api_scope_gives_each_api_its_own_counter_so_one_saturated_api_does_not_refuse_another()
    {
        var (emulator, clock) = await StartAsync(new EmulatorOptions { RateLimit = 3 });
        await using var _ = emulator;

        var info = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            info.Add(await CallAtAsync(emulator, clock, 100 + i, Info));
        }
        // follow_get_info is over its limit for the rest of this second; follow_check has its own three.
        var check = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            check.Add(await CallAtAsync(emulator, clock, 200 + i, Check));
        }

        Assert.Equal([0, 0, 0, 60007, 60007], info);
        Assert.Equal([0, 0, 0, 60007], check);
        var stats = await StatsAsync(emulator);
        Assert.Equal(3, stats.GetProperty("apiLimitRefusals").GetInt32());
        Assert.Equal(0, stats.GetProperty("appLimitRefusals").GetInt32());
        Assert.Equal(3, stats.GetProperty("rateLimited").GetInt32());
        // The app-wide peak counts every API; each API's peak only its own calls.
        Assert.Equal(9, stats.GetProperty("maxCallsInCalendarSecond").GetInt32());
        var byApi = stats.GetProperty("byApi");
        Assert.Equal(5, byApi.GetProperty(Info).GetProperty("maxCallsInCalendarSecond").GetInt32());
        Assert.Equal(4, byApi.GetProperty(Check).GetProperty("maxCallsInCalendarSecond").GetInt32());
    }

    [Fact]
    public async Task Account_check_has_its_own_limit_beside_the_follow_apis_limit()
    {
        var (emulator, clock) = await StartAsync(new EmulatorOptions { RateLimit = 3, AccountCheckRateLimit = 1 });
        await using var _ = emulator;

        Assert.Equal(0, await CallAtAsync(emulator, clock, 0, TestEmulator.AccountCheck));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1, TestEmulator.AccountCheck));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 2, Info));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 3, Info));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 4, Info));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 5, Info));

        await emulator.SetFaultsAsync(new { accountCheckRateLimit = 3 });
        Assert.Equal(0, await CallAtAsync(emulator, clock, 6, TestEmulator.AccountCheck)); // the third account_check this second
    }

    [Fact]
    public async Task App_scope_counts_every_api_in_one_counter_and_refuses_with_60011()
    {
        var (emulator, clock) = await StartAsync(new EmulatorOptions { RateLimit = 3, LimitScope = LimitScope.App });
        await using var _ = emulator;

        var codes = new List<int>
        {
            await CallAtAsync(emulator, clock, 100, Info),
            await CallAtAsync(emulator, clock, 101, Check),
            await CallAtAsync(emulator, clock, 102, TestEmulator.AccountCheck),
            await CallAtAsync(emulator, clock, 103, Check),
            await CallAtAsync(emulator, clock, 104, Info),
            await CallAtAsync(emulator, clock, 1000, Check), // the next calendar second
        };

        Assert.Equal([0, 0, 0, 60011, 60011, 0], codes);
        var stats = await StatsAsync(emulator);
        Assert.Equal(2, stats.GetProperty("appLimitRefusals").GetInt32());
        Assert.Equal(0, stats.GetProperty("apiLimitRefusals").GetInt32());
        Assert.Equal(2, stats.GetProperty("rateLimited").GetInt32());
        Assert.Equal(2, stats.GetProperty("errorsByCode").GetProperty("60011").GetInt32());
        var check = stats.GetProperty("byApi").GetProperty(Check);
        Assert.Equal(1, check.GetProperty("appLimitRefusals").GetInt32());
        Assert.Equal(2, check.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task The_app_cap_refuses_with_60011_while_the_apis_own_limits_still_have_room()
    {
        var (emulator, clock) = await StartAsync(new EmulatorOptions { RateLimit = 5, AppRateLimit = 3 });
        await using var _ = emulator;

        var codes = new List<int>
        {
            await CallAtAsync(emulator, clock, 100, Info),
            await CallAtAsync(emulator, clock, 101, Info),
            await CallAtAsync(emulator, clock, 102, Check),
            await CallAtAsync(emulator, clock, 103, Check), // follow_check: 2 of its 5; the app: 4 of 3
        };

        Assert.Equal([0, 0, 0, 60011], codes);
        var check = (await StatsAsync(emulator)).GetProperty("byApi").GetProperty(Check);
        Assert.Equal(1, check.GetProperty("appLimitRefusals").GetInt32());
        Assert.Equal(0, check.GetProperty("apiLimitRefusals").GetInt32());
    }

    [Fact]
    public async Task Calls_one_api_limit_refused_still_count_in_the_app_window()
    {
        var (emulator, clock) = await StartAsync(new EmulatorOptions { RateLimit = 2, AppRateLimit = 4 });
        await using var _ = emulator;

        var codes = new List<int>();
        foreach (var at in new[] { 100, 101, 102, 103 })
        {
            codes.Add(await CallAtAsync(emulator, clock, at, Info));
        }
        // Had the two 60007 refusals not counted, follow_check's call would be the app's third and pass.
        codes.Add(await CallAtAsync(emulator, clock, 104, Check));

        Assert.Equal([0, 0, 60007, 60007, 60011], codes);
    }

    [Fact]
    public async Task Per_api_counters_work_with_the_sliding_window()
    {
        var (emulator, clock) = await StartAsync(new EmulatorOptions { RateLimit = 2, LimitWindow = LimitWindow.Sliding });
        await using var _ = emulator;

        Assert.Equal(0, await CallAtAsync(emulator, clock, 990, Info));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 995, Info));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 999, Check));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1003, Info)); // 990, 995, 1003; calendar would allow it
        Assert.Equal(0, await CallAtAsync(emulator, clock, 1004, Check));    // follow_check's window: 999, 1004
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1005, Check));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1990, Info)); // 995, 1003 (refused, still counted), 1990
        Assert.Equal(0, await CallAtAsync(emulator, clock, 2004, Info));     // 1990 (refused), 2004

        var byApi = (await StatsAsync(emulator)).GetProperty("byApi");
        Assert.Equal(3, byApi.GetProperty(Info).GetProperty("maxCallsInAnySecond").GetInt32());
        Assert.Equal(3, byApi.GetProperty(Check).GetProperty("maxCallsInAnySecond").GetInt32());
    }

    [Fact]
    public async Task The_scope_can_be_switched_at_run_time_and_applies_to_the_calls_already_counted()
    {
        var (emulator, clock) = await StartAsync(new EmulatorOptions { RateLimit = 2 });
        await using var _ = emulator;
        Assert.Equal("api", (await emulator.GetJsonAsync("/_emulator/faults")).GetProperty("limitScope").GetString());

        Assert.Equal(0, await CallAtAsync(emulator, clock, 100, Info));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 101, Check));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 102, Check));
        Assert.Equal("app", (await emulator.SetFaultsAsync(new { limitScope = "app" })).GetProperty("limitScope").GetString());
        Assert.Equal(60011, await CallAtAsync(emulator, clock, 103, Info)); // the app's fourth call; follow_get_info's second
        await emulator.SetFaultsAsync(new { limitScope = "api" });
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 104, Info)); // follow_get_info's third
    }

    [Fact]
    public async Task Stats_report_each_apis_calls_accepted_and_refused_and_the_totals_add_up()
    {
        var (emulator, clock) = await StartAsync(new EmulatorOptions { RateLimit = 2, AppRateLimit = 5 });
        await using var _ = emulator;
        var badSig = emulator.ValidParameters();
        badSig["usersig"] = "garbage";

        foreach (var at in new[] { 0, 1, 2 })
        {
            await CallAtAsync(emulator, clock, at, Info);            // 0, 0, 60007
        }
        await CallAtAsync(emulator, clock, 3, Check);                // 0
        await CallAtAsync(emulator, clock, 4, TestEmulator.AccountCheck); // 0
        await CallAtAsync(emulator, clock, 5, Check);                // 60011: the app's sixth
        await emulator.CallAsync(badSig, Body, Check);               // 70003: not counted by any limit
        await emulator.CallAsync(body: Body, api: "follow/follow_nothing"); // 60009

        var stats = await StatsAsync(emulator);
        Assert.Equal(8, stats.GetProperty("calls").GetInt32());
        Assert.Equal(4, stats.GetProperty("accepted").GetInt32());
        Assert.Equal(2, stats.GetProperty("rateLimited").GetInt32());
        Assert.Equal(1, stats.GetProperty("apiLimitRefusals").GetInt32());
        Assert.Equal(1, stats.GetProperty("appLimitRefusals").GetInt32());
        Assert.Equal(6, stats.GetProperty("maxCallsInCalendarSecond").GetInt32());
        Assert.Equal(
            """{"account_check":1,"follow/follow_nothing":1,"follow_check":3,"follow_get_info":3}""",
            stats.GetProperty("callsByApi").GetRawText());

        var byApi = stats.GetProperty("byApi");
        Assert.Equal(
            """{"calls":3,"accepted":2,"rateLimited":1,"apiLimitRefusals":1,"appLimitRefusals":0,"maxCallsInAnySecond":3,"maxCallsInCalendarSecond":3}""",
            byApi.GetProperty(Info).GetRawText());
        Assert.Equal(
            """{"calls":3,"accepted":1,"rateLimited":1,"apiLimitRefusals":0,"appLimitRefusals":1,"maxCallsInAnySecond":2,"maxCallsInCalendarSecond":2}""",
            byApi.GetProperty(Check).GetRawText());
        Assert.Equal(1, byApi.GetProperty("account_check").GetProperty("accepted").GetInt32());
        // A command that is not served reaches no counter.
        Assert.Equal(0, byApi.GetProperty("follow/follow_nothing").GetProperty("maxCallsInAnySecond").GetInt32());
        foreach (var name in new[] { "calls", "accepted", "rateLimited", "apiLimitRefusals", "appLimitRefusals" })
        {
            Assert.Equal(stats.GetProperty(name).GetInt32(), byApi.EnumerateObject().Sum(api => api.Value.GetProperty(name).GetInt32()));
        }

        using var reset = await emulator.Http.PostAsync("/_emulator/reset", null);
        Assert.Equal("{}", (await StatsAsync(emulator)).GetProperty("byApi").GetRawText());
        Assert.Equal(0, await CallAtAsync(emulator, clock, 6, Info)); // the counters are empty again, same second
    }
}
