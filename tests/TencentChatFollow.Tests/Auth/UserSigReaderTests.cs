using System.Text;
using TencentChatFollow.Auth;
using Xunit;

namespace TencentChatFollow.Tests.Auth;

public class UserSigReaderTests
{
    private const string ReferenceSig =
        "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwjDB4pTsxIKCzBQlK0MTAyiAyKRWFGQWpQLFTU1NjeCiJZm5YDEzS0tDAyOYaHFmOtBM54KsUqeUwGLLqPK8UndHryCL-Lx8-1RPy7Ty1AijMk9f30hLk0x-r3CvSFulWgAPYy*9";

    [Fact]
    public void TryRead_decodes_the_reference_UserSig()
    {
        Assert.True(UserSigReader.TryRead(ReferenceSig, out var info));
        Assert.NotNull(info);
        Assert.Equal("0", info.Identifier);
        Assert.Equal(1400000000u, info.SdkAppId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1569910200), info.IssuedAt);
        Assert.Equal(TimeSpan.FromSeconds(15552000), info.Expire);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1569910200 + 15552000), info.ExpiresAt);
    }

    [Fact]
    public void TryRead_reads_what_Generate_writes_and_ToString_holds_no_sig()
    {
        var key = Encoding.UTF8.GetBytes("5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e");
        var sig = UserSigGenerator.Generate(7, key, "admin", 3600, DateTimeOffset.FromUnixTimeSeconds(1700000000));

        Assert.True(UserSigReader.TryRead(sig, out var info));
        Assert.Equal(7u, info!.SdkAppId);
        Assert.Equal("admin", info.Identifier);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700003600), info.ExpiresAt);

        var text = info.ToString();
        Assert.Contains("admin", text, StringComparison.Ordinal);
        Assert.DoesNotContain(sig, text, StringComparison.Ordinal);
        Assert.DoesNotContain(UserSigGenerator.ComputeSignature(7, key, "admin", 1700000000, 3600, null), text, StringComparison.Ordinal);
    }

    private static string Pack(string json) => TencentBase64.Encode(Zlib.Compress(Encoding.UTF8.GetBytes(json)));

    public static TheoryData<string?> Malformed() => new()
    {
        null,
        "",
        "garbage!",
        ReferenceSig[..^4],  // still valid Base64: truncated zlib
        ReferenceSig[..^7],  // no longer valid Base64
        ReferenceSig.Replace('*', '+'),
        Pack("this is not JSON"),
        Pack("[1,2,3]"),
        Pack("{\"TLS.identifier\":\"0\",\"TLS.sdkappid\":1400000000,\"TLS.time\":1569910200,\"TLS.sig\":\"x\"}"),
        Pack("{\"TLS.identifier\":\"0\",\"TLS.sdkappid\":\"1400000000\",\"TLS.expire\":1,\"TLS.time\":1569910200,\"TLS.sig\":\"x\"}"),
        Pack("{\"TLS.identifier\":\"\",\"TLS.sdkappid\":1400000000,\"TLS.expire\":1,\"TLS.time\":1569910200,\"TLS.sig\":\"x\"}"),
        Pack("{\"TLS.identifier\":\"0\",\"TLS.sdkappid\":1400000000,\"TLS.expire\":-5,\"TLS.time\":1569910200,\"TLS.sig\":\"x\"}"),
        Pack("{\"TLS.identifier\":\"0\",\"TLS.sdkappid\":1400000000,\"TLS.expire\":1,\"TLS.time\":1569910200}"),
        Pack("{\"TLS.identifier\":\"0\",\"TLS.sdkappid\":1400000000,\"TLS.expire\":9223372036854775807,\"TLS.time\":1569910200,\"TLS.sig\":\"x\"}"),
        Pack("{\"TLS.identifier\":\"0\",\"TLS.sdkappid\":4294967296,\"TLS.expire\":1,\"TLS.time\":1569910200,\"TLS.sig\":\"x\"}"),
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryRead_returns_false_for_malformed_input(string? userSig)
    {
        Assert.False(UserSigReader.TryRead(userSig!, out var info));
        Assert.Null(info);
    }

    [Fact]
    public void The_minimal_well_formed_document_is_accepted()
    {
        // Guards the malformed cases above: each differs from this one in a single field.
        Assert.True(UserSigReader.TryRead(
            Pack("{\"TLS.identifier\":\"0\",\"TLS.sdkappid\":1400000000,\"TLS.expire\":1,\"TLS.time\":1569910200,\"TLS.sig\":\"x\"}"), out _));
    }

    [Fact]
    public void TryRead_rejects_a_document_that_inflates_too_far()
    {
        var padding = new string(' ', 100_000);
        Assert.False(UserSigReader.TryRead(
            Pack("{\"TLS.identifier\":\"0\",\"TLS.sdkappid\":1,\"TLS.expire\":1,\"TLS.time\":1,\"TLS.sig\":\"x\"}" + padding), out _));
        Assert.True(UserSigReader.TryRead(
            Pack("{\"TLS.identifier\":\"0\",\"TLS.sdkappid\":1,\"TLS.expire\":1,\"TLS.time\":1,\"TLS.sig\":\"x\"}" + padding[..1000]), out _));
    }
}
