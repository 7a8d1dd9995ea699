using System;
using System.Text.Json;

namespace TencentChatFollow.Auth;

/// <summary>Reads the public fields of a ready-made UserSig, without the key and so without checking its HMAC.</summary>
internal static class UserSigReader
{
    // A UserSig's JSON is a few hundred bytes; anything far larger is not a UserSig.
    private const int MaxJsonLength = 64 * 1024;

    /// <summary>Decodes <paramref name="userSig"/>; false if it is not a well-formed TLSSigAPIv2 UserSig.</summary>
    public static bool TryRead(string userSig, out UserSigInfo? info)
    {
        info = null;
        if (string.IsNullOrEmpty(userSig))
        {
            return false;
        }

        byte[] json;
        try
        {
            json = Zlib.Decompress(TencentBase64.Decode(userSig), MaxJsonLength);
        }
        catch (FormatException)
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("TLS.identifier", out var identifier) || identifier.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("TLS.sig", out var sig) || sig.ValueKind != JsonValueKind.String
                || !TryGetNumber(root, "TLS.sdkappid", out var sdkAppId) || sdkAppId is < 0 or > uint.MaxValue
                || !TryGetNumber(root, "TLS.time", out var time)
                || !TryGetNumber(root, "TLS.expire", out var expire) || expire <= 0)
            {
                return false;
            }

            var identifierText = identifier.GetString();
            var maxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
            if (string.IsNullOrEmpty(identifierText) || time < 0 || time > maxUnixSeconds - expire)
            {
                return false;
            }

            info = new UserSigInfo(
                (uint)sdkAppId,
                identifierText!,
                DateTimeOffset.FromUnixTimeSeconds(time),
                TimeSpan.FromTicks(expire * TimeSpan.TicksPerSecond));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryGetNumber(JsonElement obj, string name, out long value)
    {
        value = 0;
        return obj.TryGetProperty(name, out var element)
            && element.ValueKind == JsonValueKind.Number
            && element.TryGetInt64(out value);
    }
}
