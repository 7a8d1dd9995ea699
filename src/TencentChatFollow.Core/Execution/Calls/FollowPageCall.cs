using System;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Api;
using TencentChatFollow.Session;

namespace TencentChatFollow.Execution;

/// <summary>
/// One page of one user's list (follow_get) as a call in its own right: the transport and the attempts are the same
/// as a batched call's (<see cref="CallTransport"/>, <see cref="AttemptLoop"/>); the page is the user's one outcome,
/// and a page the module cannot use whole is asked for again within the call's retries, then the user's
/// TencentChat.InvalidResponse. The caller keeps the cursor; one instance serves every list of a run.
/// </summary>
internal sealed class FollowPageCall
{
    private readonly TencentChatSession _session;
    private readonly FollowGetProtocol _protocol;
    private readonly CallTransport _transport;
    private readonly RunHistory _history;
    private readonly bool _debug;

    /// <param name="session">Where and how to call.</param>
    /// <param name="protocol">follow_get with the run's relation and page size.</param>
    /// <param name="history">What the run has seen: shared by every list's pages (the run's first page goes first, not each list's).</param>
    /// <param name="collectDebug">Keep request bodies and answers for -Debug.</param>
    public FollowPageCall(TencentChatSession session, FollowGetProtocol protocol, RunHistory history, bool collectDebug = false)
    {
        _session = session;
        _protocol = protocol;
        _transport = new CallTransport(session, protocol);
        _history = history;
        _debug = collectDebug;
    }

    /// <summary>
    /// The page of <paramref name="user"/>'s list that starts at <paramref name="cursor"/> ("" for the first). Its
    /// first turn at the limiter comes after those of the pages the run asked for before it (<paramref name="sequence"/>),
    /// as a batched call's: the output waits for the earlier user's list anyway.
    /// </summary>
    public async Task<BatchResult<FollowPage>> ExecuteAsync(long sequence, string user, string cursor, CancellationToken cancellationToken)
    {
        var log = new CallLog(_debug);
        // Each list is its user's call: an unknown user (a call-level 30003) fails that list, not the run.
        var facts = new CallFacts(_protocol, _session.Endpoint, user, fromPerCall: true, _session.Sig.CanRenew ? _session.SdkAppId : null, _debug);
        var loop = new AttemptLoop(_session, _transport, _history, facts, FormattableString.Invariant($"Batch {sequence}"), FormattableString.Invariant($"POST {_protocol.Path} batch {sequence}: a page of the list of {Text.UserIdText.Show(user)}"), log) { InputOrder = sequence };
        var body = _protocol.WriteRequest(user, cursor);
        while (true)
        {
            var end = await loop.UntilAnsweredAsync(body, answer => _protocol.ParseAnswer(answer, user), cancellationToken).ConfigureAwait(false);
            if (end.Success?.Body is not { } read)
            {
                loop.Summarize(end.Status, end.Outcome);
                return log.Result(sequence, new[] { IdMapping.CallFailed<FollowPage>(user, end.Failure!, unknown: end.OutcomeUnknown) }, end.Fatal);
            }
            if (read.Page is { } page)
            {
                loop.Summarize(end.Status, "OK, " + Text.Wording.Count(page.Entries.Count, "entry", "entries"));
                return log.Result(sequence, new[] { new IdOutcome<FollowPage>(user, page, null) }, null);
            }
            var why = read.Describe(end.Success.Sig);
            if (await loop.AskAgainAsync($"the answer had no usable item for 1 id ({Text.UserIdText.Show(user)}: {why})", cancellationToken).ConfigureAwait(false)) continue;
            loop.Summarize(end.Status, "OK");
            return log.Result(sequence, new[] { IdMapping.Unusable<FollowPage>(user, why, loop.Retries + 1) }, null);
        }
    }
}
