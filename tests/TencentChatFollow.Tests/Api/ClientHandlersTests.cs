using System.Net;
using System.Security.Authentication;
using TencentChatFollow.Api;
using TencentChatFollow.Tests.Support;
using Xunit;

namespace TencentChatFollow.Tests.Api;

/// <summary>The module's handler: connections recycled every few minutes on either runtime, the same settings on both (redirects never followed).</summary>
public class ClientHandlersTests
{
    private static readonly Uri Endpoint = new("https://adminapisgp.im.qcloud.com/");

    [Fact]
    public void On_dotnet_connections_are_recycled_by_the_sockets_handler_with_the_module_settings()
    {
        using var handler = ClientHandlers.Create(new ProxySettings(new Uri("http://proxy.example:8080/")), ".NET 10.0.0");

        var sockets = Assert.IsType<SocketsHttpHandler>(handler);
        Assert.Equal(TimeSpan.FromMinutes(5), sockets.PooledConnectionLifetime);
        Assert.Equal(ClientHandlers.ConnectionLifetime, sockets.PooledConnectionLifetime);
        Assert.Equal(DecompressionMethods.GZip | DecompressionMethods.Deflate, sockets.AutomaticDecompression);
        Assert.False(sockets.UseCookies);
        Assert.False(sockets.AllowAutoRedirect);
        Assert.Equal(ClientHandlers.MaxConnectionsPerEndpoint, sockets.MaxConnectionsPerServer);
        Assert.True(sockets.UseProxy);
        Assert.Equal(new Uri("http://proxy.example:8080/"), sockets.Proxy!.GetProxy(Endpoint));
    }

    [Fact]
    public void On_dotnet_without_a_proxy_the_platform_proxy_settings_apply()
    {
        using var handler = ClientHandlers.Create(null, ".NET 8.0.11");

        var sockets = Assert.IsType<SocketsHttpHandler>(handler);
        Assert.True(sockets.UseProxy);
        Assert.Null(sockets.Proxy);
        Assert.False(sockets.AllowAutoRedirect);
    }

    [Fact]
    public void On_dotnet_framework_the_handler_asks_for_tls12_and_is_wrapped_to_set_each_requests_ServicePoint()
    {
        using var handler = ClientHandlers.Create(null, ".NET Framework 4.8.9232.0");

        var classic = Assert.IsType<HttpClientHandler>(Assert.IsType<FrameworkServicePoints>(handler).InnerHandler);
        Assert.True(classic.SslProtocols.HasFlag(SslProtocols.Tls12));
        Assert.False(classic.UseCookies);
        Assert.False(classic.AllowAutoRedirect);
        Assert.Equal(ClientHandlers.MaxConnectionsPerEndpoint, classic.MaxConnectionsPerServer);
    }

#pragma warning disable SYSLIB0014 // ServicePointManager and WebRequest's proxy are what .NET Framework's HttpClientHandler goes by
    [Theory]
    [InlineData("direct")]
    [InlineData("-Proxy")]
    [InlineData("system proxy")]
    public async Task On_dotnet_framework_every_send_leases_the_connections_of_the_ServicePoint_it_goes_through_even_a_new_one(string route)
    {
        // ServicePointManager is inert on .NET, but finds and keeps ServicePoints as .NET Framework does: the one a
        // request goes through is the endpoint's, or its proxy's (the given one, else the system's).
        var endpoint = new Uri("https://framework-every-send.invalid/");
        var given = route == "-Proxy" ? new ProxySettings(new Uri("http://given-proxy.invalid:8080/")) : null;
        var systemProxy = WebRequest.DefaultWebProxy;
        WebRequest.DefaultWebProxy = route == "system proxy" ? new WebProxy("http://system-proxy.invalid:8080/") : null;
        try
        {
            var point = ServicePointManager.FindServicePoint(endpoint, given?.ToWebProxy() ?? WebRequest.DefaultWebProxy);
            Assert.Equal(route != "direct", point.Address.Host.EndsWith("proxy.invalid", StringComparison.Ordinal));
            using var created = ClientHandlers.Create(given, ".NET Framework 4.8.9232.0");
            var handler = Assert.IsType<FrameworkServicePoints>(created);
            handler.InnerHandler!.Dispose();
            handler.InnerHandler = new FakeTransport(_ => "{}"); // answers with no socket
            using var client = new HttpMessageInvoker(handler, disposeHandler: false);
            // What .NET Framework gives a ServicePoint it makes anew, after dropping the last one once it idled 100 s.
            point.ConnectionLeaseTimeout = Timeout.Infinite;
            point.Expect100Continue = true;
            point.UseNagleAlgorithm = true;

            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "v4/follow/follow_get_info")) { Content = new StringContent("{}") };
            using var response = await client.SendAsync(request, CancellationToken.None);

            Assert.Equal((int)ClientHandlers.ConnectionLifetime.TotalMilliseconds, point.ConnectionLeaseTimeout);
            Assert.False(point.Expect100Continue);
            Assert.False(point.UseNagleAlgorithm);
        }
        finally
        {
            WebRequest.DefaultWebProxy = systemProxy;
        }
    }
#pragma warning restore SYSLIB0014

    [Fact]
    public void The_shared_client_of_an_endpoint_is_built_over_the_recycling_handler()
    {
        var client = HttpClientCache.For(new Uri("https://recycling.invalid/"));

        var handler = typeof(HttpMessageInvoker).GetField("_handler", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(client);
        Assert.Equal(ClientHandlers.ConnectionLifetime, Assert.IsType<SocketsHttpHandler>(handler).PooledConnectionLifetime);
        Assert.Equal(System.Threading.Timeout.InfiniteTimeSpan, client.Timeout);
        Assert.Contains(client.DefaultRequestHeaders.UserAgent, p => p.Product?.Name == "TencentChatFollow");
    }
}
