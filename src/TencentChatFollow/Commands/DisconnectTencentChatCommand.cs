using System.Management.Automation;
using TencentChatFollow.Internal;

namespace TencentChatFollow.Commands;

/// <summary>Disconnect-TencentChat: forgets the runspace's default session. Doing it twice is not an error.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "TencentChat")]
[OutputType(typeof(void))]
public sealed class DisconnectTencentChatCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        if (SessionStore.Current is { } session) WriteVerbose($"Disconnected: {session}.");
        SessionStore.Current = null;
    }
}
