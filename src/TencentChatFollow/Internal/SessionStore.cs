using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using TencentChatFollow.Session;

namespace TencentChatFollow.Internal;

/// <summary>
/// The default session of each runspace. Keyed by the runspace object itself, so parallel runspaces
/// (ForEach-Object -Parallel, hosted runspaces) do not see each other's session, and a closed runspace's
/// session is collected with it.
/// </summary>
internal static class SessionStore
{
    private static readonly ConditionalWeakTable<Runspace, StrongBox<TencentChatSession?>> Defaults = new();

    public static TencentChatSession? Current
    {
        get => Runspace.DefaultRunspace is { } rs && Defaults.TryGetValue(rs, out var box) ? box.Value : null;
        set
        {
            var rs = Runspace.DefaultRunspace;
            if (rs is null) return;
            Defaults.GetOrCreateValue(rs).Value = value;
        }
    }
}
