using System;
using System.Collections.Generic;
using System.Net;

namespace TencentChatFollow.Endpoints;

/// <summary>Turns a region or an explicit endpoint into the base URI that API paths are appended to.</summary>
internal static class EndpointResolver
{
    private static readonly Dictionary<ChatRegion, string> Domains = new()
    {
        [ChatRegion.China] = "console.tim.qq.com",
        [ChatRegion.Singapore] = "adminapisgp.im.qcloud.com",
        [ChatRegion.Seoul] = "adminapikr.im.qcloud.com",
        [ChatRegion.Tokyo] = "adminapijpn.im.qcloud.com",
        [ChatRegion.Frankfurt] = "adminapiger.im.qcloud.com",
        [ChatRegion.Mumbai] = "adminapiind.im.qcloud.com",
        [ChatRegion.SiliconValley] = "adminapiusa.im.qcloud.com",
        [ChatRegion.Jakarta] = "adminapiidn.im.qcloud.com",
    };

    /// <summary>The https base URI of a region's REST domain.</summary>
    public static Uri ForRegion(ChatRegion region)
    {
        if (!Domains.TryGetValue(region, out var domain))
        {
            throw new ArgumentOutOfRangeException(nameof(region), region, "Unknown region.");
        }
        return new Uri("https://" + domain + "/");
    }

    /// <summary>
    /// Checks a user-supplied endpoint and normalises it to a base URI ending in '/'.
    /// Plain http is allowed only for loopback hosts (the emulator); anything else must be https.
    /// </summary>
    /// <exception cref="ArgumentException">The endpoint is unusable; the message says why and what to pass.</exception>
    public static Uri ValidateEndpoint(Uri endpoint) => CheckEndpoint(endpoint).BaseUri;

