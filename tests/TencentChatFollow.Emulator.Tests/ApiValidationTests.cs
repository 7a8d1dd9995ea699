namespace TencentChatFollow.Emulator.Tests;

/// <summary>Every way a call can fail before it reaches the follow graph, and the order of the checks.</summary>
public class ApiValidationTests
{
    [Theory]
    [InlineData("sdkappid", null, ErrorCodes.SdkAppIdMissing)]
    [InlineData("sdkappid", "", ErrorCodes.SdkAppIdMissing)]
    [InlineData("sdkappid", "abc", ErrorCodes.InvalidSdkAppId)]
    [InlineData("sdkappid", "-1", ErrorCodes.InvalidSdkAppId)]
    [InlineData("sdkappid", "4294967296", ErrorCodes.InvalidSdkAppId)]
    [InlineData("identifier", null, ErrorCodes.AccountOrSignatureError)]
    [InlineData("identifier", "", ErrorCodes.AccountOrSignatureError)]
    [InlineData("usersig", null, ErrorCodes.AccountOrSignatureError)]
    [InlineData("usersig", "", ErrorCodes.AccountOrSignatureError)]
    [InlineData("random", null, ErrorCodes.HttpParseError)]
    [InlineData("random", "x", ErrorCodes.HttpParseError)]
    [InlineData("random", "-1", ErrorCodes.HttpParseError)]
    [InlineData("random", "4294967296", ErrorCodes.HttpParseError)]
    [InlineData("contenttype", null, ErrorCodes.HttpParseError)]
    [InlineData("contenttype", "JSON", ErrorCodes.HttpParseError)]
    [InlineData("contenttype", "xml", ErrorCodes.HttpParseError)]
    public async Task A_bad_url_parameter_gets_its_error_code(string name, string? value, int expectedCode)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var parameters = emulator.ValidParameters();
        if (value is null)
        {
            parameters.Remove(name);
        }
        else
        {
            parameters[name] = value;
        }

        Envelope.AssertFail(await emulator.CallAsync(parameters), expectedCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4294967295")]
    public async Task Random_accepts_the_whole_uint32_range(string random)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var parameters = emulator.ValidParameters();
        parameters["random"] = random;

        Envelope.AssertOk(await emulator.CallAsync(parameters));
    }

    [Fact]
    public async Task Parameter_names_are_case_sensitive()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var parameters = emulator.ValidParameters();
        parameters["SdkAppId"] = parameters["sdkappid"];
        parameters.Remove("sdkappid");

