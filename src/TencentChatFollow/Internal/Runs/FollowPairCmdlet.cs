using System.Management.Automation;

namespace TencentChatFollow.Internal;

/// <summary>
/// The parameters of the cmdlets over pairs (From and UserId): Test-, Add- and Remove-TencentChatFollow. From binds
/// by property name too, so Import-Csv rows with From and UserId columns feed them; consecutive pairs with the same
/// From share calls.
/// <para>
/// A hashtable's From (or From_Account) key counts as a From property, as its UserId key counts as a UserId property
/// (PowerShell binds neither key by name; <see cref="UserIdTransformationAttribute"/> reads both).
/// </para>
/// <para>
/// From is not Mandatory on purpose: PowerShell would then refuse each piped row without a From with its own binding
/// error ("cannot be bound because it did not contain the information required to bind all mandatory parameters")
/// and the run would end with a false "no user id came down the pipeline". Instead the ids of such a record are
/// refused like objects that carry no id, and all of them make one TencentChat.NoFrom error that says what to pass
/// (<see cref="UserIdInput"/>).
/// </para>
/// </summary>
public abstract class FollowPairCmdlet : BatchCmdlet
{
    /// <summary>The account on the From side of each pair (Tencent's From_Account): this parameter, or each piped object's From.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("From_Account")]
    public string? From { get; set; }

    /// <summary>The other account of each pair: strings, numbers, or objects with a UserId, To_Account or Account property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("To_Account", "Account")]
    [AllowEmptyString]
    [AllowEmptyCollection]
    [AllowNull]
    [UserIdTransformation]
    public string?[]? UserId { get; set; }

    /// <summary>-From was given as an argument, blank (empty or white space): the ids refused for it say so.</summary>
    private bool _blankFromArgument;

    /// <summary>Ids in -UserId when it is given as an argument, for the progress bar.</summary>
    protected long? KnownTotal => !MyInvocation.ExpectingInput && UserId is { } ids ? CountIds(ids) : null;

    /// <summary>Notes whether -From was given blank, then starts the run.</summary>
    protected sealed override void BeginProcessing()
    {
        // Before the first record only arguments are bound: a piped object's From is bound record by record.
        _blankFromArgument = From is not null && string.IsNullOrWhiteSpace(From);
        StartPairs();
    }

    /// <summary>Starts the command's run (its BeginProcessing).</summary>
    private protected abstract void StartPairs();

    /// <summary>
    /// The pairs of one record; a record without a From, or with one no account can have (longer than any account
    /// id, or holding a control character or half a surrogate pair), has its ids refused instead (one error for them all).
    /// </summary>
    protected sealed override void ProcessRecord()
    {
        // A piped hashtable's From key counts as a piped object's From property does; -From given as an argument wins.
        var from = (string.IsNullOrWhiteSpace(From) ? UserIdTransformationAttribute.HashtableFrom(UserId) : From)?.Trim();
        if (string.IsNullOrEmpty(from))
        {
            Feed(UserIdInput.WithoutFrom(UserId, blankArgument: _blankFromArgument), "");
            return;
        }
        if (Refusal.FromProblem(from!, out _) is not null)
        {
            Feed(UserIdInput.WithoutFrom(UserId, from), "");
            return;
        }
        FeedPairs(from!);
    }

    private protected override string RecordNoun => "pair";

    /// <summary>Feeds this record's ids as the pairs of <paramref name="from"/> (trimmed, not blank).</summary>
    private protected abstract void FeedPairs(string from);

    protected override void EndProcessing()
    {
        UserIdInput.WriteRefused(this);
        FinishRun(MyInvocation.BoundParameters.ContainsKey(nameof(UserId)));
    }
}
