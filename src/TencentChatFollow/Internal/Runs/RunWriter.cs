using System;
using System.Collections.Generic;
using System.Management.Automation;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;

namespace TencentChatFollow.Internal;

/// <summary>
/// Writes what a run returns, on the pipeline thread, so that the record is complete whenever the command still has
/// the floor. Under -ErrorAction Stop (or $ErrorActionPreference = 'Stop') PowerShell turns a written error into the
/// command's end at once, which would lose the results after it in the same call and in the calls still running, all
/// of them already done by the service. So the first error is held instead of written (<see cref="Holding"/>): the
/// command sends nothing more, writes every result the run still returns (<see cref="Write{TResult}(BatchResult{TResult})"/> keeps
/// going), then ends with one terminating error that says how many were done, which failed and which were not sent
/// (<see cref="Ended"/>). Other errors are written as they come.
/// </summary>
internal sealed class RunWriter
{
    private readonly PSCmdlet _cmdlet;
    private readonly Func<object, bool> _shouldWrite;
    private readonly string _noun;
    private readonly string? _check;
    private readonly List<string> _failed = new();
    private readonly List<string> _unknown = new();
    private readonly List<string> _notSent = new();
    private readonly Func<string, object?>? _targetOf;
    private ErrorRecord? _held;
    private string? _heldId;
    private string? _heldInput; // the refused input whose error is held, if that is what is held

    /// <param name="cmdlet">The command that writes.</param>
    /// <param name="shouldWrite">Whether a result is written (Add and Remove: only with -PassThru).</param>
    /// <param name="noun">What the counts count in the stop error: "pair", "id" or "list".</param>
    /// <param name="check">How to see what is in place, for writes (a sentence without its full stop).</param>
    /// <param name="targetOf">The TargetObject of an id's error (Invoke-TencentChatRestMethod: the body a key stands for); by default the id.</param>
    public RunWriter(PSCmdlet cmdlet, Func<object, bool> shouldWrite, string noun, string? check = null, Func<string, object?>? targetOf = null)
    {
        _targetOf = targetOf;
        _cmdlet = cmdlet;
        _shouldWrite = shouldWrite;
        _noun = noun;
        _check = check;
        StopsAtFirstError = UserIdInput.StopsAtFirstError(cmdlet);
    }

    /// <summary>Errors end the command (-ErrorAction Stop, or $ErrorActionPreference = 'Stop' where it runs).</summary>
    public bool StopsAtFirstError { get; }

    /// <summary>The command's input has ended (EndProcessing): a stop now leaves no input unread.</summary>
    public bool InputEnded { get; set; }

    /// <summary>The error that ends the command is held: send nothing more, write what is done, then <see cref="Ended"/>.</summary>
    public bool Holding => _held is not null;

    /// <summary>Input records (objects piped in) the command has read: the stop error says where reading stopped.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>The command has read one more input record (call at the start of ProcessRecord).</summary>
    public void RecordRead() => RecordsRead++;

    /// <summary>Results done (written, or with Add and Remove done silently).</summary>
    public long Done { get; private set; }

    /// <summary>Whether the results done were written (false for Add and Remove without -PassThru).</summary>
    public bool Wrote { get; private set; } = true;

    /// <summary>Writes one call's results and errors; under Stop the first error is held and the later ones only counted.</summary>
    public void Write<TResult>(BatchResult<TResult> result)
        where TResult : class
    {
        foreach (var message in result.Verbose) _cmdlet.WriteVerbose(message);
        foreach (var message in result.Debug) _cmdlet.WriteDebug(message);
        foreach (var outcome in result.Outcomes)
        {
            if (outcome.Result is not null)
            {
                Done++;
                if (_shouldWrite(outcome.Result)) _cmdlet.WriteObject(outcome.Result);
                else Wrote = false;
            }
            else
            {
                Fail(outcome.Error!, outcome.UserId);
            }
        }
    }

    /// <summary>
    /// An id's own error: counted as failed, or as unknown when the service may have done it
    /// (<see cref="TencentChatException.OutcomeUnknown"/>), and written or held (<see cref="Error"/>).
    /// </summary>
    /// <returns>True when this error is now the one held: the caller sends and writes nothing after it.</returns>
    public bool Fail(TencentChatException error, string userId)
    {
        (error.OutcomeUnknown ? _unknown : _failed).Add(userId);
        if (!Error(ErrorRecords.From(error, _targetOf is null ? userId : _targetOf(userId)))) return false;
        _heldId = userId;
        return true;
    }

    /// <summary>Ids failed so far, their outcome known or not.</summary>
    public int FailedCount => _failed.Count + _unknown.Count;

