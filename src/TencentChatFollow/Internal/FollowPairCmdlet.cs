using System.Management.Automation;

namespace TencentChatFollow.Internal;

/// <summary>
/// The parameters of the cmdlets over pairs (From and UserId): Test-, Add- and Remove-TencentChatFollow. From binds
/// by property name too, so Import-Csv rows with From and UserId columns feed them; consecutive pairs with the same
/// From share calls.
/// </summary>
public abstract class FollowPairCmdlet : BatchCmdlet
{
    /// <summary>The account on the From side of each pair (Tencent's From_Account).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("From_Account")]
    [ValidateNotNullOrEmpty]
    public string From { get; set; } = "";

    /// <summary>The other account of each pair: strings, numbers, or objects with a UserId, To_Account or Account property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("To_Account", "Account")]
    [AllowEmptyString]
    [AllowEmptyCollection]
    [AllowNull]
    [UserIdTransformation]
    public string?[]? UserId { get; set; }

    /// <summary>Ids in -UserId when it is given as an argument, for the progress bar.</summary>
    protected long? KnownTotal => !MyInvocation.ExpectingInput && UserId is { } ids ? CountIds(ids) : null;

    protected override void EndProcessing() => FinishRun(MyInvocation.BoundParameters.ContainsKey(nameof(UserId)));
}
