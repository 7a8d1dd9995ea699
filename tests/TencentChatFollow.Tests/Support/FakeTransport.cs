using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;

namespace TencentChatFollow.Tests.Support;

/// <summary>
/// Tencent's REST endpoint with no socket: an <see cref="HttpMessageHandler"/> a session sends through
/// (<c>new TencentChatSession(..., transport: fake)</c> or <see cref="Session"/>). It answers each request from a
/// function and records what it got, in order. Nothing is resolved or listened on, so engine tests run on any
/// machine as fast as the engine does.
/// </summary>
internal sealed class FakeTransport : HttpMessageHandler
{
    /// <summary>What the fake answers: a status and a body, or never (until the call gives up), or a failed send.</summary>
    public sealed record Reply(int Status, string Body, string ContentType = "application/json", string? RetryAfter = null)
    {
        /// <summary>Raw body bytes instead of <see cref="Body"/> (broken UTF-8, a body cut off mid-character).</summary>
        public byte[]? Bytes { get; init; }
        /// <summary>Never answers: the send waits until its token is cancelled (the call's timeout or the run's stop).</summary>
        public bool Hang { get; init; }
        /// <summary>The send fails with this exception (as a refused connection or a reset does).</summary>
        public Exception? Failure { get; init; }
        /// <summary>The status and headers come, then the first half of the body, then reading it fails (a connection dropped mid-body).</summary>
        public bool BreaksOff { get; init; }
        /// <summary>
        /// The status and headers come, then the first half of the body, then nothing until the call's timeout ends the
        /// read: here that read ends at once as a cancelled one does, so a test waits for no timeout.
        /// </summary>
        public bool StallsBody { get; init; }

        public static Reply Ok(string json) => new(200, json);
        public static Reply Never { get; } = new(0, "") { Hang = true };
        public static Reply Fails(Exception failure) => new(0, "") { Failure = failure };
    }

    private readonly Func<HttpRequestMessage, RecordedRequest, int, CancellationToken, Task<HttpResponseMessage>> _answer;
    private int _count;

    /// <summary>Answers request i (counted from 0) with <paramref name="answer"/>(request, i).</summary>
    public FakeTransport(Func<RecordedRequest, int, Reply> answer)
        => _answer = (_, received, index, token) => Respond(answer(received, index), token);

    /// <summary>Answers every request with 200 and the JSON <paramref name="answer"/> gives for it.</summary>
    public FakeTransport(Func<RecordedRequest, string> answer)
        : this((received, _) => Reply.Ok(answer(received)))
    {
    }

    /// <summary>Answers request i with replies[i]; any request past the list gets a 599 the tests will notice.</summary>
    public FakeTransport(params Reply[] replies)
        : this((_, i) => i < replies.Length ? replies[i] : new Reply(599, "{\"unexpected\":true}"))
    {
    }

    /// <summary>Full control: the request message itself, what was recorded of it, its index and the send's token.</summary>
    public FakeTransport(Func<HttpRequestMessage, RecordedRequest, int, CancellationToken, Task<HttpResponseMessage>> answer) => _answer = answer;

    /// <summary>The endpoint to give a session: never resolved, the fake answers for it.</summary>
    public Uri BaseUri { get; } = new("http://chat.invalid/");

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>How many requests the fake got.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A SecretKey session that sends through this fake (an app id of its own, so no limiter is shared).</summary>
    public TencentChatSession Session(int maxRetry = 0, TimeSpan? timeout = null, Clock? clock = null, TimeSpan? retryTimeout = null,
        int maxRequestsPerSecond = 200, string identifier = "administrator", uint? appId = null)
    {
        var app = appId ?? NextAppId();
        var sig = new SecretKeySigSource(app, identifier, Encoding.UTF8.GetBytes(SecretKey));
        return new TencentChatSession(app, identifier, BaseUri, null, sig, maxRequestsPerSecond, maxRetry, timeout ?? TimeSpan.FromSeconds(5),
            retryTimeout: retryTimeout, clock: clock, transport: this);
    }

    /// <summary>The secret key of the sessions <see cref="Session"/> makes (for tests that look for it in output).</summary>
    public const string SecretKey = "fake-transport-key";

    private static long _nextApp = 3_996_000_000;

    public static uint NextAppId() => (uint)Interlocked.Increment(ref _nextApp);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var received = new RecordedRequest
        {
            Method = request.Method.Method,
            Path = request.RequestUri!.AbsolutePath,
            RawQuery = RecordedRequest.ParseQuery(request.RequestUri.Query),
            Body = body,
            ContentType = request.Content?.Headers.ContentType?.ToString(),
            At = DateTime.UtcNow,
        };
        var index = Interlocked.Increment(ref _count) - 1;
        Requests.Enqueue(received);
        var response = await _answer(request, received, index, cancellationToken).ConfigureAwait(false);
        response.RequestMessage ??= request;
        return response;
    }

    /// <summary>The response <paramref name="reply"/> describes (for a handler that answers some requests itself).</summary>
    public static async Task<HttpResponseMessage> Respond(Reply reply, CancellationToken cancellationToken)
    {
        if (reply.Failure is not null) throw reply.Failure;
        if (reply.Hang) await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        var response = new HttpResponseMessage((HttpStatusCode)reply.Status)
        {
            Content = new ByteArrayContent(reply.Bytes ?? Encoding.UTF8.GetBytes(reply.Body)),
        };
        if (reply.BreaksOff)
        {
            var whole = reply.Bytes ?? Encoding.UTF8.GetBytes(reply.Body);
            response.Content = new StreamContent(new BreakingStream(whole[..(whole.Length / 2)]));
        }
        if (reply.StallsBody)
        {
            var whole = reply.Bytes ?? Encoding.UTF8.GetBytes(reply.Body);
            response.Content = new StreamContent(new StallingStream(whole[..(whole.Length / 2)]));
        }
        if (reply.ContentType.Length > 0) response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(reply.ContentType);
        if (reply.RetryAfter is not null) response.Headers.TryAddWithoutValidation("Retry-After", reply.RetryAfter);
        return response;
    }

    /// <summary>Reads its bytes, then fails as a connection reset mid-body does.</summary>
    private sealed class BreakingStream(byte[] first) : MemoryStream(first)
    {
        // MemoryStream's other reads come here in a derived class.
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = base.Read(buffer, offset, count);
            return n > 0 || count == 0 ? n : throw new IOException("Unable to read data from the transport connection: Connection reset by peer.");
        }
    }

    /// <summary>Reads its bytes, then ends the next read as the call's timeout does, cancelled (at once: nothing to wait for).</summary>
    private sealed class StallingStream(byte[] first) : MemoryStream(first)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = base.Read(buffer, offset, count);
            return n > 0 || count == 0 ? n : throw new OperationCanceledException("The read was cancelled: the call's timeout came first.");
        }
    }
}