    /// <summary>An error for the record: written, or under Stop held (the first) or only counted (the later ones).</summary>
    /// <returns>True when this error is now the one held.</returns>
    public bool Error(ErrorRecord record)
    {
        if (!StopsAtFirstError)
        {
            _cmdlet.WriteError(record);
            return false;
        }
        if (_held is not null) return false;
        _held = record;
        return true;
    }

    /// <summary>An id of the input that will not be sent because the run is ending.</summary>
    public void NotSent(string id) => _notSent.Add(id);

    /// <summary>
    /// A refused input's error under Stop: the first is held (it ends the command); one after it is not sent, and
    /// the record lists it as <paramref name="input"/>, so no input is lost from it. Once a fatal answer has
    /// <paramref name="stopped"/> the run (earlier in the same record), it is listed as not sent too: the stop's error
    /// ends the command, and an error held now would be neither written nor in the record. One held before a fatal
    /// answer for an input before it came back (Get-TencentChatFollow starts a list as it takes the user) is listed
    /// as not sent by <see cref="Ended"/> when that answer ends the run.
    /// </summary>
    public void Refused(ErrorRecord record, string input, bool stopped)
    {
        if (stopped) _notSent.Add(input);
        else if (Error(record)) _heldInput = input;
        else if (StopsAtFirstError) _notSent.Add(input);
    }

    /// <summary>
    /// The run's one terminating error: for a run <paramref name="stopped"/> by a fatal answer, or else for the held
    /// error, after the run was halted and its last results written. <paramref name="unanswered"/>: the ids the run did
    /// not send, or sent in calls that failed with a fatal answer (<paramref name="fatalArrived"/>) without doing anything;
    /// <paramref name="unknown"/> (or the <paramref name="stopped"/> run's <see cref="TencentChatRunStoppedException.UnknownIds"/>):
    /// those in such calls that may have done them. The errors of the inputs refused so far, kept for the end of input
    /// (<see cref="UserIdInput.WriteRefused"/>), are written first: a stop before the input ends skips EndProcessing,
    /// and they must not go missing from the record.
    /// </summary>
    /// <param name="done">What was done, when the caller counts it (lists read to their end); else the results written.</param>
    /// <param name="detail">Added after "written to the output", e.g. " (601 entries)".</param>
    public ErrorRecord Ended(IReadOnlyList<string> unanswered, TencentChatRunStoppedException? stopped, bool fatalArrived = false, long? done = null, string detail = "", IReadOnlyList<string>? unknown = null)
    {
        UserIdInput.WriteRefused(_cmdlet);
        var count = done ?? Done;
        var record = new RunRecord
        {
            How = stopped is null
                ? "The run stopped at this error (ErrorAction Stop): it sent nothing more and wrote every result the service had given"
                : "The run stopped at this answer, which every later call would get: it sent nothing more and wrote every result the service had given",
            Noun = _noun,
            WrittenNote = Wrote ? count == 0 ? "" : " and written to the output" + detail : " (not written: -PassThru writes them)",
            Check = _check,
            NotSent = _noun == "list" ? "not read" : "not sent",
            Fatal = stopped is not null || fatalArrived,
            // Ids given as an argument all came in one record (those not sent are in Unanswered); piped input may still come.
            InputLeft = _cmdlet.MyInvocation.ExpectingInput && !InputEnded,
            Done = count,
            Failed = _failed,
            Unknown = new List<string>(_unknown),
            Unanswered = new List<string>(unanswered),
            RecordsRead = RecordsRead,
            FirstId = stopped is null ? _heldId : null,
        };
        record.Unknown.AddRange(stopped?.UnknownIds ?? unknown ?? Array.Empty<string>());
        // A refused input held when an answer for an input before it stopped the run: the stop's error ends the command,
        // so the input is not sent, as those after it (nothing was held before it, so it comes first among them).
        if (stopped is not null && _heldInput is not null) record.Unanswered.Add(_heldInput);
        record.Unanswered.AddRange(_notSent);
        if (stopped is null)
        {
            var held = _held!;
            var ended = new TencentChatRunEndedException(held.FullyQualifiedErrorId, held.Exception, record);
            return new ErrorRecord(ended, held.FullyQualifiedErrorId, held.CategoryInfo.Category, held.TargetObject);
        }
        var fatal = new TencentChatRunEndedException(TencentChatRunStoppedException.RunStoppedErrorId, stopped.Cause, record);
        return new ErrorRecord(fatal, fatal.ErrorId, ErrorRecords.Category(stopped.Kind), null);
    }
}
