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
public sealed class AddTencentChatFollowCommand : FollowChangeCmdlet
{
    private protected override FollowChangeProtocol Protocol => FollowChangeProtocol.Add;
    private protected override string Action => "Add follow";
}
