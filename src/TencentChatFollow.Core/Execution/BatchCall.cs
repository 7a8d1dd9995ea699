using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Session;

namespace TencentChatFollow.Execution;

/// <summary>
/// Runs one call of a batched follow API (the <see cref="BatchProtocol"/> says which) for one From_Account and up
/// to the API's limit of ids: waits for the rate limiter, signs, sends, lets <see cref="AttemptClassifier"/> give the
/// attempt its one verdict and acts on it (retry what is transient, go again after a refusal, renew an expired
/// UserSig once, stop on what every call would repeat), and turns the answer into one outcome per id. One instance
/// serves one run. Safe on any thread: it writes nothing to PowerShell, it only collects messages into the result.
/// </summary>
internal sealed class BatchCall
{
    private readonly TencentChatSession _session;
    private readonly BatchProtocol _protocol;
    private readonly RetryPolicy _retry;
    private readonly bool _debug;
    private readonly Clock _clock;
    private readonly bool _fromPerCall;
    private readonly RunHistory _history;

    /// <summary>Calls in a row that ran out of retries without reaching the service, after which the run stops.</summary>
    internal const int UnreachableLimit = 3;


    /// <param name="session">Where and how to call, its limiter, retries and clock.</param>
    /// <param name="protocol">The API: body, batch size, how its answer reads.</param>
    /// <param name="collectDebug">Keep request bodies and answers for -Debug.</param>
    /// <param name="fromPerCall">True when each call may have its own From_Account (pairs): an unknown From then fails its call only.</param>
    /// <param name="history">What the run has seen so far, when several calls serve one run (a list run's lists); by default this call's own.</param>
    public BatchCall(TencentChatSession session, BatchProtocol protocol, bool collectDebug, bool fromPerCall = false, RunHistory? history = null)
    {
        _fromPerCall = fromPerCall;
        _session = session;
        _protocol = protocol;
        _retry = new RetryPolicy(session.MaxRetry);
        _debug = collectDebug;
        _clock = session.Clock;
        _history = history ?? new RunHistory(session);
    }

