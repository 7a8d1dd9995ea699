using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace TencentChatFollow.MonoCheck;

/// <summary>
/// The module's .NET Framework HTTP branch, which Mono does not take on its own (it has SocketsHttpHandler): the
/// handler ClientHandlers.Create makes when told it runs on .NET Framework. For each route (direct, -Proxy, the system
/// proxy) it takes the ServicePoint an HttpWebRequest for the endpoint goes through (what .NET Framework's
/// HttpClientHandler sends with), sets it back to a new ServicePoint's values (as when .NET Framework has dropped the
/// last one after 100 s idle), sends one request through the module's handler, and prints
/// "servicepoint ROUTE ADDRESS lease=MS expect100=BOOL nagle=BOOL". Nothing goes on the network: the HttpClientHandler
/// inside is swapped for a stub that answers 200.
/// </summary>
internal static class ServicePointCheck
{
    private static readonly Uri Endpoint = new("https://adminapisgp.im.qcloud.com/v4/follow/follow_get_info");

    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;

    public static IEnumerable<string> Run(Assembly core)
    {
        var create = core.GetType("TencentChatFollow.Api.ClientHandlers", throwOnError: true)!.GetMethod("Create", Any)!;
        var proxySettings = core.GetType("TencentChatFollow.Api.ProxySettings", throwOnError: true)!;
        var systemProxy = WebRequest.DefaultWebProxy;
        try
        {
            foreach (var route in new[] { "direct", "-Proxy", "system-proxy" })
            {
                WebRequest.DefaultWebProxy = route == "system-proxy" ? new WebProxy("http://system-proxy.invalid:8080/") : null;
                var given = route == "-Proxy" ? Activator.CreateInstance(proxySettings, new Uri("http://given-proxy.invalid:8080/"), null, false) : null;
                var handler = (DelegatingHandler)create.Invoke(null, new[] { given, ".NET Framework 4.8.9232.0" })!;
                var webRequest = (HttpWebRequest)WebRequest.Create(Endpoint);
                if (given is not null) webRequest.Proxy = (IWebProxy)proxySettings.GetMethod("ToWebProxy", Any)!.Invoke(given, null)!;
                var point = webRequest.ServicePoint;
                point.ConnectionLeaseTimeout = Timeout.Infinite;
                point.Expect100Continue = true;
                point.UseNagleAlgorithm = true;
                handler.InnerHandler.Dispose();
                handler.InnerHandler = new Stub();
                using (var invoker = new HttpMessageInvoker(handler))
                using (var message = new HttpRequestMessage(HttpMethod.Post, Endpoint))
                {
                    invoker.SendAsync(message, CancellationToken.None).GetAwaiter().GetResult().Dispose();
                }
                yield return $"servicepoint {route} {point.Address.GetLeftPart(UriPartial.Authority)} lease={point.ConnectionLeaseTimeout} expect100={point.Expect100Continue} nagle={point.UseNagleAlgorithm}";
            }
        }
        finally
        {
            WebRequest.DefaultWebProxy = systemProxy;
        }
    }

    private sealed class Stub : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
    }
}
