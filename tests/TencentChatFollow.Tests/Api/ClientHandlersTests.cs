using System.Net;
using System.Security.Authentication;
using TencentChatFollow.Api;
using Xunit;

namespace TencentChatFollow.Tests.Api;

/// <summary>The module's handler: connections recycled every few minutes on either runtime, the same settings on both (redirects never followed).</summary>
public class ClientHandlersTests
{
    private static readonly Uri Endpoint = new("https://adminapisgp.im.qcloud.com/");

    [Fact]
    public void On_dotnet_connections_are_recycled_by_the_sockets_handler_with_the_module_settings()
    {
        using var handler = ClientHandlers.Create(Endpoint, new ProxySettings(new Uri("http://proxy.example:8080/")), ".NET 10.0.0");

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
        using var handler = ClientHandlers.Create(Endpoint, null, ".NET 8.0.11");

        var sockets = Assert.IsType<SocketsHttpHandler>(handler);
        Assert.True(sockets.UseProxy);
        Assert.Null(sockets.Proxy);
        Assert.False(sockets.AllowAutoRedirect);
    }

    [Fact]
    public void On_dotnet_framework_the_endpoint_connections_are_leased_and_tls12_is_asked_for()
    {
        var endpoint = new Uri("https://framework-lease.invalid/");
        using var handler = ClientHandlers.Create(endpoint, null, ".NET Framework 4.8.9232.0");

        var classic = Assert.IsType<HttpClientHandler>(handler);
        Assert.True(classic.SslProtocols.HasFlag(SslProtocols.Tls12));
        Assert.False(classic.UseCookies);
        Assert.False(classic.AllowAutoRedirect);
        Assert.Equal(ClientHandlers.MaxConnectionsPerEndpoint, classic.MaxConnectionsPerServer);
#pragma warning disable SYSLIB0014 // ServicePointManager is what .NET Framework's HttpClientHandler goes by
        Assert.Equal((int)ClientHandlers.ConnectionLifetime.TotalMilliseconds, ServicePointManager.FindServicePoint(endpoint).ConnectionLeaseTimeout);
#pragma warning restore SYSLIB0014
    }

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
