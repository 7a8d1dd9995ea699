using System.Net;

namespace TencentChatFollow.Emulator.Tests;

/// <summary>
/// The timed outage: it starts --outage-at seconds after the first API call since start or reset and lasts --outage-s
/// seconds, on a clock the tests move by hand.
/// </summary>
public class OutageTests
{
    // Not on a whole second, so nothing here depends on calendar seconds unless a test says so.
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_300);

    private const string Graph = "alice,bob\nbob,alice\ncarol,alice";
    private const string ThreeIds = """{"From_Account":"alice","To_Account":["alice","bob","carol"]}""";

    private static void MoveTo(ManualClock clock, int milliseconds, DateTimeOffset? start = null) =>
        clock.Advance((start ?? Start).AddMilliseconds(milliseconds) - clock.GetUtcNow());

    /// <summary>Makes one call at <paramref name="milliseconds"/> after <see cref="Start"/>; returns the HTTP status.</summary>
    private static async Task<HttpStatusCode> StatusAtAsync(TestEmulator emulator, ManualClock clock, int milliseconds)
    {
        MoveTo(clock, milliseconds);
        using var response = await emulator.PostAsync(body: ThreeIds);
        return response.StatusCode;
    }

    private static async Task<int> CodeAtAsync(TestEmulator emulator, ManualClock clock, int milliseconds, string body = ThreeIds)
    {
        MoveTo(clock, milliseconds);
        return (await emulator.CallAsync(body: body)).GetProperty("ErrorCode").GetInt32();
    }

    private static async Task<int> StatAsync(TestEmulator emulator, string name) =>
        (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty(name).GetInt32();

    [Fact]
    public async Task The_outage_starts_outage_at_seconds_after_the_first_call_and_lasts_outage_s_seconds()
    {
        var clock = new ManualClock(Start);
        var options = new EmulatorOptions { OutageAtS = 2.5, OutageS = 1.5 };
        await using var emulator = await TestEmulator.StartAsync(options, Graph, clock);
        MoveTo(clock, -60_000); // idle time before the first call does not count
        MoveTo(clock, 0);

        var statuses = new List<HttpStatusCode>();
        foreach (var at in new[] { 0, 2499, 2500, 3000, 3999, 4000, 9000 })
        {
            statuses.Add(await StatusAtAsync(emulator, clock, at));
        }

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.BadGateway,
             HttpStatusCode.OK, HttpStatusCode.OK],
            statuses);
        var log = (await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray().ToList();
        Assert.Equal([false, false, true, true, true, false, false], log.Select(e => e.GetProperty("outage").GetBoolean()));
        Assert.Equal([null, null, "502", "502", "502", null, null], log.Select(e => e.GetProperty("fault").GetString()));
        Assert.Equal(3, await StatAsync(emulator, "outageCalls"));
        Assert.Equal(3, await StatAsync(emulator, "faultsInjected"));
        Assert.Equal(4, await StatAsync(emulator, "accepted"));
        Assert.Equal(7, await StatAsync(emulator, "calls"));
    }

    [Fact]
    public async Task During_the_outage_checks_1_to_4_still_answer_but_the_rate_limit_and_body_are_not_reached()
    {
        // A whole second, so the calendar-second rate limit can be watched.
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var clock = new ManualClock(start);
        var options = new EmulatorOptions { RateLimit = 1, OutageAtS = 0, OutageS = 0.5, OutageKind = FaultKind.NetworkTimeout };
        await using var emulator = await TestEmulator.StartAsync(options, "alice,bob", clock);
        var badSig = emulator.ValidParameters();
        badSig["usersig"] = "garbage";

        async Task<int> AtAsync(int ms, Dictionary<string, string>? parameters = null, string body = TestEmulator.DefaultBody)
        {
            MoveTo(clock, ms, start);
            return (await emulator.CallAsync(parameters, body)).GetProperty("ErrorCode").GetInt32();
        }

        Assert.Equal(70003, await AtAsync(0, badSig));                           // the first call starts the clock
        Assert.Equal(30007, await AtAsync(100));                                 // at 0 s: the outage starts at once
        Assert.Equal(30007, await AtAsync(150));                                 // not refused by the limit of 1
        Assert.Equal(30007, await AtAsync(200, body: "not json"));               // the body is not read
        Assert.Equal(60010, await AtAsync(300, emulator.ValidParameters("alice"))); // not an admin
        Assert.Equal(0, await AtAsync(500));                                     // over; the first counted call this second
        Assert.Equal(60007, await AtAsync(600));

        Assert.Equal(3, await StatAsync(emulator, "outageCalls"));
        Assert.Equal(1, await StatAsync(emulator, "rateLimited"));
        Assert.Equal(2, await StatAsync(emulator, "maxCallsInCalendarSecond"));
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("429")]
    [InlineData("html")]
    [InlineData("60008")]
    public async Task Any_kind_that_replaces_the_answer_can_be_the_outage(string kind)
    {
        var clock = new ManualClock(Start);
        var (options, errors) = EmulatorOptions.Parse(["--outage-at", "1", "--outage-s", "1", "--outage-kind", kind]);
        Assert.Empty(errors);
        await using var emulator = await TestEmulator.StartAsync(options, Graph, clock);
        Assert.Equal(HttpStatusCode.OK, await StatusAtAsync(emulator, clock, 0));

        MoveTo(clock, 1000);
        if (kind == "drop")
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => emulator.PostAsync(body: ThreeIds));
        }
        else
        {
            using var response = await emulator.PostAsync(body: ThreeIds);
            var body = await response.Content.ReadAsStringAsync();
            switch (kind)
            {
                case "429":
                    Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                    break;
                case "html":
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.StartsWith("<html>", body, StringComparison.Ordinal);
                    break;
                default:
                    Envelope.AssertFail(TestEmulator.Parse(body), 60008);
                    break;
            }
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAtAsync(emulator, clock, 2000));
        // The log is in order of completion: a dropped call may be logged after the next one, so find it by its flag.
        var log = (await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray().ToList();
        var entry = Assert.Single(log, e => e.GetProperty("outage").GetBoolean());
        Assert.Equal(kind, entry.GetProperty("fault").GetString());
        Assert.Equal(1, await StatAsync(emulator, "outageCalls"));
    }

    [Fact]
    public async Task A_kind_that_bends_the_answer_hits_every_call_that_passes_all_checks()
    {
        var clock = new ManualClock(Start);
        var options = new EmulatorOptions { OutageAtS = 0, OutageS = 10, OutageKind = FaultKind.Missing };
        await using var emulator = await TestEmulator.StartAsync(options, Graph, clock);

        for (var i = 0; i < 5; i++)
        {
            MoveTo(clock, i * 100);
            Assert.Equal(2, Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds)).Length);
        }
        Assert.Equal(30001, await CodeAtAsync(emulator, clock, 600, """{"From_Account":"alice"}"""));
        Assert.Equal(30003, await CodeAtAsync(emulator, clock, 700, """{"From_Account":"nobody","To_Account":["alice"]}"""));

        Assert.Equal(5, await StatAsync(emulator, "outageCalls"));
        Assert.Equal(5, await StatAsync(emulator, "accepted"));
    }

    [Fact]
    public async Task The_outage_replaces_random_faults_while_it_lasts()
    {
        var clock = new ManualClock(Start);
        var options = new EmulatorOptions { FaultRate = 1, Faults = [FaultKind.InternalError], OutageAtS = 1, OutageS = 1 };
        await using var emulator = await TestEmulator.StartAsync(options, Graph, clock);

        Assert.Equal(30006, await CodeAtAsync(emulator, clock, 0));
        Assert.Equal(HttpStatusCode.BadGateway, await StatusAtAsync(emulator, clock, 1500));
        Assert.Equal(30006, await CodeAtAsync(emulator, clock, 2000));

        Assert.Equal(1, await StatAsync(emulator, "outageCalls"));
        Assert.Equal(3, await StatAsync(emulator, "faultsInjected"));
    }

    [Fact]
    public async Task The_outage_can_be_set_at_run_time_and_reset_times_it_from_the_next_call()
    {
        var clock = new ManualClock(Start);
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph, clock: clock);
        Assert.Equal(0, await CodeAtAsync(emulator, clock, 0)); // the first call: the outage is timed from here

        var settings = await emulator.SetFaultsAsync(new { outageAtS = 1, outageS = 2.5, outageKind = "30007" });
        Assert.Equal(1, settings.GetProperty("outageAtS").GetDouble());
        Assert.Equal(2.5, settings.GetProperty("outageS").GetDouble());
        Assert.Equal("30007", settings.GetProperty("outageKind").GetString());

        Assert.Equal(0, await CodeAtAsync(emulator, clock, 999));
        Assert.Equal(30007, await CodeAtAsync(emulator, clock, 1000));
        Assert.Equal(30007, await CodeAtAsync(emulator, clock, 3499));
        Assert.Equal(0, await CodeAtAsync(emulator, clock, 3500));
        Assert.Equal(2, await StatAsync(emulator, "outageCalls"));

        using (await emulator.Http.PostAsync("/_emulator/reset", null))
        {
        }
        Assert.Equal(0, await StatAsync(emulator, "outageCalls"));
        Assert.Equal(0, await CodeAtAsync(emulator, clock, 10_000)); // the new first call
        Assert.Equal(0, await CodeAtAsync(emulator, clock, 10_999));
        Assert.Equal(30007, await CodeAtAsync(emulator, clock, 11_000));

        await emulator.SetFaultsAsync(new { outageS = 0 }); // 0 ends it at once
        Assert.Equal(0, await CodeAtAsync(emulator, clock, 11_001));
    }
}
