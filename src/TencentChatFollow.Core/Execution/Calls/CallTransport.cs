using System;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Session;

namespace TencentChatFollow.Execution;

/// <summary>What the network gave for one send: an HTTP answer (status, Retry-After, body), or why there was none.</summary>
internal sealed class Sent
{
    /// <summary>The HTTP status, when an answer came back (even one too large to read, or one cut short).</summary>
    public int? StatusCode { get; set; }
    public string? ReasonPhrase { get; set; }
    public TimeSpan? RetryAfter { get; set; }
    /// <summary>The body, when an answer came back and was read whole.</summary>
    public byte[]? Body { get; set; }
    /// <summary>Why there is no body to read (null when there is one), with the transport's wording of it.</summary>
    public TransportFault? Fault { get; set; }
    public TencentChatException? FaultError { get; set; }
    /// <summary>The UserSig the request carried, to scrub it from anything the answer echoes.</summary>
    public string Sig { get; set; } = "";
    /// <summary>
    /// The request cannot have reached the service: no connection was made (refused, a name that does not resolve, no
    /// route) or the TLS handshake failed. False for every failure after a connection was made (a reset, a timeout).
    /// </summary>
    public bool NotDelivered { get; set; }
}

/// <summary>Ways a send can fail to bring back a body; <see cref="AttemptClassifier"/> says what each means.</summary>
internal enum TransportFault
{
    /// <summary>No answer (no status line and headers) within the session's timeout.</summary>
    Timeout,
    /// <summary>
    /// The status line and headers came, then the body did not finish within the session's timeout: the server was
    /// reached (it is no sign of an endpoint out of reach), and the call may have been made.
    /// </summary>
    BodyStalled,
    /// <summary>The connection could not be made or broke before an answer's status line and headers came.</summary>
    ConnectionFailed,
    /// <summary>
    /// The status line and headers came, then the connection broke before the body was read whole: the server was
    /// reached (it is no sign of an endpoint out of reach), and the call may have been made.
    /// </summary>
    BodyBroken,
    /// <summary>The server's TLS certificate was not accepted.</summary>
    CertificateRejected,
    /// <summary>
    /// The TLS handshake failed before any certificate was judged: most often the endpoint does not speak TLS at all
    /// (https to a plain-HTTP server, such as the emulator), so every call would fail the same way.
    /// </summary>
    TlsFailed,
    /// <summary>An answer larger than <see cref="ApiProtocol.MaxAnswerBytes"/>, not read.</summary>
    TooLarge,
    /// <summary>The request could not be made for a reason that is not the network's (it would happen to every call).</summary>
    RequestFailed,
    /// <summary>
    /// A redirect (HTTP 3xx), not followed: Tencent's REST API never redirects, so the endpoint is not Tencent's and
    /// every call would get the same.
    /// </summary>
    Redirected,
    /// <summary>
    /// The proxy asked for credentials (HTTP 407: its own answer, or its refusal of the HTTPS tunnel): nothing reached the
    /// service, and every call would get the same until Connect-TencentChat is given the proxy's credentials.
    /// </summary>
    ProxyAuthenticationRequired,
    /// <summary>
    /// A 200 whose body could not be decoded (a Content-Encoding the data does not follow, such as broken gzip): an
    /// unreadable answer, as one that is not the API's JSON is.
    /// </summary>
    Undecodable,
}

/// <summary>
/// The transport of one API's calls: signs the URL with the session's current UserSig, POSTs the JSON body under the
/// session's timeout, refuses a redirect unread, reads at most <see cref="ApiProtocol.MaxAnswerBytes"/>, and turns
/// what the network threw (or a body that cannot be decoded) into a <see cref="TransportFault"/>. It decides nothing
/// about retrying.
/// </summary>
internal sealed class CallTransport
{
    private readonly TencentChatSession _session;
    private readonly ApiProtocol _protocol;

    public CallTransport(TencentChatSession session, ApiProtocol protocol)
    {
        _session = session;
        _protocol = protocol;
    }

    private string Authority => _session.Endpoint.GetLeftPart(UriPartial.Authority);

