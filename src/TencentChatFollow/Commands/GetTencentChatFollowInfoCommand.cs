using System;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using TencentChatFollow.Internal;

namespace TencentChatFollow.Commands;

/// <summary>
/// Get-TencentChatFollowInfo: fan, follow and mutual-follow counts per user. Ids are sent 20 a call while input
/// still arrives, several calls at once; results come out in input order, one object or one error per id.
/// </summary>
[Cmdlet(VerbsCommon.Get, "TencentChatFollowInfo")]
[OutputType(typeof(FollowInfo))]
public sealed class GetTencentChatFollowInfoCommand : TencentChatCmdlet, IDisposable
{
    /// <summary>Calls in flight by default: enough to reach 200 calls/s at 300 ms round trips.</summary>
    public const int DefaultThrottleLimit = 64;

    private readonly CancellationTokenSource _stop = new();
    private OrderedBatchRunner? _runner;
    private ProgressReporter? _progress;
    private TencentChatException? _fatal;
    private long _done;
    private long _errors;

    /// <summary>The users to count. Blank entries are skipped; each is trimmed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("To_Account", "Account")]
    [AllowEmptyString]
    [AllowEmptyCollection]
    [AllowNull]
    public string?[]? UserId { get; set; }

    /// <summary>From_Account of the calls; by default the session's admin identifier.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? From { get; set; }

    /// <summary>Calls in flight at once (the rate limit still applies).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    protected override void BeginProcessing()
    {
        var session = RequireSession();
        var from = From?.Trim() ?? session.Identifier;
        var call = new FollowInfoCall(session, from, collectDebug: IsDebugOn());
        _runner = new OrderedBatchRunner(call.ExecuteAsync, ThrottleLimit, FollowGetInfoProtocol.MaxIdsPerCall, _stop.Token);
        _progress = new ProgressReporter(this, "Get-TencentChatFollowInfo", () => session.Limiter.CurrentRate(session.MaxRequestsPerSecond));
        if (!MyInvocation.ExpectingInput && UserId is { } ids) _progress.Total = CountIds(ids);
        WriteVerbose($"Counting follows at {session.Endpoint.GetLeftPart(UriPartial.Authority)} for app {session.SdkAppId} as {session.Identifier} (From_Account {from}), up to {ThrottleLimit} calls in flight, at most {session.MaxRequestsPerSecond} calls/s.");
    }

    protected override void ProcessRecord()
    {
        if (UserId is null) return;
        Guard(() =>
        {
            foreach (var raw in UserId)
            {
                var id = raw?.Trim();
                if (string.IsNullOrEmpty(id)) continue;
                MakeRoom();
                if (_fatal is not null)
                {
                    DrainAfterFatal();
                    ReportNotSent(id!);
                    continue;
                }
                _runner!.Add(id!);
                EmitReady();
            }
        });
    }

    protected override void EndProcessing()
    {
        Guard(() =>
        {
            MakeRoom();
            if (_fatal is null) _runner!.Flush();
            while (_runner!.Pending > 0) Emit(_runner.Take());
        });
        _progress!.Complete();
        if (_fatal is not null)
        {
            // Say how far the run got: results already written stand.
            var answered = _done - _errors;
            var summary = new TencentChatException(_fatal.ErrorId, _fatal.Kind, string.Format(CultureInfo.CurrentCulture,
                "{0} {1:N0} {2} answered before the run stopped; {3:N0} did not get a result.", _fatal.Message.TrimEnd(), answered,
                answered == 1 ? "id was" : "ids were", _errors), _fatal.Code);
            ThrowTerminatingError(ErrorRecords.From(summary, null));
        }
    }

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Cancels whatever is still in flight when the command ends early (an error with -ErrorAction Stop).</summary>
    public void Dispose() => _stop.Cancel();

    private void Guard(Action work)
    {
        try
        {
            work();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            TryCompleteProgress();
            throw new PipelineStoppedException();
        }
        if (_fatal is not null) DrainAfterFatal();
    }

    /// <summary>
    /// Waits until the runner may start another call, writing the results that are ready, in order, meanwhile.
    /// A call that is slow to answer holds back only the results after it, not the sending: the calls behind it go
    /// on leaving at the rate limit until the runner's reorder buffer is full.
    /// </summary>
    private void MakeRoom()
    {
        while (_fatal is null && _runner!.IsFull)
        {
            _runner.WaitForRoom();
            EmitReady();
        }
    }

    /// <summary>Writes the results that are ready, oldest first, up to the first call still running.</summary>
    private void EmitReady()
    {
        while (_fatal is null && _runner!.TryTake(out var ready)) Emit(ready!);
    }

    private void Emit(BatchResult result)
    {
        foreach (var message in result.Verbose) WriteVerbose(message);
        foreach (var message in result.Debug) WriteDebug(message);
        foreach (var outcome in result.Outcomes)
        {
            if (outcome.Info is not null)
            {
                WriteObject(outcome.Info);
            }
            else
            {
                _errors++;
                WriteError(ErrorRecords.From(outcome.Error!, outcome.UserId));
            }
            _done++;
        }
        _fatal ??= result.Fatal;
        _progress!.Report(_done, _errors);
    }

    /// <summary>
    /// Every later call would fail the same way (wrong key, not an admin...): no more calls are made. The calls
    /// already made finish, and every id not sent, now or still to come down the pipeline, gets its own error in
    /// input order, so that every id comes out once. EndProcessing then ends with one terminating error that says
    /// what to do.
    /// </summary>
    private void DrainAfterFatal()
    {
        while (_runner!.Pending > 0) Emit(_runner.Take());
        foreach (var id in _runner.DiscardUnsent()) ReportNotSent(id);
    }

    private void ReportNotSent(string id)
    {
        var fatal = _fatal!;
        _errors++;
        _done++;
        WriteError(ErrorRecords.From(new TencentChatException(fatal.ErrorId, fatal.Kind,
            $"'{id}' was not sent: an earlier call failed in a way every call would. {fatal.Message}", fatal.Code, id)));
    }

    private void TryCompleteProgress()
    {
        try
        {
            _progress?.Complete();
        }
        catch (PipelineStoppedException)
        {
            // The host is already tearing the pipeline down; it clears the bar itself.
        }
    }

    private bool IsDebugOn()
    {
        if (MyInvocation.BoundParameters.TryGetValue("Debug", out var d) && d is SwitchParameter s) return s.IsPresent;
        // A preference set in a child scope ($DebugPreference = 'Continue') is a plain string there.
        return LanguagePrimitives.TryConvertTo(GetVariableValue("DebugPreference"), out ActionPreference p)
            && p != ActionPreference.SilentlyContinue && p != ActionPreference.Ignore;
    }

    private static long CountIds(string?[] ids)
    {
        long n = 0;
        foreach (var id in ids) if (!string.IsNullOrWhiteSpace(id)) n++;
        return n;
    }
}
