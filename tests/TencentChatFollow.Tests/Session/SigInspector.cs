using System.Text;
using System.Text.Json;
using TencentChatFollow.Auth;

namespace TencentChatFollow.Tests.Session;

/// <summary>Opens a UserSig to check which key, app, identifier and times it was made with.</summary>
internal static class SigInspector
{
    public sealed record Fields(uint SdkAppId, string Identifier, long Time, long Expire, string Signature);

    public static Fields Open(string userSig)
    {
        var json = Zlib.Decompress(TencentBase64.Decode(userSig));
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        return new Fields(
            root.GetProperty("TLS.sdkappid").GetUInt32(),
            root.GetProperty("TLS.identifier").GetString()!,
            root.GetProperty("TLS.time").GetInt64(),
            root.GetProperty("TLS.expire").GetInt64(),
            root.GetProperty("TLS.sig").GetString()!);
    }

    /// <summary>True when the sig's HMAC was made with <paramref name="key"/> over its own fields.</summary>
    public static bool MadeWithKey(string userSig, string key)
    {
        var f = Open(userSig);
        return f.Signature == UserSigGenerator.ComputeSignature(f.SdkAppId, Encoding.UTF8.GetBytes(key), f.Identifier, f.Time, f.Expire, null);
    }
}
