using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;

namespace TencentChatFollow.Api;

/// <summary>
/// One REST call with one body, on the same pipeline as every API's call: <see cref="CallTransport"/> signs, sends and
/// reads (capped), <see cref="AttemptLoop"/> paces it on the API's rate limiter, retries what is transient, goes again
/// after a refusal for frequency, renews an expired UserSig once and says when the run must stop. Its one outcome is
/// the answer's JSON text (an OK envelope, any UserSig it echoes scrubbed) or the call's failure. One instance serves
/// one run; safe on any thread.
/// </summary>
internal sealed class RestCall
{
    private readonly TencentChatSession _session;
    private readonly RestProtocol _protocol;
    private readonly CallTransport _transport;
    private readonly RunHistory _history;
    private readonly bool _debug;

    /// <param name="session">Where and how to call.</param>
    /// <param name="protocol">The API.</param>
    /// <param name="collectDebug">Keep request bodies and answers for -Debug.</param>
    public RestCall(TencentChatSession session, RestProtocol protocol, bool collectDebug)
    {
        _session = session;
        _protocol = protocol;
        _transport = new CallTransport(session, protocol);
        _history = new RunHistory(session);
        _debug = collectDebug;
    }

    /// <summary>The call (and its retries) for the body at <paramref name="sequence"/> in the input.</summary>
    public async Task<BatchResult> ExecuteAsync(long sequence, string key, byte[] body, CancellationToken cancellationToken)
    {
        var log = new CallLog(_debug);
        // No From_Account of the module's: a call-level 30003 is this body's (fromPerCall), not the run's.
        var facts = new CallFacts(_protocol, _session.Endpoint, "", fromPerCall: true, _session.Sig.CanRenew ? _session.SdkAppId : null, _debug);
        var label = "Body " + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var loop = new AttemptLoop(_session, _transport, _history, facts, label, $"POST {_protocol.Path} body {sequence}", log);
        var end = await loop.UntilAnsweredAsync(body, _protocol.ParseAnswer, cancellationToken).ConfigureAwait(false);
        if (end.Success is { Body: { } answer } ok)
        {
            loop.Summarize(end.Status, "OK");
            return log.Result(sequence, new[] { new IdOutcome(key, Redactor.Scrub(answer, ok.Sig), null) }, null);
        }
        loop.Summarize(end.Status, "failed: " + end.Failure!.Message);
        return log.Result(sequence, new[] { IdMapping.CallFailed(key, end.Failure) }, end.Fatal);
    }
}
