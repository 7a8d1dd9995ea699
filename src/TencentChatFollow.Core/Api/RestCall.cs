using System;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;

namespace TencentChatFollow.Api;

/// <summary>
/// One REST call with one body, on the same pipeline as every API's call: <see cref="CallTransport"/> signs, sends and
/// reads (capped), <see cref="AttemptLoop"/> paces it on the API's rate limiter, retries what is transient, goes again
/// after a refusal for frequency, renews an expired UserSig once and says when the run must stop. Its one outcome is
/// the answer's JSON text (an OK envelope, any UserSig it echoes scrubbed from its strings, still the same JSON) or
/// the call's failure. One instance serves one run; safe on any thread.
/// </summary>
internal sealed class RestCall
{
    private readonly TencentChatSession _session;
    private readonly RestProtocol _protocol;
    private readonly CallTransport _transport;
    private readonly RunHistory _history;
    private readonly bool _debug;
    private readonly int? _cap;
    private readonly int? _maxRetry;

    /// <param name="session">Where and how to call.</param>
    /// <param name="protocol">The API.</param>
    /// <param name="collectDebug">Keep request bodies and answers for -Debug.</param>
    /// <param name="maxRequestsPerSecond">The command's own ceiling (-MaxRequestsPerSecond), if given.</param>
    /// <param name="maxRetry">The command's own -MaxRetry, if given (else the session's).</param>
    public RestCall(TencentChatSession session, RestProtocol protocol, bool collectDebug, int? maxRequestsPerSecond = null, int? maxRetry = null)
    {
        _cap = maxRequestsPerSecond;
        _maxRetry = maxRetry;
        _session = session;
        _protocol = protocol;
        _transport = new CallTransport(session, protocol);
        _history = new RunHistory(session);
        _debug = collectDebug;
    }

    /// <summary>Takes the run's own -Verbose lines (an outage begins, ends) as they happen (<see cref="RestRun.Post"/>).</summary>
    public Action<string>? RunNotice
    {
        get => _history.Notice;
        set => _history.Notice = value;
    }

    /// <summary>The most calls per second the run sends: the command's cap, else the session's, else the API's known limit.</summary>
    public int Ceiling => _session.CeilingFor(_protocol.Path, _cap);

    /// <summary>The pace calls go at now (the API's own limiter), for the progress bar; 0 while it holds back.</summary>
    public double CurrentRate => _session.LimiterFor(_protocol.Path).CurrentRate(Ceiling);

    /// <summary>
    /// The call (and its retries) for the body at <paramref name="sequence"/> in the input, with its own signal that
    /// the run sends it no more (<paramref name="sendNoMore"/>, from <see cref="RestRun"/>: a fatal answer, or under
    /// -ErrorAction Stop an error of a body before it); a body not on the wire yet then ends as not sent.
    /// </summary>
    public async Task<BatchResult<string>> ExecuteAsync(long sequence, string key, byte[] body, CancellationToken sendNoMore, CancellationToken cancellationToken)
    {
        var log = new CallLog(_debug);
        // No From_Account of the module's: a call-level 30003 is this body's (fromPerCall), not the run's.
        var facts = new CallFacts(_protocol, _session.Endpoint, "", fromPerCall: true, _session.Sig.CanRenew ? _session.SdkAppId : null, _debug);
        var number = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var loop = new AttemptLoop(_session, _transport, _history, facts, "Body " + number, $"POST {_protocol.Path} body {number}", log) { MaxRequestsPerSecond = _cap, SendNoMore = sendNoMore, MaxRetry = _maxRetry ?? _session.MaxRetry, InputOrder = sequence };
        var end = await loop.UntilAnsweredAsync(body, RestProtocol.ParseAnswer, cancellationToken).ConfigureAwait(false);
        if (end.Success is { Body: { } answer } ok)
        {
            loop.Summarize(end.Status, "OK");
            return log.Result(sequence, new[] { new IdOutcome<string>(key, Redactor.ScrubJson(answer, ok.Sig), null) }, null);
        }
        loop.Summarize(end.Status, end.Outcome);
        return log.Result(sequence, new[] { IdMapping.CallFailed<string>(key, end.Failure!, end.NotSent, end.OutcomeUnknown, _protocol.UnknownOutcome("", key)) }, end.Fatal);
    }
}
