using System.Text;
using System.Text.Json;
using TencentChatFollow.Auth;
using Xunit;

namespace TencentChatFollow.Tests.Auth;

public class UserSigGeneratorTests
{
    private const uint SdkAppId = 1400000000;
    private const string KeyText = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    private static byte[] Key => Encoding.UTF8.GetBytes(KeyText);

    [Theory]
    [InlineData("0", 1569910200L, 15552000L, null, "CpjuBdQs9ZwnuGAJR8onoOeI9fweX2vIMMY94iOJWJY=")]
    [InlineData("0", 1569910200L, 15552000L, "abc", "bC3u5cuslSg8Ds7KY58mhSkTrxunrFu50dkdkCYH4i8=")]
    [InlineData("administrator", 1700000000L, 86400L, null, "yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=")]
    public void ComputeSignature_matches_the_reference_vectors(string identifier, long time, long expire, string? userBuf, string expected)
    {
        var buf = userBuf is null ? null : Encoding.UTF8.GetBytes(userBuf);
        Assert.Equal(expected, UserSigGenerator.ComputeSignature(SdkAppId, Key, identifier, time, expire, buf));
    }

    private static JsonElement DecodeJson(string userSig) =>
        JsonDocument.Parse(Zlib.Decompress(TencentBase64.Decode(userSig))).RootElement;

    [Fact]
    public void Generate_produces_the_expected_document()
    {
        var sig = UserSigGenerator.Generate(SdkAppId, Key, "administrator", 86400, DateTimeOffset.FromUnixTimeSeconds(1700000000));

        var root = DecodeJson(sig);
        Assert.Equal("2.0", root.GetProperty("TLS.ver").GetString());
        Assert.Equal("administrator", root.GetProperty("TLS.identifier").GetString());
        Assert.Equal(SdkAppId, root.GetProperty("TLS.sdkappid").GetUInt32());
        Assert.Equal(86400, root.GetProperty("TLS.expire").GetInt64());
        Assert.Equal(1700000000, root.GetProperty("TLS.time").GetInt64());
        Assert.Equal("yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=", root.GetProperty("TLS.sig").GetString());
        Assert.False(root.TryGetProperty("TLS.userbuf", out _));
        Assert.Equal(6, root.EnumerateObject().Count());
    }

    [Fact]
    public void Generate_includes_the_userbuf()
    {
        var sig = UserSigGenerator.Generate(SdkAppId, Key, "0", 15552000, DateTimeOffset.FromUnixTimeSeconds(1569910200), Encoding.UTF8.GetBytes("abc"));

        var root = DecodeJson(sig);
        Assert.Equal("YWJj", root.GetProperty("TLS.userbuf").GetString());
        Assert.Equal("bC3u5cuslSg8Ds7KY58mhSkTrxunrFu50dkdkCYH4i8=", root.GetProperty("TLS.sig").GetString());
    }

    [Fact]
    public void Generate_writes_the_sig_without_escaping_plus()
    {
        var sig = UserSigGenerator.Generate(SdkAppId, Key, "administrator", 86400, DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var json = Encoding.UTF8.GetString(Zlib.Decompress(TencentBase64.Decode(sig)));
        Assert.Contains("\"yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 86400L, KeyText, "identifier")]
    [InlineData("admin", 0L, KeyText, "expireSeconds")]
    [InlineData("admin", -1L, KeyText, "expireSeconds")]
    [InlineData("admin", 86400L, "", "secretKeyUtf8")]
    public void Generate_rejects_bad_arguments_without_revealing_the_key(string identifier, long expire, string key, string parameter)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            UserSigGenerator.Generate(SdkAppId, Encoding.UTF8.GetBytes(key), identifier, expire, DateTimeOffset.UtcNow));
        Assert.Equal(parameter, ex.ParamName);
        Assert.DoesNotContain(KeyText, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_rejects_null_arguments()
    {
        Assert.Equal("identifier", Assert.ThrowsAny<ArgumentException>(() =>
            UserSigGenerator.Generate(SdkAppId, Key, null!, 86400, DateTimeOffset.UtcNow)).ParamName);
        Assert.Equal("secretKeyUtf8", Assert.ThrowsAny<ArgumentException>(() =>
            UserSigGenerator.Generate(SdkAppId, null!, "admin", 86400, DateTimeOffset.UtcNow)).ParamName);
    }
}
