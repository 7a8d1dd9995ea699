using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TencentChatFollow.Auth;

/// <summary>Makes UserSigs (TLSSigAPIv2): an HMAC-SHA256 over the sig's fields, in zlib-compressed JSON.</summary>
internal static class UserSigGenerator
{
    // The sig is Base64; the default encoder would escape its '+' as \u002B. The JSON never goes into HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Makes a UserSig for <paramref name="identifier"/>, valid from <paramref name="now"/> for <paramref name="expireSeconds"/>.</summary>
    /// <param name="sdkAppId">The application's SDKAppID.</param>
    /// <param name="secretKeyUtf8">The application's secret key as UTF-8 bytes, used as they are (not hex-decoded).</param>
    /// <param name="identifier">The account the sig is for, such as the app administrator.</param>
    /// <param name="expireSeconds">How long the sig is valid, in seconds.</param>
    /// <param name="now">The issue time.</param>
    /// <param name="userBuf">Optional extra data bound into the sig.</param>
    /// <exception cref="ArgumentException">An argument is null, empty or out of range.</exception>
    public static string Generate(uint sdkAppId, byte[] secretKeyUtf8, string identifier, long expireSeconds, DateTimeOffset now, byte[]? userBuf = null)
    {
        var time = now.ToUnixTimeSeconds();
        var sig = ComputeSignature(sdkAppId, secretKeyUtf8, identifier, time, expireSeconds, userBuf);

        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("TLS.ver", "2.0");
            writer.WriteString("TLS.identifier", identifier);
            writer.WriteNumber("TLS.sdkappid", sdkAppId);
            writer.WriteNumber("TLS.expire", expireSeconds);
            writer.WriteNumber("TLS.time", time);
            writer.WriteString("TLS.sig", sig);
            if (userBuf is not null)
            {
                writer.WriteString("TLS.userbuf", Convert.ToBase64String(userBuf));
            }
            writer.WriteEndObject();
        }

        return TencentBase64.Encode(Zlib.Compress(json.ToArray()));
    }

    /// <summary>The standard Base64 HMAC-SHA256 that goes into TLS.sig.</summary>
    internal static string ComputeSignature(uint sdkAppId, byte[] secretKeyUtf8, string identifier, long unixTime, long expireSeconds, byte[]? userBuf)
    {
        if (secretKeyUtf8 is null)
        {
            throw new ArgumentNullException(nameof(secretKeyUtf8));
        }
        if (secretKeyUtf8.Length == 0)
        {
            throw new ArgumentException("The secret key is empty.", nameof(secretKeyUtf8));
        }
        if (string.IsNullOrEmpty(identifier))
        {
            throw new ArgumentException("The identifier is null or empty.", nameof(identifier));
        }
        if (expireSeconds <= 0)
        {
            throw new ArgumentException("The validity must be a positive number of seconds.", nameof(expireSeconds));
        }

        var content = new StringBuilder()
            .Append("TLS.identifier:").Append(identifier).Append('\n')
            .Append("TLS.sdkappid:").Append(sdkAppId.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("TLS.time:").Append(unixTime.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("TLS.expire:").Append(expireSeconds.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (userBuf is not null)
        {
            content.Append("TLS.userbuf:").Append(Convert.ToBase64String(userBuf)).Append('\n');
        }

        using var hmac = new HMACSHA256(secretKeyUtf8);
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(content.ToString())));
    }
}
