using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TencentChatFollow.Errors;

/// <summary>
/// The one terminating error of a run that ended before its input did: on its first error under -ErrorAction Stop,
/// or on an answer every later call would get (a wrong key). It is written after everything the service had done:
/// it says what stopped the run (<see cref="Cause"/>), how many ids or pairs were done, which failed and which were
/// not sent or not answered, so a script can record, undo or repeat exactly those.
/// </summary>
public sealed class TencentChatRunEndedException : TencentChatException
{
    private const int IdsShown = 5;

    internal TencentChatRunEndedException(string errorId, Exception cause, RunRecord record)
        : base(errorId, (cause as TencentChatException)?.Kind ?? ErrorKind.InvalidArgument, Describe(cause, record),
            (cause as TencentChatException)?.Code, record.Failed.Count > 0 ? record.Failed[0] : null, cause)
    {
        Done = record.Done;
        FailedIds = record.Failed.ToArray();
        UnansweredIds = record.Unanswered.ToArray();
    }

    /// <summary>What stopped the run: the first error (its ErrorId, Tencent code and advice), or the fatal answer.</summary>
    public Exception Cause => InnerException!;

    /// <summary>Ids (or pairs, or lists) done before the stop; their results were written (Add and Remove: with -PassThru).</summary>
    public long Done { get; }

    /// <summary>Ids that got their own error, in input order; the first is the one that stopped the run under -ErrorAction Stop.</summary>
    public IReadOnlyList<string> FailedIds { get; }

    /// <summary>Ids received and not done: never sent (the run stopped first), or in a call that failed with the run.</summary>
    public IReadOnlyList<string> UnansweredIds { get; }

    /// <summary>Ids with an outcome: done or failed.</summary>
    public long Answered => Done + FailedIds.Count;

    private static string Describe(Exception cause, RunRecord record)
    {
        var text = new StringBuilder(cause.Message.TrimEnd());
        text.Append(' ').Append(record.How).Append(". ");
        text.Append(Count(record.Done + record.Failed.Count, record.Noun)).Append(" answered: ");
        text.Append(record.Done.ToString("N0", CultureInfo.InvariantCulture)).Append(" done").Append(record.WrittenNote).Append(", failed: ").Append(List(record.Failed)).Append("; ");
        text.Append(Count(record.Unanswered.Count, record.Noun)).Append(record.Fatal ? " not answered (not sent, or in a call that failed with the run)" : " " + record.NotSent);
        if (record.Unanswered.Count > 0) text.Append(": ").Append(List(record.Unanswered));
        text.Append(record.InputLeft ? ". Input after them was not read" : "").Append(". This error's Exception.FailedIds and Exception.UnansweredIds hold ").Append(record.Noun == "body" ? "those bodies' places in the input ('1' for the first)" : "those ids");
        if (record.Check is { Length: > 0 } check) text.Append("; ").Append(check);
        return text.Append('.').ToString();
    }

    private static string Count(long count, string noun)
        => count.ToString("N0", CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : noun == "body" ? "bodies" : noun + "s");

    /// <summary>"none", "nosuch", "a, b, c" or "a, b, c, d, e and 7 more".</summary>
    private static string List(List<string> ids)
    {
        if (ids.Count == 0) return "none";
        var shown = new StringBuilder();
        for (var i = 0; i < Math.Min(ids.Count, IdsShown); i++) shown.Append(i == 0 ? "" : ", ").Append(ids[i]);
        if (ids.Count > IdsShown) shown.Append(string.Format(CultureInfo.InvariantCulture, " and {0:N0} more", ids.Count - IdsShown));
        return shown.ToString();
    }
}

/// <summary>What a run had done when it stopped, and how to word it (see <see cref="TencentChatRunEndedException"/>).</summary>
internal sealed class RunRecord
{
    /// <summary>How the run ended, e.g. "The run stopped at this error (ErrorAction Stop) and sent nothing more".</summary>
    public string How { get; set; } = "";

    /// <summary>What the counts count: "pair", "id", "list" or "body" (made plural).</summary>
    public string Noun { get; set; } = "id";

    /// <summary>After "3 pairs done": " and written to the output", or why they were not written.</summary>
    public string WrittenNote { get; set; } = "";

    /// <summary>What the ids the run never sent are: "not sent", or for lists "not read".</summary>
    public string NotSent { get; set; } = "not sent";

    /// <summary>How to see what is in place, for writes.</summary>
    public string? Check { get; set; }

    /// <summary>The run stopped on a fatal answer: some unanswered ids were sent and refused with the run.</summary>
    public bool Fatal { get; set; }

    /// <summary>Input may have been left unread (piped input that had not ended).</summary>
    public bool InputLeft { get; set; } = true;

    public long Done { get; set; }
    public List<string> Failed { get; set; } = new();
    public List<string> Unanswered { get; set; } = new();
}
