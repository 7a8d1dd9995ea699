using System;
using System.Linq;
using System.Management.Automation;
using TencentChatFollow.Session;

namespace TencentChatFollow.Internal;

/// <summary>Base of the cmdlets that call the API: the -Session parameter and the not-connected error.</summary>
public abstract class TencentChatCmdlet : PSCmdlet
{
    /// <summary>The session to use; by default this runspace's (Connect-TencentChat -Scope Runspace), else the process's.</summary>
    [Parameter]
    [ValidateNotNull]
    [SessionCopyRefused]
    public TencentChatSession? Session { get; set; }

    /// <summary>The explicit session, else the runspace's, else the process's; a terminating error when there is none.</summary>
    protected TencentChatSession RequireSession()
    {
        var session = Session ?? SessionStore.Current;
        if (session is null) ThrowTerminatingError(ErrorRecords.NotConnectedInScopes());
        return session!;
    }
}

/// <summary>
/// Refuses a session that crossed a process boundary (Start-Job, Invoke-Command, Import-Clixml): PowerShell hands it
/// over as a property bag typed "Deserialized.TencentChatFollow...", which holds no key and cannot sign a call. The
/// error says so and shows the environment-variable way, instead of PowerShell's "cannot convert" message.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SessionCopyRefusedAttribute : ArgumentTransformationAttribute
{
    private const string DeserializedPrefix = "Deserialized.TencentChatFollow.";

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        if (inputData is PSObject wrapped && wrapped.BaseObject is not TencentChatSession
            && wrapped.TypeNames.FirstOrDefault(t => t.StartsWith(DeserializedPrefix, StringComparison.Ordinal)) is { } typeName)
        {
            throw new ArgumentTransformationMetadataException(ErrorRecords.SessionCrossedProcess(typeName));
        }
        return inputData;
    }
}
