using System;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace TencentChatFollow.Api;

/// <summary>
/// An explicit HTTP proxy for a session. Without one, the platform's own proxy settings apply (the system proxy on
/// Windows, HTTPS_PROXY / HTTP_PROXY / NO_PROXY elsewhere), as for any .NET HttpClient.
/// </summary>
public sealed class ProxySettings
{
    public ProxySettings(Uri address, NetworkCredential? credential = null, bool useDefaultCredentials = false)
    {
        if (address is null) throw new ArgumentNullException(nameof(address));
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(address.UserInfo) || !string.IsNullOrEmpty(address.Query))
        {
            throw new ArgumentException("-Proxy must be an http or https URI such as http://proxy.example.com:8080, without user info or query; pass the proxy's user with -ProxyCredential.");
        }
        if (credential is not null && useDefaultCredentials)
        {
            throw new ArgumentException("Pass -ProxyCredential or -ProxyUseDefaultCredentials, not both.");
        }
        Address = address;
        Credential = credential;
        UseDefaultCredentials = useDefaultCredentials;
    }

    public Uri Address { get; }
    internal NetworkCredential? Credential { get; }
    public bool UseDefaultCredentials { get; }

    /// <summary>Tells clients with different proxies or proxy users apart, without holding the password in clear.</summary>
    internal string CacheKey
    {
        get
        {
            var who = Credential is null ? (UseDefaultCredentials ? "default" : "none")
                : Credential.Domain + "\\" + Credential.UserName + ":" + Fingerprint(Credential.Password);
            return Address.AbsoluteUri + "|" + who;
        }
    }

    internal IWebProxy ToWebProxy()
        => new WebProxy(Address)
        {
            Credentials = UseDefaultCredentials ? CredentialCache.DefaultCredentials : Credential,
            BypassProxyOnLocal = false,
        };

    public override string ToString() => Address.GetLeftPart(UriPartial.Authority);

    private static string Fingerprint(string secret)
    {
        using var sha = SHA256.Create();
        return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(secret)));
    }
}
