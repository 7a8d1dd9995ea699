using System.Text;

namespace TencentChatFollow.Emulator.Tests;

public class UserSigVerifierTests
{
    // The reference vectors from Tencent's TLSSigAPIv2 (docs reference: tencent-chat-rest.md).
    private const string ReferenceKey = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    private const uint ReferenceSdkAppId = 1400000000;
    private const string ReferenceUserSig =
        "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwjDB4pTsxIKCzBQlK0MTAyiAyKRWFGQWpQLFTU1NjeCiJZm5YDEzS0tDAyOYaHFmOtBM54KsUqeUwGLLqPK8UndHryCL-Lx8-1RPy7Ty1AijMk9f30hLk0x-r3CvSFulWgAPYy*9";
    private const long ReferenceTime = 1569910200;
    private const long ReferenceExpire = 15552000;

    [Theory]
    [InlineData("0", 1569910200, 15552000, null, "CpjuBdQs9ZwnuGAJR8onoOeI9fweX2vIMMY94iOJWJY=")]
    [InlineData("0", 1569910200, 15552000, "abc", "bC3u5cuslSg8Ds7KY58mhSkTrxunrFu50dkdkCYH4i8=")]
    [InlineData("administrator", 1700000000, 86400, null, "yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=")]
    public void Signatures_match_the_reference_vectors(string identifier, long time, long expire, string? userBuf, string expected)
    {
        var encodedUserBuf = userBuf is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(userBuf));
        var document = new UserSigDocument(identifier, ReferenceSdkAppId, time, expire, Sig: "", encodedUserBuf);