    /// <summary>One call (and its retries) for <paramref name="ids"/> as <paramref name="from"/>; at most the API's limit of ids.</summary>
    public async Task<BatchResult> ExecuteAsync(long sequence, string from, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var verbose = new List<string>(1);
        var debug = new List<string>();
        // Outcomes by id, as they become final; ids still to ask for (all of them, then those whose items came back spoiled).
        var done = new Dictionary<string, IdOutcome>(StringComparer.Ordinal);
        var pending = ids.Distinct(StringComparer.Ordinal).ToList();
        var body = _protocol.WriteRequest(from, pending);
        if (_debug) debug.Add($"Batch {sequence}: request body {Encoding.UTF8.GetString(body)}");

        var total = Stopwatch.StartNew();
        var retries = 0;
        var refusals = 0;
        var outageWaits = 0;
        var renewed = false;
        var limiter = _session.LimiterFor(_protocol.Path);
        while (true)
        {
            var limit = _session.CeilingFor(_protocol.Path);
            var slot = await limiter.WaitAsync(limit, cancellationToken, front: refusals > 0 || outageWaits > 0, giveUpAfter: _session.RetryTimeout, outagePacing: Volatile.Read(ref _history.Answered) != 0).ConfigureAwait(false);
            if (slot.Exhausted)
            {
                var exhausted = new TencentChatException("TencentChat.QuotaExhausted", ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture,
                    "The service has refused every call for {0:0} s (60007, frequency limit): the app's {1} calls/s quota is being used up elsewhere (other jobs, the app's own backend). Run again when it is quieter, or raise the limit in the Chat console.",
                    slot.RefusingFor?.TotalSeconds ?? _session.RetryTimeout.TotalSeconds, limit));
                verbose.Add(Describe(sequence, ids.Count, "not sent", total, retries, "failed: " + exhausted.Message));
                return new BatchResult(sequence, Complete(ids, done, exhausted), null, verbose, debug);
            }
            var attempt = await SendOnceAsync(body, cancellationToken).ConfigureAwait(false);
            if (_debug && attempt.BodyText is not null) debug.Add($"Batch {sequence}: answer {attempt.BodyText}");
            var verdict = AttemptClassifier.Classify(attempt, _session.Sig.CanRenew && !renewed, _fromPerCall);

            if (verdict == Verdict.Success)
            {
                var ok = attempt.Answer!;
                Volatile.Write(ref _history.Answered, 1);
                if (limiter.Accepted(slot, limit) is { } rateChange) verbose.Add(rateChange);
                Interlocked.Exchange(ref _history.UnreachableInARow, 0);
                var spoiled = new List<string>();
                foreach (var id in pending)
                {
                    if (ok.BadItems.ContainsKey(id) || !ok.Items.ContainsKey(id)) spoiled.Add(id);
                    else done[id] = Map(from, id, ok.Items[id], attempt.Sig);
                }
                if (spoiled.Count > 0 && retries < _retry.MaxRetry)
                {
                    // A missing, doubled or mistyped item is the answer's fault, not the id's: ask for those ids again.
                    retries++;
                    var delay = _retry.DelayBefore(retries);
                    verbose.Add($"Batch {sequence}: the answer had no usable item for {Text.Wording.Ids(spoiled.Count)} ({string.Join(", ", spoiled.Select(Describe(ok)))}); asking again, retry {retries} of {_retry.MaxRetry} in {delay.TotalSeconds:0.0} s.");
                    pending = spoiled;
                    body = _protocol.WriteRequest(from, pending);
                    await _clock.Delay(delay, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                foreach (var id in spoiled) done[id] = Unusable(id, ok, retries + 1);
                verbose.Add(Describe(sequence, ids.Count, attempt.StatusText, total, retries, "OK"));
                return new BatchResult(sequence, ids.Select(id => done[id]).ToList(), null, verbose, debug);
            }

            var failure = attempt.Failure!;
            if (failure.Code == 30003)
            {
                // Per id, 30003 comes in the items; for the whole call it means From_Account (the classifier made it fatal).
                failure = new TencentChatException(failure.ErrorId, failure.Kind,
                    _fromPerCall
                        ? _protocol.UnknownFrom(from)
                        : $"Tencent error 30003: the From_Account '{from}' does not exist in this app. Pass an existing account to -From (by default it is the session's admin identifier).", 30003);
            }
            if (verdict == Verdict.RenewSig)
            {
                renewed = true;
                _session.Sig.Invalidate();
                verbose.Add($"Batch {sequence}: the UserSig expired (70001); made a new one and retrying.");
                continue;
            }
            if (verdict == Verdict.Throttled)
            {
                // Refused for frequency: the quota is shared with someone. Not a fault and not a failed attempt: tell the
                // limiter (it slows down and holds back until the service takes calls again) and go again at the front
                // of the line. Only time bounds this (the limiter gives up after the session's RetryTimeout).
                refusals++;
                Volatile.Write(ref _history.Answered, 1);
                var reason = failure.Code is int c ? c.ToString(CultureInfo.InvariantCulture) : "HTTP 429";
                if (limiter.Refused(slot, limit, reason) is { } rateChange) verbose.Add(rateChange);
                if (attempt.RetryAfter is { } hint && hint > TimeSpan.Zero)
                    await _clock.Delay(RetryPolicy.CapRetryAfter(hint), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var transient = verdict == Verdict.Transient;
            if (transient)
            {
                var state = limiter.Failed(slot);
                // An outage is the service going down during this run: it answered this run before. Its length counts
                // from this run's start at the earliest (an earlier run's outage is not this one's).
                var down = state.Down && Volatile.Read(ref _history.Answered) != 0;
                var failingFor = Min(state.FailingFor, limiter.Now - _history.Start);
                if (down && failingFor >= _session.RetryTimeout)
                {
                    var unavailable = new TencentChatException("TencentChat.ServiceUnavailable", ErrorKind.ConnectionError, string.Format(CultureInfo.InvariantCulture,
                        "The service at {0} has answered nothing usable for {1:0} s (last: {2}); giving up. Run again when it is back (Connect-TencentChat -RetryTimeoutSec sets how long to wait).",
                        _session.Endpoint.GetLeftPart(UriPartial.Authority), failingFor.TotalSeconds, failure.Message.TrimEnd('.')), failure.Code);
                    verbose.Add(Describe(sequence, ids.Count, attempt.StatusText, total, retries, "failed: " + unavailable.Message));
                    return new BatchResult(sequence, Complete(ids, done, unavailable), unavailable, verbose, debug);
                }
                if (down)
                {
                    // Down for everyone, not this call's bad luck: wait for the service at the front of the line, where one
                    // probe goes at a time, instead of spending retries meant for single faults.
                    if (outageWaits++ == 0)
                        verbose.Add($"Batch {sequence}: the service is down for every call ({failure.Message.TrimEnd('.')}); waiting for it, one probe at a time, for up to {_session.RetryTimeout.TotalSeconds:0} s.");
                    continue;
                }
            }
            if (transient && retries < _retry.MaxRetry)
            {
                retries++;
                var delay = _retry.DelayBefore(retries, attempt.RetryAfter);
                verbose.Add($"Batch {sequence}: attempt {retries} failed ({failure.Message.TrimEnd('.')}); retry {retries} of {_retry.MaxRetry} in {delay.TotalSeconds:0.0} s.");
                await _clock.Delay(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var attempts = retries + 1;
            var final = attempts > 1
                ? new TencentChatException(failure.ErrorId, failure.Kind, $"{failure.Message.TrimEnd('.')} (after {attempts} attempts).", failure.Code)
                : failure;
            verbose.Add(Describe(sequence, ids.Count, attempt.StatusText, total, retries, "failed: " + final.Message));
            var fatal = verdict == Verdict.Fatal ? final : null;
            if (fatal is null && failure.Code is null && Volatile.Read(ref _history.Answered) == 0)
            {
                // The first call goes alone. If no Tencent answer came back to it after every retry (connection refused, no
                // answer, a page that is not Tencent's JSON), the endpoint is wrong, not unlucky: no later call would do better.
                fatal = new TencentChatException(final.ErrorId, final.Kind,
                    $"{final.Message.TrimEnd('.')}. The first call to {_session.Endpoint.GetLeftPart(UriPartial.Authority)} got no Tencent Cloud Chat answer, so nothing else was sent. Check -Endpoint and -Region (and -Proxy), then run again.", final.Code);
            }
            // Only calls that got no HTTP answer at all count as not reaching the service (a 502 or a 30007 is an answer).
            if (fatal is null && failure.ErrorId is "TencentChat.ConnectionFailed" or "TencentChat.Timeout"
                && Interlocked.Increment(ref _history.UnreachableInARow) >= UnreachableLimit)
            {
                // The endpoint is down or unreachable: retrying every remaining batch would take ages to fail.
                fatal = new TencentChatException(final.ErrorId, final.Kind,
                    $"{final.Message} {UnreachableLimit} calls in a row could not reach the service; check the network, -Endpoint and -Region, then run again.", final.Code);
            }
            var outcomes = Complete(ids, done, final);
            return new BatchResult(sequence, outcomes, fatal, verbose, debug);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private string Describe(long sequence, int count, string status, Stopwatch total, int retries, string outcome)
        => $"POST {_protocol.Path} batch {sequence}: {Text.Wording.Ids(count)}, {status}, {total.ElapsedMilliseconds} ms, {Text.Wording.Count(retries, "retry", "retries")}, {outcome}";

    /// <summary>Every id in input order: its final outcome where there is one, otherwise <paramref name="failure"/>.</summary>
    private static List<IdOutcome> Complete(IReadOnlyList<string> ids, Dictionary<string, IdOutcome> done, TencentChatException failure)
        => ids.Select(id => done.TryGetValue(id, out var outcome) ? outcome : new IdOutcome(id, null, failure.ForUser(id), callFailed: true)).ToList();

    private IdOutcome Map(string from, string id, AnswerItem item, string? sig)
    {
        if (item.ResultCode == 0) return new IdOutcome(id, _protocol.ResultFor(from, id, item.Payload), null);
        var d = ErrorCatalog.Describe(item.ResultCode);
        var info = string.IsNullOrEmpty(item.ResultInfo) ? "" : $" ({Redactor.Scrub(item.ResultInfo, sig)})";
        return new IdOutcome(id, null, new TencentChatException(d.ErrorId, d.Kind,
            $"Tencent error {item.ResultCode} for {_protocol.DescribeId(from, id)}{info}. {d.Advice}", item.ResultCode, id));
    }

    private static Func<string, string> Describe(ApiAnswer response)
        => id => response.BadItems.TryGetValue(id, out var why) ? $"'{id}': {why}" : $"'{id}': missing";

    /// <summary>An id whose item was still missing or unusable after every attempt allowed.</summary>
    private static IdOutcome Unusable(string id, ApiAnswer response, int attempts)
    {
        var after = attempts > 1 ? $" (after {attempts} attempts)" : "";
        return response.BadItems.TryGetValue(id, out var why)
            ? new IdOutcome(id, null, new TencentChatException("TencentChat.InvalidResponse", ErrorKind.InvalidResponse,
                $"The service's answer for '{id}' was not usable{after}: {why}. No result is reported for it; try it again.", userId: id))
            : new IdOutcome(id, null, new TencentChatException("TencentChat.MissingFromAnswer", ErrorKind.InvalidResponse,
                $"The service's answer had no item for '{id}'{after}. No result is reported for it; try it again.", userId: id));
    }

    private async Task<Attempt> SendOnceAsync(byte[] body, CancellationToken cancellationToken)
    {
        var sig = _session.Sig.Current(_clock.UtcNow);
        var url = BuildUrl(sig);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_session.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var response = await _session.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var bytes = await ReadCappedAsync(response, BatchProtocol.MaxAnswerBytes, timeout.Token).ConfigureAwait(false);
            if (bytes is null)
            {
                // A proxy or a broken server sending megabytes: refuse it without reading it whole, as a passing fault.
                return Attempt.Failed(new TencentChatException("TencentChat.AnswerTooLarge", ErrorKind.InvalidResponse,
                    $"The answer from {_session.Endpoint.GetLeftPart(UriPartial.Authority)} was larger than {BatchProtocol.MaxAnswerBytes / 1024} KB, far more than {_protocol.Path} sends for {_protocol.MaxIdsPerCall} ids; it was not read."),
                    transient: true, statusCode: (int)response.StatusCode);
            }
            return Interpret(response, bytes, sig);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Attempt.Failed(new TencentChatException("TencentChat.Timeout", ErrorKind.Timeout,
                $"No answer within {_session.Timeout.TotalSeconds:0.#} s (Connect-TencentChat -TimeoutSec sets this)."), transient: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or System.IO.IOException && FindCertificateFailure(ex) is { } tls)
        {
            // A certificate the platform does not trust fails every call the same way: no retry, stop the run.
            return Attempt.Failed(new TencentChatException("TencentChat.CertificateRejected", ErrorKind.ConnectionError,
                $"The TLS connection to {_session.Endpoint.GetLeftPart(UriPartial.Authority)} failed: its certificate was not accepted ({Redactor.Scrub(tls.Message, sig).TrimEnd('.')}). No call can work there: check -Endpoint (and -Proxy), or make the machine trust the certificate."),
                transient: false, fatal: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or System.IO.IOException)
        {
            return Attempt.Failed(new TencentChatException("TencentChat.ConnectionFailed", ErrorKind.ConnectionError,
                $"The connection to {_session.Endpoint.GetLeftPart(UriPartial.Authority)} failed: {Redactor.Scrub(Innermost(ex).Message, sig)}"), transient: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else is not the network's doing and would happen to every call: stop the run, keep the ids.
            return Attempt.Failed(new TencentChatException("TencentChat.RequestFailed", ErrorKind.ConnectionError,
                $"The request could not be made ({ex.GetType().Name}: {Redactor.Scrub(ex.Message, sig)}). Please report this with the -Verbose output."), transient: false, fatal: true);
        }
    }

    /// <summary>The body, or null when it is longer than <paramref name="cap"/> bytes (read no further than that).</summary>
    internal static async Task<byte[]?> ReadCappedAsync(HttpResponseMessage response, int cap, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is long length && length > cap) return null;
        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        var buffer = new byte[Math.Min(cap + 1, (int)(response.Content.Headers.ContentLength ?? 16 * 1024) + 1)];
        var read = 0;
        while (true)
        {
            if (read == buffer.Length)
            {
                if (read > cap) return null;
                Array.Resize(ref buffer, Math.Min(cap + 1, buffer.Length * 2));
            }
            var n = await stream.ReadAsync(buffer, read, buffer.Length - read, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            read += n;
            if (read > cap) return null;
        }
        if (read == buffer.Length) return buffer;
        var exact = new byte[read];
        Buffer.BlockCopy(buffer, 0, exact, 0, read);
        return exact;
    }

    private Attempt Interpret(HttpResponseMessage response, byte[] bytes, string sig)
    {
        var status = (int)response.StatusCode;
        var text = _debug ? Redactor.Scrub(Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 4096)), sig) : null;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var retryAfter = response.Headers.RetryAfter?.Delta;
            var transient = status == 429 || status >= 500;
            var advice = transient ? "" : " Check -Endpoint and -Region.";
            return Attempt.Failed(new TencentChatException("TencentChat.HttpError", transient ? ErrorKind.ConnectionError : ErrorKind.InvalidResponse,
                $"HTTP {status} {response.ReasonPhrase} from {_session.Endpoint.GetLeftPart(UriPartial.Authority)}.{advice}"),
                transient, fatal: !transient, statusCode: status, retryAfter: retryAfter, bodyText: text);
        }
        ApiAnswer parsed;
        try
        {
            parsed = _protocol.ParseAnswer(bytes);
        }
        catch (FormatException ex)
        {
            return Attempt.Failed(new TencentChatException("TencentChat.InvalidResponse", ErrorKind.InvalidResponse,
                $"The service's answer was not the JSON {_protocol.Path.Substring(_protocol.Path.LastIndexOf('/') + 1)} documents. " + Redactor.Scrub(ex.Message, sig)), transient: true, statusCode: status, bodyText: text);
        }
        if (parsed.ErrorCode == 0) return new Attempt { Answer = parsed, StatusCode = status, BodyText = text, Sig = sig };
        var d = ErrorCatalog.Describe(parsed.ErrorCode);
        var info = string.IsNullOrEmpty(parsed.ErrorInfo) ? "" : $" ({Redactor.Scrub(parsed.ErrorInfo, sig)})";
        return Attempt.Failed(new TencentChatException(d.ErrorId, d.Kind, $"Tencent error {parsed.ErrorCode}{info}. {ErrorCatalog.AdviceFor(parsed.ErrorCode, _session.Sig.CanRenew ? _session.SdkAppId : null)}", parsed.ErrorCode),
            d.IsTransient, d.IsFatal, status, bodyText: text);
    }

    private Uri BuildUrl(string sig)
    {
        var random = unchecked((uint)ThreadSafeRandom.Next());
        var query = string.Format(CultureInfo.InvariantCulture, "sdkappid={0}&identifier={1}&usersig={2}&random={3}&contenttype=json",
            _session.SdkAppId, Uri.EscapeDataString(_session.Identifier), Uri.EscapeDataString(sig), random);
        return new Uri(_session.Endpoint, _protocol.Path + "?" + query);
    }

    /// <summary>The TLS failure behind a failed request (an untrusted or mismatched certificate), if that is what it was.</summary>
    private static Exception? FindCertificateFailure(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException) return e;
        }
        return null;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }
}

/// <summary>What one send got back: an answer whose ErrorCode is 0, or a failure with what the transport and the catalog know of it.</summary>
internal sealed class Attempt
{
    public ApiAnswer? Answer { get; set; }
    public TencentChatException? Failure { get; private set; }
    public bool Transient { get; private set; }
    public bool Fatal { get; private set; }
    public int? StatusCode { get; set; }
    public TimeSpan? RetryAfter { get; private set; }
    public string? BodyText { get; set; }
    /// <summary>The UserSig the attempt was sent with, to scrub it from what the answer says.</summary>
    public string? Sig { get; set; }
    public string StatusText => StatusCode is int s ? "HTTP " + s.ToString(CultureInfo.InvariantCulture) : "no HTTP answer";

    public static Attempt Failed(TencentChatException failure, bool transient, bool fatal = false, int? statusCode = null, TimeSpan? retryAfter = null, string? bodyText = null)
        => new() { Failure = failure, Transient = transient, Fatal = fatal, StatusCode = statusCode, RetryAfter = retryAfter, BodyText = bodyText };
}
