using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;

namespace TencentChatFollow.Execution;

/// <summary>How a call's answer becomes one outcome per id: a result, the service's word on the id, or the call's failure.</summary>
internal static class IdMapping
{
    /// <summary>
    /// Every id in input order: its final outcome where there is one, otherwise the call's failure (<see cref="CallFailed{TResult}"/>).
    /// </summary>
    public static List<IdOutcome<TResult>> Complete<TResult>(IReadOnlyList<string> ids, Dictionary<string, IdOutcome<TResult>> done, TencentChatException failure,
        bool notSent = false, bool unknown = false, Func<string, string?>? adviceFor = null)
        where TResult : class
        => ids.Select(id => done.TryGetValue(id, out var outcome) ? outcome : CallFailed<TResult>(id, failure, notSent, unknown, adviceFor?.Invoke(id))).ToList();

    /// <summary>
    /// The call's failure, as one of its ids gets it: <paramref name="notSent"/>, the call never went out;
    /// <paramref name="unknown"/>, an attempt may have done the call's work (<see cref="CallEnd{TBody}.OutcomeUnknown"/>):
    /// the error is <see cref="TencentChatException.OutcomeUnknown"/>, its message followed by <paramref name="advice"/>.
    /// </summary>
    public static IdOutcome<TResult> CallFailed<TResult>(string id, TencentChatException failure, bool notSent = false, bool unknown = false, string? advice = null)
        where TResult : class
        => new(id, null, unknown && !notSent ? failure.ForUser(id).Unknown(advice) : failure.ForUser(id), callFailed: true, notSent: notSent);

    /// <summary>An item of the answer: its result, or the module's error for its ResultCode.</summary>
    public static IdOutcome<TResult> Map<TResult>(BatchProtocol<TResult> protocol, string from, string id, AnswerItem<TResult> item, string sig)
        where TResult : class
    {
        if (item.ResultCode == 0) return new IdOutcome<TResult>(id, item.Result, null);
        var d = ErrorCatalog.Describe(item.ResultCode);
        var info = string.IsNullOrEmpty(item.ResultInfo) ? "" : $" ({Text.ServerText.Safe(Redactor.Scrub(item.ResultInfo, sig))})";
        return new IdOutcome<TResult>(id, null, new TencentChatException(d.ErrorId, d.Kind, string.Format(CultureInfo.InvariantCulture,
            "Tencent error {0} for {1}{2}. {3}", item.ResultCode, protocol.DescribeId(from, id), info, d.Advice), item.ResultCode, id));
    }

    /// <summary>What the -Verbose line says of ids whose items were spoiled.</summary>
    public static string DescribeSpoiled(IReadOnlyList<string> spoiled, IReadOnlyDictionary<string, string> why)
        => $"the answer had no usable item for {Text.Wording.Ids(spoiled.Count)} ({string.Join(", ", spoiled.Select(id => why.TryGetValue(id, out var w) ? $"{Text.UserIdText.Show(id)}: {w}" : $"{Text.UserIdText.Show(id)}: missing"))})";

    /// <summary>How <see cref="Unusable{TResult}"/>'s messages end: nothing was written for the id.</summary>
    internal const string NoResult = "No result is reported for it; try it again.";

    /// <summary>
    /// An id whose item was still missing (<paramref name="why"/> null) or unusable after every attempt allowed. The
    /// service answered the call, so it may have done the id: its outcome is unknown, and <paramref name="advice"/>
    /// (a write's) says how to see it.
    /// </summary>
    public static IdOutcome<TResult> Unusable<TResult>(string id, string? why, int attempts, string? advice = null)
        where TResult : class
    {
        var after = attempts > 1 ? string.Format(CultureInfo.InvariantCulture, " (after {0} attempts)", attempts) : "";
        var error = why is not null
            ? new TencentChatException("TencentChat.InvalidResponse", ErrorKind.InvalidResponse,
                $"The service's answer for {Text.UserIdText.Show(id)} was not usable{after}: {why}. {NoResult}", userId: id)
            : new TencentChatException("TencentChat.MissingFromAnswer", ErrorKind.InvalidResponse,
                $"The service's answer had no item for {Text.UserIdText.Show(id)}{after}. {NoResult}", userId: id);
        return new IdOutcome<TResult>(id, null, error.Unknown(advice));
    }
}
