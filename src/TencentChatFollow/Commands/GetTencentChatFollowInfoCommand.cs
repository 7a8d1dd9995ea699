using System.Management.Automation;
using TencentChatFollow.Api;
using TencentChatFollow.Internal;

namespace TencentChatFollow.Commands;

/// <summary>
/// Get-TencentChatFollowInfo: fan, follow and mutual-follow counts per user. Ids are sent 20 a call while input
/// still arrives, several calls at once; results come out in input order, one object or one error per id.
/// </summary>
[Cmdlet(VerbsCommon.Get, "TencentChatFollowInfo")]
[OutputType(typeof(FollowInfo))]
public sealed class GetTencentChatFollowInfoCommand : BatchCmdlet
{
    private string? _from;

    /// <summary>The users to count: strings, numbers, or objects with a UserId, To_Account or Account property. Blank strings are skipped; each id is trimmed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("To_Account", "Account")]
    [AllowEmptyString]
    [AllowEmptyCollection]
    [AllowNull]
    [UserIdTransformation]
    public string?[]? UserId { get; set; }

    /// <summary>From_Account of the calls; by default the session's admin identifier.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateAccountId]
    public string? From { get; set; }

    protected override void BeginProcessing()
    {
        StartRun(FollowGetInfoProtocol.Instance, "Get-TencentChatFollowInfo", !MyInvocation.ExpectingInput && UserId is { } ids ? CountIds(ids) : null);
        _from = From?.Trim() ?? RunSession!.Identifier;
    }

    protected override void ProcessRecord() => Feed(UserId, _from!);

    protected override void EndProcessing()
    {
        UserIdInput.WriteRefused(this);
        FinishRun(MyInvocation.BoundParameters.ContainsKey(nameof(UserId)));
    }
}
