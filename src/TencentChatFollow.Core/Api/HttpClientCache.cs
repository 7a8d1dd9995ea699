using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using TencentChatFollow.Runtime;

namespace TencentChatFollow.Api;

/// <summary>
/// One HttpClient per endpoint (and proxy) for the whole process, so keep-alive connections are reused across
/// sessions, cmdlet calls and runspaces. Timeouts are applied per request, not on the client. A session given its
/// own transport (a test's fake <see cref="HttpMessageHandler"/>) gets a client over it instead: no socket at all.
/// </summary>
internal static class HttpClientCache
{
    /// <summary>Enough connections for every call the rate limit allows to be in flight at once.</summary>
    public const int MaxConnectionsPerEndpoint = 256;

    private static readonly ConcurrentDictionary<string, HttpClient> Clients = new(StringComparer.OrdinalIgnoreCase);

    public static HttpClient For(Uri baseUri, ProxySettings? proxy = null)
        => Clients.GetOrAdd(baseUri.GetLeftPart(UriPartial.Authority) + "|" + proxy?.CacheKey, _ => Create(proxy));

    /// <summary>A client with the module's defaults over <paramref name="transport"/>, which the caller keeps and disposes.</summary>
    public static HttpClient Over(HttpMessageHandler transport) => WithDefaults(new HttpClient(transport, disposeHandler: false));

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
        return WithDefaults(new HttpClient(handler, disposeHandler: true));
    }

    private static HttpClient WithDefaults(HttpClient client)
    {
        client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        client.DefaultRequestHeaders.UserAgent.ParseAdd("TencentChatFollow/" + typeof(HttpClientCache).Assembly.GetName().Version);
        return client;
    }
}
