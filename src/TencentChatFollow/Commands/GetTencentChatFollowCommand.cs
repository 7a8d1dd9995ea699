using System;
using System.Management.Automation;
using System.Threading;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using TencentChatFollow.Internal;

namespace TencentChatFollow.Commands;

/// <summary>
/// Get-TencentChatFollow: each user's fans, follows or mutual follows (follow_get), paged to the end and written
/// as the pages arrive, in the service's order, one user after another in input order. The next page is asked for
/// only once the last one is written, so `Select-Object -First` stops the calls too.
/// </summary>
[Cmdlet(VerbsCommon.Get, "TencentChatFollow")]
[OutputType(typeof(FollowEntry))]
public sealed class GetTencentChatFollowCommand : TencentChatCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private BatchCall? _call;
    private FollowGetProtocol? _protocol;
    private long _sequence;
    private long _users;
    private long _answered;
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
    public FollowRelation Relation { get; set; } = FollowRelation.Follower;

    /// <summary>Entries asked for per call (Tencent's WantNum), 1 to 1000.</summary>
    [Parameter]
    [ValidateRange(1, FollowGetProtocol.MaxPageSize)]
    public int PageSize { get; set; } = FollowGetProtocol.MaxPageSize;

    protected override void BeginProcessing()
    {
        var session = RequireSession();
        _protocol = new FollowGetProtocol(Relation, PageSize);
        _call = new BatchCall(session, _protocol, collectDebug: false, fromPerCall: true);
        WriteVerbose($"Listing {Relation} entries at {session.Endpoint.GetLeftPart(UriPartial.Authority)} for app {session.SdkAppId} as {session.Identifier}, {PageSize} a page.");
    }

    protected override void ProcessRecord()
    {
        foreach (var user in UserIdInput.Ids(this, UserId, () => _refused++))
        {
            _users++;
            PageThrough(user);
        }
    }

    protected override void EndProcessing()
    {
        if (_users == 0 && _refused == 0) UserIdInput.ReportNone(this, MyInvocation.ExpectingInput, "no list was read");
    }

    protected override void StopProcessing() => _stop.Cancel();

    public void Dispose() => _stop.Cancel();

    /// <summary>Reads one user's list page by page on this thread, writing each page before asking for the next.</summary>
    private void PageThrough(string user)
    {
        _protocol!.Cursor = "";
        _protocol.PendingUser = user;
        var pages = 0;
        while (true)
        {
            BatchResult result;
            try
            {
                result = _call!.ExecuteAsync(++_sequence, user, new[] { user }, _stop.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            foreach (var message in result.Verbose) WriteVerbose(message);
            var outcome = result.Outcomes[0];
            if (outcome.Result is not FollowPage page)
            {
                if (result.Fatal is { } fatal)
                    ThrowTerminatingError(ErrorRecords.From(new TencentChatRunStoppedException(fatal, _answered, new[] { user })));
                WriteError(ErrorRecords.From(outcome.Error!, user));
                return;
            }
            pages++;
            foreach (var entry in page.Entries) WriteObject(entry);
            if (page.NextCursor.Length == 0)
            {
                _answered++;
                return;
            }
            if (page.NextCursor == _protocol.Cursor)
            {
                WriteError(ErrorRecords.From(new TencentChatException("TencentChat.InvalidResponse", ErrorKind.InvalidResponse,
                    $"The service gave the same NextCursor twice for '{user}' after {pages} pages; the list was not read to its end.", userId: user)));
                return;
            }
            _protocol.Cursor = page.NextCursor;
        }
    }
}
