using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TencentChatFollow.Api;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;
using Xunit;

namespace TencentChatFollow.Tests.Api;

public class ProxyTests
{
    private const string Key = "proxy-test-key";
    private static int _nextAppId = 1_900_000_001;

    /// <summary>
    /// A forward proxy that answers follow_get_info itself: it records each request line and its
    /// Proxy-Authorization header, and asks for Basic credentials first when <paramref name="requireAuth"/> is set.
    /// </summary>
    private sealed class FakeProxy : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly bool _requireAuth;

        public FakeProxy(bool requireAuth = false)
        {
            _requireAuth = requireAuth;
            _listener.Start();
            _ = Task.Run(AcceptLoop);
        }

        public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        public ConcurrentQueue<(string RequestLine, string? ProxyAuthorization)> Seen { get; } = new();

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                catch (SocketException) { return; }
                _ = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(TcpClient client)
        {
            using var _ = client;
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, false, 1, leaveOpen: true);
            while (true)
            {
                var requestLine = await reader.ReadLineAsync();
                if (string.IsNullOrEmpty(requestLine)) return;
                string? auth = null;
                var length = 0;
                string? line;
                while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync()))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    var name = line[..colon].Trim();
                    var value = line[(colon + 1)..].Trim();
                    if (name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)) auth = value;
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = int.Parse(value, CultureInfo.InvariantCulture);
                }
                var body = new char[length];
                for (var read = 0; read < length;) read += await reader.ReadAsync(body, read, length - read);
                Seen.Enqueue((requestLine, auth));

                string response;
                if (_requireAuth && auth is null)
                {
                    response = "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n";
                }
                else
                {
                    var json = "{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"FollowInfo\":[{\"To_Account\":\"a\",\"ResultCode\":0,\"ResultInfo\":\"\",\"FollowerCount\":7,\"FollowingCount\":8,\"MutualFollowingCount\":9}]}";
                    response = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";
                }
                var bytes = Encoding.ASCII.GetBytes(response);
                await stream.WriteAsync(bytes);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }

    private static async Task<BatchResult<FollowInfo>> CallThrough(ProxySettings proxy, string endpoint = "http://chat.invalid:8081/", int maxRetry = 0)
    {
        var appId = (uint)Interlocked.Increment(ref _nextAppId);
        var sig = new SecretKeySigSource(appId, "administrator", Encoding.UTF8.GetBytes(Key));
        // A host that does not resolve: only a proxy can answer for it.
        var session = new TencentChatSession(appId, "administrator", new Uri(endpoint), null, sig, 200, maxRetry, TimeSpan.FromSeconds(5), proxy);
        var call = new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false);
        return await call.ExecuteAsync(1, "administrator", new[] { "a" }, CancellationToken.None);
    }

    [Fact]
    public async Task Calls_go_through_the_proxy_with_the_full_target_uri()
    {
        using var proxy = new FakeProxy();
        var result = await CallThrough(new ProxySettings(proxy.Address));

        Assert.Equal(7, result.Outcomes.Single().Result!.FollowerCount);
        var (requestLine, auth) = Assert.Single(proxy.Seen);
        Assert.StartsWith("POST http://chat.invalid:8081/v4/follow/follow_get_info?sdkappid=", requestLine, StringComparison.Ordinal);
        Assert.Null(auth);
    }

    [Fact]
    public async Task A_proxy_credential_answers_the_proxys_challenge()
    {
        using var proxy = new FakeProxy(requireAuth: true);
        var result = await CallThrough(new ProxySettings(proxy.Address, new NetworkCredential("ops", "s3cret")));

        Assert.Equal(9, result.Outcomes.Single().Result!.MutualFollowingCount);
        var seen = proxy.Seen.ToArray();
        Assert.Equal(2, seen.Length);
        Assert.Null(seen[0].ProxyAuthorization);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:s3cret")), seen[1].ProxyAuthorization);
    }

    /// <summary>
    /// A proxy that wants credentials none were given for answers 407 to every call: the run stops at once with an error
    /// that says so and what to pass, not after -MaxRetry attempts with "check -Endpoint", and nothing reached the
    /// service, so the ids are not sent (no "may have been done" for a write).
    /// </summary>
    [Theory]
    [InlineData("https://chat.invalid/")]       // HTTPS: the proxy refuses the tunnel (CONNECT)
    [InlineData("http://chat.invalid:8081/")]   // plain HTTP: the proxy's own 407 answer
    public async Task A_proxy_that_asks_for_credentials_stops_the_run_at_once_saying_what_to_pass(string endpoint)
    {
        using var proxy = new FakeProxy(requireAuth: true);
        var result = await CallThrough(new ProxySettings(proxy.Address), endpoint, maxRetry: 3);

        Assert.Single(proxy.Seen);
        var error = Assert.Single(result.Outcomes).Error!;
        Assert.Equal("TencentChat.ProxyAuthenticationRequired", error.ErrorId);
        Assert.Contains("407", error.Message, StringComparison.Ordinal);
        Assert.Contains("-ProxyCredential", error.Message, StringComparison.Ordinal);
        Assert.Contains("-ProxyUseDefaultCredentials", error.Message, StringComparison.Ordinal);
        Assert.False(error.OutcomeUnknown);
        Assert.NotNull(result.Fatal);
    }

    /// <summary>
    /// With no -Proxy the platform's proxy applies, and HTTPS_PROXY=http://user:password@host:port is a common way to
    /// give one: .NET keeps the user and password in the proxy's URI and names that URI in its error when the proxy
    /// refuses the tunnel (407). The handler here is what that setting gives (a proxy URI with its user info).
    /// </summary>
    [Fact]
    public async Task A_system_proxy_that_refuses_the_tunnel_does_not_bring_its_password_into_the_error()
    {
        using var proxy = new FakeProxy(requireAuth: true);
        using var handler = new SocketsHttpHandler { Proxy = new WebProxy(new Uri($"http://ops:pr0xy-s3cret@127.0.0.1:{proxy.Address.Port}/")), UseProxy = true };
        var appId = (uint)Interlocked.Increment(ref _nextAppId);
        var sig = new SecretKeySigSource(appId, "administrator", Encoding.UTF8.GetBytes(Key));
        var session = new TencentChatSession(appId, "administrator", new Uri("https://chat.invalid/"), null, sig, 200, 0, TimeSpan.FromSeconds(5), transport: handler);

        var result = await new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: true).ExecuteAsync(1, "administrator", new[] { "a" }, CancellationToken.None);

        Assert.StartsWith("CONNECT chat.invalid:443", proxy.Seen.First().RequestLine, StringComparison.Ordinal);
        var error = Assert.Single(result.Outcomes).Error!;
        Assert.Equal("TencentChat.ProxyAuthenticationRequired", error.ErrorId);
        Assert.Contains("407", error.Message, StringComparison.Ordinal);
        foreach (var text in result.Verbose.Concat(result.Debug).Append(error.Message).Append(result.Fatal?.Message ?? ""))
            Assert.DoesNotContain("pr0xy-s3cret", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://proxy:21/")]
    [InlineData("http://user:pw@proxy:8080/")]
    [InlineData("http://proxy:8080/?x=1")]
    public void Refuses_a_proxy_uri_it_cannot_use(string uri)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ProxySettings(new Uri(uri)));
        Assert.DoesNotContain("pw", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_credential_and_default_credentials_together()
        => Assert.Throws<ArgumentException>(() => new ProxySettings(new Uri("http://proxy:8080/"), new NetworkCredential("u", "p"), useDefaultCredentials: true));

    [Fact]
    public void Shows_the_proxy_without_its_user()
    {
        var proxy = new ProxySettings(new Uri("http://proxy.example:8080/"), new NetworkCredential("ops", "s3cret"));
        Assert.Equal("http://proxy.example:8080", proxy.ToString());
        Assert.DoesNotContain("s3cret", proxy.CacheKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Sessions_share_a_client_only_with_the_same_endpoint_proxy_and_proxy_user()
    {
        var endpoint = new Uri("https://adminapisgp.im.qcloud.com/");
        var a = HttpClientCache.For(endpoint, new ProxySettings(new Uri("http://p:1/"), new NetworkCredential("u", "one")));
        var b = HttpClientCache.For(endpoint, new ProxySettings(new Uri("http://p:1/"), new NetworkCredential("u", "one")));
        var otherPassword = HttpClientCache.For(endpoint, new ProxySettings(new Uri("http://p:1/"), new NetworkCredential("u", "two")));
        var otherProxy = HttpClientCache.For(endpoint, new ProxySettings(new Uri("http://p:2/")));
        var none = HttpClientCache.For(endpoint);

        Assert.Same(a, b);
        Assert.NotSame(a, otherPassword);
        Assert.NotSame(a, otherProxy);
        Assert.NotSame(a, none);
        Assert.Same(none, HttpClientCache.For(endpoint));
    }
}
