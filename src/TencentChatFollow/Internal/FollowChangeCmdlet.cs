using System.Management.Automation;
using TencentChatFollow.Api;

namespace TencentChatFollow.Internal;

/// <summary>
/// Add- and Remove-TencentChatFollow: writes through follow_add or follow_delete, each pair behind ShouldProcess
/// (so -WhatIf lists every pair and sends nothing), silent on success unless -PassThru.
/// </summary>
public abstract class FollowChangeCmdlet : FollowPairCmdlet
{
    /// <summary>Write one FollowChange per pair done.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private protected abstract FollowChangeProtocol Protocol { get; }

    /// <summary>The ShouldProcess action, e.g. "Add follow".</summary>
    private protected abstract string Action { get; }

    protected override void BeginProcessing() => StartRun(Protocol, MyInvocation.MyCommand.Name, KnownTotal, fromPerCall: true);

    private protected override void FeedPairs(string from) => Feed(UserId, from, id => ShouldProcess($"'{from}' follows '{id}'", Action));

    protected override bool ShouldWrite(object result) => PassThru;
}
