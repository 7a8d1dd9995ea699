namespace TencentChatFollow.Emulator;

/// <summary>How the frequency limits count the calls they compare with their limit.</summary>
internal enum LimitWindow
{
    /// <summary>Per UTC calendar second (arrival time floored to the second): the usual QPS counter, and the default.</summary>
    Calendar,

    /// <summary>Over the trailing 1000 ms before each call: the strict worst case.</summary>
    Sliding,
}
