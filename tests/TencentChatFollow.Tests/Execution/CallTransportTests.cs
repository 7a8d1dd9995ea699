using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;
using TencentChatFollow.Tests.Support;
using Xunit;
using Reply = TencentChatFollow.Tests.Execution.LocalHttpServer.Reply;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// What the transport makes of answers an awkward server sends: a redirect (over a real socket and the module's own
/// handler, so that what the handler would follow is what is tested), a body its Content-Encoding cannot decode, and
/// a Retry-After given as a date.
/// </summary>
public class CallTransportTests
{
    private const string Key = "call-transport-test-key";
    private const string From = "administrator";
    private const string OkAnswer = "{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"FollowInfo\":[{\"To_Account\":\"a\",\"ResultCode\":0,\"ResultInfo\":\"\",\"FollowerCount\":1,\"FollowingCount\":2,\"MutualFollowingCount\":3}]}";

    /// <summary>Starts with gzip's magic and method bytes, then is not gzip: what a broken proxy or server sends.</summary>
    private static readonly byte[] BrokenGzip = Encoding.ASCII.GetBytes("\x1f\x8b\x08\x00garbagegarbage");

    private static readonly Dictionary<string, string> Gzip = new() { ["Content-Encoding"] = "gzip" };

    /// <summary>A session over the module's own handler (a real socket) to <paramref name="endpoint"/>, its waits instant.</summary>
    private static (TencentChatSession Session, ISigSource Sig, InstantClock Clock) Connect(Uri endpoint, int maxRetry)
    {
        var appId = FakeTransport.NextAppId();
        var sig = new SecretKeySigSource(appId, From, Encoding.UTF8.GetBytes(Key));
        var clock = new InstantClock(DateTimeOffset.UtcNow);
        return (new TencentChatSession(appId, From, endpoint, null, sig, 200, maxRetry, TimeSpan.FromSeconds(5), clock: clock), sig, clock);
    }

    private static Task<BatchResult<FollowInfo>> Call(BatchCall<FollowInfo> call, long sequence)
        => call.ExecuteAsync(sequence, From, new[] { "a" }, CancellationToken.None);

