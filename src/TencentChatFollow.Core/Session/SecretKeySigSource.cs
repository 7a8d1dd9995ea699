using System;
using TencentChatFollow.Auth;

namespace TencentChatFollow.Session;

/// <summary>Makes UserSigs from the secret key and renews them well before they expire.</summary>
internal sealed class SecretKeySigSource : ISigSource
{
    /// <summary>Tencent advises at least 24 hours.</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(1);

    private readonly uint _sdkAppId;
    private readonly string _identifier;
    private readonly byte[] _key;
    private readonly TimeSpan _validity;
    private readonly object _gate = new();
    private string? _sig;
    private DateTimeOffset _expiresAt;

    public SecretKeySigSource(uint sdkAppId, string identifier, byte[] secretKeyUtf8, TimeSpan? validity = null)
    {
        _sdkAppId = sdkAppId;
        _identifier = identifier;
        _key = secretKeyUtf8;
        _validity = validity ?? DefaultValidity;
    }

    public bool CanRenew => true;

    public DateTimeOffset? ExpiresAt
    {
        get { lock (_gate) return _sig is null ? null : _expiresAt; }
    }

    public string Current(DateTimeOffset now)
    {
        lock (_gate)
        {
            // Renew once three quarters of the validity have gone: a long run never sends a sig about to expire.
            if (_sig is null || now >= _expiresAt - TimeSpan.FromTicks(_validity.Ticks / 4))
            {
                _sig = UserSigGenerator.Generate(_sdkAppId, _key, _identifier, (long)_validity.TotalSeconds, now);
                _expiresAt = TruncateToSeconds(now) + _validity;
            }
            return _sig;
        }
    }

    public void Invalidate()
    {
        lock (_gate) _sig = null;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());
}
