using System;

namespace TencentChatFollow.Session;

/// <summary>Where a session's UserSig comes from.</summary>
internal interface ISigSource
{
    /// <summary>A UserSig valid now. Never log or display it.</summary>
    string Current(DateTimeOffset now);

    /// <summary>When the sig last handed out expires; null when a ready-made sig could not be read.</summary>
    DateTimeOffset? ExpiresAt { get; }

    /// <summary>True when the module can make a new sig (it holds the secret key).</summary>
    bool CanRenew { get; }

    /// <summary>Drops the cached sig so the next <see cref="Current"/> makes a new one (after 70001).</summary>
    void Invalidate();
}
