using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TencentChatFollow.Errors;

/// <summary>
/// The one terminating error of a run that ended before its input did: on its first error under -ErrorAction Stop,
/// or on an answer every later call would get (a wrong key). It is written after everything the service had done:
/// it says what stopped the run (<see cref="Cause"/>), how many ids or pairs were done, which failed, which were sent
/// without a usable answer (unknown: the service may have done them) and which were not sent or not answered, so a
/// script can record, undo or repeat exactly those. Each id received is in exactly one of Done (counted), FailedIds,
/// UnknownIds and UnansweredIds; input after <see cref="RecordsRead"/> records was not read.
/// </summary>
public sealed class TencentChatRunEndedException : TencentChatException
{
    private const int IdsShown = 5;

    internal TencentChatRunEndedException(string errorId, Exception cause, RunRecord record)
        : base(errorId, (cause as TencentChatException)?.Kind ?? ErrorKind.InvalidArgument, Describe(cause, record),
            (cause as TencentChatException)?.Code, record.FirstId ?? (record.Failed.Count > 0 ? record.Failed[0] : null), cause)
    {
        Done = record.Done;
        FailedIds = record.Failed.ToArray();
        UnknownIds = record.Unknown.ToArray();
        UnansweredIds = record.Unanswered.ToArray();
        RecordsRead = record.RecordsRead;
    }

    /// <summary>What stopped the run: the first error (its ErrorId, Tencent code and advice), or the fatal answer.</summary>
    public Exception Cause => InnerException!;

    /// <summary>Ids (or pairs, or lists) done before the stop; their results were written (Add and Remove: with -PassThru).</summary>
    public long Done { get; }

    /// <summary>
    /// Ids that got their own error and were not done (the service said no, or nothing reached it), in input order;
    /// under -ErrorAction Stop the first error is the first of these or of <see cref="UnknownIds"/>.
    /// </summary>
    public IReadOnlyList<string> FailedIds { get; }

    /// <summary>
    /// Ids sent without a usable answer (a timeout or dropped connection after sending, an HTTP 5xx, a transient code
    /// after every retry, an answer cut short or without their item): the service may have done them. Their errors are
    /// <see cref="TencentChatException.OutcomeUnknown"/>; Test-TencentChatFollow shows which pairs are in place.
    /// </summary>
    public IReadOnlyList<string> UnknownIds { get; }

    /// <summary>
    /// Ids received and not done: never sent (the run stopped first), or in a call that failed with the run without
    /// doing anything (the answer that stopped the run, a refusal, no connection).
    /// </summary>
    public IReadOnlyList<string> UnansweredIds { get; }

    /// <summary>Input records (the objects piped in: lines, CSV rows, bodies) the command read before it stopped; input after them was not read.</summary>
    public long RecordsRead { get; }

    /// <summary>Ids with a known outcome: done or failed.</summary>
    public long Answered => Done + FailedIds.Count;

    private static string Describe(Exception cause, RunRecord record)
    {
        var text = new StringBuilder(Text.Wording.Sentence(cause.Message));
        text.Append(' ').Append(record.How).Append(". ");
        text.Append(Count(record.Done + record.Failed.Count, record.Noun)).Append(" answered: ");
        text.Append(record.Done.ToString("N0", CultureInfo.InvariantCulture)).Append(" done").Append(record.WrittenNote).Append(", failed: ").Append(List(record.Failed)).Append("; ");
        if (record.Unknown.Count > 0)
        {
            text.Append(Count(record.Unknown.Count, record.Noun)).Append(" unknown (sent, no answer: may have been done): ").Append(List(record.Unknown)).Append("; ");
        }
        text.Append(Count(record.Unanswered.Count, record.Noun)).Append(record.Fatal ? " not answered (not sent, or in a call that failed with the run without doing anything)" : " " + record.NotSent);
        if (record.Unanswered.Count > 0) text.Append(": ").Append(List(record.Unanswered));
        if (record.InputLeft)
        {
            text.Append(". Input after them was not read (").Append(Count(record.RecordsRead, "input record")).Append(" read: the objects piped in, such as lines or CSV rows)");
        }
        text.Append(record.Unknown.Count > 0 ? ". This error's Exception.FailedIds, Exception.UnknownIds and Exception.UnansweredIds hold " : ". This error's Exception.FailedIds and Exception.UnansweredIds hold ")
            .Append(record.Noun == "body" ? "those bodies' places in the input ('1' for the first)" : "those ids");
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
    /// <summary>Sent, no usable answer: the service may have done them.</summary>
    public List<string> Unknown { get; set; } = new();
    public List<string> Unanswered { get; set; } = new();
    /// <summary>Input records read before the stop.</summary>
    public long RecordsRead { get; set; }
    /// <summary>The id of the error held under -ErrorAction Stop (the error's UserId), when it was an id's.</summary>
    public string? FirstId { get; set; }
}