        Assert.Equal(expected, UserSigVerifier.ComputeSig(ReferenceKey, document));
        // The tests' own generator must agree too, or every other test would prove nothing.
        Assert.Equal(expected, TestUserSig.Sign(ReferenceKey, identifier, ReferenceSdkAppId, time, expire, userBuf));
    }

    [Fact]
    public void The_reference_usersig_decodes_to_its_fields()
    {
        var document = UserSigVerifier.TryDecode(ReferenceUserSig);

        Assert.Equal(
            new UserSigDocument("0", ReferenceSdkAppId, ReferenceTime, ReferenceExpire, "CpjuBdQs9ZwnuGAJR8onoOeI9fweX2vIMMY94iOJWJY=", null),
            document);
    }

    [Fact]
    public void The_reference_usersig_is_valid_up_to_its_last_second_and_expired_after()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(ReferenceTime + ReferenceExpire));
        var verifier = new UserSigVerifier(ReferenceKey, clock);

        Assert.Null(verifier.Verify(ReferenceUserSig, ReferenceSdkAppId, "0"));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ErrorCodes.UserSigExpired, verifier.Verify(ReferenceUserSig, ReferenceSdkAppId, "0")?.Code);
    }

    [Fact]
    public async Task The_reference_usersig_is_accepted_over_http_inside_its_validity_and_expired_today()
    {
        var options = new EmulatorOptions { SdkAppId = ReferenceSdkAppId, Key = ReferenceKey, Admins = ["0"] };
        var parameters = new Dictionary<string, string>
        {
            ["sdkappid"] = "1400000000",
            ["identifier"] = "0",
            ["usersig"] = ReferenceUserSig,
            ["random"] = "1",
            ["contenttype"] = "json",
        };
        const string body = """{"From_Account":"0","To_Account":["0"]}""";

        var inside = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(ReferenceTime + 3600));
        await using (var emulator = await TestEmulator.StartAsync(options, clock: inside))
        {
            Envelope.AssertOk(await emulator.CallAsync(parameters, body));
        }
        await using (var emulator = await TestEmulator.StartAsync(options))
        {
            Envelope.AssertFail(await emulator.CallAsync(parameters, body), ErrorCodes.UserSigExpired);
        }
    }

    [Fact]
    public void A_usersig_with_userbuf_verifies_and_its_userbuf_is_signed()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var verifier = new UserSigVerifier(ReferenceKey, clock);
        var userSig = TestUserSig.Create(ReferenceSdkAppId, ReferenceKey, "administrator", 1700000000, 86400, userBuf: "abc");
        var tampered = TestUserSig.Encode(
            DecodeJson(userSig).Replace(Convert.ToBase64String("abc"u8.ToArray()), Convert.ToBase64String("abd"u8.ToArray()), StringComparison.Ordinal));

        Assert.Null(verifier.Verify(userSig, ReferenceSdkAppId, "administrator"));
        Assert.Equal(ErrorCodes.UserSigKeyMismatch, verifier.Verify(tampered, ReferenceSdkAppId, "administrator")?.Code);
    }

    [Fact]
    public void Checks_run_in_order_app_then_account_then_signature_then_expiry()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1800000000));
        var verifier = new UserSigVerifier(ReferenceKey, clock);
        // Made with another key and long expired: the signature failure is reported, not the expiry.
        var otherKeyExpired = TestUserSig.Create(ReferenceSdkAppId, "another-key", "administrator", 1700000000, 60);

        Assert.Equal(ErrorCodes.UserSigKeyMismatch, verifier.Verify(otherKeyExpired, ReferenceSdkAppId, "administrator")?.Code);
        Assert.Equal(ErrorCodes.UserSigIdentifierMismatch, verifier.Verify(otherKeyExpired, ReferenceSdkAppId, "someone")?.Code);
        Assert.Equal(ErrorCodes.UserSigSdkAppIdMismatch, verifier.Verify(otherKeyExpired, 1400000001, "someone")?.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("AAECAwQF")] // Base64, but not zlib
    public void Strings_that_are_not_usersigs_do_not_decode(string userSig) =>
        Assert.Null(UserSigVerifier.TryDecode(userSig));

    [Theory]
    [InlineData("this is not JSON")]
    [InlineData("""["TLS.ver","2.0"]""")]
    [InlineData("""{"TLS.ver":"1.0","TLS.identifier":"a","TLS.sdkappid":1400000000,"TLS.expire":1,"TLS.time":1,"TLS.sig":"x"}""")]
    [InlineData("""{"TLS.ver":"2.0","TLS.identifier":"a","TLS.sdkappid":1400000000,"TLS.expire":1,"TLS.time":1}""")]
    [InlineData("""{"TLS.ver":"2.0","TLS.identifier":"a","TLS.sdkappid":"1400000000","TLS.expire":1,"TLS.time":1,"TLS.sig":"x"}""")]
    [InlineData("""{"TLS.ver":"2.0","TLS.identifier":"a","TLS.sdkappid":1400000000,"TLS.expire":1,"TLS.time":1.5,"TLS.sig":"x"}""")]
    [InlineData("""{"TLS.ver":"2.0","TLS.identifier":"a","TLS.sdkappid":1400000000,"TLS.expire":1,"TLS.time":1,"TLS.sig":"x","TLS.userbuf":7}""")]
    public void Compressed_documents_that_are_not_usersigs_do_not_decode(string json) =>
        Assert.Null(UserSigVerifier.TryDecode(TestUserSig.Encode(json)));

    [Fact]
    public void A_truncated_usersig_does_not_decode()
    {
        var userSig = TestUserSig.Create(ReferenceSdkAppId, ReferenceKey, "administrator", 1700000000);

        Assert.NotNull(UserSigVerifier.TryDecode(userSig));
        Assert.Null(UserSigVerifier.TryDecode(userSig[..(userSig.Length - 8)]));
    }

    private static string DecodeJson(string userSig)
    {
        var compressed = Convert.FromBase64String(userSig.Replace('*', '+').Replace('-', '/').Replace('_', '='));
        using var zlib = new System.IO.Compression.ZLibStream(new MemoryStream(compressed), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(zlib, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
