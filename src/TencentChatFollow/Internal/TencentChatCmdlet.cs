using System.Management.Automation;
using TencentChatFollow.Session;

namespace TencentChatFollow.Internal;

/// <summary>Base of the cmdlets that call the API: the -Session parameter and the not-connected error.</summary>
public abstract class TencentChatCmdlet : PSCmdlet
{
    /// <summary>The session to use; by default the one Connect-TencentChat made in this runspace.</summary>
    [Parameter]
    [ValidateNotNull]
    public TencentChatSession? Session { get; set; }

    /// <summary>The explicit session or the runspace default; a terminating error when there is neither.</summary>
    protected TencentChatSession RequireSession()
    {
        var session = Session ?? SessionStore.Current;
        if (session is null) ThrowTerminatingError(ErrorRecords.NotConnected());
        return session!;
    }
}
