using System;
using System.Net;
using System.Net.Http;
using System.Reflection;
using TencentChatFollow.Runtime;

namespace TencentChatFollow.Api;

/// <summary>
/// The module's own HTTP handler for an endpoint: gzip, no cookies, no redirects followed, enough connections, the
/// proxy, and connections recycled after <see cref="ConnectionLifetime"/> so that a long-lived process (a worker, a
/// runbook host) follows a DNS change of the endpoint instead of keeping its first addresses for ever.
/// </summary>
/// <remarks>
/// On PowerShell 7 (.NET) the handler is a SocketsHttpHandler with PooledConnectionLifetime set, reached by
/// reflection from netstandard2.0: a connection is closed once it has served that long, never in the middle of a
/// call, and the next call opens a new one (resolving the name again). On Windows PowerShell 5.1 (.NET Framework) the
/// handler is an HttpClientHandler asking for TLS 1.2 or newer (<see cref="TlsPolicy"/>), wrapped in
/// <see cref="FrameworkServicePoints"/>, which gives the ServicePoint of each request the same lease
/// (ConnectionLeaseTimeout) on every send.
/// Where neither can be set (an older or a stripped runtime) the handler is the plain HttpClientHandler, as before.
/// Redirects are off on both: every request carries the UserSig in its query, and Tencent's REST API never
/// redirects, so a 3xx comes back to <see cref="Execution.CallTransport"/> as the answer it is (a wrong endpoint)
/// instead of sending the sig to whatever host the Location names, or from https or loopback to plain http elsewhere.
/// </remarks>
internal static class ClientHandlers
{
    /// <summary>Enough connections for every call the rate limit allows to be in flight at once.</summary>
    public const int MaxConnectionsPerEndpoint = 256;

    /// <summary>How long one connection serves before it is closed and the next call opens a new one.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    private static readonly Type? SocketsHandlerType = FindSocketsHandler();

    /// <summary>The handler for calls through <paramref name="proxy"/> (null: the system's) on the runtime <paramref name="frameworkDescription"/> names.</summary>
    public static HttpMessageHandler Create(ProxySettings? proxy, string frameworkDescription)
    {
        var onFramework = DependencyResolver.AppliesTo(frameworkDescription);
        if (!onFramework && SocketsHandlerType is not null && TryCreateSockets(proxy) is { } sockets)
            return sockets;
        var handler = new HttpClientHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = MaxConnectionsPerEndpoint,
        };
        if (proxy is not null)
        {
            handler.Proxy = proxy.ToWebProxy();
            handler.UseProxy = true;
        }
        if (TlsPolicy.ProtocolsFor(frameworkDescription) is { } protocols) handler.SslProtocols = protocols;
        return onFramework ? new FrameworkServicePoints(handler, proxy is null ? null : handler.Proxy) : handler;
    }

    private static HttpMessageHandler? TryCreateSockets(ProxySettings? proxy)
    {
        HttpMessageHandler? handler = null;
        try
        {
            handler = (HttpMessageHandler)Activator.CreateInstance(SocketsHandlerType!)!;
            Set(handler, "PooledConnectionLifetime", ConnectionLifetime);
            Set(handler, "AutomaticDecompression", DecompressionMethods.GZip | DecompressionMethods.Deflate);
            Set(handler, "UseCookies", false);
            Set(handler, "AllowAutoRedirect", false);
            Set(handler, "MaxConnectionsPerServer", MaxConnectionsPerEndpoint);
            if (proxy is not null)
            {
                Set(handler, "Proxy", proxy.ToWebProxy());
                Set(handler, "UseProxy", true);
            }
            return handler;
        }
        catch (Exception ex) when (ex is TargetInvocationException or MissingMemberException or InvalidCastException
            or PlatformNotSupportedException or NotSupportedException or MemberAccessException)
        {
            handler?.Dispose();
            return null;
        }
    }

    private static void Set(object target, string name, object value)
        => (target.GetType().GetProperty(name) ?? throw new MissingMemberException(target.GetType().Name, name)).SetValue(target, value);

    private static Type? FindSocketsHandler()
    {
        var type = Type.GetType("System.Net.Http.SocketsHttpHandler, System.Net.Http", throwOnError: false);
        var supported = type?.GetProperty("IsSupported", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        return type is null || supported is false ? null : type;
    }
}
