namespace TencentChatFollow.Emulator;

/// <summary>Which calls the frequency limit counts together.</summary>
internal enum LimitScope
{
    /// <summary>
    /// Each API has its own counter at its own documented limit (refused with 60007), and an optional app-wide cap
    /// counts every call of the app (refused with 60011). The default: what Tencent's documentation points to.
    /// </summary>
    Api,

    /// <summary>One counter for every API of the app, at --rate-limit, refused with 60011 (the SDKAppID's frequency).</summary>
    App,
}
