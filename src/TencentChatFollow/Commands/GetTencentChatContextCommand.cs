using System.Management.Automation;
using TencentChatFollow.Internal;
using TencentChatFollow.Session;

namespace TencentChatFollow.Commands;

/// <summary>
/// Get-TencentChatContext: the session the commands use here (this runspace's, else the process's), or with -Scope the
/// session of that scope; no secrets in it. Nothing when not connected.
/// </summary>
[Cmdlet(VerbsCommon.Get, "TencentChatContext")]
[OutputType(typeof(TencentChatSession))]
public sealed class GetTencentChatContextCommand : PSCmdlet
{
    /// <summary>Only the session of this scope: the process-wide one, or this runspace's own.</summary>
    [Parameter]
    public SessionScope Scope { get; set; }

    protected override void EndProcessing()
    {
        TencentChatSession? session;
        SessionScope scope;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Scope)))
        {
            scope = Scope;
            session = SessionStore.Get(scope);
        }
        else
        {
            session = SessionStore.Find(out scope);
        }
        if (session is null)
        {
            WriteVerbose(MyInvocation.BoundParameters.ContainsKey(nameof(Scope))
                ? $"No session {(scope == SessionScope.Process ? "for the process" : "of this runspace")}."
                : "Not connected: no session in this runspace nor for the process.");
            return;
        }
        WriteVerbose(scope == SessionScope.Process
            ? "The process-wide session (Connect-TencentChat -Scope Process), which every runspace without its own uses."
            : "This runspace's own session (Connect-TencentChat -Scope Runspace).");
        WriteObject(session);
    }
}
