using System;
using System.Globalization;
using System.Text;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Text;

namespace TencentChatFollow.Execution;

/// <summary>The one verdict an attempt gets; <see cref="AttemptLoop"/> acts on it and decides nothing else about the answer.</summary>
internal enum Verdict
{
    /// <summary>An answer with ErrorCode 0: read its items.</summary>
    Success,
    /// <summary>Refused for frequency (60007 and kin, HTTP 429): the quota is shared; slow down and go again, not a failed attempt.</summary>
    Throttled,
    /// <summary>The UserSig expired (70001) and the session can make a new one: renew and go again, once.</summary>
    RenewSig,
    /// <summary>May pass (network, timeout, 408, 5xx, an unreadable answer, 30006...): retry within -MaxRetry.</summary>
    Transient,
    /// <summary>Every later call would fail the same way (wrong key, no such From_Account, not an admin...): stop the run.</summary>
    Fatal,
    /// <summary>This call failed for a reason retrying will not fix, but other calls may work: its ids get the error.</summary>
    Failed,
}

/// <summary>What one attempt meant: its verdict, and the answer or the failure (worded for the user) that goes with it.</summary>
internal sealed class Attempt<TBody>
    where TBody : class
{
    public Verdict Verdict { get; set; }
    /// <summary>The answer's body, when the verdict is Success.</summary>
    public TBody? Body { get; set; }
    public TencentChatException? Failure { get; set; }
    public int? StatusCode { get; set; }
    public TimeSpan? RetryAfter { get; set; }
    /// <summary>The answer's text (scrubbed, cut at 4 KB), when -Debug keeps it.</summary>
    public string? BodyText { get; set; }
    /// <summary>The UserSig the attempt was sent with, to scrub it from what the answer says.</summary>
    public string Sig { get; set; } = "";
    /// <summary>No HTTP answer came back (no connection, no status and headers in time): the service was not reached.</summary>
    public bool Unreachable { get; set; }
    /// <summary>The request cannot have reached the service (no connection was made, the TLS handshake failed): it did nothing.</summary>
    public bool NotDelivered { get; set; }
    /// <summary>Tencent's own answer came back (success or an ErrorCode), not a proxy's page or nothing.</summary>
    public bool TencentAnswered => Verdict == Verdict.Success || Failure?.Code is not null;
    public string StatusText => StatusCode is int s ? "HTTP " + s.ToString(CultureInfo.InvariantCulture) : "no HTTP answer";
}

/// <summary>What the classifier needs to know of the call an attempt belongs to, to word and judge it.</summary>
internal sealed class CallFacts
{
    public CallFacts(ApiProtocol protocol, Uri endpoint, string from, bool fromPerCall, uint? keyAppId, bool keepBody)
    {
        Protocol = protocol;
        Authority = endpoint.GetLeftPart(UriPartial.Authority);
        From = from;
        FromPerCall = fromPerCall;
        KeyAppId = keyAppId;
        KeepBody = keepBody;
    }

    public ApiProtocol Protocol { get; }
    public string Authority { get; }
    public string From { get; }
    /// <summary>The From_Account changes from call to call (pairs, lists): a call-level 30003 then fails only its call.</summary>
    public bool FromPerCall { get; }
    /// <summary>The SDKAppID when the module makes the UserSig from a key (the advice for 70003/70009 differs).</summary>
    public uint? KeyAppId { get; }
    public bool KeepBody { get; }
}

