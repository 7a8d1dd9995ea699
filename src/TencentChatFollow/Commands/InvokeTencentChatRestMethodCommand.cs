using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using TencentChatFollow.Internal;
using TencentChatFollow.Session;

namespace TencentChatFollow.Commands;

/// <summary>
/// Invoke-TencentChatRestMethod: any Tencent Cloud Chat REST API (service/command) on the session, with its signing,
/// pacing, retries and errors. Each body is one call; bodies from the pipeline go several at once under the API's rate
/// limiter and come out in input order, one answer or one error each. The run is Core's (<see cref="RestRun"/> over
/// <see cref="RestCall"/>); this class binds, turns PowerShell values into bodies and answers into objects, and writes.
/// Each body is sent only after ShouldProcess ("body 3", "POST v4/service/command"), so -WhatIf sends nothing; at
/// ConfirmImpact Medium nothing prompts by default.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "TencentChatRestMethod", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject), typeof(string))]
public sealed class InvokeTencentChatRestMethodCommand : TencentChatCmdlet, IDisposable
{
    private readonly StopSignal _stop = new();
    private RestRun? _run;
    private RunWriter? _writer;
    private ProgressReporter? _progress;
    private string _action = "";

    /// <summary>The API as service/command (im_open_login_svc/account_check); a leading v4/ is accepted.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(RestApiCompleter))]
    public string Api { get; set; } = "";

