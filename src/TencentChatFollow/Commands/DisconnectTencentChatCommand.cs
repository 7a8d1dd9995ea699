using System.Management.Automation;
using TencentChatFollow.Internal;

namespace TencentChatFollow.Commands;

/// <summary>
/// Disconnect-TencentChat: forgets the session in effect here (this runspace's, else the process's), or with -Scope the
/// session of that scope. Doing it twice is not an error.
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "TencentChat")]
public sealed class DisconnectTencentChatCommand : PSCmdlet
{
    /// <summary>Which session to forget: the process-wide one or this runspace's. Without it, the one Get-TencentChatContext shows.</summary>
    [Parameter]
    public SessionScope Scope { get; set; }

    protected override void EndProcessing()
    {
        SessionScope scope;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Scope)))
        {
            scope = Scope;
        }
        else if (SessionStore.Find(out scope) is null)
        {
            WriteVerbose("Not connected: there was no session to forget.");
            return;
        }
        var forgotten = SessionStore.Set(scope, null);
        if (forgotten is not null) WriteVerbose($"Disconnected ({Describe(scope)}): {forgotten}.");
        else WriteVerbose($"There was no session {Describe(scope)} to forget.");
        if (SessionStore.Find(out var left) is { } next)
            WriteVerbose($"The commands here now use the {(left == SessionScope.Process ? "process-wide session" : "session of this runspace")}: {next}.");
    }

    private static string Describe(SessionScope scope) => scope == SessionScope.Process ? "for the process" : "of this runspace";
}
