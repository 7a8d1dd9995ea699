using System.Management.Automation;
using TencentChatFollow.Api;
using TencentChatFollow.Internal;

namespace TencentChatFollow.Commands;

/// <summary>
/// Test-TencentChatFollow: whether From and each UserId follow each other (follow_check, 100 ids a call). One
/// FollowCheck per pair, in input order.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "TencentChatFollow")]
[OutputType(typeof(FollowCheck))]
public sealed class TestTencentChatFollowCommand : FollowPairCmdlet
{
    private protected override void StartPairs() => StartRun(FollowCheckProtocol.Instance, "Test-TencentChatFollow", KnownTotal, fromPerCall: true);

    private protected override void FeedPairs(string from) => Feed(UserId, from);
}
