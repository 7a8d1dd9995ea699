using System.Management.Automation;
using TencentChatFollow.Api;
using TencentChatFollow.Text;

namespace TencentChatFollow.Internal;

/// <summary>
/// Add- and Remove-TencentChatFollow: writes through follow_add or follow_delete, each pair behind ShouldProcess
/// (so -WhatIf lists every pair and sends nothing), silent on success unless -PassThru. A write's record is complete
/// whenever the command has the floor (<see cref="RunWriter"/>), and bounded when the pipeline is stopped from outside.
/// </summary>
public abstract class FollowChangeCmdlet : FollowPairCmdlet
{
    /// <summary>Write one FollowChange per pair done.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private protected abstract FollowChangeProtocol Protocol { get; }

    /// <summary>The ShouldProcess action, e.g. "Add follow".</summary>
    private protected abstract string Action { get; }

    private protected override void StartPairs() => StartRun(Protocol, MyInvocation.MyCommand.Name, KnownTotal, fromPerCall: true);

    private protected override void FeedPairs(string from) => Feed(UserId, from, id => ShouldProcess($"{UserIdText.Show(from)} follows {UserIdText.Show(id)}", Action));

    protected override bool ShouldWrite(object result) => PassThru;

    private protected override bool Writes => true;

    private protected override string RecordCheck => "Test-TencentChatFollow on the input shows which pairs are in place";

    /// <summary>
    /// No finished call waits behind a slow one: calls started and not yet written hold at most ThrottleLimit × 20
    /// pairs, so a pipeline stopped from outside (Ctrl+C, Select-Object -First) leaves at most that many pairs, plus
    /// the rest of the one call being written, done without a record (documented in the help's NOTES).
    /// </summary>
    private protected override int MaxBufferedIds => 1;
}
