namespace TencentChatFollow.Emulator.Tests;

/// <summary>The sliding-window frequency limit, on a clock the tests move by hand.</summary>
public class RateLimitTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public async Task The_call_over_the_limit_in_one_second_is_60007_and_counted()
    {
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 5 }, clock: clock);

        var codes = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            codes.Add((await emulator.CallAsync()).GetProperty("ErrorCode").GetInt32());
        }
        clock.Advance(TimeSpan.FromMilliseconds(1000));
        var afterWindow = await emulator.CallAsync();

        Assert.Equal([0, 0, 0, 0, 0, 60007], codes);
        Envelope.AssertOk(afterWindow);
        var stats = await emulator.GetJsonAsync("/_emulator/stats");
        Assert.Equal(7, stats.GetProperty("calls").GetInt32());
        Assert.Equal(6, stats.GetProperty("accepted").GetInt32());
        Assert.Equal(1, stats.GetProperty("rateLimited").GetInt32());
        Assert.Equal(1, stats.GetProperty("errorsByCode").GetProperty("60007").GetInt32());
        Assert.Equal(6, stats.GetProperty("maxCallsInAnySecond").GetInt32());
    }

    [Fact]
    public async Task The_window_slides_and_refused_calls_stay_in_it()
    {
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 2 }, clock: clock);

        async Task<int> CallAtAsync(int milliseconds)
        {
            clock.Advance(Start.AddMilliseconds(milliseconds) - clock.GetUtcNow());
            return (await emulator.CallAsync()).GetProperty("ErrorCode").GetInt32();
        }

        Assert.Equal(0, await CallAtAsync(0));
        Assert.Equal(0, await CallAtAsync(500));
        Assert.Equal(60007, await CallAtAsync(999));   // 0, 500, 999
        Assert.Equal(60007, await CallAtAsync(1400));  // 500, 999 (refused, still counted), 1400
        Assert.Equal(0, await CallAtAsync(2000));      // 1400, 2000
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
        Assert.Equal(1, (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty("maxCallsInAnySecond").GetInt32());
    }

    [Fact]
    public async Task Zero_disables_the_limit_and_peaks_are_tracked_per_window_and_per_calendar_second()
    {
        var clock = new ManualClock(Start.AddMilliseconds(900));
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 0 }, clock: clock);

        for (var i = 0; i < 3; i++)
        {
            Envelope.AssertOk(await emulator.CallAsync());
        }
        clock.Advance(TimeSpan.FromMilliseconds(200)); // into the next calendar second, same sliding window
        for (var i = 0; i < 3; i++)
        {
            Envelope.AssertOk(await emulator.CallAsync());
        }

        var stats = await emulator.GetJsonAsync("/_emulator/stats");
        Assert.Equal(6, stats.GetProperty("maxCallsInAnySecond").GetInt32());
        Assert.Equal(3, stats.GetProperty("maxCallsInCalendarSecond").GetInt32());
    }

    [Fact]
    public async Task The_limit_can_be_changed_at_run_time()
    {
        await using var emulator = await TestEmulator.StartAsync(clock: new ManualClock(Start));

        await emulator.SetFaultsAsync(new { rateLimit = 1 });

        Envelope.AssertOk(await emulator.CallAsync());
        Envelope.AssertFail(await emulator.CallAsync(), ErrorCodes.FrequencyLimit);
    }

    [Fact]
    public async Task Concurrent_keep_alive_calls_are_all_answered_and_logged_in_order()
    {
        const int Calls = 400;
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 0 }, "alice,bob");
        var parameters = emulator.ValidParameters();
        using var gate = new SemaphoreSlim(64);

        var codes = await Task.WhenAll(Enumerable.Range(0, Calls).Select(async _ =>
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
        Assert.Equal(Calls, stats.GetProperty("accepted").GetInt32());
        Assert.Equal(Calls, stats.GetProperty("batchSizes").GetProperty("2").GetInt32());
        var log = (await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray().Select(e => e.GetProperty("seq").GetInt64());
        Assert.Equal(Enumerable.Range(1, Calls).Select(i => (long)i), log);
    }
}