    private static byte[] Gzipped(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_is_not_followed_no_request_reaches_its_host_and_the_run_stops_naming_both_hosts(int status)
    {
        using var elsewhere = new LocalHttpServer(new Reply(200, OkAnswer));
        // The Location echoes the request's path and query, UserSig included, as the audit's server did.
        using var endpoint = new LocalHttpServer((received, _) => new Reply(status, "")
        {
            Headers = new Dictionary<string, string>
            {
                ["Location"] = new Uri(elsewhere.BaseUri, received.Path + "?" + string.Join("&", received.RawQuery.Select(p => p.Key + "=" + p.Value))).AbsoluteUri,
            },
        });
        var (session, sig, _) = Connect(endpoint.BaseUri, maxRetry: 2);

        var result = await Call(new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: true), 1);

        Assert.Empty(elsewhere.Requests);
        Assert.Single(endpoint.Requests); // not retried: it would be answered the same
        var fatal = result.Fatal!;
        Assert.Equal("TencentChat.HttpError", fatal.ErrorId);
        Assert.Equal(ErrorKind.InvalidResponse, fatal.Kind);
        var here = endpoint.BaseUri.GetLeftPart(UriPartial.Authority);
        var there = elsewhere.BaseUri.GetLeftPart(UriPartial.Authority);
        Assert.StartsWith($"HTTP {status} ", fatal.Message, StringComparison.Ordinal);
        Assert.Contains($"from {here}: a redirect to {there}, not followed", fatal.Message, StringComparison.Ordinal);
        Assert.Contains("Tencent's REST API does not redirect", fatal.Message, StringComparison.Ordinal);
        Assert.Contains("-Endpoint", fatal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("usersig", fatal.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("follow_get_info?", fatal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sig.Current(DateTimeOffset.UtcNow), string.Join("\n", result.Verbose.Concat(result.Debug)), StringComparison.Ordinal);
        Assert.All(result.Outcomes, o => Assert.True(o.CallFailed));
        Assert.Contains(result.Verbose, v => v.Contains($"HTTP {status}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/elsewhere?usersig=x", true)]
    [InlineData(null, false)]
    public async Task A_redirect_to_a_relative_Location_or_none_is_worded_without_a_path(string? location, bool named)
    {
        using var endpoint = new LocalHttpServer(new Reply(302, "")
        {
            Headers = location is null ? null : new Dictionary<string, string> { ["Location"] = location },
        });
        var (session, _, _) = Connect(endpoint.BaseUri, maxRetry: 0);

        var result = await Call(new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false), 1);

        var here = endpoint.BaseUri.GetLeftPart(UriPartial.Authority);
        var message = result.Fatal!.Message;
        Assert.Contains(named ? $"a redirect to {here}, not followed" : "a redirect with no usable Location, not followed", message, StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_its_gzip_encoding_cannot_decode_is_an_unreadable_answer_retried_then_an_InvalidResponse_and_the_run_goes_on()
    {
        // Call 1 is answered (in valid gzip, which is decoded), call 2 gets broken gzip twice, call 3 is answered again.
        using var endpoint = new LocalHttpServer(
            new Reply(200, "") { Bytes = Gzipped(OkAnswer), Headers = Gzip },
            new Reply(200, "") { Bytes = BrokenGzip, Headers = Gzip },
            new Reply(200, "") { Bytes = BrokenGzip, Headers = Gzip },
            new Reply(200, OkAnswer));
        var (session, _, _) = Connect(endpoint.BaseUri, maxRetry: 1);
        var call = new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false);

        Assert.Equal(1, Assert.Single((await Call(call, 1)).Outcomes).Result!.FollowerCount);
        var broken = await Call(call, 2);
        var after = await Call(call, 3);

        Assert.Equal(4, endpoint.Requests.Count);
        Assert.Null(broken.Fatal);
        var error = Assert.Single(broken.Outcomes).Error!;
        Assert.Equal("TencentChat.InvalidResponse", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidResponse, error.Kind);
        Assert.Contains($"The answer from {endpoint.BaseUri.GetLeftPart(UriPartial.Authority)} (HTTP 200) could not be decoded", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 2 attempts", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Please report", error.Message, StringComparison.Ordinal);
        Assert.Contains(broken.Verbose, v => v.Contains("retry 1 of 1", StringComparison.Ordinal));
        Assert.Contains(broken.Verbose, v => v.Contains("HTTP 200", StringComparison.Ordinal) && !v.Contains("no HTTP answer", StringComparison.Ordinal));
        Assert.Equal(1, Assert.Single(after.Outcomes).Result!.FollowerCount);
    }

    [Fact]
    public async Task Broken_gzip_on_the_first_call_stops_the_run_as_any_unreadable_first_answer_does()
    {
        using var endpoint = new LocalHttpServer(new Reply(200, "") { Bytes = BrokenGzip, Headers = Gzip }, new Reply(200, "") { Bytes = BrokenGzip, Headers = Gzip });
        var (session, _, _) = Connect(endpoint.BaseUri, maxRetry: 1);

        var result = await Call(new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false), 1);

        Assert.Equal(2, endpoint.Requests.Count);
        Assert.Equal("TencentChat.InvalidResponse", result.Fatal!.ErrorId);
        Assert.Contains("No call of this run to ", result.Fatal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_status_with_a_body_that_cannot_be_decoded_is_judged_by_its_status()
    {
        using var endpoint = new LocalHttpServer(new Reply(404, "") { Bytes = BrokenGzip, Headers = Gzip });
        var (session, _, _) = Connect(endpoint.BaseUri, maxRetry: 2);

        var result = await Call(new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: true), 1);

        Assert.Single(endpoint.Requests);
        Assert.Equal("TencentChat.HttpError", result.Fatal!.ErrorId);
        Assert.Contains("HTTP 404", result.Fatal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_After_in_seconds_is_taken_as_given()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(5), CallTransport.RetryHint(response.Headers, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Retry_After_as_a_date_counts_from_the_answers_own_Date_whatever_this_machines_clock_says()
    {
        var served = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.Date = served;
        response.Headers.RetryAfter = new RetryConditionHeaderValue(served.AddSeconds(20));

        Assert.Equal(TimeSpan.FromSeconds(20), CallTransport.RetryHint(response.Headers, served.AddHours(-3)));
    }

    [Theory]
    [InlineData(30, 30)]
    [InlineData(0, null)]
    [InlineData(-10, null)]
    public void Retry_After_as_a_date_without_a_Date_header_counts_from_the_session_clock_and_a_past_one_is_no_hint(int seconds, int? expected)
    {
        var now = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(now.AddSeconds(seconds));

        Assert.Equal(expected is int s ? TimeSpan.FromSeconds(s) : null, CallTransport.RetryHint(response.Headers, now));
    }

    [Fact]
    public void No_Retry_After_is_no_hint()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        Assert.Null(CallTransport.RetryHint(response.Headers, DateTimeOffset.UtcNow));
    }

    [Theory]
    [InlineData(20, 20)]
    [InlineData(86400, 60)] // capped as the seconds form is
    public async Task A_503_whose_Retry_After_is_a_date_waits_until_then_capped_at_a_minute(int seconds, int waited)
    {
        using var server = new FakeTransport((request, _, index, _) =>
        {
            if (index > 0) return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(OkAnswer) });
            var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("busy") };
            var served = DateTimeOffset.UtcNow.AddDays(-2); // the server's clock, far from the session's
            unavailable.Headers.Date = served;
            unavailable.Headers.RetryAfter = new RetryConditionHeaderValue(served.AddSeconds(seconds));
            return Task.FromResult(unavailable);
        });
        var clock = new InstantClock(DateTimeOffset.UtcNow);
        var session = server.Session(maxRetry: 1, clock: clock);

        var result = await Call(new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false), 1);

        Assert.Equal(1, Assert.Single(result.Outcomes).Result!.FollowerCount);
        Assert.Equal(2, server.Count);
        Assert.Contains(TimeSpan.FromSeconds(waited), clock.Waits);
    }

    [Fact]
    public async Task A_body_that_stalls_after_its_first_bytes_ends_as_a_Timeout_even_when_its_stream_ignores_the_token()
    {
        // .NET Framework's response stream: the headers are in, a few bytes of the body come, then nothing, and a read
        // under way does not look at its token. Only the call's own timeout can end it.
        using var body = new StallingStream(Encoding.UTF8.GetBytes(OkAnswer[..10]));
        using var server = new FakeTransport((_, _, _, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
            response.Content.Headers.ContentLength = OkAnswer.Length;
            return Task.FromResult(response);
        });
        var session = server.Session(maxRetry: 0, timeout: TimeSpan.FromMilliseconds(300));

        var result = await Call(new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false), 1)
            .WaitAsync(TimeSpan.FromSeconds(10)); // the hang guard: before the fix the call waited for ever

        var error = Assert.Single(result.Outcomes).Error!;
        Assert.Equal("TencentChat.Timeout", error.ErrorId);
        // The headers came: an answer from the service whose body did not finish, not "No answer".
        Assert.Contains("(HTTP 200) came, but its body did not finish within 0.3 s", error.Message, StringComparison.Ordinal);
        Assert.True(body.Disposed, "the stalled body's stream is closed, so its connection is let go");
    }