    /// <summary>One send of <paramref name="body"/>. Throws OperationCanceledException only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<Sent> SendAsync(byte[] body, CancellationToken cancellationToken)
    {
        var sig = _session.Sig.Current(_session.Clock.UtcNow);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_session.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, BuildUrl(sig)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            // No "Expect: 100-continue": .NET Framework sends it on every POST unless told, and waits a round trip for
            // the server's 100 before the body (.NET never sends it).
            request.Headers.ExpectContinue = false;
            using var response = await _session.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return await ReadAnswerAsync(response, sig, timeout.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fault(TransportFault.Timeout, sig, new TencentChatException("TencentChat.Timeout", ErrorKind.Timeout, string.Format(CultureInfo.InvariantCulture,
                "No answer within {0:0.#} s (Connect-TencentChat -TimeoutSec sets this).", _session.Timeout.TotalSeconds)));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && FindTlsFailure(ex) is { } tls)
        {
            var why = Text.ServerText.Safe(Redactor.ScrubNetworkError(tls.Failure.Message, sig)).TrimEnd('.');
            if (tls.Certificate)
            {
                return Undelivered(TransportFault.CertificateRejected, sig, new TencentChatException("TencentChat.CertificateRejected", ErrorKind.ConnectionError,
                    $"The TLS connection to {Authority} failed: its certificate was not accepted ({why}). No call can work there: check -Endpoint (and -Proxy), or make the machine trust the certificate."));
            }
            return Undelivered(TransportFault.TlsFailed, sig, new TencentChatException("TencentChat.TlsFailed", ErrorKind.ConnectionError,
                $"The TLS handshake with {Authority} failed before any certificate was checked ({why}). No call can work there: {PlainHttpAdvice()}"));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && ProxyAskedForCredentials(ex))
        {
            return ProxyRefused(sig);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            var failed = Fault(TransportFault.ConnectionFailed, sig, new TencentChatException("TencentChat.ConnectionFailed", ErrorKind.ConnectionError,
                $"The connection to {Authority} failed: {NetworkWhy(ex, sig)}"));
            failed.NotDelivered = NeverConnected(ex);
            return failed;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Fault(TransportFault.RequestFailed, sig, new TencentChatException("TencentChat.RequestFailed", ErrorKind.ConnectionError,
                $"The request could not be made ({ex.GetType().Name}: {Redactor.ScrubNetworkError(ex.Message, sig)}). Please report this with the -Verbose output."));
        }
    }

    private static Sent Fault(TransportFault fault, string sig, TencentChatException error, int? status = null)
        => new() { Fault = fault, FaultError = error, Sig = sig, StatusCode = status };

    private static Sent Undelivered(TransportFault fault, string sig, TencentChatException error)
        => new() { Fault = fault, FaultError = error, Sig = sig, NotDelivered = true };

