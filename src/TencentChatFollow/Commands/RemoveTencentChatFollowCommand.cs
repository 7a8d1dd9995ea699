using System.Management.Automation;
using TencentChatFollow.Api;
using TencentChatFollow.Internal;

namespace TencentChatFollow.Commands;

/// <summary>
/// Remove-TencentChatFollow: From stops following each UserId (follow_delete, 20 a call). Writes nothing on success
/// unless -PassThru; a pair that fails is an error whose TargetObject is the UserId.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "TencentChatFollow", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FollowChange))]
public sealed class RemoveTencentChatFollowCommand : FollowPairCmdlet
{
    /// <summary>Write one FollowChange per pair done.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => StartRun(FollowChangeProtocol.Delete, "Remove-TencentChatFollow", KnownTotal, fromPerCall: true);

    protected override void ProcessRecord()
    {
        var from = From.Trim();
        Feed(UserId, from, id => ShouldProcess($"'{from}' follows '{id}'", "Remove follow"));
    }

    protected override bool ShouldWrite(object result) => PassThru;
}
