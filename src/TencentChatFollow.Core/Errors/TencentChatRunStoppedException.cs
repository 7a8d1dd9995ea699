using System;
using System.Collections.Generic;
using System.Globalization;

namespace TencentChatFollow.Errors;

/// <summary>
/// A run stopped by an answer every later call would share (a wrong key, a From_Account that does not exist, an
/// endpoint that is not Tencent's). One error for the whole run instead of one per id: it says what to do, how many
/// ids were answered (their results were written) and which were not, so a script can run those again.
/// </summary>
public sealed class TencentChatRunStoppedException : TencentChatException
{
    public const string RunStoppedErrorId = "TencentChat.RunStopped";

    public TencentChatRunStoppedException(TencentChatException cause, long answered, IReadOnlyList<string> unansweredIds, IReadOnlyList<string>? unknownIds = null)
        : base(RunStoppedErrorId, cause.Kind, Describe(cause, answered, unansweredIds.Count, unknownIds?.Count ?? 0), cause.Code, inner: cause)
    {
        Answered = answered;
        UnansweredIds = unansweredIds;
        UnknownIds = unknownIds ?? Array.Empty<string>();
    }

    /// <summary>Ids that got their result or their own error before the run stopped.</summary>
    public long Answered { get; }

    /// <summary>
    /// Ids the run received that were not done: not sent, or in a call that failed with the run without doing
    /// anything (the stopping answer itself, a refusal, no connection).
    /// </summary>
    public IReadOnlyList<string> UnansweredIds { get; }

    /// <summary>
    /// Ids in calls that failed with the run after an attempt that may have done them (sent, no usable answer): the
    /// service may have done them. Never also in <see cref="UnansweredIds"/>.
    /// </summary>
    public IReadOnlyList<string> UnknownIds { get; }

    /// <summary>What stopped the run (its ErrorId, Tencent code and advice).</summary>
    public TencentChatException Cause => (TencentChatException)InnerException!;

    private static string Describe(TencentChatException cause, long answered, int unanswered, int unknown)
        => string.Format(CultureInfo.InvariantCulture,
            "{0} The run stopped: {1} answered (their results were written), {2} not answered (not sent, or in a call that failed with the run without doing anything; they are in this error's Exception.UnansweredIds){3}. Input after them was not read. Fix the cause and run again.",
            Text.Wording.Sentence(cause.Message), Text.Wording.Ids(answered), Text.Wording.Ids(unanswered),
            unknown == 0 ? "" : ", " + Text.Wording.Ids(unknown) + " unknown (sent, no answer: may have been done; in Exception.UnknownIds)");
}