/// <summary>
/// Decides what one attempt means (its <see cref="Verdict"/>), from the transport's fault, the HTTP status, whether the
/// body is the API's JSON, the envelope's ErrorCode and <see cref="ErrorCatalog"/>'s entry for it, and words the
/// failure. What a call does over several attempts (retries, waiting out an outage, the run's first call, calls in a
/// row that reach nothing) is <see cref="AttemptLoop"/>'s; what each id's item says is <see cref="IdMapping"/>'s.
/// </summary>
internal static class AttemptClassifier
{
    /// <param name="sent">What the transport brought back.</param>
    /// <param name="parse">The API's reading of a body (throws FormatException when it is not the API's JSON).</param>
    /// <param name="facts">The call the attempt belongs to.</param>
    /// <param name="canRenewSig">The session holds the key and has not renewed the sig for this call yet.</param>
    /// <param name="sigAcceptedBefore">The service took a call of this session before: a key or UserSig refused now was changed since.</param>
    public static Attempt<TBody> Judge<TBody>(Sent sent, Func<byte[], ApiAnswer<TBody>> parse, CallFacts facts, bool canRenewSig, bool sigAcceptedBefore = false)
        where TBody : class
    {
        var attempt = new Attempt<TBody> { StatusCode = sent.StatusCode, RetryAfter = sent.RetryAfter, Sig = sent.Sig, NotDelivered = sent.NotDelivered };
        if (sent.Fault is { } fault)
        {
            // A certificate the platform does not trust, a TLS handshake that fails (https to plain HTTP), a redirect, a
            // proxy that wants credentials, or a request that cannot be made, fails every call the same way.
            attempt.Unreachable = fault is TransportFault.Timeout or TransportFault.ConnectionFailed;
            return Failed(attempt, sent.FaultError!, fault is TransportFault.CertificateRejected or TransportFault.TlsFailed or TransportFault.RequestFailed or TransportFault.Redirected or TransportFault.ProxyAuthenticationRequired ? Verdict.Fatal : Verdict.Transient);
        }
        var bytes = sent.Body!;
        var status = sent.StatusCode!.Value;
        if (facts.KeepBody) attempt.BodyText = ServerText.Safe(Redactor.ScrubbedStart(bytes, 4096, sent.Sig), 4096);
        if (status != 200)
        {
            // 408 (Request Timeout, from a proxy or gateway) is a passing fault like a 5xx, as Azure.Core's retry policy has it.
            var passing = status is 429 or 408 || status >= 500;
            var error = new TencentChatException("TencentChat.HttpError", passing ? ErrorKind.ConnectionError : ErrorKind.InvalidResponse, string.Format(CultureInfo.InvariantCulture,
                "HTTP {0} {1} from {2}.{3}", status, ServerText.Safe(Redactor.Scrub(sent.ReasonPhrase, sent.Sig)), facts.Authority, passing ? "" : " Check -Endpoint and -Region."));
            return Failed(attempt, error, status == 429 ? Verdict.Throttled : passing ? Verdict.Transient : Verdict.Fatal);
        }
        ApiAnswer<TBody> answer;
        try
        {
            answer = parse(bytes);
        }
        catch (FormatException ex)
        {
            return Failed(attempt, new TencentChatException("TencentChat.InvalidResponse", ErrorKind.InvalidResponse,
                $"The service's answer was not the JSON {facts.Protocol.Name} documents. " + Redactor.Scrub(ex is NotJsonException notJson ? notJson.Describe(sent.Sig) : ex.Message, sent.Sig)), Verdict.Transient);
        }
        if (answer.ErrorCode == 0)
        {
            attempt.Verdict = Verdict.Success;
            attempt.Body = answer.Body;
            return attempt;
        }
        return ForCode(attempt, answer.ErrorCode, answer.ErrorInfo, facts, canRenewSig, sigAcceptedBefore);
    }

    private static Attempt<TBody> ForCode<TBody>(Attempt<TBody> attempt, int code, string errorInfo, CallFacts facts, bool canRenewSig, bool sigAcceptedBefore)
        where TBody : class
    {
        var d = facts.Protocol.Describe(code);
        if (code == 30003)
        {
            // Per id, 30003 comes in the items; for a whole call it is the From_Account, which every call of a run
            // with one From carries (stop), and only this call's From when each call has its own (fail the call).
            var message = facts.FromPerCall
                ? facts.Protocol.UnknownFrom(facts.From)
                : $"Tencent error 30003: the From_Account {Text.UserIdText.Show(facts.From)} does not exist in this app. Pass an existing account to -From (by default it is the session's admin identifier).";
            return Failed(attempt, new TencentChatException(d.ErrorId, d.Kind, message, code), facts.FromPerCall ? Verdict.Failed : Verdict.Fatal);
        }
        var info = string.IsNullOrEmpty(errorInfo) ? "" : $" ({ServerText.Safe(Redactor.Scrub(errorInfo, attempt.Sig))})";
        var error = new TencentChatException(d.ErrorId, d.Kind, string.Format(CultureInfo.InvariantCulture,
            "Tencent error {0}{1}. {2}", code, info, ErrorCatalog.AdviceFor(code, facts.KeyAppId, d, sigAcceptedBefore)), code);
        if (code == 70001 && canRenewSig) return Failed(attempt, error, Verdict.RenewSig);
        return Failed(attempt, error, d.Meaning switch
        {
            CodeMeaning.Throttles => Verdict.Throttled,
            CodeMeaning.Transient => Verdict.Transient,
            CodeMeaning.StopsTheRun => Verdict.Fatal,
            _ => Verdict.Failed,
        });
    }

    private static Attempt<TBody> Failed<TBody>(Attempt<TBody> attempt, TencentChatException failure, Verdict verdict)
        where TBody : class
    {
        attempt.Failure = failure;
        attempt.Verdict = verdict;
        return attempt;
    }
}
