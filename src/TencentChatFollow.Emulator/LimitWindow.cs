namespace TencentChatFollow.Emulator;

/// <summary>How the frequency limit counts the calls it compares with the limit.</summary>
internal enum LimitWindow
{
    /// <summary>Per UTC calendar second (arrival time floored to the second): the usual QPS counter, and the default.</summary>
    Calendar,

    /// <summary>Over the trailing 1000 ms before each call: the strict worst case.</summary>
    Sliding,
}

/// <summary>The names limit windows have on the command line and in control requests.</summary>
internal static class LimitWindows
{
    private static readonly Dictionary<string, LimitWindow> ByName = new(StringComparer.Ordinal)
    {
        ["calendar"] = LimitWindow.Calendar,
        ["sliding"] = LimitWindow.Sliding,
    };

    private static readonly Dictionary<LimitWindow, string> NameOf = ByName.ToDictionary(p => p.Value, p => p.Key);

    public static string Name(this LimitWindow window) => NameOf[window];

    public static bool TryParse(string? name, out LimitWindow window) => ByName.TryGetValue(name ?? "", out window);

    public static string Known => string.Join(", ", ByName.Keys);
}