    [Fact]
    public async Task A_request_does_not_ask_the_server_for_100_Continue()
    {
        bool? expectContinue = true;
        using var server = new FakeTransport((request, _, _, _) =>
        {
            expectContinue = request.Headers.ExpectContinue;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(OkAnswer) });
        });

        await Call(new BatchCall<FollowInfo>(server.Session(), FollowGetInfoProtocol.Instance, collectDebug: false), 1);

        // False, not null (the default): .NET Framework then sends no "Expect: 100-continue" and does not wait for a 100.
        Assert.False(expectContinue);
    }

    /// <summary>
    /// A body as .NET Framework's response stream gives it when the server stalls: the first bytes, then a read that
    /// ignores its token and ends only when the stream is closed.
    /// </summary>
    private sealed class StallingStream(byte[] first) : Stream
    {
        private readonly TaskCompletionSource<int> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _sent;

        public bool Disposed => _closed.Task.IsCompleted;

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (_sent) return _closed.Task;
            _sent = true;
            first.CopyTo(buffer, offset);
            return Task.FromResult(first.Length);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(buffer, out var array)
                ? new ValueTask<int>(ReadAsync(array.Array!, array.Offset, array.Count, cancellationToken))
                : throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _closed.TrySetException(new IOException("The connection was closed."));
            base.Dispose(disposing);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData("503")]
    [InlineData("redirect")]
    [InlineData("bad status line")]
    public async Task What_the_server_put_in_the_status_line_reaches_the_error_and_Verbose_lines_escaped(string kind)
    {
        // A status line ends at its line break: what it can carry is the rest (ESC, BEL, C1 controls).
        const string hostile = "\u001b[2J\u001b[31mboom\u009b31m\u0007";
        using var server = new FakeTransport((request, _, _, _) => kind switch
        {
            "503" => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { ReasonPhrase = hostile, Content = new StringContent("busy") }),
            "redirect" => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Found) { ReasonPhrase = hostile, Headers = { Location = new Uri("http://elsewhere.example/") } }),
            // .NET quotes a status line it cannot parse in its exception's message.
            _ => Task.FromException<HttpResponseMessage>(new HttpRequestException("Received an invalid status line: '" + hostile + "'.")),
        });
        var session = server.Session(maxRetry: 1, clock: new InstantClock(DateTimeOffset.UtcNow));

        var result = await Call(new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: true), 1);

        var error = result.Fatal ?? Assert.Single(result.Outcomes).Error!;
        Assert.Contains("\\u001B[2J\\u001B[31mboom\\u009B31m\\u0007", error.Message, StringComparison.Ordinal);
        Assert.All(result.Outcomes.Select(o => o.Error!.Message).Append(error.Message).Concat(result.Verbose).Concat(result.Debug),
            line => Assert.DoesNotContain(line, char.IsControl));
    }

    /// <summary>
    /// A redirect whose reason phrase repeats the usersig where the 500 characters a message shows of it end: the sig is
    /// taken out before the phrase is cut, not after (a cut would leave its first part, which the scrub no longer knows).
    /// </summary>
    [Fact]
    public async Task No_part_of_a_usersig_a_redirects_reason_phrase_repeats_where_it_is_cut_reaches_the_error()
    {
        var sigs = new List<string>();
        using var server = new FakeTransport((request, received, _, _) =>
        {
            var sig = received.Query("usersig");
            lock (sigs) sigs.Add(sig);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Found) { ReasonPhrase = new string('x', 470) + sig, Headers = { Location = new Uri("http://elsewhere.example/") } });
        });
        var session = server.Session(maxRetry: 0, clock: new InstantClock(DateTimeOffset.UtcNow));

        var result = await Call(new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: true), 1);

        var texts = result.Outcomes.Select(o => o.Error!.Message).Append(result.Fatal!.Message).Concat(result.Verbose).Concat(result.Debug).ToList();
        Assert.Contains("xxxxxxxxxx", result.Fatal.Message, StringComparison.Ordinal);
        foreach (var sig in sigs)
        {
            for (var i = 0; i + 12 <= sig.Length; i += 6)
                Assert.All(texts, text => Assert.DoesNotContain(sig.Substring(i, 12), text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_TLS_failure_is_a_rejected_certificate_only_when_a_certificate_was_judged()
    {
        // .NET: https to a plain-HTTP server, and an untrusted certificate.
        var plain = new HttpRequestException("The SSL connection could not be established, see inner exception.",
            new System.Security.Authentication.AuthenticationException("Cannot determine the frame size or a corrupted frame was received."));
        var untrusted = new HttpRequestException("The SSL connection could not be established, see inner exception.",
            new System.Security.Authentication.AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot"));
        // .NET Framework: the WebException's status says which (its messages are localized).
#pragma warning disable SYSLIB0014 // WebException is what .NET Framework's handler throws
        var trust = new HttpRequestException("An error occurred while sending the request.", new WebException("x", WebExceptionStatus.TrustFailure));
        var channel = new HttpRequestException("An error occurred while sending the request.", new WebException("x", WebExceptionStatus.SecureChannelFailure));
#pragma warning restore SYSLIB0014

        Assert.False(CallTransport.FindTlsFailure(plain)!.Value.Certificate);
        Assert.True(CallTransport.FindTlsFailure(untrusted)!.Value.Certificate);
        Assert.True(CallTransport.FindTlsFailure(trust)!.Value.Certificate);
        Assert.False(CallTransport.FindTlsFailure(channel)!.Value.Certificate);
        Assert.Null(CallTransport.FindTlsFailure(new HttpRequestException("Connection refused", new IOException("refused"))));
    }
}
