using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using TencentChatFollow.Api;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;

namespace TencentChatFollow.Internal;

/// <summary>
/// Base of the cmdlets over a batched follow API: they bind parameters and feed ids (with their From_Account); the
/// run itself (<see cref="BatchRun{TResult}"/> over <see cref="BatchCall{TResult}"/>) is Core's. This class only connects the two:
/// it writes what the run returns, in order, on the pipeline thread, tells the run when it waits for input (for the
/// idle flush), keeps the progress bar, turns Ctrl+C into a stop of every call in flight and a stopped run into its
/// one terminating error, written after every result the service had given (<see cref="RunWriter"/>).
/// </summary>
public abstract class BatchCmdlet : TencentChatCmdlet, IDisposable, IErrorHolder
{
    /// <summary>Calls in flight by default: enough to reach 200 calls/s at 300 ms round trips.</summary>
    public const int DefaultThrottleLimit = 64;

    private readonly StopSignal _stop = new();
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "The run's result type is the command's protocol's, known only in StartRun.")]
    private IBatchRunDriver? _run;
    private RunWriter? _writer;
    private ProgressReporter? _progress;
    private long _refused;
    private long _skipped;

    /// <summary>Calls in flight at once (the rate limit still applies).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    /// <summary>The session the run uses (set by <see cref="StartRun"/>).</summary>
    protected TencentChatSession? RunSession { get; private set; }

    /// <summary>Starts the run of <paramref name="protocol"/>'s calls; call from BeginProcessing.</summary>
    /// <param name="protocol">The API the run calls.</param>
    /// <param name="activity">The progress bar's title (the command's name).</param>
    /// <param name="total">Ids to do, when known before the run.</param>
    /// <param name="fromPerCall">Each id comes with its own From (pairs): an unknown From fails its pairs, not the run.</param>
    private protected void StartRun<TResult>(BatchProtocol<TResult> protocol, string activity, long? total, bool fromPerCall = false)
        where TResult : class
    {
        var session = RequireSession();
        RunSession = session;
        var call = new BatchCall<TResult>(session, protocol, collectDebug: IsDebugOn(), fromPerCall);
        // Each call gets its own signal that the run sends it no more: once the run stops (or an error comes, under
        // -ErrorAction Stop: the calls after it), calls still waiting for their turn are not sent.
        var run = new BatchRun<TResult>((sequence, from, ids, sendNoMore, token) => call.ExecuteAsync(sequence, from ?? session.Identifier, ids, sendNoMore, token),
            ThrottleLimit, protocol.MaxIdsPerCall, _stop.Token, clock: session.Clock, maxBufferedIds: MaxBufferedIds,
            firstCallAlone: Writes || !session.HasAnswered);
        call.RunNotice = run.Post; // an outage's lines as it begins and ends, not with the calls' results
        run.OnNotice = WriteVerbose;
        _writer = new RunWriter(this, ShouldWrite, RecordNoun, RecordCheck);
        run.StopAtFirstError = _writer.StopsAtFirstError;
        _run = new BatchRunDriver<TResult>(run, _writer, () => _progress!.Report(_run!.Done, _run.Errors));
        _progress = new ProgressReporter(this, activity, () => session.LimiterFor(protocol.Path).CurrentRate(session.CeilingFor(protocol.Path)), RecordNoun, RecordNoun + "s") { Total = total };
        WriteVerbose(FormattableString.Invariant($"{activity}: {protocol.Path} at {session.Endpoint.GetLeftPart(UriPartial.Authority)} for app {session.SdkAppId} as {Text.ServerText.Safe(session.Identifier)}, {protocol.MaxIdsPerCall} ids a call, up to {ThrottleLimit} calls in flight, at most {session.CeilingFor(protocol.Path)} calls/s; a partial batch goes after {BatchRun.DefaultIdleFlush.TotalMilliseconds:0} ms without input."));
    }

    /// <summary>
    /// Feeds the ids of one record, as <paramref name="from"/>: each trimmed, blanks skipped, objects that carry no
    /// id refused with their own error, and <paramref name="shouldSend"/> asked for each (for -WhatIf and -Confirm).
    /// </summary>
    protected void Feed(IEnumerable<string?>? rawIds, string from, Func<string, bool>? shouldSend = null)
    {
        _writer!.RecordRead();
        if (rawIds is null) return;
        Guard(() =>
        {
            foreach (var id in UserIdInput.Ids(this, rawIds, () => _refused++))
            {
                if (_run!.Stopped is not null || _writer!.Holding)
                {
                    _writer!.NotSent(id); // the run is ending: the rest of this record is not sent
                    continue;
                }
                if (shouldSend is not null) _run!.AwaitingInput(); // a -Confirm prompt waits for the user: input is quiet
                if (shouldSend is not null && !shouldSend(id))
                {
                    _skipped++;
                    continue;
                }
                _run!.Add(id, from);
            }
            _run!.AwaitingInput();
        });
    }

    /// <summary>End of input: sends what is left, writes every result, and says so when no id came at all.</summary>
    protected void FinishRun(bool userIdBound)
    {
        _writer!.InputEnded = true;
        Guard(() => _run!.Complete());
        _progress!.Complete();
        if (_run!.Received == 0 && _refused == 0 && _skipped == 0) UserIdInput.ReportNone(this, !userIdBound || MyInvocation.ExpectingInput, "nothing was done");
    }

    /// <summary>Whether a result is written (Add and Remove write theirs only with -PassThru).</summary>
    protected virtual bool ShouldWrite(object result) => true;

    /// <summary>What the run's stop error and progress bar count: "id" or "pair".</summary>
    private protected virtual string RecordNoun => "id";

    /// <summary>How to see what is in place after a stopped run, for writes.</summary>
    private protected virtual string? RecordCheck => null;

    /// <summary>
    /// The run changes the service's data: its first call always goes alone, so a failure every call would meet (a
    /// missing permission) changes nothing more. A read's first call goes alone only until the session has had an answer.
    /// </summary>
    private protected virtual bool Writes => false;

    /// <summary>The run's reorder bound (<see cref="BatchRun{TResult}.MaxBufferedIds"/>); writes keep it at the calls in flight.</summary>
    private protected virtual int MaxBufferedIds => BatchRun.DefaultMaxBufferedIds;

    void IErrorHolder.Hold(ErrorRecord error, string input) => _writer!.Refused(error, input, _run!.Stopped is not null);

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Cancels whatever is still in flight when the command ends early (an error with -ErrorAction Stop).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Cancels whatever is still in flight and disposes the command's stop (<paramref name="disposing"/> true).</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing) _stop.Dispose();
    }

    /// <summary>Ids in an -UserId array, for the progress bar's percentage.</summary>
    protected static long CountIds(string?[] ids)
    {
        long n = 0;
        foreach (var id in ids) if (!string.IsNullOrWhiteSpace(id) && !UserIdTransformationAttribute.TryGetRejection(id, out _)) n++;
        return n;
    }

    /// <summary>
    /// Runs <paramref name="work"/>; Ctrl+C becomes PipelineStoppedException. A run stopped by a fatal answer, or
    /// holding its first error under -ErrorAction Stop, ends the command (and the pipeline feeding it) with one
    /// terminating error that says how far it got, once everything the service has done is written: for a held
    /// error the run sends nothing more and the calls already started are waited for and written first.
    /// </summary>
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
        if (_run!.Stopped is { } stopped)
        {
            _progress!.Complete();
            ThrowTerminatingError(_writer!.Ended(stopped.UnansweredIds, stopped));
        }
        if (_writer!.Holding)
        {
            IReadOnlyList<string> unanswered = Array.Empty<string>();
            try
            {
                unanswered = _run.Halt();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                TryCompleteProgress();
                throw new PipelineStoppedException();
            }
            _progress!.Complete();
            ThrowTerminatingError(_writer.Ended(unanswered, null, _run.FatalArrived, unknown: _run.UnknownIds));
        }
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
}