    /// <summary>
    /// The failure came before any connection was made, so nothing was sent: the connection was refused, the host
    /// name did not resolve, or there was no route (a socket error of the connect, or .NET Framework's
    /// ConnectFailure and name-resolution statuses). A reset or an answer cut short after connecting is not.
    /// </summary>
    internal static bool NeverConnected(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException socket)
            {
                return socket.SocketErrorCode is System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostNotFound
                    or System.Net.Sockets.SocketError.NoData or System.Net.Sockets.SocketError.TryAgain or System.Net.Sockets.SocketError.HostUnreachable
                    or System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.NetworkDown or System.Net.Sockets.SocketError.AddressNotAvailable;
            }
            if (e is System.Net.WebException web)
            {
                return web.Status is System.Net.WebExceptionStatus.ConnectFailure or System.Net.WebExceptionStatus.NameResolutionFailure
                    or System.Net.WebExceptionStatus.ProxyNameResolutionFailure;
            }
        }
        return false;
    }

    /// <summary>What an HTTP answer brought: a redirect refused unread, or its body read within the cap and decoded.</summary>
    /// <param name="response">The answer, its status and headers in.</param>
    /// <param name="sig">The UserSig the request carried.</param>
    /// <param name="cancellationToken">The send's token with its timeout.</param>
    /// <param name="callerToken">The caller's own token: only its cancellation is not the timeout's.</param>
    private async Task<Sent> ReadAnswerAsync(HttpResponseMessage response, string sig, CancellationToken cancellationToken, CancellationToken callerToken)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400) return Fault(TransportFault.Redirected, sig, NotFollowed(response, sig), status);
        if (status == 407) return ProxyRefused(sig);
        byte[]? bytes;
        try
        {
            bytes = await ReadCappedAsync(response, ApiProtocol.MaxAnswerBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            // Only the handler's decompressing stream throws this while the body is read: the server's data, not a bug
            // here. A 200 that cannot be read is an unreadable answer; any other status says enough without its body.
            if (status == 200) return Fault(TransportFault.Undecodable, sig, Undecodable(status, ex, sig), status);
            bytes = Array.Empty<byte>();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The answer had begun: the server was reached, so this is not a connection that failed (nor, for the run, a
            // call that could not reach the service), and whether the call was made is not known.
            return Fault(TransportFault.BodyBroken, sig, new TencentChatException("TencentChat.ConnectionFailed", ErrorKind.ConnectionError, string.Format(CultureInfo.InvariantCulture,
                "The answer from {0} (HTTP {1}) broke off before its body was read whole: {2}", Authority, status, NetworkWhy(ex, sig))), status);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            // The timeout came while the body was read: the server was reached (its status and headers came), so this
            // is no call that could not reach the service, and whether the call was made is not known. The id and
            // category stay those of a timeout.
            return Fault(TransportFault.BodyStalled, sig, new TencentChatException("TencentChat.Timeout", ErrorKind.Timeout, string.Format(CultureInfo.InvariantCulture,
                "The answer from {0} (HTTP {1}) came, but its body did not finish within {2:0.#} s (Connect-TencentChat -TimeoutSec sets this).",
                Authority, status, _session.Timeout.TotalSeconds)), status);
        }
        if (bytes is null)
        {
            return Fault(TransportFault.TooLarge, sig, new TencentChatException("TencentChat.AnswerTooLarge", ErrorKind.InvalidResponse, string.Format(CultureInfo.InvariantCulture,
                "The answer from {0} was larger than {1} KB, far more than {2} sends; it was not read.", Authority, ApiProtocol.MaxAnswerBytes / 1024, _protocol.Path)), status);
        }
        return new Sent
        {
            StatusCode = status, ReasonPhrase = response.ReasonPhrase, Body = bytes, Sig = sig,
            RetryAfter = RetryHint(response.Headers, _session.Clock.UtcNow),
        };
    }

    /// <summary>
    /// A redirect, worded with the host it named (never its path or query, which may echo the UserSig): the module
    /// does not follow it, since the sig must go to the session's endpoint only and Tencent's REST API never redirects.
    /// </summary>
    private TencentChatException NotFollowed(HttpResponseMessage response, string sig)
    {
        var location = response.Headers.Location;
        var target = location is not null && Uri.TryCreate(_session.Endpoint, location, out var where)
            ? $"to {where.Scheme}://{where.Authority}"
            : "with no usable Location";
        var status = string.Format(CultureInfo.InvariantCulture, "{0} {1}", (int)response.StatusCode, Text.ServerText.Safe(Redactor.Scrub(response.ReasonPhrase, sig))).TrimEnd();
        return new TencentChatException("TencentChat.HttpError", ErrorKind.InvalidResponse, Redactor.Scrub(
            $"HTTP {status} from {Authority}: a redirect {target}, not followed. Tencent's REST API does not redirect, so {Authority} is not its endpoint; check -Endpoint and -Region (and -Proxy).", sig));
    }

    /// <summary>A 200 whose body its Content-Encoding could not decode: an unreadable answer, with its status.</summary>
    private TencentChatException Undecodable(int status, InvalidDataException ex, string sig)
        => new("TencentChat.InvalidResponse", ErrorKind.InvalidResponse, string.Format(CultureInfo.InvariantCulture,
            "The answer from {0} (HTTP {1}) could not be decoded: its body is not the compressed data its Content-Encoding says ({2}).",
            Authority, status, Redactor.Scrub(ex.Message, sig).TrimEnd('.')));

    /// <summary>
    /// The server's Retry-After as a wait: the seconds of its delta form, or the time left until its date form. The
    /// date is measured from the answer's own Date header when it has one (so a machine whose clock is off does not
    /// change the wait), else from <paramref name="now"/>, the session's clock. A date already past is no hint. Both
    /// forms are capped where they are used (<see cref="RetryPolicy.CapRetryAfter"/>).
    /// </summary>
    internal static TimeSpan? RetryHint(HttpResponseHeaders headers, DateTimeOffset now)
    {
        var retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is { } delta) return delta;
        if (retryAfter?.Date is not { } date) return null;
        var left = date - (headers.Date ?? now);
        return left > TimeSpan.Zero ? left : null;
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
            var n = await ReadUntilCancelledAsync(stream, buffer, read, buffer.Length - read, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            read += n;
            if (read > cap) return null;
        }
        if (read == buffer.Length) return buffer;
        var exact = new byte[read];
        Buffer.BlockCopy(buffer, 0, exact, 0, read);
        return exact;
    }

    /// <summary>
    /// One read of the body that ends when <paramref name="cancellationToken"/> is cancelled, whatever the stream does.
    /// .NET Framework's response stream checks the token only before a read starts, and its HttpClient stops watching
    /// the token once the headers are in, so a body that stalls would keep the call waiting until the connection
    /// closes. On cancellation the stream is closed, which ends the read left behind (its failure is observed here),
    /// and this throws OperationCanceledException at once.
    /// </summary>
    private static async Task<int> ReadUntilCancelledAsync(Stream stream, byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        var read = stream.ReadAsync(buffer, offset, count, cancellationToken);
        if (read.IsCompleted || !cancellationToken.CanBeCanceled) return await read.ConfigureAwait(false);
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(true), cancelled))
        {
            if (await Task.WhenAny(read, cancelled.Task).ConfigureAwait(false) != read)
            {
                _ = read.ContinueWith(static t => t.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                try
                {
                    stream.Dispose();
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException)
                {
                    // What closing a stream cut off mid-read throws is not the call's outcome: the timeout is.
                }
                throw new OperationCanceledException(cancellationToken);
            }
        }
        return await read.ConfigureAwait(false);
    }

    private Uri BuildUrl(string sig)
    {
        var random = unchecked((uint)ThreadSafeRandom.Next());
        var query = string.Format(CultureInfo.InvariantCulture, "sdkappid={0}&identifier={1}&usersig={2}&random={3}&contenttype=json",
            _session.SdkAppId, Uri.EscapeDataString(_session.Identifier), Uri.EscapeDataString(sig), random);
        return new Uri(_session.Endpoint, _protocol.Path + "?" + query);
    }

    /// <summary>What to check when the handshake failed: http:// when the endpoint may be the emulator (loopback), else the port and -Proxy.</summary>
    private string PlainHttpAdvice()
        => _session.Endpoint.IsLoopback
            ? $"if the endpoint speaks plain HTTP, as the emulator does unless started with --https on, connect with -Endpoint http://{_session.Endpoint.Authority}."
            : "the endpoint may not speak TLS on that port (plain HTTP, another protocol): check -Endpoint (and -Proxy).";

    /// <summary>
    /// The TLS failure behind a failed request, if that is what it was, and whether a certificate was refused (untrusted,
    /// expired, for another name) rather than the handshake failing before one was judged (the endpoint speaks plain
    /// HTTP, a protocol mismatch). .NET Framework marks a refused certificate as a WebException's TrustFailure; .NET
    /// words it as a "remote certificate" (messages that are not localized there).
    /// </summary>
    internal static (Exception Failure, bool Certificate)? FindTlsFailure(Exception ex)
    {
        Exception? tls = null;
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Net.WebException { Status: System.Net.WebExceptionStatus.TrustFailure }) return (e.InnerException ?? e, true);
            if (e is System.Security.Authentication.AuthenticationException)
            {
                if (e.Message.IndexOf("remote certificate", StringComparison.OrdinalIgnoreCase) >= 0) return (e, true);
                tls ??= e;
            }
            else if (e is System.Net.WebException { Status: System.Net.WebExceptionStatus.SecureChannelFailure })
            {
                tls ??= e;
            }
        }
        return tls is null ? null : (tls, false);
    }

    /// <summary>What the network said of a failure, scrubbed of the UserSig and made safe to show.</summary>
    /// <summary>The proxy's 407: the call went no further than the proxy.</summary>
    private Sent ProxyRefused(string sig)
        => Undelivered(TransportFault.ProxyAuthenticationRequired, sig, new TencentChatException("TencentChat.ProxyAuthenticationRequired", ErrorKind.ConnectionError,
            $"The proxy asked for credentials (HTTP 407 Proxy Authentication Required), so no call reached {Authority}. Connect-TencentChat with -Proxy <the proxy's URI> and " +
            "-ProxyCredential (its user and password), or -ProxyUseDefaultCredentials for this Windows logon's; if they were given, the proxy refused them."));

    /// <summary>
    /// True when the proxy refused the HTTPS tunnel with 407: .NET's "The proxy tunnel request to proxy '...' failed with
    /// status code '407'", or .NET Framework's WebException whose answer is the 407.
    /// </summary>
    internal static bool ProxyAskedForCredentials(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Net.WebException { Response: System.Net.HttpWebResponse { StatusCode: System.Net.HttpStatusCode.ProxyAuthenticationRequired } }) return true;
            if (e is HttpRequestException && e.Message.IndexOf("proxy", StringComparison.OrdinalIgnoreCase) >= 0 && e.Message.Contains("'407'")) return true;
        }
        return false;
    }

    private static string NetworkWhy(Exception ex, string sig) => Text.ServerText.Safe(Redactor.ScrubNetworkError(Innermost(ex).Message, sig));

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }
}
