using System;
using System.Collections.Generic;
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
/// `Select-Object -First` stops its calls too. Under -ErrorAction Stop the first error ends the command once the lists
/// before it are written whole (<see cref="RunWriter"/>); the users after it are named as not read.
/// </summary>
[Cmdlet(VerbsCommon.Get, "TencentChatFollow")]
[OutputType(typeof(FollowEntry))]
public sealed class GetTencentChatFollowCommand : TencentChatCmdlet, IDisposable, IErrorHolder
{
    /// <summary>Lists read at once by default.</summary>
    public const int DefaultThrottleLimit = 8;

    private readonly StopSignal _stop = new();
    private readonly List<string> _added = new();
    private ListRun? _run;
    private RunWriter? _writer;
    private long _users;
    private long _refused;
    private long _entries;
    private bool _userFailed; // a user's error is held under -ErrorAction Stop: nothing after it is written

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
        _run = new ListRun(session, Relation, PageSize, ThrottleLimit, _stop.Token);
        _writer = new RunWriter(this, _ => true, "list");
        WriteVerbose($"Listing {Relation} entries at {session.Endpoint.GetLeftPart(UriPartial.Authority)} for app {session.SdkAppId} as {Text.ServerText.Safe(session.Identifier)}, {PageSize} a page, up to {ThrottleLimit} lists at once.");
    }

    protected override void ProcessRecord()
    {
        _writer!.RecordRead();
        foreach (var user in UserIdInput.Ids(this, UserId, () => _refused++))
        {
            if (_writer!.Holding || _run!.Stopped is not null)
            {
                _writer.NotSent(user); // the run is ending: the rest of this record is not read
                continue;
            }
            _users++;
            _added.Add(user);
            // The stop's error waits for the end of the record: the rest of its users go to the record as not read.
            Guard(() =>
            {
                _run!.Add(user);
                WriteReady();
            }, end: false);
        }
        Guard(() => { });
    }

    protected override void EndProcessing()
    {
        UserIdInput.WriteRefused(this);
        _writer!.InputEnded = true;
        Guard(() =>
        {
            _run!.Complete();
            WriteReady();
        });
        if (_users == 0 && _refused == 0) UserIdInput.ReportNone(this, MyInvocation.ExpectingInput, "no list was read");
    }

    protected override void StopProcessing() => _stop.Cancel();

    public void Dispose()
    {
        _stop.Dispose();
        _run?.Dispose();
    }

    void IErrorHolder.Hold(ErrorRecord error, string input) => _writer!.Refused(error, input, _run!.Stopped is not null);

    /// <summary>
    /// Runs <paramref name="work"/>; Ctrl+C becomes PipelineStoppedException. A run stopped by a fatal answer, or
    /// holding its first error under -ErrorAction Stop, ends with one terminating error: for a user's error, once
    /// the lists before it were written (nothing after it is); for a refused input, once the lists before it were
    /// read to their end and written. With <paramref name="end"/> false, that error waits for a later Guard.
    /// </summary>
    private void Guard(Action work, bool end = true)
    {
        IReadOnlyList<string>? unread = null;
        try
        {
            work();
            if (_writer!.Holding && !_userFailed && _run!.Stopped is null)
            {
                // A refused input: the lists before it go first.
                _run.Complete();
                WriteReady();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        if (!end) return;
        if (_userFailed)
        {
            // The held error is a user's: the lists after it (maybe read ahead) are not written.
            var next = (int)Math.Min(_added.Count, _run!.Answered + _writer!.FailedCount);
            unread = _added.GetRange(next, _added.Count - next);
        }
        if (_run!.Stopped is { } stopped)
        {
            ThrowTerminatingError(_writer!.Ended(stopped.UnansweredIds, stopped, done: _run.Answered, detail: Entries()));
        }
        if (_writer!.Holding)
        {
            _run.Dispose();
            ThrowTerminatingError(_writer.Ended(unread ?? Array.Empty<string>(), null, done: _run.Answered, detail: Entries()));
        }
    }

    private string Entries() => _entries == 1 ? " (1 entry)" : string.Format(System.Globalization.CultureInfo.InvariantCulture, " ({0:N0} entries)", _entries);

    /// <summary>
    /// Writes the pages the run gives back, in order, on the pipeline thread; each list's next page is asked for only
    /// when the loop comes back for more. Stops at a user's error held under -ErrorAction Stop.
    /// </summary>
    private void WriteReady()
    {
        while (!_userFailed && _run!.Next() is { } page) Write(page);
    }

    /// <summary>One page: its entries, or the user's error.</summary>
    private void Write(BatchResult<FollowPage> page)
    {
        foreach (var message in page.Verbose) WriteVerbose(message);
        var outcome = page.Outcomes[0];
        if (outcome.Result is { } entries)
        {
            foreach (var entry in entries.Entries)
            {
                WriteObject(entry);
                _entries++;
            }
        }
        else if (_writer!.Fail(outcome.Error!, outcome.UserId))
        {
            _userFailed = true; // held: the loop takes nothing more from the run
        }
    }
}