        Envelope.AssertFail(await emulator.CallAsync(parameters), ErrorCodes.SdkAppIdMissing);
    }

    [Fact]
    public async Task Url_checks_run_in_order()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var noAppNoIdentifier = emulator.ValidParameters();
        noAppNoIdentifier.Remove("sdkappid");
        noAppNoIdentifier.Remove("identifier");
        var noIdentifierBadRandom = emulator.ValidParameters();
        noIdentifierBadRandom.Remove("identifier");
        noIdentifierBadRandom["random"] = "x";
        var badRandomBadContentType = emulator.ValidParameters();
        badRandomBadContentType["random"] = "x";
        badRandomBadContentType["contenttype"] = "xml";
        var otherAppBadSig = emulator.ValidParameters();
        otherAppBadSig["sdkappid"] = "1400000002";
        otherAppBadSig["usersig"] = "garbage";

        Envelope.AssertFail(await emulator.CallAsync(noAppNoIdentifier), ErrorCodes.SdkAppIdMissing);
        Envelope.AssertFail(await emulator.CallAsync(noIdentifierBadRandom), ErrorCodes.AccountOrSignatureError);
        var badRandom = await emulator.CallAsync(badRandomBadContentType);
        Envelope.AssertFail(badRandom, ErrorCodes.HttpParseError);
        Assert.Contains("random", badRandom.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
        Envelope.AssertFail(await emulator.CallAsync(otherAppBadSig), ErrorCodes.UnknownSdkAppId);
    }

    [Fact]
    public async Task Another_apps_sdkappid_is_unknown_here_like_a_wrong_region()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var parameters = emulator.ValidParameters();
        parameters["sdkappid"] = "1400000002";
        parameters["usersig"] = TestUserSig.Create(1400000002, emulator.Options.Key, TestEmulator.Admin, emulator.Clock.GetUtcNow().ToUnixTimeSeconds());

        var envelope = await emulator.CallAsync(parameters);

        Envelope.AssertFail(envelope, ErrorCodes.UnknownSdkAppId);
        Assert.Contains("region", envelope.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserSig_failures_get_their_codes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var now = emulator.Clock.GetUtcNow().ToUnixTimeSeconds();
        var key = emulator.Options.Key;
        var appId = emulator.Options.SdkAppId;

        async Task ExpectAsync(string userSig, int code, string identifier = TestEmulator.Admin)
        {
            var parameters = emulator.ValidParameters(identifier);
            parameters["usersig"] = userSig;
            Envelope.AssertFail(await emulator.CallAsync(parameters), code);
        }

        await ExpectAsync("eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy", ErrorCodes.UserSigUnparsable);
        await ExpectAsync(TestUserSig.Create(1400000002, key, TestEmulator.Admin, now), ErrorCodes.UserSigSdkAppIdMismatch);
        await ExpectAsync(TestUserSig.Create(appId, key, "someone.else", now), ErrorCodes.UserSigIdentifierMismatch);
        await ExpectAsync(TestUserSig.Create(appId, "not-the-emulator-key", TestEmulator.Admin, now), ErrorCodes.UserSigKeyMismatch);
        await ExpectAsync(TestUserSig.Create(appId, key, TestEmulator.Admin, now - 90000, expire: 86400), ErrorCodes.UserSigExpired);
    }

    [Fact]
    public async Task Only_app_admins_may_call()
    {
        await using var emulator = await TestEmulator.StartAsync(new EmulatorOptions { Admins = ["ops", "administrator"] }, "alice,bob");

        Envelope.AssertFail(await emulator.CallAsync(emulator.ValidParameters("alice")), ErrorCodes.AdminRequired);
        Envelope.AssertOk(await emulator.CallAsync(emulator.ValidParameters("ops")));
        Envelope.AssertOk(await emulator.CallAsync(emulator.ValidParameters("administrator")));
    }

    [Fact]
    public async Task The_admin_check_comes_before_the_body_check()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: "alice,bob");

        Envelope.AssertFail(await emulator.CallAsync(emulator.ValidParameters("alice"), "not json"), ErrorCodes.AdminRequired);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[\"administrator\"]")]
    [InlineData("\"administrator\"")]
    [InlineData("""{"From_Account":"administrator","To_Account":["administrator"]""")]
    [InlineData("""{"From_Account":"administrator","From_Account":"administrator","To_Account":["administrator"]}""")]
    public async Task A_body_that_is_not_a_json_object_is_60003(string body)
    {
        await using var emulator = await TestEmulator.StartAsync();

        Envelope.AssertFail(await emulator.CallAsync(body: body), ErrorCodes.JsonParseError);
    }

    [Theory]
    [InlineData("follow_get_info", """{"From_Account":"admin\uD800istrator","To_Account":["administrator"]}""")]
    [InlineData("follow_get_info", """{"From_Account":"administrator","To_Account":["a\uDC00b"]}""")]
    [InlineData(TestEmulator.AccountCheck, """{"CheckItem":[{"UserID":"\uD800"}]}""")]
    public async Task A_string_that_is_not_text_is_60003_and_logged_not_an_HTTP_500(string api, string body)
    {
        await using var emulator = await TestEmulator.StartAsync();

        Envelope.AssertFail(await emulator.CallAsync(body: body, api: api), ErrorCodes.JsonParseError);
        Assert.Single((await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray());
    }

    [Theory]
    [InlineData("""{"To_Account":["administrator"]}""", "From_Account")]
    [InlineData("""{"From_Account":"","To_Account":["administrator"]}""", "From_Account")]
    [InlineData("""{"from_account":"administrator","To_Account":["administrator"]}""", "From_Account")]
    [InlineData("""{"From_Account":"administrator"}""", "To_Account")]
    [InlineData("""{"From_Account":"administrator","To_Account":"administrator"}""", "To_Account")]
    [InlineData("""{"From_Account":"administrator","To_Account":["administrator",null]}""", "To_Account")]
    [InlineData("""{"From_Account":"administrator","To_Account":[]}""", "To_Account")]
    public async Task A_bad_field_is_30001_naming_the_field(string body, string field)
    {
        await using var emulator = await TestEmulator.StartAsync();

        var envelope = await emulator.CallAsync(body: body);

        Envelope.AssertFail(envelope, ErrorCodes.InvalidParameter);
        Assert.Contains(field, envelope.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twenty_ids_are_accepted_and_twenty_one_are_30001()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var twenty = Enumerable.Repeat(TestEmulator.Admin, 20).ToArray();

        Assert.Equal(20, Envelope.AssertOk(await emulator.CallAsync(TestEmulator.Admin, twenty)).Length);
        var tooMany = await emulator.CallAsync(TestEmulator.Admin, [.. twenty, TestEmulator.Admin]);
        Envelope.AssertFail(tooMany, ErrorCodes.InvalidParameter);
        Assert.Contains("21", tooMany.GetProperty("ErrorInfo").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_From_Account_fails_the_whole_call_with_30003()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: "alice,bob");

        Envelope.AssertFail(await emulator.CallAsync("nobody", "alice"), ErrorCodes.AccountNotFound);
    }

    [Fact]
    public async Task Paths_that_are_not_a_rest_call_and_other_methods_are_404_with_a_fail_envelope()
    {
        await using var emulator = await TestEmulator.StartAsync();

        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, "/v4/follow/follow_get_info"), (HttpMethod.Get, "/v4/follow/follow_add"),
                     (HttpMethod.Get, "/v4/im_open_login_svc/account_check"), (HttpMethod.Get, "/v4/friend/friend_add"),
                     (HttpMethod.Post, "/v4/follow"), (HttpMethod.Post, "/v3/follow/follow_get_info"),
                     (HttpMethod.Post, "/v4/follow/follow_get_info/extra"), (HttpMethod.Get, "/favicon.ico"),
                 })
        {
            using var request = new HttpRequestMessage(method, path);
            using var response = await emulator.Http.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
            Envelope.AssertFail(TestEmulator.Parse(await response.Content.ReadAsStringAsync()), ErrorCodes.HttpParseError);
        }
        Assert.Empty((await emulator.GetJsonAsync("/_emulator/requests")).EnumerateArray());
    }
}
