using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TencentChatFollow.Tests.Support;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 that answers each request with the next canned reply and records what it got.
/// It stands in for Tencent's REST endpoint in unit tests of the call logic.
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    public sealed record Reply(int Status, string Body, TimeSpan Delay = default, string ContentType = "application/json", string? RetryAfter = null)
    {
        /// <summary>Raw body bytes instead of <see cref="Body"/> (a body its Content-Encoding does not describe).</summary>
        public byte[]? Bytes { get; init; }
        /// <summary>More response headers (Location, Content-Encoding).</summary>
        public IReadOnlyDictionary<string, string>? Headers { get; init; }
    }

    /// <summary>A request as the server got it.</summary>
    public sealed class Received : RecordedRequest
    {
    }

    private readonly HttpListener _listener;
    private readonly Func<Received, int, Reply> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _count;

    public LocalHttpServer(Func<Received, int, Reply> answer)
    {
        _answer = answer;
        HttpListenerException? last = null;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                _listener = listener;
                BaseUri = new Uri($"http://127.0.0.1:{port}/");
                _loop = Task.Run(LoopAsync);
                return;
            }
            catch (HttpListenerException ex)
            {
                last = ex;
                listener.Close();
            }
        }
        throw new InvalidOperationException("Could not start a local HTTP listener.", last);
    }

    /// <summary>Answers request i with replies[i]; any request past the list gets a 599 the tests will notice.</summary>
    public LocalHttpServer(params Reply[] replies)
        : this((_, i) => i < replies.Length ? replies[i] : new Reply(599, "{\"unexpected\":true}"))
    {
    }

    public Uri BaseUri { get; } = null!;
    public ConcurrentQueue<Received> Requests { get; } = new();

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                continue;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync().ConfigureAwait(false);
            }
            var rawUrl = context.Request.RawUrl ?? "/";
            var q = rawUrl.IndexOf('?', StringComparison.Ordinal);
            var path = q < 0 ? rawUrl : rawUrl[..q];
            var query = q < 0 ? new List<KeyValuePair<string, string>>() : RecordedRequest.ParseQuery(rawUrl[q..]);
            var received = new Received
            {
                Method = context.Request.HttpMethod,
                Path = path,
                RawQuery = query,
                Body = body,
                ContentType = context.Request.ContentType,
                At = DateTime.UtcNow,
            };
            var index = Interlocked.Increment(ref _count) - 1;
            Requests.Enqueue(received);
            var reply = _answer(received, index);
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, _stop.Token).ConfigureAwait(false);

            var bytes = reply.Bytes ?? Encoding.UTF8.GetBytes(reply.Body);
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = reply.ContentType;
            if (reply.RetryAfter is not null) context.Response.Headers["Retry-After"] = reply.RetryAfter;
            foreach (var header in reply.Headers ?? new Dictionary<string, string>()) context.Response.Headers[header.Key] = header.Value;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, _stop.Token).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception)
        {
            // The client gave up (a timeout test) or the server is stopping.
            try { context.Response.Abort(); } catch (Exception) { }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Stop(); } catch (Exception) { }
        try { _listener.Close(); } catch (Exception) { }
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (Exception) { }
        _stop.Dispose();
    }
}
