using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace TencentChatFollow.Emulator.Tests;

/// <summary>
/// A TLSSigAPIv2 UserSig generator of the tests' own, written from the reference and checked against its vectors.
/// It shares no code with the emulator's verifier or the module's generator.
/// </summary>
internal static class TestUserSig
{
    public static string Create(uint sdkAppId, string key, string identifier, long time, long expire = 86400, string? userBuf = null)
    {
        var fields = new Dictionary<string, object>
        {
            ["TLS.ver"] = "2.0",
            ["TLS.identifier"] = identifier,
            ["TLS.sdkappid"] = sdkAppId,
            ["TLS.expire"] = expire,
            ["TLS.time"] = time,
            ["TLS.sig"] = Sign(key, identifier, sdkAppId, time, expire, userBuf),
        };
        if (userBuf is not null)
        {
            fields["TLS.userbuf"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(userBuf));
        }
        return Encode(JsonSerializer.Serialize(fields));
    }

    /// <summary>TLS.sig: HMAC-SHA256 keyed with the key's text, over the LF-terminated field lines.</summary>
    public static string Sign(string key, string identifier, uint sdkAppId, long time, long expire, string? userBuf = null)
    {
        var content = $"TLS.identifier:{identifier}\nTLS.sdkappid:{sdkAppId}\nTLS.time:{time}\nTLS.expire:{expire}\n";
        if (userBuf is not null)
        {
            content += $"TLS.userbuf:{Convert.ToBase64String(Encoding.UTF8.GetBytes(userBuf))}\n";
        }
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(content)));
    }

    /// <summary>zlib, then Base64 with the UserSig alphabet; lets tests wrap any JSON they like.</summary>
    public static string Encode(string json) => UrlSafe(Compress(Encoding.UTF8.GetBytes(json)));

    public static string UrlSafe(byte[] bytes) =>
        Convert.ToBase64String(bytes).Replace('+', '*').Replace('/', '-').Replace('=', '_');

    public static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal))
        {
            zlib.Write(data);
        }
        return output.ToArray();
    }
}
