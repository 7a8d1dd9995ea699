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
public sealed class RemoveTencentChatFollowCommand : FollowChangeCmdlet
{
    private protected override FollowChangeProtocol Protocol => FollowChangeProtocol.Delete;
    private protected override string Action => "Remove follow";
}
