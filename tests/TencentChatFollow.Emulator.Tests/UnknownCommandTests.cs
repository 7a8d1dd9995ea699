namespace TencentChatFollow.Emulator.Tests;

/// <summary>A REST call to a command the emulator does not serve: 60009, as Tencent answers a URL it has no API for.</summary>
public class UnknownCommandTests
{
    [Theory]
    [InlineData("im_open_login_svc/account_import")]
    [InlineData("profile/portrait_get")]
    [InlineData("follow/follow_nothing")]
    [InlineData("follow/Follow_Get_Info")]
    [InlineData("no_such_service/account_check")]
    public async Task Is_http_200_with_a_60009_fail_envelope_logged_under_its_service_and_command(string api)
    {
        await using var emulator = await TestEmulator.StartAsync();

        var envelope = await emulator.CallAsync(body: """{"CheckItem":[{"UserID":"administrator"}]}""", api: api);

        Envelope.AssertFail(envelope, ErrorCodes.RequestResourceError);
        Assert.Contains($"v4/{api}", envelope.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
        var entry = (await emulator.GetJsonAsync("/_emulator/requests"))[0];
        Assert.Equal(api, entry.GetProperty("api").GetString());
        Assert.Equal(ErrorCodes.RequestResourceError, entry.GetProperty("errorCode").GetInt32());
        Assert.Equal(1, (await emulator.GetJsonAsync("/_emulator/stats")).GetProperty("callsByApi").GetProperty(api).GetInt32());
    }

    [Fact]
    public async Task Comes_after_the_url_usersig_and_admin_checks_whatever_the_body()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: "alice,bob");
        var badSig = emulator.ValidParameters();
        badSig["usersig"] = "garbage";
        var noAppId = emulator.ValidParameters();
        noAppId.Remove("sdkappid");
        const string api = "profile/portrait_get";

        Envelope.AssertFail(await emulator.CallAsync(noAppId, "{}", api), ErrorCodes.SdkAppIdMissing);
        Envelope.AssertFail(await emulator.CallAsync(badSig, "{}", api), ErrorCodes.UserSigUnparsable);
        Envelope.AssertFail(await emulator.CallAsync(emulator.ValidParameters("alice"), "{}", api), ErrorCodes.AdminRequired);
        Envelope.AssertFail(await emulator.CallAsync(body: "not json", api: api), ErrorCodes.RequestResourceError);
    }

    [Fact]
    public async Task Is_not_counted_by_the_rate_limits_nor_given_faults()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { RateLimit = 1, AppRateLimit = 1 }, clock: clock);
        await emulator.SetFaultsAsync(new { rate = 1.0, kinds = new[] { "502" } });

        for (var i = 0; i < 3; i++)
        {
            Envelope.AssertFail(await emulator.CallAsync(body: "{}", api: "profile/portrait_get"), ErrorCodes.RequestResourceError);
        }
        await emulator.SetFaultsAsync(new { rate = 0 });

        Envelope.AssertOk(await emulator.CallAsync());
        var stats = await emulator.GetJsonAsync("/_emulator/stats");
        Assert.Equal(1, stats.GetProperty("maxCallsInCalendarSecond").GetInt32());
        Assert.Equal(0, stats.GetProperty("faultsInjected").GetInt32());
    }
}