    /// <summary>The request body: a hashtable, ordered dictionary or object, or a JSON text. Several from the pipeline (or an array) are several calls.</summary>
    [Parameter(Position = 1, ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyString]
    public object? Body { get; set; }

    /// <summary>Writes each answer as its JSON text instead of objects.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <summary>Calls in flight at once (the rate limit still applies).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = BatchCmdlet.DefaultThrottleLimit;

    /// <summary>The most calls per second to this API; by default its known limit (or the session's -MaxRequestsPerSecond).</summary>
    [Parameter]
    [ValidateRange(1, TencentChatSession.MaxRequestsPerSecondCeiling)]
    public int MaxRequestsPerSecond { get; set; }

    /// <summary>Retries of a call that failed in a way that leaves its effect unknown; by default the session's -MaxRetry. 0 for a write that must not be done twice.</summary>
    [Parameter]
    [ValidateRange(0, 20)]
    public int MaxRetry { get; set; }

    protected override void BeginProcessing()
    {
        if (!RestApiName.TryParse(Api, out var api, out var problem))
        {
            // The target is the -Api without its query: a copied URL carries the usersig.
            ThrowTerminatingError(ErrorRecords.InvalidArgument(new ArgumentException(problem), "TencentChat.InvalidApi", Api.Split('?', '#')[0]));
        }
        var session = RequireSession();
        var cap = MyInvocation.BoundParameters.ContainsKey(nameof(MaxRequestsPerSecond)) ? MaxRequestsPerSecond : (int?)null;
        var retries = MyInvocation.BoundParameters.ContainsKey(nameof(MaxRetry)) ? MaxRetry : (int?)null;
        var call = new RestCall(session, new RestProtocol(api!), collectDebug: IsDebugOn(), cap, retries);
        _run = new RestRun(call.ExecuteAsync, ThrottleLimit, _stop.Token, session.Clock);
        call.RunNotice = _run.Post; // an outage's lines as it begins and ends, not with the bodies' results
        _run.OnNotice = WriteVerbose;
        // An error's TargetObject is the body as given; under -ErrorAction Stop the first error is held (RunWriter).
        _writer = new RunWriter(this, _ => true, "body", targetOf: key => _run.Given(key));
        _run.StopAtFirstError = _writer.StopsAtFirstError;
        _progress = new ProgressReporter(this, "Invoke-TencentChatRestMethod " + api!.Name, () => call.CurrentRate, "body", "bodies");
        _action = "POST " + api.Path;
        WriteVerbose(string.Format(CultureInfo.InvariantCulture,
            "Invoke-TencentChatRestMethod: {0} at {1} for app {2} as {3}, one body a call, up to {4} calls in flight, at most {5} calls/s.",
            api.Path, session.Endpoint.GetLeftPart(UriPartial.Authority), session.SdkAppId, Text.ServerText.Safe(session.Identifier), ThrottleLimit, call.Ceiling));
    }

    protected override void ProcessRecord()
    {
        _writer!.RecordRead();
        if (!MyInvocation.ExpectingInput && !MyInvocation.BoundParameters.ContainsKey(nameof(Body)))
        {
            // No body at all: one call with the empty object, which stands as the body given (an error's TargetObject).
            if (ShouldSend()) Guard(() => Write(_run!.Add(new Hashtable(), RestBody.Empty, null)));
            return;
        }
        // One Guard for the whole input: a run that stops within an array of bodies still reads the rest of it into
        // its record (not sent), before its one terminating error.
        Guard(() =>
        {
            foreach (var given in Bodies(Body))
            {
                if (_run!.Stopped is not null || _writer!.Holding)
                {
                    _writer!.NotSent(_run.NotSent(given)); // the run is ending: the rest of this input is not sent
                    continue;
                }
                byte[]? json = null;
                TencentChatException? refusal = null;
                try
                {
                    json = RestBody.From(given, JsonToPSObject.Unwrap);
                }
                catch (TencentChatException ex)
                {
                    refusal = ex;
                }
                if (refusal is null && !ShouldSend()) continue; // declined (-WhatIf, -Confirm): not sent, not an error
                Write(_run!.Add(given, json, refusal));
            }
        });
    }

    protected override void EndProcessing()
    {
        _writer!.InputEnded = true;
        Guard(() => _run!.Complete(Write)); // each body's answer as it comes, not after the slowest
        _progress!.Complete();
        // No body read, sent or declined: an empty pipeline, or an empty -Body array ($null is a body, refused as one).
        if (_run!.Next == 1) UserIdInput.ReportNone(this, MyInvocation.ExpectingInput, "no call was made", "body", "", "bodies", "-Body", "(an empty array)", "TencentChat.NoBody");
    }

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Cancels whatever is still in flight when the command ends early, and frees the token source.</summary>
    public void Dispose()
    {
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// ShouldProcess for the next body, named by its place in the input; one declined still takes its place, so the
    /// bodies after it keep their numbers.
    /// </summary>
    private bool ShouldSend()
    {
        if (ShouldProcess("body " + _run!.Next.ToString(CultureInfo.InvariantCulture), _action)) return true;
        _run.Skip();
        return false;
    }

    /// <summary>The bodies one input holds: a collection (not a dictionary or a string) is several, and so are arrays in it (-Body $a, $b); anything else one.</summary>
    private static IEnumerable<object?> Bodies(object? input) => InputItems.Of(input) ?? new[] { input };

    /// <summary>
    /// Runs <paramref name="work"/>; Ctrl+C becomes PipelineStoppedException. A run stopped by a fatal answer, or
    /// holding its first error under -ErrorAction Stop (after the calls already started are written), ends the command
    /// with one terminating error; for a fatal answer its TargetObject is the bodies that got no answer.
    /// </summary>
    private void Guard(Action work)
    {
        try
        {
            work();
            if (_run!.Stopped is { } stopped)
            {
                _progress!.Complete();
                ThrowTerminatingError(WithBodies(_writer!.Ended(stopped.UnansweredIds, stopped)));
            }
            if (_writer!.Holding)
            {
                Write(_run.Halt(out var unanswered));
                _progress!.Complete();
                ThrowTerminatingError(_writer.Ended(unanswered, null, _run.FatalArrived, unknown: _run.UnknownIds));
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>The run's stop error with the bodies it did not answer, in input order, as its TargetObject.</summary>
    private ErrorRecord WithBodies(ErrorRecord ended)
    {
        var bodies = new List<object?>();
        if (ended.Exception is TencentChatRunEndedException record)
        {
            foreach (var key in record.UnansweredIds) bodies.Add(_run!.Given(key));
        }
        return new ErrorRecord(ended.Exception, ended.FullyQualifiedErrorId, ended.CategoryInfo.Category, bodies.ToArray());
    }

    /// <summary>Writes what the run returned, in order: each answer as objects (or its text with -Raw), each error with its body.</summary>
    private void Write(IReadOnlyList<BatchResult<string>> results)
    {
        foreach (var result in results)
        {
            var outcomes = new List<IdOutcome<object>>(result.Outcomes.Count);
            foreach (var outcome in result.Outcomes)
            {
                outcomes.Add(outcome.Result is { } answer
                    ? Answered(outcome.UserId, answer)
                    : new IdOutcome<object>(outcome.UserId, null, outcome.Error, outcome.CallFailed));
            }
            _writer!.Write(new BatchResult<object>(result.Sequence, outcomes, result.Fatal, result.Verbose, result.Debug));
            _progress!.Report(_run!.Done, _run.Errors);
        }
    }

    /// <summary>
    /// A body's answer as objects (or its text with -Raw). An answer that cannot be read is this body's
    /// TencentChat.InvalidResponse error (its TargetObject the body), never an exception that would end the command
    /// and lose the bodies after it: every body comes out once, as an answer or an error.
    /// </summary>
    private IdOutcome<object> Answered(string key, string answer)
    {
        object? output;
        try
        {
            output = Raw ? answer : JsonToPSObject.Convert(RestJson.Read(answer));
        }
        catch (FormatException ex)
        {
            // The service did answer OK: the call was made, which matters for an API that changes something.
            return new IdOutcome<object>(key, null, new TencentChatException("TencentChat.InvalidResponse", ErrorKind.InvalidResponse,
                $"The service answered this body OK, but its answer could not be read ({ex.Message}). The call was made: check its effect before sending the body again.", userId: key));
        }
        _run!.Given(key); // answered: the body is no longer needed
        return new IdOutcome<object>(key, output, null);
    }

    private bool IsDebugOn()
    {
        if (MyInvocation.BoundParameters.TryGetValue("Debug", out var d) && d is SwitchParameter s) return s.IsPresent;
        return LanguagePrimitives.TryConvertTo(GetVariableValue("DebugPreference"), out ActionPreference p)
            && p != ActionPreference.SilentlyContinue && p != ActionPreference.Ignore;
    }
}
