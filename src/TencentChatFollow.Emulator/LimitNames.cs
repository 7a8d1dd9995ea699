namespace TencentChatFollow.Emulator;

/// <summary>The names limit windows and limit scopes have on the command line and in control requests.</summary>
internal static class LimitNames
{
    public static readonly NamedValues<LimitWindow> Windows = new(new Dictionary<string, LimitWindow>
    {
        ["calendar"] = LimitWindow.Calendar,
        ["sliding"] = LimitWindow.Sliding,
    });

    public static readonly NamedValues<LimitScope> Scopes = new(new Dictionary<string, LimitScope>
    {
        ["api"] = LimitScope.Api,
        ["app"] = LimitScope.App,
    });

    public static string Name(this LimitWindow window) => Windows.Name(window);

    public static string Name(this LimitScope scope) => Scopes.Name(scope);
}
