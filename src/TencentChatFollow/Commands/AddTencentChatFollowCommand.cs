using System.Management.Automation;
using TencentChatFollow.Api;
using TencentChatFollow.Internal;

namespace TencentChatFollow.Commands;

/// <summary>
/// Add-TencentChatFollow: From follows each UserId (follow_add, 20 a call). Writes nothing on success unless
/// -PassThru; a pair that fails is an error whose TargetObject is the UserId.
/// </summary>
[Cmdlet(VerbsCommon.Add, "TencentChatFollow", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FollowChange))]
public sealed class AddTencentChatFollowCommand : FollowPairCmdlet
{
    /// <summary>Write one FollowChange per pair done.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => StartRun(FollowChangeProtocol.Add, "Add-TencentChatFollow", KnownTotal, fromPerCall: true);

    protected override void ProcessRecord()
    {
        var from = From.Trim();
        Feed(UserId, from, id => ShouldProcess($"'{from}' follows '{id}'", "Add follow"));
    }

    protected override bool ShouldWrite(object result) => PassThru;
}
