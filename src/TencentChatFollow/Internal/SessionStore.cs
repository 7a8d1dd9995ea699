using System;
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
    /// so a closed runspace's session is collected with it; but a runspace that is reused (ForEach-Object -Parallel
    /// since PowerShell 7.1, a RunspacePool) keeps its session from one piece of work to the next. The process
    /// session remembers which runspace made it (weakly), so that Connect-TencentChat can tell a runspace that
    /// replaces another live runspace's process session.
    /// </summary>
    internal static class SessionStore
    {
        /// <summary>The process session and the runspace that made it; replaced whole, never changed.</summary>
        private sealed class ProcessEntry(TencentChatSession session, Runspace? maker)
        {
            public TencentChatSession Session { get; } = session;
            public WeakReference<Runspace>? Maker { get; } = maker is null ? null : new WeakReference<Runspace>(maker);
        }

        private static ProcessEntry? _process;
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
            if (scope == SessionScope.Process) return Volatile.Read(ref _process)?.Session;
            return Runspace.DefaultRunspace is { } rs && Runspaces.TryGetValue(rs, out var box) ? Volatile.Read(ref box.Value) : null;
        }

        /// <summary>Keeps (or, with null, forgets) the session of that scope; returns the one it replaced.</summary>
        public static TencentChatSession? Set(SessionScope scope, TencentChatSession? session)
        {
            if (scope == SessionScope.Process)
                return Interlocked.Exchange(ref _process, session is null ? null : new ProcessEntry(session, Runspace.DefaultRunspace))?.Session;
            var rs = Runspace.DefaultRunspace;
            if (rs is null) return null;
            return Interlocked.Exchange(ref Runspaces.GetOrCreateValue(rs).Value, session);
        }

        /// <summary>
        /// The runspace that made the process session, while that runspace is still open and is not the current one
        /// (a parallel iteration, thread job or pooled runspace that connected for the whole process); otherwise null.
        /// </summary>
        public static Runspace? OtherLiveMaker()
        {
            if (Volatile.Read(ref _process)?.Maker is not { } weak || !weak.TryGetTarget(out var maker)) return null;
            if (ReferenceEquals(maker, Runspace.DefaultRunspace)) return null;
            return maker.RunspaceStateInfo.State == RunspaceState.Opened ? maker : null;
        }
    }
}
