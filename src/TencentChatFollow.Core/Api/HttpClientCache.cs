using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using TencentChatFollow.Runtime;

namespace TencentChatFollow.Api;

/// <summary>
/// One HttpClient per endpoint (and proxy) for the whole process, so keep-alive connections are reused across
/// sessions, cmdlet calls and runspaces. Timeouts are applied per request, not on the client.
/// </summary>
internal static class HttpClientCache
{
    /// <summary>Enough connections for every call the rate limit allows to be in flight at once.</summary>
    public const int MaxConnectionsPerEndpoint = 256;

    private static readonly ConcurrentDictionary<string, HttpClient> Clients = new(StringComparer.OrdinalIgnoreCase);

    public static HttpClient For(Uri baseUri, ProxySettings? proxy = null)
        => Clients.GetOrAdd(baseUri.GetLeftPart(UriPartial.Authority) + "|" + proxy?.CacheKey, _ => Create(proxy));

    private static HttpClient Create(ProxySettings? proxy)
    {
        var handler = new HttpClientHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            UseCookies = false,
            MaxConnectionsPerServer = MaxConnectionsPerEndpoint,
        };
        if (proxy is not null)
        {
            handler.Proxy = proxy.ToWebProxy();
            handler.UseProxy = true;
        }
        if (TlsPolicy.ProtocolsFor(RuntimeInformation.FrameworkDescription) is { } protocols) handler.SslProtocols = protocols;
        var client = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("TencentChatFollow/" + typeof(HttpClientCache).Assembly.GetName().Version);
        return client;
    }
}
