using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Session;

namespace TencentChatFollow.Execution;

/// <summary>
/// The attempts of one call: waits for a slot of the rate limiter, sends, and acts on <see cref="AttemptClassifier"/>'s
/// verdict and nothing else: retries what is transient (within -MaxRetry), goes again at the front of the line after
/// a refusal for frequency, renews an expired UserSig once, waits out an outage, and gives up with the call's failure.
/// One instance serves one call (its retries are counted across its sends, spoiled items asked again included).
/// </summary>
internal sealed class AttemptLoop
{
    /// <summary>Calls in a row that ran out of retries without reaching the service, after which the run stops.</summary>
    internal const int UnreachableLimit = 3;

    private readonly TencentChatSession _session;
    private readonly CallTransport _transport;
    private readonly RunHistory _history;
    private readonly CallFacts _facts;
    private RetryPolicy _retry;
    private readonly string _label;
    private readonly string _summary;
    private readonly TimeSpan _start;
    private int _refusals;
    private int _outageWaits;
    private bool _renewed;
    private TimeSpan? _failingSince; // the call's first failure (no usable answer) since its last answer
    private bool _mayHaveActed; // an attempt reached the service and its effect is not known (no answer, a transient failure, items left out)

    /// <param name="session">Where and how to call: its limiter, retries, clock and UserSig.</param>
    /// <param name="transport">Sends one attempt.</param>
    /// <param name="history">What the run has seen of the service (shared by the run's calls).</param>
    /// <param name="facts">The call the attempts belong to, for the classifier.</param>
    /// <param name="label">How the call's -Verbose lines name it ("Batch 3").</param>
    /// <param name="summary">The start of the call's summary line ("POST v4/follow/follow_get_info batch 3: 20 ids").</param>
    /// <param name="log">Where the call's -Verbose and -Debug lines go.</param>
    public AttemptLoop(TencentChatSession session, CallTransport transport, RunHistory history, CallFacts facts, string label, string summary, CallLog log)
    {
        _summary = summary;
        _session = session;
        _transport = transport;
        _history = history;
        _facts = facts;
        _retry = new RetryPolicy(session.MaxRetry);
        _label = label;
        Log = log;
        _start = session.Clock.Elapsed;
    }

    public CallLog Log { get; }

    /// <summary>A command's own ceiling for this call's API (calls per second), over the session's and the API's published one.</summary>
    public int? MaxRequestsPerSecond { get; set; }

    /// <summary>A command's own -MaxRetry for this call, over the session's (0: one attempt, never sent again once it may have acted).</summary>
    public int MaxRetry
    {
        get => _retry.MaxRetry;
        set => _retry = new RetryPolicy(value);
    }

    /// <summary>
    /// Set once the run sends nothing more: a fatal answer came, or the caller halted it (its first error under
    /// -ErrorAction Stop). A call that has not reached the service yet, or only to be refused for frequency, then ends
    /// as not sent instead of going out when the limiter lets it (up to -ThrottleLimit calls wait there, each a write
    /// for Add- and Remove-TencentChatFollow). A call whose earlier attempt may have done its work (no answer, a
    /// transient failure, an answer that left ids out) goes on with its retries, as a call on the wire.
    /// </summary>
    public CancellationToken SendNoMore { get; set; }

    /// <summary>
    /// The call's number in its run's input order: its first turn at the limiter comes after those of the run's earlier
    /// calls that wait there (the thread pool may bring it there first). Null: in the order it comes.
    /// </summary>
    public long? InputOrder { get; set; }

    /// <summary>The run sends nothing more and this call has done nothing yet: it ends as not sent.</summary>
    private bool HeldBack => !_mayHaveActed && SendNoMore.IsCancellationRequested;

    /// <summary>
    /// Whether the service is known to work at this endpoint, so that <paramref name="failure"/> (a transient one) is an
    /// outage or bad luck, never a wrong endpoint: the service answered this run, or it answered the session before
    /// (Connect-TencentChat's check, an earlier run) and the failure is the service's own trouble (no answer, a 5xx, a
    /// Tencent code for a passing fault). An answer the module cannot read counts only after this run's own answer: a
    /// run of those from the first call is more likely something in the way than an outage.
    /// </summary>
    private bool WorkedBefore(TencentChatException failure)
        => Volatile.Read(ref _history.Answered) != 0 || (_session.HasAnswered && failure.Kind != ErrorKind.InvalidResponse);

