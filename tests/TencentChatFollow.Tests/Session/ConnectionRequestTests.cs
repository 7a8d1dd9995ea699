using System.Text;
using TencentChatFollow.Auth;
using TencentChatFollow.Endpoints;
using TencentChatFollow.Session;
using Xunit;

namespace TencentChatFollow.Tests.Session;

public class ConnectionRequestTests
{
    private const string Key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    private const string OtherKey = "0000000000000000111111111111111122222222222222223333333333333333";
    private static readonly DateTimeOffset Now = new(2030, 6, 1, 8, 30, 15, TimeSpan.Zero);

    private static Func<string, string?> Env(params (string Name, string? Value)[] vars)
    {
        var map = vars.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => map.TryGetValue(name, out var v) ? v : null;
    }

    private static readonly Func<string, string?> NoEnv = _ => null;

    private static string CurrentSig(TencentChatSession s) => s.Sig.Current(Now);

    [Fact]
    public void Everything_can_come_from_the_environment()
    {
        var env = Env(
            ("TENCENTCHAT_SDKAPPID", " 1400000123 "),
            ("TENCENTCHAT_SECRETKEY", "  " + Key + "\n"),
            ("TENCENTCHAT_IDENTIFIER", "ops_admin"),
            ("TENCENTCHAT_REGION", "singapore"));

        var session = new ConnectionRequest().Connect(env, Now);

        Assert.Equal(1400000123u, session.SdkAppId);
        Assert.Equal("ops_admin", session.Identifier);
        Assert.Equal(new Uri("https://adminapisgp.im.qcloud.com/"), session.Endpoint);
        Assert.Equal(ChatRegion.Singapore, session.Region);
        Assert.Equal("SecretKey", session.AuthenticationMode);
        // Connect makes the first sig at once, so its expiry is known.
        Assert.Equal(new DateTimeOffset(2030, 6, 2, 8, 30, 15, TimeSpan.Zero), session.UserSigExpiresAt);
        var sig = CurrentSig(session);
        Assert.True(SigInspector.MadeWithKey(sig, Key)); // the key was trimmed
        Assert.Equal(("ops_admin", 1400000123u), (SigInspector.Open(sig).Identifier, SigInspector.Open(sig).SdkAppId));
    }

