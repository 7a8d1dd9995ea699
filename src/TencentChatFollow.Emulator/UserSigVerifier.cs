using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>The fields of a decoded TLSSigAPIv2 UserSig.</summary>
internal sealed record UserSigDocument(string Identifier, long SdkAppId, long Time, long Expire, string Sig, string? UserBuf);

/// <summary>
/// Verifies TLSSigAPIv2 UserSigs the way the Chat service does: decode, then check app, account, HMAC and expiry,
/// in that order. An independent implementation: it shares no code with the module's generator, so it can catch it.
/// </summary>
internal sealed class UserSigVerifier(string key, TimeProvider clock)
{
    // Real UserSigs are a few hundred characters; the caps only stop a hostile input from costing memory.
    private const int MaxUserSigLength = 16 * 1024;
    private const int MaxJsonBytes = 64 * 1024;

    private readonly byte[] _keyBytes = Encoding.UTF8.GetBytes(key);

    /// <summary>Returns the error the service would answer for this UserSig, or null when it is valid.</summary>
    public ApiError? Verify(string userSig, uint sdkAppId, string identifier)
    {
        if (TryDecode(userSig) is not { } doc)
        {
            return new ApiError(ErrorCodes.UserSigUnparsable, "UserSig cannot be decoded: check that it is complete and unmodified");
        }
        if (doc.SdkAppId != sdkAppId)
        {
            return new ApiError(ErrorCodes.UserSigSdkAppIdMismatch, $"sdkappid {sdkAppId} does not match the UserSig's TLS.sdkappid");
        }
        if (!string.Equals(doc.Identifier, identifier, StringComparison.Ordinal))
        {
            return new ApiError(ErrorCodes.UserSigIdentifierMismatch, "identifier does not match the UserSig's TLS.identifier");
        }
        var expected = Encoding.ASCII.GetBytes(ComputeSig(_keyBytes, doc));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(doc.Sig)))
        {
            return new ApiError(ErrorCodes.UserSigKeyMismatch, "UserSig signature check failed: it was made with another key");
        }
        // Int128 because time and expire come from the caller and their sum may not fit in a long.
        if (clock.GetUtcNow().ToUnixTimeSeconds() > (Int128)doc.Time + doc.Expire)
        {
            return new ApiError(ErrorCodes.UserSigExpired, "UserSig expired: generate a new one");
        }
        return null;
    }

    /// <summary>Undoes the UserSig encoding: URL-safe Base64, zlib, JSON. Null when any step fails or a field is missing.</summary>
    public static UserSigDocument? TryDecode(string userSig)
    {
        if (userSig.Length is 0 or > MaxUserSigLength)
        {
            return null;
        }
        var base64 = userSig.Replace('*', '+').Replace('-', '/').Replace('_', '=');
        var compressed = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, compressed, out var compressedLength))
        {
            return null;
        }
        try
        {
            return ParseJson(Inflate(new MemoryStream(compressed, 0, compressedLength)));
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            return null;
        }
    }

    /// <summary>TLS.sig: Base64 of HMAC-SHA256 over the field lines, keyed with the key's UTF-8 text as it is (not hex-decoded).</summary>
    public static string ComputeSig(string key, UserSigDocument doc) => ComputeSig(Encoding.UTF8.GetBytes(key), doc);

    private static string ComputeSig(byte[] keyBytes, UserSigDocument doc)
    {
        var content = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"TLS.identifier:{doc.Identifier}\n")
            .Append(CultureInfo.InvariantCulture, $"TLS.sdkappid:{doc.SdkAppId}\n")
            .Append(CultureInfo.InvariantCulture, $"TLS.time:{doc.Time}\n")
            .Append(CultureInfo.InvariantCulture, $"TLS.expire:{doc.Expire}\n");
        if (doc.UserBuf is not null)
        {
            content.Append(CultureInfo.InvariantCulture, $"TLS.userbuf:{doc.UserBuf}\n");
        }
        return Convert.ToBase64String(HMACSHA256.HashData(keyBytes, Encoding.UTF8.GetBytes(content.ToString())));
    }

    private static byte[] Inflate(Stream compressed)
    {
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        var json = new byte[MaxJsonBytes + 1];
        var length = zlib.ReadAtLeast(json, json.Length, throwOnEndOfStream: false);
        if (length > MaxJsonBytes)
        {
            throw new InvalidDataException("the UserSig's JSON is too large");
        }
        return json[..length];
    }

    private static UserSigDocument? ParseJson(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || String(root, "TLS.ver") != "2.0"
            || String(root, "TLS.identifier") is not { } identifier
            || Int64(root, "TLS.sdkappid") is not { } sdkAppId
            || Int64(root, "TLS.time") is not { } time
            || Int64(root, "TLS.expire") is not { } expire
            || String(root, "TLS.sig") is not { } sig)
        {
            return null;
        }
        string? userBuf = null;
        if (root.TryGetProperty("TLS.userbuf", out var userBufElement))
        {
            if (userBufElement.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            userBuf = userBufElement.GetString();
        }
        return new UserSigDocument(identifier, sdkAppId, time, expire, sig, userBuf);
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Int64(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;
}
