using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace TencentChatFollow.Api;

/// <summary>
/// Windows PowerShell 5.1 (.NET Framework) only: before each send, the ServicePoint the request goes through gets the
/// module's connection settings. That is the endpoint's ServicePoint, or its proxy's when one applies (-Proxy, else
/// the system proxy), the one .NET Framework's HttpClientHandler looks up for the request. The settings: connections
/// leased for <see cref="ClientHandlers.ConnectionLifetime"/>, so a long-lived process follows a DNS change of the
/// endpoint; no "Expect: 100-continue" wait; Nagle's algorithm off.
/// </summary>
/// <remarks>
/// Set on every send, not once: .NET Framework drops a ServicePoint that has had no connection for
/// MaxServicePointIdleTime (100 s by default), and the next request gets a new one with the defaults (no lease).
/// The lookup is a table read, and setting a value it already has changes nothing.
/// </remarks>
internal sealed class FrameworkServicePoints : DelegatingHandler
{
    private readonly IWebProxy? _proxy;

    /// <param name="inner">.NET Framework's HttpClientHandler, which sends the request.</param>
    /// <param name="proxy">The proxy <paramref name="inner"/> was given (-Proxy), or null when it uses the system proxy.</param>
    public FrameworkServicePoints(HttpMessageHandler inner, IWebProxy? proxy)
        : base(inner)
        => _proxy = proxy;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri)
        {
            var point = ServicePointManager.FindServicePoint(uri, _proxy ?? WebRequest.DefaultWebProxy);
            point.ConnectionLeaseTimeout = (int)ClientHandlers.ConnectionLifetime.TotalMilliseconds;
            point.Expect100Continue = false;
            point.UseNagleAlgorithm = false;
        }
        return base.SendAsync(request, cancellationToken);
    }
}