    [Fact]
    public void Explicit_values_win_over_the_environment()
    {
        var env = Env(
            ("TENCENTCHAT_SDKAPPID", "1400000123"),
            ("TENCENTCHAT_SECRETKEY", OtherKey),
            ("TENCENTCHAT_IDENTIFIER", "env_admin"),
            ("TENCENTCHAT_REGION", "Seoul"),
            ("TENCENTCHAT_ENDPOINT", "https://env.example.com/"));
        var request = new ConnectionRequest
        {
            SdkAppId = 1400000456,
            Identifier = "explicit_admin",
            SecretKey = Encoding.UTF8.GetBytes(Key),
            Region = ChatRegion.Frankfurt,
            MaxRequestsPerSecond = 50,
            MaxRetry = 2,
            Timeout = TimeSpan.FromSeconds(4),
            RetryTimeout = TimeSpan.FromSeconds(2),
        };

        var session = request.Connect(env, Now);

        Assert.Equal(1400000456u, session.SdkAppId);
        Assert.Equal("explicit_admin", session.Identifier);
        Assert.Equal(ChatRegion.Frankfurt, session.Region);
        Assert.Equal(new Uri("https://adminapiger.im.qcloud.com/"), session.Endpoint);
        Assert.Equal(50, session.MaxRequestsPerSecond);
        Assert.Equal(2, session.MaxRetry);
        Assert.Equal(TimeSpan.FromSeconds(4), session.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), session.RetryTimeout);
        var sig = CurrentSig(session);
        Assert.True(SigInspector.MadeWithKey(sig, Key));
        Assert.False(SigInspector.MadeWithKey(sig, OtherKey));
        Assert.Equal("explicit_admin", SigInspector.Open(sig).Identifier);
        Assert.Equal(1400000456u, SigInspector.Open(sig).SdkAppId);
    }

    [Fact]
    public void Defaults_are_administrator_China_and_the_documented_limits()
    {
        var session = new ConnectionRequest { SdkAppId = 1400000001, SecretKey = Encoding.UTF8.GetBytes(Key) }.Connect(NoEnv, Now);

        Assert.Equal("administrator", session.Identifier);
        Assert.Equal(ChatRegion.China, session.Region);
        Assert.Equal(new Uri("https://console.tim.qq.com/"), session.Endpoint);
        Assert.Equal(200, session.MaxRequestsPerSecond);
        Assert.Equal(TencentChatSession.DefaultMaxRetry, session.MaxRetry);
        // The service gives up after 3 s: the client must wait longer than that.
        Assert.True(session.Timeout > TimeSpan.FromSeconds(3));
        // A service that refuses every call (quota used up elsewhere) is waited out for a minute.
        Assert.Equal(TimeSpan.FromSeconds(60), session.RetryTimeout);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3601)]
    public void A_retry_timeout_out_of_range_is_refused(int seconds)
    {
        var request = new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key), RetryTimeout = TimeSpan.FromSeconds(seconds) };
        var ex = Assert.ThrowsAny<ArgumentException>(() => request.Connect(NoEnv, Now));
        Assert.Contains("retry timeout", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3600)]
    public void Retry_timeouts_from_a_second_to_an_hour_are_taken(int seconds)
    {
        var session = new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key), RetryTimeout = TimeSpan.FromSeconds(seconds) }.Connect(NoEnv, Now);
        Assert.Equal(TimeSpan.FromSeconds(seconds), session.RetryTimeout);
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("")]
    public void A_blank_identifier_variable_falls_back_to_administrator(string value)
    {
        var env = Env(("TENCENTCHAT_IDENTIFIER", value));
        var session = new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key) }.Connect(env, Now);
        Assert.Equal("administrator", session.Identifier);
    }

    [Fact]
    public void Identifiers_are_trimmed()
    {
        var session = new ConnectionRequest { SdkAppId = 7, Identifier = "  admin2 ", SecretKey = Encoding.UTF8.GetBytes(Key) }.Connect(NoEnv, Now);
        Assert.Equal("admin2", session.Identifier);
        Assert.Equal("admin2", SigInspector.Open(CurrentSig(session)).Identifier);
    }

    // Which source decides the endpoint: -Endpoint > -Region > TENCENTCHAT_ENDPOINT > TENCENTCHAT_REGION > China.
    [Theory]
    [InlineData(true, true, true, true, "http://127.0.0.1:5081/", null)]
    [InlineData(false, true, true, true, "https://adminapijpn.im.qcloud.com/", ChatRegion.Tokyo)]
    [InlineData(false, false, true, true, "https://env.example.com/", null)]
    [InlineData(false, false, false, true, "https://adminapiind.im.qcloud.com/", ChatRegion.Mumbai)]
    [InlineData(false, false, false, false, "https://console.tim.qq.com/", ChatRegion.China)]
    [InlineData(true, false, false, false, "http://127.0.0.1:5081/", null)]
    [InlineData(false, false, true, false, "https://env.example.com/", null)]
    public void Endpoint_precedence(bool explicitEndpoint, bool explicitRegion, bool envEndpoint, bool envRegion, string expected, ChatRegion? expectedRegion)
    {
        var env = Env(
            ("TENCENTCHAT_ENDPOINT", envEndpoint ? " https://env.example.com " : null),
            ("TENCENTCHAT_REGION", envRegion ? "Mumbai" : null));
        var request = new ConnectionRequest
        {
            SdkAppId = 7,
            SecretKey = Encoding.UTF8.GetBytes(Key),
            Endpoint = explicitEndpoint ? new Uri("http://127.0.0.1:5081") : null,
            Region = explicitRegion ? ChatRegion.Tokyo : null,
        };

        var session = request.Connect(env, Now);

        Assert.Equal(expected, session.Endpoint.AbsoluteUri);
        Assert.Equal(expectedRegion, session.Region);
    }

    [Fact]
    public void A_bad_lower_precedence_value_does_not_matter_when_a_higher_one_is_given()
    {
        var env = Env(("TENCENTCHAT_ENDPOINT", "http://not-loopback.example.com"), ("TENCENTCHAT_REGION", "Mars"));
        var session = new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key), Region = ChatRegion.Seoul }.Connect(env, Now);
        Assert.Equal(ChatRegion.Seoul, session.Region);
    }

    [Fact]
    public void One_error_lists_every_missing_piece()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest().Connect(NoEnv, Now));

        Assert.Contains("No SDKAppID", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TENCENTCHAT_SDKAPPID", ex.Message, StringComparison.Ordinal);
        Assert.Contains("No secret key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TENCENTCHAT_SECRETKEY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_error_lists_missing_and_bad_pieces_together()
    {
        var env = Env(("TENCENTCHAT_SDKAPPID", "abc"), ("TENCENTCHAT_REGION", "Mars"));
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest().Connect(env, Now));

        Assert.Contains("TENCENTCHAT_SDKAPPID is 'abc'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TENCENTCHAT_REGION is 'Mars'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("No secret key", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("4294967296")]
    [InlineData("1.5")]
    [InlineData("1e5")]
    [InlineData("12 34")]
    [InlineData("0x10")]
    public void A_bad_SDKAppID_variable_is_named_with_its_value(string value)
    {
        var env = Env(("TENCENTCHAT_SDKAPPID", value), ("TENCENTCHAT_SECRETKEY", Key));
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest().Connect(env, Now));
        Assert.Contains($"TENCENTCHAT_SDKAPPID is '{value}'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1u)]
    [InlineData("4294967295", 4294967295u)]
    [InlineData(" 1400000000\t", 1400000000u)]
    public void Valid_SDKAppID_variables_are_read(string value, uint expected)
    {
        var env = Env(("TENCENTCHAT_SDKAPPID", value), ("TENCENTCHAT_SECRETKEY", Key));
        Assert.Equal(expected, new ConnectionRequest().Connect(env, Now).SdkAppId);
    }

    [Fact]
    public void A_bad_region_variable_is_named_and_the_regions_listed()
    {
        var env = Env(("TENCENTCHAT_REGION", "Atlantis"));
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key) }.Connect(env, Now));
        Assert.Contains("TENCENTCHAT_REGION is 'Atlantis'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SiliconValley", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Jakarta", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_numeric_region_variable_is_refused()
    {
        var env = Env(("TENCENTCHAT_REGION", "3"));
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key) }.Connect(env, Now));
        Assert.Contains("TENCENTCHAT_REGION is '3'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a uri", "TENCENTCHAT_ENDPOINT is 'not a uri'")]
    [InlineData("adminapisgp.im.qcloud.com", "TENCENTCHAT_ENDPOINT is 'adminapisgp.im.qcloud.com'")]
    [InlineData("http://adminapisgp.im.qcloud.com", "http://adminapisgp.im.qcloud.com")]
    [InlineData("https://example.com/?a=1", "https://example.com/")]
    public void A_bad_endpoint_variable_is_named(string value, string expected)
    {
        var env = Env(("TENCENTCHAT_ENDPOINT", value));
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key) }.Connect(env, Now));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_endpoint_with_the_API_path_connects_to_its_base_and_says_so(bool fromEnvironment)
    {
        const string copied = "http://127.0.0.1:5080/v4/follow/follow_get_info";
        var request = new ConnectionRequest
        {
            SdkAppId = 7,
            SecretKey = Encoding.UTF8.GetBytes(Key),
            Endpoint = fromEnvironment ? null : new Uri(copied),
        };

        var session = request.Connect(fromEnvironment ? Env(("TENCENTCHAT_ENDPOINT", copied)) : NoEnv, Now);

        Assert.Equal("http://127.0.0.1:5080/", session.Endpoint.AbsoluteUri);
        var warning = Assert.Single(request.Warnings);
        Assert.Contains("http://127.0.0.1:5080 ", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_endpoint_gives_no_warning()
    {
        var request = new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key), Endpoint = new Uri("http://127.0.0.1:5080") };
        request.Connect(NoEnv, Now);
        Assert.Empty(request.Warnings);
    }

    [Theory]
    [InlineData("http://10.1.2.3:5080")]
    [InlineData("https://proxy.example.com/tencent")]
    [InlineData("ftp://127.0.0.1/")]
    public void A_refused_endpoint_message_has_no_parameter_name_tail(string endpoint)
    {
        var request = new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key), Endpoint = new Uri(endpoint) };
        var ex = Assert.Throws<ArgumentException>(() => request.Connect(NoEnv, Now));
        Assert.Null(ex.ParamName);
        Assert.DoesNotContain("Parameter", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("endpoint'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_explicit_endpoint_is_reported_with_the_other_problems()
    {
        var request = new ConnectionRequest { Endpoint = new Uri("http://10.1.2.3:5080") };
        var ex = Assert.Throws<ArgumentException>(() => request.Connect(NoEnv, Now));
        Assert.Contains("plain http", ex.Message, StringComparison.Ordinal);
        Assert.Contains("No SDKAppID", ex.Message, StringComparison.Ordinal);
        Assert.Contains("No secret key", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "-SecretKey is empty")]
    [InlineData(true, "The -Credential's password is empty")]
    public void An_empty_explicit_secret_key_is_named_as_empty(bool fromCredential, string expected)
    {
        var request = new ConnectionRequest { SdkAppId = 7, Identifier = "administrator", SecretKey = Array.Empty<byte>(), FromCredential = fromCredential };
        var ex = Assert.Throws<ArgumentException>(() => request.Connect(NoEnv, Now));
        Assert.StartsWith("Cannot connect to Tencent Cloud Chat. " + expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("No secret key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_credential_says_so_and_what_to_pass()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest { SdkAppId = 7, FromCredential = true }.Connect(NoEnv, Now));
        Assert.StartsWith("Cannot connect to Tencent Cloud Chat. The -Credential is empty", ex.Message, StringComparison.Ordinal);
        Assert.Contains("password is the secret key", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("   ", false, "-Identifier is blank")]
    [InlineData("", true, "The -Credential's user name is blank")]
    [InlineData(" ", true, "The -Credential's user name is blank")]
    public void A_blank_identifier_is_named(string identifier, bool fromCredential, string expected)
    {
        var request = new ConnectionRequest { SdkAppId = 7, Identifier = identifier, SecretKey = Encoding.UTF8.GetBytes(Key), FromCredential = fromCredential };
        var ex = Assert.Throws<ArgumentException>(() => request.Connect(NoEnv, Now));
        Assert.StartsWith("Cannot connect to Tencent Cloud Chat. " + expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TENCENTCHAT_SDKAPPID")]
    [InlineData("TENCENTCHAT_REGION")]
    [InlineData("TENCENTCHAT_ENDPOINT")]
    public void A_secret_key_in_another_variable_is_described_not_shown(string variable)
    {
        var env = variable == "TENCENTCHAT_SDKAPPID"
            ? Env((variable, Key), ("TENCENTCHAT_SECRETKEY", "1400000001"))
            : Env((variable, Key), ("TENCENTCHAT_SECRETKEY", "1400000001"), ("TENCENTCHAT_SDKAPPID", "1400000001"));
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest().Connect(env, Now));
        Assert.Contains($"{variable} is a text of 64 characters (64 hexadecimal digits), which looks like a secret key", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key.Substring(0, 8), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_bad_value_is_described_by_its_length_only()
    {
        var env = Env(("TENCENTCHAT_SDKAPPID", "pa$$word-that-is-long-enough"), ("TENCENTCHAT_SECRETKEY", Key));
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest().Connect(env, Now));
        Assert.Contains("TENCENTCHAT_SDKAPPID is a text of 28 characters (not shown: it may be a secret)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("word", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_endpoint_of_user_info_and_host_without_a_scheme_never_shows_the_user_info(bool fromEnvironment)
    {
        const string copied = "ops:secret-pw@console.tim.qq.com";
        var request = new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key), Endpoint = fromEnvironment ? null : new Uri(copied) };
        var ex = Assert.Throws<ArgumentException>(() => request.Connect(fromEnvironment ? Env(("TENCENTCHAT_ENDPOINT", copied)) : NoEnv, Now));
        Assert.Contains("Endpoint 'ops:...' must use https", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("console.tim.qq.com/v4/follow/follow_get_info?usersig=eJyrVgrxCdZRSq0oyCx&identifier=administrator", "'console.tim.qq.com/...' (its path and query not shown)")]
    [InlineData("console.tim.qq.com?usersig=eJyrVgrxCdZRSq0oyCx", "'console.tim.qq.com/...' (its path and query not shown)")]
    [InlineData("console.tim.qq.com\\ops@secret-pw", "'console.tim.qq.com/...' (its path and query not shown)")]
    public void An_endpoint_variable_without_a_scheme_shows_its_host_only(string value, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key) }.Connect(Env(("TENCENTCHAT_ENDPOINT", value)), Now));
        Assert.Contains("TENCENTCHAT_ENDPOINT is " + expected + ", which is not an absolute URI", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("eJy", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"", null, "TENCENTCHAT_SECRETKEY is wrapped in quotes")]
    [InlineData("'", null, "TENCENTCHAT_SECRETKEY is wrapped in quotes")]
    [InlineData("\"", false, "The -SecretKey is wrapped in quotes")]
    [InlineData("'", true, "The -Credential's password is wrapped in quotes")]
    public void A_secret_key_wrapped_in_quotes_is_refused_saying_so_never_blamed_on_the_key(string quote, bool? fromCredential, string expected)
    {
        // An env file read as it is (docker run --env-file) keeps TENCENTCHAT_SECRETKEY="..." quotes in the value; signed
        // with them, the service answers 70009 and the module says the key is not the app's, which the user, copying the
        // same key again, cannot fix.
        var quoted = "  " + quote + Key + quote + "\n";
        var request = fromCredential is bool credential
            ? new ConnectionRequest { SdkAppId = 7, Identifier = credential ? "administrator" : null, FromCredential = credential, SecretKey = Encoding.UTF8.GetBytes(quoted.Trim()) }
            : new ConnectionRequest { SdkAppId = 7 };
        var ex = Assert.Throws<ArgumentException>(() => request.Connect(Env(("TENCENTCHAT_SECRETKEY", quoted)), Now));
        Assert.StartsWith("Cannot connect to Tencent Cloud Chat. " + expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("without the quotes", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key.Substring(0, 8), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"abc'")]
    [InlineData("ab\"c\"")]
    public void A_key_that_only_has_quotes_somewhere_is_used_as_it_is(string key)
    {
        var session = new ConnectionRequest { SdkAppId = 7 }.Connect(Env(("TENCENTCHAT_SECRETKEY", key)), Now);
        Assert.True(SigInspector.MadeWithKey(CurrentSig(session), key));
    }

    [Theory]
    [InlineData(null, "TENCENTCHAT_SECRETKEY holds the text 'System.Management.Automation.PSCredential', not a key")]
    [InlineData(false, "The -SecretKey holds the text 'System.Management.Automation.PSCredential', not a key")]
    public void A_secret_key_that_reads_PSCredential_is_refused_saying_a_credential_was_made_text(bool? explicitKey, string expected)
    {
        // $env:TENCENTCHAT_SECRETKEY = Get-Secret -Name TencentChatAdmin -AsPlainText, when the secret is the admin's
        // PSCredential (-AsPlainText does not open a credential): the variable keeps only the type name, and signed with
        // it the service answers 70009, which the module blames on the key.
        const string typeName = "System.Management.Automation.PSCredential";
        var request = explicitKey is null
            ? new ConnectionRequest { SdkAppId = 7 }
            : new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(typeName) };
        var ex = Assert.Throws<ArgumentException>(() => request.Connect(Env(("TENCENTCHAT_SECRETKEY", typeName + "\n")), Now));
        Assert.StartsWith("Cannot connect to Tencent Cloud Chat. " + expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("-Credential", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "TENCENTCHAT_SECRETKEY holds a UserSig")]
    [InlineData(true, "The -Credential's password holds a UserSig")]
    public void A_UserSig_given_as_the_secret_key_is_refused_saying_to_pass_it_as_UserSig(bool? fromCredential, string expected)
    {
        // Someone who was given a UserSig, not the key, sets it where a key goes (there is no UserSig variable): signed
        // with it as a key, the service answers 70009, and the module says to copy the key again.
        var sig = SigFor(7, "administrator", Now, 86400);
        var request = fromCredential is null
            ? new ConnectionRequest { SdkAppId = 7 }
            : new ConnectionRequest { SdkAppId = 7, Identifier = "administrator", FromCredential = true, SecretKey = Encoding.UTF8.GetBytes(sig) };
        var ex = Assert.Throws<ArgumentException>(() => request.Connect(Env(("TENCENTCHAT_SECRETKEY", sig)), Now));
        Assert.StartsWith("Cannot connect to Tencent Cloud Chat. " + expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("-UserSig", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sig.Substring(0, 12), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_secret_key_variable_is_no_key()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest { SdkAppId = 7 }.Connect(Env(("TENCENTCHAT_SECRETKEY", "  ")), Now));
        Assert.Contains("No secret key", ex.Message, StringComparison.Ordinal);
    }

    private static string SigFor(uint app, string identifier, DateTimeOffset issued, long expireSeconds)
        => UserSigGenerator.Generate(app, Encoding.UTF8.GetBytes(Key), identifier, expireSeconds, issued);

    [Fact]
    public void A_matching_UserSig_is_used_as_it_is_and_the_environment_key_is_not_needed()
    {
        var sig = SigFor(1400000777, "administrator", Now.AddHours(-1), 86400);
        var env = Env(("TENCENTCHAT_SECRETKEY", OtherKey));

        var session = new ConnectionRequest { SdkAppId = 1400000777, UserSig = "  " + sig + " " }.Connect(env, Now);

        Assert.Equal("UserSig", session.AuthenticationMode);
        Assert.Equal(sig, session.Sig.Current(Now.AddHours(20)));
        Assert.False(session.Sig.CanRenew);
        Assert.Equal(Now.AddHours(-1).AddDays(1), session.UserSigExpiresAt);
    }

    [Fact]
    public void A_UserSig_for_another_app_is_refused()
    {
        var sig = SigFor(1400000888, "administrator", Now, 86400);
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest { SdkAppId = 1400000777, UserSig = sig }.Connect(NoEnv, Now));
        Assert.Contains("1400000888", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1400000777", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sig, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_UserSig_for_another_identifier_is_refused()
    {
        var sig = SigFor(1400000777, "someone_else", Now, 86400);
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest { SdkAppId = 1400000777, UserSig = sig }.Connect(NoEnv, Now));
        Assert.Contains("someone_else", ex.Message, StringComparison.Ordinal);
        Assert.Contains("administrator", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sig, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-7200, 3600)] // expired an hour ago
    [InlineData(-3600, 3600)] // expires right now
    public void An_expired_UserSig_is_refused(int issuedOffsetSeconds, int expireSeconds)
    {
        var sig = SigFor(1400000777, "administrator", Now.AddSeconds(issuedOffsetSeconds), expireSeconds);
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest { SdkAppId = 1400000777, UserSig = sig }.Connect(NoEnv, Now));
        Assert.Contains("expired", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_UserSig_one_second_from_expiry_is_still_accepted()
    {
        var sig = SigFor(1400000777, "administrator", Now.AddSeconds(-3599), 3600);
        var session = new ConnectionRequest { SdkAppId = 1400000777, UserSig = sig }.Connect(NoEnv, Now);
        Assert.Equal(Now.AddSeconds(1), session.UserSigExpiresAt);
    }

    [Fact]
    public void Both_a_key_and_a_UserSig_are_refused()
    {
        var sig = SigFor(7, "administrator", Now, 86400);
        var ex = Assert.Throws<ArgumentException>(() =>
            new ConnectionRequest { SdkAppId = 7, SecretKey = Encoding.UTF8.GetBytes(Key), UserSig = sig }.Connect(NoEnv, Now));
        Assert.Contains("Both a secret key and a UserSig", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sig, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_UserSig_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ConnectionRequest { SdkAppId = 7, UserSig = "  " }.Connect(Env(("TENCENTCHAT_SECRETKEY", Key)), Now));
        Assert.Contains("-UserSig is empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_UserSig_is_passed_on_for_the_service_to_judge()
    {
        var session = new ConnectionRequest { SdkAppId = 7, UserSig = "opaque-token-from-elsewhere" }.Connect(NoEnv, Now);
        Assert.Equal("UserSig", session.AuthenticationMode);
        Assert.Null(session.UserSigExpiresAt);
        Assert.Equal("opaque-token-from-elsewhere", session.Sig.Current(Now));
    }
}
