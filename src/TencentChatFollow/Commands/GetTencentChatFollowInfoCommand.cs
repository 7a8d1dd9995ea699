using System;
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
    private BatchRun? _run;
    private ProgressReporter? _progress;
    private long _refused;

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
        _run = new BatchRun(call.ExecuteAsync, ThrottleLimit, FollowGetInfoProtocol.MaxIdsPerCall, Emit, _stop.Token);
        _progress = new ProgressReporter(this, "Get-TencentChatFollowInfo", () => session.Limiter.CurrentRate(session.MaxRequestsPerSecond));
        if (!MyInvocation.ExpectingInput && UserId is { } ids) _progress.Total = CountIds(ids);
        WriteVerbose($"Counting follows at {session.Endpoint.GetLeftPart(UriPartial.Authority)} for app {session.SdkAppId} as {session.Identifier} (From_Account {from}), up to {ThrottleLimit} calls in flight, at most {session.MaxRequestsPerSecond} calls/s; a partial batch goes after {BatchRun.DefaultIdleFlush.TotalMilliseconds:0} ms without input.");
    }

    protected override void ProcessRecord()
    {
        if (UserId is null) return;
        Guard(() =>
        {
            foreach (var raw in UserId)
            {
                if (UserIdTransformationAttribute.TryGetRejection(raw, out var rejected))
                {
                    _refused++;
                    WriteError(rejected!);
                    continue;
                }
                var id = raw?.Trim();
                if (string.IsNullOrEmpty(id)) continue;
                _run!.Add(id!);
                if (_run.Stopped is not null) return;
            }
        });
    }

    protected override void EndProcessing()
    {
        Guard(() => _run!.Complete());
        _progress!.Complete();
        if (_run!.Received == 0 && _refused == 0) ReportNoIds();
    }

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Cancels whatever is still in flight when the command ends early (an error with -ErrorAction Stop).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _run?.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="work"/>; Ctrl+C becomes PipelineStoppedException, and a run stopped by a fatal answer
    /// ends the command (and the pipeline feeding it) with one terminating error that says how far it got.
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
            ThrowTerminatingError(ErrorRecords.From(stopped));
        }
    }

    /// <summary>Writes one call's results, in order; runs on the pipeline thread (inside Add and Complete).</summary>
    private void Emit(BatchResult result)
    {
        foreach (var message in result.Verbose) WriteVerbose(message);
        foreach (var message in result.Debug) WriteDebug(message);
        foreach (var outcome in result.Outcomes)
        {
            if (outcome.Info is not null) WriteObject(outcome.Info);
            else WriteError(ErrorRecords.From(outcome.Error!, outcome.UserId));
        }
        _progress!.Report(_run!.Done, _run.Errors);
    }

    /// <summary>A run that received no id at all is worth a word: a typo'd variable or an empty file looks like success otherwise.</summary>
    private void ReportNoIds()
    {
        if (MyInvocation.ExpectingInput)
        {
            WriteWarning("No user id came down the pipeline (blank lines are skipped), so nothing was counted. Check the input file or command.");
            return;
        }
        WriteError(new ErrorRecord(new ArgumentException("-UserId holds no user id ($null, an empty array or blank strings), so nothing was counted. Check the variable you passed (a typo gives $null)."),
            "TencentChat.NoUserId", ErrorCategory.InvalidArgument, null));
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
        foreach (var id in ids) if (!string.IsNullOrWhiteSpace(id) && !UserIdTransformationAttribute.TryGetRejection(id, out _)) n++;
        return n;
    }
}
