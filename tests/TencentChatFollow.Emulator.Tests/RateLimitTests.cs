namespace TencentChatFollow.Emulator.Tests;

/// <summary>
/// The frequency limit on a clock the tests move by hand (so second boundaries are exact): by default enforced per UTC
/// calendar second, with the sliding 1000 ms peak measured and reported only; with --limit-window sliding enforced over
/// the trailing 1000 ms.
/// </summary>
public class RateLimitTests
{
    // A whole second, so Start.AddMilliseconds(n) for n in 0..999 is in the same calendar second.
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    /// <summary>Moves the clock to <paramref name="milliseconds"/> after <see cref="Start"/>, makes one call and returns its ErrorCode.</summary>
    private static async Task<int> CallAtAsync(TestEmulator emulator, ManualClock clock, int milliseconds)
    {
        clock.Advance(Start.AddMilliseconds(milliseconds) - clock.GetUtcNow());
        return (await emulator.CallAsync()).GetProperty("ErrorCode").GetInt32();
    }

    private static EmulatorOptions Sliding(int limit) => new() { RateLimit = limit, LimitWindow = LimitWindow.Sliding };

    private static async Task<int> StatAsync(TestEmulator emulator, string name)
        => (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty(name).GetInt32();

    [Fact]
    public async Task The_call_over_the_limit_in_one_calendar_second_is_60007_and_counted()
    {
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 5 }, clock: clock);