    /// <summary>Retries so far (sends after the first that were not refusals, renewals or outage probes).</summary>
    public int Retries { get; private set; }

    /// <summary>The call's time so far, on the session's clock.</summary>
    public TimeSpan Elapsed => _session.Clock.Elapsed - _start;

    /// <summary>Sends <paramref name="body"/> until an attempt succeeds or the call's failure is final.</summary>
    public async Task<CallEnd<TBody>> UntilAnsweredAsync<TBody>(byte[] body, Func<byte[], ApiAnswer<TBody>> parse, CancellationToken cancellationToken)
        where TBody : class
    {
        if (Log.Debug is { } debugLines) debugLines.Add($"{_label}: request body {Encoding.UTF8.GetString(body)}");
        // The API's own limiter (per endpoint, app and API) and ceiling.
        var limiter = _session.LimiterFor(_facts.Protocol.Path);
        // Waits (the limiter's, a Retry-After's) end early when the run sends nothing more and the call has done nothing yet.
        using var held = SendNoMore.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, SendNoMore) : null;
        // After a transient failure: how the call ends if the run stops while the service is down for every call. Such a
        // call may have done its work, but no probe can tell any more, and the run has given up: it ends at once, not
        // after a probe of its own (one each 2 s: with 64 calls in flight, minutes after the -RetryTimeoutSec set).
        CallEnd<TBody>? downEnd = null;
        var waitPastStop = false;
        var place = InputOrder is { } order ? new LinePlace(_history, order) : (LinePlace?)null; // the first turn's
        while (true)
        {
            if (HeldBack) return NotSent<TBody>();
            if (downEnd is not null && SendNoMore.IsCancellationRequested && limiter.Down) return downEnd;
            var limit = _session.CeilingFor(_facts.Protocol.Path, MaxRequestsPerSecond);
            RateSlot slot;
            try
            {
                slot = await limiter.WaitAsync(limit, WaitToken(held, cancellationToken, downEnd is not null && !waitPastStop), front: _refusals > 0 || _outageWaits > 0, giveUpAfter: _session.RetryTimeout, outagePacing: Volatile.Read(ref _history.Answered) != 0 || Volatile.Read(ref _history.WaitingOut) != 0, runStart: _history.Start, place: place).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (SendNoMore.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                if (HeldBack) return NotSent<TBody>();
                if (limiter.Down) return downEnd!;
                waitPastStop = true; // the service answers: a call on the wire goes on with its retries
                continue;
            }
            place = null; // a call going again takes its place as any other caller
            if (HeldBack) return NotSent<TBody>(); // its turn came as the run stopped: the slot goes unused
            if (downEnd is not null && SendNoMore.IsCancellationRequested && limiter.Down) return downEnd;
            if (slot.Exhausted) return QuotaExhausted<TBody>(slot.RefusingFor);
            var sent = await _transport.SendAsync(body, cancellationToken).ConfigureAwait(false);
            var attempt = AttemptClassifier.Judge(sent, parse, _facts, _session.Sig.CanRenew && !_renewed, _session.HasAnswered);
            if (attempt.BodyText is not null) Log.Debug?.Add($"{_label}: answer {attempt.BodyText}");
            var failure = attempt.Failure!;
            switch (attempt.Verdict)
            {
                case Verdict.Success:
                    Volatile.Write(ref _history.Answered, 1);
                    TellIfOutageEnded();
                    _session.MarkAnswered();
                    Interlocked.Exchange(ref _history.UnreachableInARow, 0);
                    Interlocked.Exchange(ref _history.LastAnsweredTicks, _session.Clock.Elapsed.Ticks);
                    if (limiter.Accepted(slot, limit) is { } faster) Log.Verbose.Add(faster);
                    return new CallEnd<TBody> { Success = attempt, Status = attempt.StatusText };
                case Verdict.RenewSig:
                    _renewed = true;
                    _session.Sig.Invalidate();
                    Log.Verbose.Add($"{_label}: the UserSig expired (70001); made a new one and retrying.");
                    continue;
                case Verdict.Throttled:
                    // Refused for frequency: the quota is shared with someone. Not a fault and not a failed attempt: tell the
                    // limiter (it slows down and holds back until the service takes calls again) and go again at the front
                    // of the line. Only time bounds this (the limiter gives up after the session's RetryTimeout).
                    _refusals++;
                    _failingSince = null;
                    Volatile.Write(ref _history.Answered, 1);
                    TellIfOutageEnded();
                    var reason = failure.Code is int c ? c.ToString(CultureInfo.InvariantCulture) : "HTTP 429";
                    if (limiter.Refused(slot, limit, reason) is { } slower) Log.Verbose.Add(slower);
                    // The limiter fails the calls that wait once every call has been refused for RetryTimeout, and lets one
                    // through now and then as a probe; a probe refused then ends here. So does a call the service asks to
                    // wait (Retry-After) past that time: its own wait would let it through as the next probe, for ever.
                    if (HeldBack) return NotSent<TBody>(); // the run stopped meanwhile: refused, so nothing was done
                    var refusingFor = limiter.RefusingFor(_history.Start) ?? TimeSpan.Zero;
                    var left = _session.RetryTimeout - refusingFor;
                    if (left <= TimeSpan.Zero) return QuotaExhausted<TBody>(refusingFor);
                    if (attempt.RetryAfter is { } hint && hint > TimeSpan.Zero)
                    {
                        var wait = RetryPolicy.CapRetryAfter(hint);
                        try
                        {
                            await _session.Clock.Delay(wait < left ? wait : left, WaitToken(held, cancellationToken)).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (HeldBack && !cancellationToken.IsCancellationRequested)
                        {
                            return NotSent<TBody>();
                        }
                    }
                    continue;
                case Verdict.Transient:
                    _mayHaveActed |= !attempt.NotDelivered; // no connection made: this attempt did nothing
                    var state = limiter.Failed(slot);
                    downEnd = End(attempt, new TencentChatException(failure.ErrorId, failure.Kind, string.Format(CultureInfo.InvariantCulture,
                        "{0}; the service was down for every call, and the run stopped before this call went again.", failure.Message.TrimEnd('.')), failure.Code), null);
                    // An outage is the service going down after it answered: this run, or the session before it (Connect's
                    // check, an earlier run), also when it went down before the run's first call (WorkedBefore). Its length
                    // counts from this run's start at the earliest (an earlier run's outage is not this one's). Waiting it
                    // out sends the call again, so not with -MaxRetry 0: one attempt, for a write that must not be done twice.
                    if (state.Down && WorkedBefore(failure) && _retry.MaxRetry > 0)
                    {
                        var failingFor = Min(state.FailingFor, limiter.Now - _history.Start);
                        if (failingFor >= _session.RetryTimeout)
                        {
                            var unavailable = new TencentChatException("TencentChat.ServiceUnavailable", ErrorKind.ConnectionError, string.Format(CultureInfo.InvariantCulture,
                                "The service at {0} has answered nothing usable for {1:0} s (last: {2}); giving up. Run again when it is back (Connect-TencentChat -RetryTimeoutSec sets how long to wait).",
                                _facts.Authority, failingFor.TotalSeconds, failure.Message.TrimEnd('.')), failure.Code);
                            return End(attempt, unavailable, unavailable);
                        }
                        // Down for everyone, not this call's bad luck: wait for the service at the front of the line, where one
                        // probe goes at a time, instead of spending retries meant for single faults.
                        if (_outageWaits++ == 0)
                            Log.Verbose.Add(string.Format(CultureInfo.InvariantCulture, "{0}: the service is down for every call ({1}); waiting for it, one probe at a time, for up to {2:0} s.",
                                _label, failure.Message.TrimEnd('.'), _session.RetryTimeout.TotalSeconds));
                        if (_history.OutageBegins())
                            _history.Notice?.Invoke(string.Format(CultureInfo.InvariantCulture, "The service at {0} is down for every call ({1}): the run waits for it, one probe at a time, and stops if nothing usable comes within {2:0} s of the outage's start (Connect-TencentChat -RetryTimeoutSec).",
                                _facts.Authority, failure.Message.TrimEnd('.'), _session.RetryTimeout.TotalSeconds));
                        continue;
                    }
                    _failingSince ??= _session.Clock.Elapsed;
                    if (Retries < _retry.MaxRetry)
                    {
                        // A server that asks to wait (Retry-After, up to a minute each time) does not keep the call failing
                        // past RetryTimeout, as with a refusal: it waits what is left of it, then gives up.
                        var failingLeft = _session.RetryTimeout - (_session.Clock.Elapsed - _failingSince.Value);
                        if (attempt.RetryAfter > TimeSpan.Zero && failingLeft <= TimeSpan.Zero) return GiveUp(attempt);
                        Retries++;
                        var delay = _retry.DelayBefore(Retries, attempt.RetryAfter);
                        if (attempt.RetryAfter > TimeSpan.Zero && delay > failingLeft) delay = failingLeft;
                        Log.Verbose.Add(string.Format(CultureInfo.InvariantCulture, "{0}: attempt {1} failed ({2}); retry {1} of {3} in {4:0.0} s.",
                            _label, Retries, failure.Message.TrimEnd('.'), _retry.MaxRetry, delay.TotalSeconds));
                        await _session.Clock.Delay(delay, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    return GiveUp(attempt);
                default:
                    return GiveUp(attempt);
            }
        }
    }

    /// <summary>An answer came: the run's -Verbose says so once after it told of an outage (<see cref="RunHistory.Notice"/>).</summary>
    private void TellIfOutageEnded()
    {
        if (_history.OutageEnds()) _history.Notice?.Invoke($"The service at {_facts.Authority} answers again; the run goes on.");
    }

    /// <summary>
    /// The token a wait of this call ends on: also the run's <see cref="SendNoMore"/> until an attempt may have done the
    /// call's work, or while <paramref name="orWhenDown"/> (the call ends at the stop if the service is down by then).
    /// </summary>
    private CancellationToken WaitToken(CancellationTokenSource? held, CancellationToken cancellationToken, bool orWhenDown = false)
        => held is not null && (!_mayHaveActed || orWhenDown) ? held.Token : cancellationToken;

    /// <summary>The call's end when the run stopped before the call went out (or while the service only refused it).</summary>
    private static CallEnd<TBody> NotSent<TBody>()
        where TBody : class
        => new()
        {
            NotSent = true,
            Failure = new TencentChatException("TencentChat.NotSent", ErrorKind.InvalidArgument, "Not sent: the run had stopped before this call went out."),
        };

    /// <summary>
    /// The call's end when the service has refused every call for <paramref name="refusingFor"/> (the session's
    /// RetryTimeout when unknown). The quota it names is the API's published one, not the session's ceiling
    /// (-MaxRequestsPerSecond), and the wait to raise is the session's -RetryTimeoutSec.
    /// </summary>
    private CallEnd<TBody> QuotaExhausted<TBody>(TimeSpan? refusingFor)
        where TBody : class
    {
        var path = _facts.Protocol.Path;
        var published = KnownRateLimits.IsKnown(path) ? string.Format(CultureInfo.InvariantCulture, "; Tencent allows {0} calls/s for it", KnownRateLimits.For(path)) : "";
        return new()
        {
            OutcomeUnknown = _mayHaveActed, // refused now, but an earlier attempt may have done the call's work
            Failure = new TencentChatException("TencentChat.QuotaExhausted", ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture,
                "The service has refused every call for {0:0} s (frequency limit): the app's quota for {1} is being used up elsewhere (other jobs, the app's own backend{2}). " +
                "Run again when it is quieter, or connect with a longer Connect-TencentChat -RetryTimeoutSec (now {3:0} s) to wait it out.",
                (refusingFor ?? _session.RetryTimeout).TotalSeconds, path, published, _session.RetryTimeout.TotalSeconds)),
        };
    }

    /// <summary>
    /// After an answer whose items were spoiled for some ids (missing, doubled, mistyped): true, after the retry's wait,
    /// when the call may ask for them again; false when its retries are spent.
    /// </summary>
    public async Task<bool> AskAgainAsync(string what, CancellationToken cancellationToken)
    {
        _mayHaveActed = true; // the answer said nothing of those ids: for a write, done or not is not known
        if (Retries >= _retry.MaxRetry) return false;
        Retries++;
        var delay = _retry.DelayBefore(Retries);
        Log.Verbose.Add(string.Format(CultureInfo.InvariantCulture, "{0}: {1}; asking again, retry {2} of {3} in {4:0.0} s.", _label, what, Retries, _retry.MaxRetry, delay.TotalSeconds));
        await _session.Clock.Delay(delay, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Adds the call's summary line: status, time, retries and <paramref name="outcome"/>.</summary>
    public void Summarize(string status, string outcome)
        => Log.Verbose.Add(string.Format(CultureInfo.InvariantCulture, "{0}, {1}, {2} ms, {3}, {4}",
            _summary, status, (long)Elapsed.TotalMilliseconds, Text.Wording.Count(Retries, "retry", "retries"), outcome));

    /// <summary>The call has run out of what it may do: its failure for each id, and whether the run stops.</summary>
    private CallEnd<TBody> GiveUp<TBody>(Attempt<TBody> attempt)
        where TBody : class
    {
        var failure = attempt.Failure!;
        var attempts = Retries + 1;
        var final = attempts > 1
            ? new TencentChatException(failure.ErrorId, failure.Kind, string.Format(CultureInfo.InvariantCulture, "{0} (after {1} attempts).", failure.Message.TrimEnd('.'), attempts), failure.Code)
            : failure;
        var fatal = attempt.Verdict == Verdict.Fatal ? final : null;
        if (fatal is null && !attempt.TencentAnswered && !WorkedBefore(failure))
        {
            // The first call goes alone. If no Tencent answer came back to it after every retry (connection refused, no
            // answer, a page that is not Tencent's JSON), the endpoint is wrong, not unlucky: no later call would do better.
            // An HTTP answer that was not Tencent's readable JSON may still have been Tencent's, cut short: then the call
            // may have been made. Not so when the session was answered before and the service only failed (no answer, a
            // 5xx): the endpoint works, and three such calls in a row stop the run below.
            // A read on a session whose check was answered sends its first calls at once: say what holds either way.
            var got = attempt.Unreachable ? "got a Tencent Cloud Chat answer" : "got a Tencent Cloud Chat answer it could read (one cut short or left unfinished may still have been the service's, with the call made)";
            fatal = new TencentChatException(final.ErrorId, final.Kind,
                $"{final.Message.TrimEnd('.')}. No call of this run to {_facts.Authority} {got}, so the run stopped and sent nothing more. Check -Endpoint and -Region (and -Proxy), then run again.", final.Code);
        }
        // Only calls that got no HTTP answer at all count as not reaching the service (a 502 or a 30007 is an answer, and
        // so is one whose body broke off or did not finish in time after its status and headers came),
        // and only those the service answered no call of the run during: calls that time out together beside answered
        // ones are bad luck, not a service out of reach.
        if (fatal is null && attempt.Unreachable && Interlocked.Read(ref _history.LastAnsweredTicks) < _start.Ticks
            && Interlocked.Increment(ref _history.UnreachableInARow) >= UnreachableLimit)
        {
            // The endpoint is down or unreachable: retrying every remaining call would take ages to fail.
            fatal = new TencentChatException(final.ErrorId, final.Kind, string.Format(CultureInfo.InvariantCulture,
                "{0} {1} calls in a row could not reach the service; check the network, -Endpoint and -Region, then run again.", final.Message, UnreachableLimit), final.Code);
        }
        return End(attempt, final, fatal);
    }

    private CallEnd<TBody> End<TBody>(Attempt<TBody> attempt, TencentChatException failure, TencentChatException? fatal)
        where TBody : class
        => new() { Failure = failure, Fatal = fatal, Status = attempt.StatusText, OutcomeUnknown = _mayHaveActed };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
