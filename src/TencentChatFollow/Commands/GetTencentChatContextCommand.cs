using System.Management.Automation;
using TencentChatFollow.Internal;
using TencentChatFollow.Session;

namespace TencentChatFollow.Commands;

/// <summary>Get-TencentChatContext: the runspace's default session (no secrets in it), or nothing when not connected.</summary>
[Cmdlet(VerbsCommon.Get, "TencentChatContext")]
[OutputType(typeof(TencentChatSession))]
public sealed class GetTencentChatContextCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        if (SessionStore.Current is { } session) WriteObject(session);
    }
}
