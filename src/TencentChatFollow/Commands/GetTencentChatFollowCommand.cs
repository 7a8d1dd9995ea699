using System;
using System.Management.Automation;
using System.Threading;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using TencentChatFollow.Internal;

namespace TencentChatFollow.Commands;

/// <summary>
/// Get-TencentChatFollow: each user's fans, follows or mutual follows (follow_get), paged to the end and written as
/// the pages arrive, in the service's order, users in input order. Several lists are read at once (Core's
/// <see cref="ListRun"/>); each list asks for its next page only once the last one is written, so
/// `Select-Object -First` stops its calls too.
/// </summary>
[Cmdlet(VerbsCommon.Get, "TencentChatFollow")]
[OutputType(typeof(FollowEntry))]
public sealed class GetTencentChatFollowCommand : TencentChatCmdlet, IDisposable
{
    /// <summary>Lists read at once by default.</summary>
    public const int DefaultThrottleLimit = 8;

    private readonly StopSignal _stop = new();
    private ListRun? _run;
    private long _users;
    private long _refused;

    /// <summary>Whose lists to get: strings, or objects with a UserId, To_Account or Account property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("To_Account", "Account")]
    [AllowEmptyString]
    [AllowEmptyCollection]
    [AllowNull]
    [UserIdTransformation]
    public string?[]? UserId { get; set; }

    /// <summary>Follower (fans, the default), Following or Mutual.</summary>
    [Parameter]
    [ValidateSet(nameof(FollowRelation.Follower), nameof(FollowRelation.Following), nameof(FollowRelation.Mutual))]
    [ListRelation]
    public FollowRelation Relation { get; set; } = FollowRelation.Follower;

    /// <summary>Entries asked for per call (Tencent's WantNum), 1 to 1000.</summary>
    [Parameter]
    [ValidateRange(1, FollowGetProtocol.MaxPageSize)]
    public int PageSize { get; set; } = FollowGetProtocol.MaxPageSize;

    /// <summary>Users' lists read at once (the rate limit still applies).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    protected override void BeginProcessing()
    {
        var session = RequireSession();
        _run = new ListRun(session, Relation, PageSize, ThrottleLimit, Write, _stop.Token);
        WriteVerbose($"Listing {Relation} entries at {session.Endpoint.GetLeftPart(UriPartial.Authority)} for app {session.SdkAppId} as {session.Identifier}, {PageSize} a page, up to {ThrottleLimit} lists at once.");
    }

    protected override void ProcessRecord()
    {
        foreach (var user in UserIdInput.Ids(this, UserId, () => _refused++))
        {
            _users++;
            Guard(() => _run!.Add(user));
        }
    }

    protected override void EndProcessing()
    {
        UserIdInput.WriteRefused(this);
        Guard(() => _run!.Complete());
        if (_users == 0 && _refused == 0) UserIdInput.ReportNone(this, MyInvocation.ExpectingInput, "no list was read");
    }

    protected override void StopProcessing() => _stop.Cancel();

    public void Dispose()
    {
        _stop.Dispose();
        _run?.Dispose();
    }

    private void Guard(Action work)
    {
        try
        {
            work();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        if (_run!.Stopped is { } stopped) ThrowTerminatingError(ErrorRecords.From(stopped));
    }

    /// <summary>One page: its entries, or the user's error. On the pipeline thread.</summary>
    private void Write(BatchResult page)
    {
        foreach (var message in page.Verbose) WriteVerbose(message);
        var outcome = page.Outcomes[0];
        if (outcome.Result is FollowPage entries)
        {
            foreach (var entry in entries.Entries) WriteObject(entry);
        }
        else
        {
            WriteError(ErrorRecords.From(outcome.Error!, outcome.UserId));
        }
    }
}
