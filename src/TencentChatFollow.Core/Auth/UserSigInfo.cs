using System;
using System.Globalization;

namespace TencentChatFollow.Auth;

/// <summary>The public fields of a UserSig. Holds no signature.</summary>
internal sealed class UserSigInfo
{
    internal UserSigInfo(uint sdkAppId, string identifier, DateTimeOffset issuedAt, TimeSpan expire)
    {
        SdkAppId = sdkAppId;
        Identifier = identifier;
        IssuedAt = issuedAt;
        Expire = expire;
    }

    public uint SdkAppId { get; }

    public string Identifier { get; }

    /// <summary>TLS.time.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>TLS.time + TLS.expire; the sig is expired after this instant.</summary>
    public DateTimeOffset ExpiresAt => IssuedAt + Expire;

    /// <summary>TLS.expire.</summary>
    public TimeSpan Expire { get; }

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "UserSig for '{0}' in app {1}, expires {2:u}", Identifier, SdkAppId, ExpiresAt);
}