        var codes = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            codes.Add(await CallAtAsync(emulator, clock, i * 150)); // 0, 150, ..., 750: all in the first second
        }
        var nextSecond = await CallAtAsync(emulator, clock, 1000);

        Assert.Equal([0, 0, 0, 0, 0, 60007], codes);
        Assert.Equal(0, nextSecond);
        var stats = await emulator.GetJsonAsync("/_emulator/stats");
        Assert.Equal(7, stats.GetProperty("calls").GetInt32());
        Assert.Equal(6, stats.GetProperty("accepted").GetInt32());
        Assert.Equal(1, stats.GetProperty("rateLimited").GetInt32());
        Assert.Equal(1, stats.GetProperty("errorsByCode").GetProperty("60007").GetInt32());
        Assert.Equal(6, stats.GetProperty("maxCallsInCalendarSecond").GetInt32());
        var refused = (await emulator.GetJsonAsync("/_emulator/requests"))[5];
        Assert.Equal(6, refused.GetProperty("seq").GetInt32());
        Assert.Equal(60007, refused.GetProperty("errorCode").GetInt32());
    }

    [Fact]
    public async Task The_next_calendar_second_starts_fresh_even_a_few_milliseconds_later()
    {
        // A sliding 1000 ms window would refuse the calls at 1003 and 1004: 990, 995 and 999 are only ms before them.
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 2 }, clock: clock);

        Assert.Equal(0, await CallAtAsync(emulator, clock, 990));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 995));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 999));  // third in second 0
        Assert.Equal(0, await CallAtAsync(emulator, clock, 1003));     // first in second 1
        Assert.Equal(0, await CallAtAsync(emulator, clock, 1004));     // second in second 1
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1005)); // third in second 1

        Assert.Equal(2, await StatAsync(emulator, "rateLimited"));
        Assert.Equal(6, await StatAsync(emulator, "maxCallsInAnySecond"));
        Assert.Equal(3, await StatAsync(emulator, "maxCallsInCalendarSecond"));
    }

    [Fact]
    public async Task Refused_calls_count_in_their_second()
    {
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 2 }, clock: clock);

        Assert.Equal(0, await CallAtAsync(emulator, clock, 100));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 200));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 300));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 400));
        // Raised within the same second: this is the fifth call of the second, so 4 still refuses it. Had the two
        // refused calls not counted, it would be the third and pass.
        await emulator.SetFaultsAsync(new { rateLimit = 4 });
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 500));
        await emulator.SetFaultsAsync(new { rateLimit = 6 });
        Assert.Equal(0, await CallAtAsync(emulator, clock, 600));     // sixth
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 700)); // seventh

        Assert.Equal(4, await StatAsync(emulator, "rateLimited"));
        Assert.Equal(7, await StatAsync(emulator, "maxCallsInCalendarSecond"));
    }

    [Fact]
    public async Task Calls_refused_before_the_limit_do_not_count_towards_it()
    {
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 1 }, clock: new ManualClock(Start));
        var badSig = emulator.ValidParameters();
        badSig["usersig"] = "garbage";

        for (var i = 0; i < 3; i++)
        {
            Envelope.AssertFail(await emulator.CallAsync(badSig), ErrorCodes.UserSigUnparsable);
        }

        Envelope.AssertOk(await emulator.CallAsync());
        Assert.Equal(1, await StatAsync(emulator, "maxCallsInAnySecond"));
        Assert.Equal(1, await StatAsync(emulator, "maxCallsInCalendarSecond"));
    }

    [Fact]
    public async Task Both_peaks_are_tracked_and_include_refused_calls()
    {
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 2 }, clock: clock);

        // Three calls at 900 and three at 1100: one 1000 ms window holds all six, each calendar second three.
        var codes = new List<int>();
        foreach (var at in new[] { 900, 900, 900, 1100, 1100, 1100 })
        {
            codes.Add(await CallAtAsync(emulator, clock, at));
        }

        Assert.Equal([0, 0, 60007, 0, 0, 60007], codes);
        Assert.Equal(6, await StatAsync(emulator, "maxCallsInAnySecond"));
        Assert.Equal(3, await StatAsync(emulator, "maxCallsInCalendarSecond"));
    }

    [Fact]
    public async Task Peaks_are_kept_after_traffic_slows_down()
    {
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 0 }, clock: clock);

        foreach (var at in new[] { 500, 600, 700, 1200, 3000 })
        {
            Assert.Equal(0, await CallAtAsync(emulator, clock, at));
        }

        Assert.Equal(4, await StatAsync(emulator, "maxCallsInAnySecond"));      // 500, 600, 700, 1200
        Assert.Equal(3, await StatAsync(emulator, "maxCallsInCalendarSecond")); // 500, 600, 700
    }

    [Fact]
    public async Task The_limit_can_be_changed_at_run_time()
    {
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(clock: clock); // default 200

        await emulator.SetFaultsAsync(new { rateLimit = 1 });
        Assert.Equal(0, await CallAtAsync(emulator, clock, 0));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1));

        // The new limit applies to the calls already counted in the current second.
        await emulator.SetFaultsAsync(new { rateLimit = 3 });
        Assert.Equal(0, await CallAtAsync(emulator, clock, 2));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 3));

        await emulator.SetFaultsAsync(new { rateLimit = 0 });
        Assert.Equal(0, await CallAtAsync(emulator, clock, 4));

        await emulator.SetFaultsAsync(new { rateLimit = 1 });
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 5));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 1000));
    }

    [Fact]
    public async Task Zero_disables_the_limit()
    {
        // More calls in one calendar second than the default limit of 200, so 0 cannot be standing in for the default.
        const int calls = 250;
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 0 }, clock: new ManualClock(Start));

        for (var i = 0; i < calls; i++)
        {
            Envelope.AssertOk(await emulator.CallAsync());
        }

        Assert.Equal(0, await StatAsync(emulator, "rateLimited"));
        Assert.Equal(calls, await StatAsync(emulator, "maxCallsInCalendarSecond"));
        Assert.Equal(calls, await StatAsync(emulator, "maxCallsInAnySecond"));
    }

    [Fact]
    public async Task A_clock_that_steps_back_does_not_reopen_an_earlier_second()
    {
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 1 }, clock: clock);

        Assert.Equal(0, await CallAtAsync(emulator, clock, 1000));
        // The wall clock steps back into second 0: the call still counts in second 1, where it is the second call.
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 999));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 2000));
    }

    [Fact]
    public async Task Sliding_counts_the_trailing_1000_ms_so_a_new_calendar_second_does_not_reset_it()
    {
        // The same calls as The_next_calendar_second_starts_fresh_even_a_few_milliseconds_later, which calendar allows.
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(Sliding(2), clock: clock);

        Assert.Equal(0, await CallAtAsync(emulator, clock, 990));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 995));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 999));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1003));
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1004));

        Assert.Equal(3, await StatAsync(emulator, "rateLimited"));
        Assert.Equal(5, await StatAsync(emulator, "calls"));
        Assert.Equal(5, await StatAsync(emulator, "maxCallsInAnySecond"));
        Assert.Equal(3, await StatAsync(emulator, "maxCallsInCalendarSecond"));
    }

    [Fact]
    public async Task Sliding_forgets_a_call_exactly_1000_ms_later()
    {
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(Sliding(2), clock: clock);

        Assert.Equal(0, await CallAtAsync(emulator, clock, 0));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 999));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 1000));     // the call at 0 is out of (0, 1000]
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1001)); // 999, 1000, 1001; calendar would allow it
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1998)); // 999, 1000, 1001, 1998
        // The refused 1001 and 1998 still count at 2000: 1001, 1998, 2000.
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 2000));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 2999));     // 2000, 2999
        Assert.Equal(3, await StatAsync(emulator, "rateLimited"));
    }

    [Fact]
    public async Task A_client_that_keeps_hammering_stays_refused_under_sliding_but_not_under_calendar()
    {
        // Ten calls a second against a limit of five, for three seconds.
        var times = Enumerable.Range(0, 30).Select(i => i * 100).ToArray();

        async Task<List<int>> RunAsync(LimitWindow window)
        {
            var clock = new ManualClock(Start);
            await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 5, LimitWindow = window }, clock: clock);
            var codes = new List<int>();
            foreach (var at in times)
            {
                codes.Add(await CallAtAsync(emulator, clock, at));
            }
            var stats = await emulator.GetJsonAsync("/_emulator/stats");
            Assert.Equal(30, stats.GetProperty("calls").GetInt32());
            Assert.Equal(codes.Count(c => c == 60007), stats.GetProperty("rateLimited").GetInt32());
            Assert.Equal(10, stats.GetProperty("maxCallsInAnySecond").GetInt32());
            Assert.Equal(10, stats.GetProperty("maxCallsInCalendarSecond").GetInt32());
            return codes;
        }

        var calendar = await RunAsync(LimitWindow.Calendar);
        var sliding = await RunAsync(LimitWindow.Sliding);

        // Calendar: the first five of every second pass.
        Assert.Equal(times.Select(t => t % 1000 < 500 ? 0 : 60007), calendar);
        // Sliding: only the first five; after that every window holds ten calls.
        Assert.Equal(times.Select(t => t < 500 ? 0 : 60007), sliding);
    }

    [Fact]
    public async Task The_window_can_be_switched_at_run_time_and_applies_to_calls_already_counted()
    {
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 2 }, clock: clock);
        Assert.Equal("calendar", (await emulator.GetJsonAsync("/_emulator/faults")).GetProperty("limitWindow").GetString());

        Assert.Equal(0, await CallAtAsync(emulator, clock, 990));
        Assert.Equal(0, await CallAtAsync(emulator, clock, 995));
        var settings = await emulator.SetFaultsAsync(new { limitWindow = "sliding" });
        Assert.Equal("sliding", settings.GetProperty("limitWindow").GetString());
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1003)); // 990, 995, 1003 in the trailing second
        await emulator.SetFaultsAsync(new { limitWindow = "calendar" });
        Assert.Equal(0, await CallAtAsync(emulator, clock, 1004));     // second 1 holds 1003 and 1004; sliding would refuse
        Assert.Equal(60007, await CallAtAsync(emulator, clock, 1005)); // third in second 1
    }

    [Fact]
    public async Task Concurrent_keep_alive_calls_are_all_answered_and_logged_in_order()
    {
        const int calls = 400;
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 0 }, "alice,bob");
        var parameters = emulator.ValidParameters();
        using var gate = new SemaphoreSlim(64);

        var codes = await Task.WhenAll(Enumerable.Range(0, calls).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                return (await emulator.CallAsync(parameters, """{"From_Account":"alice","To_Account":["bob","alice"]}"""))
                    .GetProperty("ErrorCode").GetInt32();
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.All(codes, code => Assert.Equal(0, code));
        var stats = await emulator.GetJsonAsync("/_emulator/stats");
        Assert.Equal(calls, stats.GetProperty("accepted").GetInt32());
        Assert.Equal(calls, stats.GetProperty("batchSizes").GetProperty("2").GetInt32());
        var log = (await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray().Select(e => e.GetProperty("seq").GetInt64());
        Assert.Equal(Enumerable.Range(1, calls).Select(i => (long)i), log);
    }
}
