using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Runtime.InteropServices;

namespace TencentChatFollow.Api;

/// <summary>
/// One HttpClient per endpoint (and proxy) for the whole process, so keep-alive connections are reused across
/// sessions, cmdlet calls and runspaces; <see cref="ClientHandlers"/> recycles the connections themselves every few
/// minutes, so the process follows a DNS change. Timeouts are applied per request, not on the client. A session given its
/// own transport (a test's fake <see cref="HttpMessageHandler"/>) gets a client over it instead: no socket at all.
/// </summary>
internal static class HttpClientCache
{
    private static readonly ConcurrentDictionary<string, HttpClient> Clients = new(StringComparer.OrdinalIgnoreCase);

    public static HttpClient For(Uri baseUri, ProxySettings? proxy = null)
        => Clients.GetOrAdd(baseUri.GetLeftPart(UriPartial.Authority) + "|" + proxy?.CacheKey, _ => Create(proxy));

    /// <summary>A client with the module's defaults over <paramref name="transport"/>, which the caller keeps and disposes.</summary>
    public static HttpClient Over(HttpMessageHandler transport) => WithDefaults(new HttpClient(transport, disposeHandler: false));

    private static HttpClient Create(ProxySettings? proxy)
    {
        var handler = ClientHandlers.Create(proxy, RuntimeInformation.FrameworkDescription);
        return WithDefaults(new HttpClient(handler, disposeHandler: true));
    }

    private static HttpClient WithDefaults(HttpClient client)
    {
        client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        client.DefaultRequestHeaders.UserAgent.ParseAdd("TencentChatFollow/" + typeof(HttpClientCache).Assembly.GetName().Version);
        return client;
    }
}
