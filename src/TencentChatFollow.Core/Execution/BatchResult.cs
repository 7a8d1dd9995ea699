using System.Collections.Generic;
using TencentChatFollow.Errors;

namespace TencentChatFollow.Execution;

/// <summary>The outcome for one id: its result (the API's object: FollowInfo, FollowCheck...) or its error.</summary>
internal readonly struct IdOutcome
{
    public IdOutcome(string userId, object? result, TencentChatException? error, bool callFailed = false)
    {
        UserId = userId;
        Result = result;
        Error = error;
        CallFailed = callFailed;
    }

    public string UserId { get; }

    /// <summary>
    /// What the command writes for this id: the API's result (typed up to here: <see cref="BatchCall{TResult}"/>
    /// fills it with its TResult, <see cref="FollowPageCall"/> with a FollowPage, a REST call with the answer's JSON text). It is
    /// an object from here on because the runs (<see cref="BatchRun"/>, ListRun, RestRun) and the cmdlets' writer
    /// carry every API's results alike and hand them to WriteObject.
    /// </summary>
    public object? Result { get; }
    /// <summary>The result as follow_get_info's counts, when it is one.</summary>
    public FollowInfo? Info => Result as FollowInfo;
    public TencentChatException? Error { get; }

    /// <summary>
    /// The error is the whole call's (no answer, a fatal code), not the service's word on this id: after a run stops,
    /// such ids count as not answered instead of getting an error each.
    /// </summary>
    public bool CallFailed { get; }
}

/// <summary>What one batch produced, in the order its ids were given, with the messages to show for it.</summary>
internal sealed class BatchResult
{
    public BatchResult(long sequence, IReadOnlyList<IdOutcome> outcomes, TencentChatException? fatal, IReadOnlyList<string> verbose, IReadOnlyList<string> debug)
    {
        Sequence = sequence;
        Outcomes = outcomes;
        Fatal = fatal;
        Verbose = verbose;
        Debug = debug;
    }

    public long Sequence { get; }
    public IReadOnlyList<IdOutcome> Outcomes { get; }
    /// <summary>Set when the call failed in a way every later call will too (wrong key, not an admin...).</summary>
    public TencentChatException? Fatal { get; }
    public IReadOnlyList<string> Verbose { get; }
    public IReadOnlyList<string> Debug { get; }
}
