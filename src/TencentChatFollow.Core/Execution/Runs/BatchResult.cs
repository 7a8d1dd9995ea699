using System.Collections.Generic;
using TencentChatFollow.Errors;

namespace TencentChatFollow.Execution;

/// <summary>The outcome for one id: its result (the API's own type: FollowInfo, FollowCheck, a FollowPage...) or its error.</summary>
/// <typeparam name="TResult">What the API gives for an id.</typeparam>
internal readonly struct IdOutcome<TResult>
    where TResult : class
{
    public IdOutcome(string userId, TResult? result, TencentChatException? error, bool callFailed = false, bool notSent = false)
    {
        UserId = userId;
        Result = result;
        Error = error;
        CallFailed = callFailed || notSent;
        NotSent = notSent;
    }

    public string UserId { get; }

    /// <summary>
    /// What the command writes for this id (null when it has an error): <see cref="BatchCall{TResult}"/>'s TResult,
    /// <see cref="FollowPageCall"/>'s FollowPage, a REST call's answer text; typed through the run to the cmdlet.
    /// </summary>
    public TResult? Result { get; }
    public TencentChatException? Error { get; }

    /// <summary>
    /// The error is the whole call's (no answer, a fatal code), not the service's word on this id: after a run stops,
    /// such ids count as not answered instead of getting an error each.
    /// </summary>
    public bool CallFailed { get; }

    /// <summary>The run stopped before the id's call went out: it was not sent, and counts as not answered.</summary>
    public bool NotSent { get; }
}

/// <summary>What one batch produced, in the order its ids were given, with the messages to show for it.</summary>
/// <typeparam name="TResult">What the API gives for an id.</typeparam>
internal sealed class BatchResult<TResult>
    where TResult : class
{
    public BatchResult(long sequence, IReadOnlyList<IdOutcome<TResult>> outcomes, TencentChatException? fatal, IReadOnlyList<string> verbose, IReadOnlyList<string> debug)
    {
        Sequence = sequence;
        Outcomes = outcomes;
        Fatal = fatal;
        Verbose = verbose;
        Debug = debug;
    }

    public long Sequence { get; }
    public IReadOnlyList<IdOutcome<TResult>> Outcomes { get; }
    /// <summary>Set when the call failed in a way every later call will too (wrong key, not an admin...).</summary>
    public TencentChatException? Fatal { get; }
    public IReadOnlyList<string> Verbose { get; }
    public IReadOnlyList<string> Debug { get; }
}
