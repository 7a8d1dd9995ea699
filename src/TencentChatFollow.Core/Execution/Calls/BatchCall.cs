using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Api;
using TencentChatFollow.Session;

namespace TencentChatFollow.Execution;

/// <summary>
/// One call of a batched follow API (the <see cref="BatchProtocol{TResult}"/> says which) for one From_Account and up
/// to the API's limit of ids, as a pipeline of its concerns: the transport (<see cref="CallTransport"/>: signing,
/// sending, the capped read), the attempts (<see cref="AttemptLoop"/>: the rate slot, retries, refusals, outages,
/// acting on <see cref="AttemptClassifier"/>'s verdict) and, here, the per-id mapping: one outcome per id, ids whose
/// items came back spoiled asked for again within the call's retries. One instance serves one run; safe on any
/// thread: it writes nothing to PowerShell, it only collects messages into the result.
/// </summary>
internal sealed class BatchCall<TResult>
    where TResult : class
{
    private readonly TencentChatSession _session;
    private readonly BatchProtocol<TResult> _protocol;
    private readonly CallTransport _transport;
    private readonly bool _debug;
    private readonly bool _fromPerCall;
    private readonly RunHistory _history;

    /// <param name="session">Where and how to call, its limiter, retries and clock.</param>
    /// <param name="protocol">The API: body, batch size, how its answer reads.</param>
    /// <param name="collectDebug">Keep request bodies and answers for -Debug.</param>
    /// <param name="fromPerCall">True when each call may have its own From_Account (pairs): an unknown From then fails its call only.</param>
    public BatchCall(TencentChatSession session, BatchProtocol<TResult> protocol, bool collectDebug, bool fromPerCall = false)
    {
        _session = session;
        _protocol = protocol;
        _transport = new CallTransport(session, protocol);
        _debug = collectDebug;
        _fromPerCall = fromPerCall;
        _history = new RunHistory(session); // one instance serves one run: the run's calls share what it has seen
    }

    /// <summary>How -Verbose lines name the calls (Connect-TencentChat's "connection check"); by default "batch" and the call's sequence.</summary>
    public string? Name { get; set; }

    /// <summary>Takes the run's own -Verbose lines (an outage begins, ends) as they happen, on a call's thread.</summary>
    public Action<string>? RunNotice
    {
        get => _history.Notice;
        set => _history.Notice = value;
    }

    /// <summary>Each -Verbose line as it is written, on the call's thread (besides the result's lines at the end).</summary>
    public Action<string>? LiveVerbose { get; set; }

    /// <summary>One call (and its retries) for <paramref name="ids"/> as <paramref name="from"/>, on its own (no run holds it back); at most the API's limit of ids.</summary>
    public Task<BatchResult<TResult>> ExecuteAsync(long sequence, string from, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        => ExecuteAsync(sequence, from, ids, CancellationToken.None, cancellationToken);

    /// <summary>
    /// One call (and its retries) for <paramref name="ids"/> as <paramref name="from"/>, at most the API's limit of ids,
    /// with its own signal that the run sends it no more (<paramref name="sendNoMore"/>: the run's
    /// <see cref="BatchRun{TResult}"/> gives each call one, so that an error holds back only the calls after it).
    /// </summary>
    public async Task<BatchResult<TResult>> ExecuteAsync(long sequence, string from, IReadOnlyList<string> ids, CancellationToken sendNoMore, CancellationToken cancellationToken)
    {
        var log = new CallLog(_debug, LiveVerbose);
        var facts = new CallFacts(_protocol, _session.Endpoint, from, _fromPerCall, _session.Sig.CanRenew ? _session.SdkAppId : null, _debug);
        var name = Name ?? FormattableString.Invariant($"batch {sequence}");
        var loop = new AttemptLoop(_session, _transport, _history, facts, char.ToUpperInvariant(name[0]) + name.Substring(1), FormattableString.Invariant($"POST {_protocol.Path} {name}: {Text.Wording.Ids(ids.Count)}"), log) { SendNoMore = sendNoMore, InputOrder = sequence };
        // Outcomes by id, as they become final; ids still to ask for (all of them, then those whose items came back spoiled).
        var done = new Dictionary<string, IdOutcome<TResult>>(StringComparer.Ordinal);
        var pending = ids.Distinct(StringComparer.Ordinal).ToList();
        while (true)
        {
            var end = await loop.UntilAnsweredAsync(_protocol.WriteRequest(from, pending), body => _protocol.ParseAnswer(body, from), cancellationToken).ConfigureAwait(false);
            if (end.Success is not { Body: { } answer } ok)
            {
                loop.Summarize(end.Status, end.Outcome);
                return log.Result(sequence, IdMapping.Complete(ids, done, end.Failure!, end.NotSent, end.OutcomeUnknown, id => _protocol.UnknownOutcome(from, id)), end.Fatal);
            }
            var spoiled = new List<string>();
            foreach (var id in pending)
            {
                if (!answer.BadItems.ContainsKey(id) && answer.Items.TryGetValue(id, out var item)) done[id] = IdMapping.Map(_protocol, from, id, item, ok.Sig);
                else spoiled.Add(id);
            }
            // A missing, doubled or mistyped item is the answer's fault, not the id's: ask for those ids again.
            if (spoiled.Count > 0 && await loop.AskAgainAsync(IdMapping.DescribeSpoiled(spoiled, answer.BadItems), cancellationToken).ConfigureAwait(false))
            {
                pending = spoiled;
                continue;
            }
            foreach (var id in spoiled) done[id] = IdMapping.Unusable<TResult>(id, answer.BadItems.TryGetValue(id, out var why) ? why : null, loop.Retries + 1, _protocol.UnknownOutcome(from, id));
            loop.Summarize(end.Status, "OK");
            return log.Result(sequence, ids.Select(id => done[id]).ToList(), null);
        }
    }
}
