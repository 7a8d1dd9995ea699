using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Threading;
using TencentChatFollow.Session;

namespace TencentChatFollow
{
    /// <summary>Where Connect-TencentChat keeps the session it makes.</summary>
    public enum SessionScope
    {
        /// <summary>The whole process: every runspace (ForEach-Object -Parallel, thread jobs, hosted runspaces) uses it.</summary>
        Process,
        /// <summary>The current runspace only; it wins over the process-wide session there (one tenant per runspace).</summary>
        Runspace,
    }
}

namespace TencentChatFollow.Internal
{
    /// <summary>
    /// The default sessions: one for the process, and one per runspace that connected with -Scope Runspace. In a
    /// runspace, its own session wins over the process one. Runspace sessions are keyed by the runspace object itself,
    /// so a closed runspace's session is collected with it.
    /// </summary>
    internal static class SessionStore
    {
        private static TencentChatSession? _process;
        private static readonly ConditionalWeakTable<Runspace, StrongBox<TencentChatSession?>> Runspaces = new();

        /// <summary>The session the commands use here: this runspace's, else the process's; null when there is neither.</summary>
        public static TencentChatSession? Current => Find(out _);

        /// <summary>The session in effect here and the scope it was found in.</summary>
        public static TencentChatSession? Find(out SessionScope scope)
        {
            scope = SessionScope.Runspace;
            var own = Get(SessionScope.Runspace);
            if (own is not null) return own;
            scope = SessionScope.Process;
            return Get(SessionScope.Process);
        }

        /// <summary>The session kept in exactly that scope (for Runspace: the current runspace's), or null.</summary>
        public static TencentChatSession? Get(SessionScope scope)
        {
            if (scope == SessionScope.Process) return Volatile.Read(ref _process);
            return Runspace.DefaultRunspace is { } rs && Runspaces.TryGetValue(rs, out var box) ? Volatile.Read(ref box.Value) : null;
        }

        /// <summary>Keeps (or, with null, forgets) the session of that scope; returns the one it replaced.</summary>
        public static TencentChatSession? Set(SessionScope scope, TencentChatSession? session)
        {
            if (scope == SessionScope.Process) return Interlocked.Exchange(ref _process, session);
            var rs = Runspace.DefaultRunspace;
            if (rs is null) return null;
            return Interlocked.Exchange(ref Runspaces.GetOrCreateValue(rs).Value, session);
        }
    }
}