    /// <summary>
    /// Like <see cref="ValidateEndpoint"/>, and says what it changed: an endpoint with an API path (/v4/..., the form
    /// Tencent's pages show) is cut to its base URI with a <see cref="EndpointCheck.Warning"/>; any other path is refused.
    /// </summary>
    /// <exception cref="ArgumentException">The endpoint is unusable; the message says why and what to pass (no parameter-name tail).</exception>
    public static EndpointCheck CheckEndpoint(Uri endpoint)
    {
        if (endpoint is null) throw new ArgumentNullException(nameof(endpoint));
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"Endpoint {ShowText(endpoint.OriginalString)} is not an absolute URI. Pass a base URI such as https://adminapisgp.im.qcloud.com or http://127.0.0.1:5080.");
        }
        if (!string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.Fragment) || !string.IsNullOrEmpty(endpoint.UserInfo))
        {
            throw new ArgumentException($"Endpoint '{Show(endpoint)}' must be a base URI without user info, query or fragment; the module adds /v4/follow/... and the query itself.");
        }
        if (endpoint.HostNameType == UriHostNameType.IPv6 && endpoint.DnsSafeHost.IndexOf('%') is var zone and >= 0)
        {
            // Uri keeps a zone id only in DnsSafeHost: the base URI made below, and every call's URI, would lose it, and a
            // link-local call without one fails ("Invalid argument"); HttpClient misreads the RFC 6874 form (%25eth0) anyway.
            throw new ArgumentException($"Endpoint '{Show(endpoint)}' has the IPv6 zone id {Text.UnsafeText.Show(endpoint.DnsSafeHost.Substring(zone))}, which the module cannot keep on its calls. " +
                "Pass the address without it: a host name or a global IPv6 address (link-local fe80:: addresses need a zone id), or [::1] for the emulator on this machine.");
        }
        var scheme = endpoint.Scheme;
        if (scheme == Uri.UriSchemeHttp)
        {
            if (!IsLoopback(endpoint))
            {
                throw new ArgumentException($"Endpoint '{Show(endpoint)}' uses plain http, which is allowed only for loopback hosts (127.0.0.1, ::1, localhost). Use https.");
            }
        }
        else if (scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Endpoint '{Show(endpoint)}' must use https (or http on a loopback host).");
        }
        var root = new Uri(endpoint.GetLeftPart(UriPartial.Authority) + "/");
        var path = endpoint.AbsolutePath;
        if (path.Length == 0 || path == "/") return new EndpointCheck(root, null);
        if (path.StartsWith("/v4/", StringComparison.OrdinalIgnoreCase) || string.Equals(path, "/v4", StringComparison.OrdinalIgnoreCase))
        {
            return new EndpointCheck(root,
                $"Endpoint '{Show(endpoint)}' includes the API path; using the base URI {root.AbsoluteUri.TrimEnd('/')} (the module adds /v4/follow/... itself).");
        }
        throw new ArgumentException($"Endpoint '{Show(endpoint)}' has a path ('{path}'). Pass a base URI such as https://adminapisgp.im.qcloud.com or http://127.0.0.1:5080: the module adds /v4/follow/... itself.");
    }

    /// <summary>Parses a region name as the user may type it ("SiliconValley", "siliconvalley").</summary>
    public static bool TryParseRegion(string? text, out ChatRegion region)
    {
        region = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        // Names only: Enum.TryParse would also take "3" or "China,Seoul".
        foreach (ChatRegion candidate in Enum.GetValues(typeof(ChatRegion)))
        {
            if (string.Equals(candidate.ToString(), text!.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                region = candidate;
                return true;
            }
        }
        return false;
    }

    private static readonly char[] HostEnds = { '/', '?', '#', '\\' };

    /// <summary>The region names, for messages: "China, Singapore, ..., Jakarta".</summary>
    public static string RegionNames => string.Join(", ", Enum.GetNames(typeof(ChatRegion)));

    /// <summary>
    /// Text that is not an absolute URI, as it may be shown: its scheme and host (what stands before the first '/', '?'
    /// or '#'), never its user info, path or query, which may hold a UserSig; described, not shown, when even that
    /// looks like a secret (a secret key pasted as the endpoint).
    /// </summary>
    public static string ShowText(string text)
    {
        if (text is null) throw new ArgumentNullException(nameof(text));
        var trimmed = text.Trim();
        var schemeEnd = trimmed.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd >= 0 ? trimmed.Substring(0, schemeEnd + 3) : "";
        var rest = trimmed.Substring(scheme.Length);
        var cut = rest.IndexOfAny(HostEnds);
        var host = cut >= 0 ? rest.Substring(0, cut) : rest;
        host = host.Substring(host.LastIndexOf('@') + 1);
        if (host.Length == 0 || host.Length > 253 || Text.UnsafeText.LooksLikeSecretKey(host) || Text.UnsafeText.LooksLikeUserSig(host)) return Text.UnsafeText.Describe(trimmed);
        return "'" + scheme + host + (cut >= 0 ? "/...'" : "'") + (cut >= 0 ? " (its path and query not shown)" : "");
    }

    /// <summary>An endpoint as it may be shown: scheme, host, port and path, never user info or query.</summary>
    /// <remarks>
    /// Text with no "//" after its scheme (host:port, or user:password@host copied without https://) parses as a URI
    /// whose "scheme" is what stands before the first ':' and whose path is all the rest: only that scheme is shown.
    /// </remarks>
    private static string Show(Uri endpoint)
        => string.IsNullOrEmpty(endpoint.Authority)
            ? endpoint.Scheme + ":..."
            : endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    private static bool IsLoopback(Uri uri)
    {
        if (uri.IsLoopback) return true;
        return IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip);
    }
}

/// <summary>A checked endpoint: the base URI to use, and a warning when the given URI had to be cut down to it.</summary>
internal sealed class EndpointCheck
{
    public EndpointCheck(Uri baseUri, string? warning)
    {
        BaseUri = baseUri;
        Warning = warning;
    }

    /// <summary>Scheme, host and port, ending in '/'.</summary>
    public Uri BaseUri { get; }
    /// <summary>Set when the endpoint's API path was dropped; says which base URI was kept.</summary>
    public string? Warning { get; }
}
