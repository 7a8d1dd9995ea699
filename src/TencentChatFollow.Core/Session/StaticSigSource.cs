using System;
using TencentChatFollow.Auth;

namespace TencentChatFollow.Session;

/// <summary>A ready-made UserSig given by the user: it cannot be renewed.</summary>
internal sealed class StaticSigSource : ISigSource
{
    private readonly string _sig;

    public StaticSigSource(string userSig)
    {
        _sig = userSig;
        Info = UserSigReader.TryRead(userSig, out var info) ? info : null;
    }

    /// <summary>The sig's public fields, when it could be read.</summary>
    public UserSigInfo? Info { get; }

    public DateTimeOffset? ExpiresAt => Info?.ExpiresAt;

    public bool CanRenew => false;

    public string Current(DateTimeOffset now) => _sig;

    public void Invalidate() { }
}
