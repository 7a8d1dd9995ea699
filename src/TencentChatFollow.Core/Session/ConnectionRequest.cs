using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using TencentChatFollow.Api;
using TencentChatFollow.Endpoints;
using TencentChatFollow.Text;

namespace TencentChatFollow.Session;

/// <summary>
/// What Connect-TencentChat was given; <see cref="Connect"/> fills the gaps from TENCENTCHAT_* environment
/// variables and defaults, checks everything, and makes the session. Explicit values always win.
/// </summary>
internal sealed class ConnectionRequest
{
    public const string DefaultIdentifier = "administrator";
    public const string SdkAppIdVariable = "TENCENTCHAT_SDKAPPID";
    public const string SecretKeyVariable = "TENCENTCHAT_SECRETKEY";
    public const string IdentifierVariable = "TENCENTCHAT_IDENTIFIER";
    public const string RegionVariable = "TENCENTCHAT_REGION";
    public const string EndpointVariable = "TENCENTCHAT_ENDPOINT";

    public uint? SdkAppId { get; set; }
    /// <summary>The App admin; with <see cref="FromCredential"/>, the credential's user name (null: an empty credential).</summary>
    public string? Identifier { get; set; }
    /// <summary>
    /// The identifier and the secret key came from -Credential (its user name and password), which the messages name.
    /// Both null with it: the credential was empty ([pscredential]::Empty).
    /// </summary>
    public bool FromCredential { get; set; }
    /// <summary>The secret key's UTF-8 bytes. The session keeps this array: do not clear it after Connect.</summary>
    public byte[]? SecretKey { get; set; }
    public string? UserSig { get; set; }
    public ChatRegion? Region { get; set; }
    public Uri? Endpoint { get; set; }
    /// <summary>The ceiling for every API, when the user gave one; otherwise each API's published limit applies.</summary>
    public int? MaxRequestsPerSecond { get; set; }
    public int MaxRetry { get; set; } = TencentChatSession.DefaultMaxRetry;
    public TimeSpan Timeout { get; set; } = TencentChatSession.DefaultTimeout;
    /// <summary>How long a run waits out a service that refuses every call before the waiting ids fail (QuotaExhausted).</summary>
    public TimeSpan RetryTimeout { get; set; } = TencentChatSession.DefaultRetryTimeout;
    public ProxySettings? Proxy { get; set; }

    /// <summary>What <see cref="Connect"/> changed in the input and the user should hear about (e.g. an endpoint cut to its base URI).</summary>
    public IReadOnlyList<string> Warnings => _warnings;
    private readonly List<string> _warnings = new();

    /// <summary>Makes the session. Throws ArgumentException whose message names each missing or bad input and what to do.</summary>
    public TencentChatSession Connect(Func<string, string?> environment, DateTimeOffset now)
    {
        var problems = new List<string>();
        if (FromCredential && Identifier is null && SecretKey is null)
        {
            throw new ArgumentException("Cannot connect to Tencent Cloud Chat. The -Credential is empty ([pscredential]::Empty, what a secret store or a script's [pscredential] parameter gives for none): " +
                "pass a credential whose user name is the App admin and whose password is the secret key, such as (Get-Credential administrator), or pass -SecretKey.");
        }
        var appId = SdkAppId ?? ReadAppId(environment, problems);
        var identifier = (Identifier ?? NonEmpty(environment(IdentifierVariable)) ?? DefaultIdentifier).Trim();
        if (identifier.Length == 0)
        {
            problems.Add(FromCredential
                ? "The -Credential's user name is blank (after a leading '\\' is dropped): it must be the App admin's account, such as administrator."
                : "-Identifier is blank: pass the App admin's account, such as administrator, or leave it out for " + IdentifierVariable + " or administrator.");
        }
        else if (Text.UserIdText.NoAccount(FromCredential ? "The -Credential's user name" : Identifier is null ? IdentifierVariable : "-Identifier", identifier) is { } noAccount)
        {
            // An admin account is a user id too: one no account can have is refused before a call is signed for it.
            problems.Add(noAccount + ": pass the App admin's account, such as administrator.");
        }
        var (endpoint, region) = ResolveEndpoint(environment, problems);

        ISigSource? sig = null;
        if (SecretKey is not null && UserSig is not null)
        {
            problems.Add("Both a secret key and a UserSig were given: pass only one.");
        }
        else if (UserSig is not null)
        {
            if (string.IsNullOrWhiteSpace(UserSig)) problems.Add("The -UserSig is empty.");
            else sig = new StaticSigSource(UserSig.Trim());
        }
        else
        {
            var key = SecretKey ?? FromEnvironment(environment(SecretKeyVariable));
            // Where the key came from, as the messages that refuse it name it.
            var place = SecretKey is null ? SecretKeyVariable : FromCredential ? "The -Credential's password" : "The -SecretKey";
            if (key is null || key.Length == 0)
            {
                problems.Add(SecretKey is null
                    ? $"No secret key: pass -SecretKey, -Credential (password = secret key) or -UserSig, or set {SecretKeyVariable}."
                    : FromCredential
                        ? "The -Credential's password is empty: it must be the app's secret key, from the Chat console."
                        : "-SecretKey is empty: pass the app's secret key, from the Chat console.");
            }
            else if (SecretText.IsSecureStringTypeName(key))
            {
                problems.Add(SecretKey is null
                    ? $"{SecretKeyVariable} holds the text 'System.Security.SecureString', not a key: a SecureString was set there (such as $env:{SecretKeyVariable} = $key), " +
                      "and an environment variable keeps only its type name. Set it to the key's text, such as " +
                      $"$env:{SecretKeyVariable} = Get-Secret -Name TencentChatKey -AsPlainText, or pass the SecureString itself as -SecretKey $key."
                    : place +
                      " holds the text 'System.Security.SecureString', not a key: a SecureString was turned into text (such as \"$key\") and back into a SecureString, " +
                      "which keeps only its type name. Pass the SecureString itself: " +
                      (FromCredential ? "[pscredential]::new('administrator', $key)." : "-SecretKey $key."));
            }
            else if (SecretText.IsCredentialTypeName(key))
            {
                // A PSCredential made text (Get-Secret -AsPlainText does not open one): signed with it, 70009 blames the key.
                problems.Add(place +
                    $" holds the text '{SecretText.CredentialTypeName}', not a key: a PSCredential was turned into text" +
                    (SecretKey is null
                        ? $" when it was set there (such as $env:{SecretKeyVariable} = Get-Secret -Name TencentChatAdmin -AsPlainText, which returns a credential secret as a PSCredential). " +
                          $"Pass the credential itself as -Credential $credential, or set the variable to its password's text: $env:{SecretKeyVariable} = $credential.GetNetworkCredential().Password."
                        : ", which keeps only its type name. Pass the credential itself as -Credential $credential."));
            }
            else if (SecretText.IsUserSig(key))
            {
                // Signed with as a key, a UserSig gets 70009, and the advice to copy the key again hides what to do with it.
                problems.Add(place +
                    SecretText.HoldsUserSig + ": pass a ready UserSig as -UserSig (a SecureString, such as " +
                    "-UserSig (ConvertTo-SecureString $sig -AsPlainText -Force)), which the module cannot renew, or give the app's secret key here.");
            }
            else if (SecretText.IsQuoted(key))
            {
                // Signed with its quotes, the key gets 70009, and the advice to copy the key again cannot help.
                problems.Add(place +
                    " is wrapped in quotes, which came with the key as part of its text" +
                    (SecretKey is null ? " (an env file read as it is, such as by docker run --env-file, keeps them): set it to the key without the quotes." : ": pass the key without the quotes."));
            }
            else if (appId is uint id && identifier.Length > 0)
            {
                sig = new SecretKeySigSource(id, identifier, key);
            }
        }

        if (problems.Count > 0 || appId is null || sig is null || endpoint is null)
        {
            throw new ArgumentException("Cannot connect to Tencent Cloud Chat. " + string.Join(" ", problems));
        }
        if (sig is StaticSigSource ready && ready.Info is { } info)
        {
            if (info.SdkAppId != appId) throw new ArgumentException($"The -UserSig was made for SDKAppID {info.SdkAppId}, not {appId}: pass the matching -SdkAppId or a UserSig for this app.");
            if (!string.Equals(info.Identifier, identifier, StringComparison.Ordinal)) throw new ArgumentException($"The -UserSig was made for identifier {Text.UserIdText.Show(info.Identifier)}, not {Text.UserIdText.Show(identifier)}: pass -Identifier {Text.PowerShellText.Quote(info.Identifier)} or a UserSig for {Text.UserIdText.Show(identifier)}.");
            if (info.ExpiresAt <= now) throw new ArgumentException($"The -UserSig expired at {Wording.LocalTime(info.ExpiresAt)}: make a new one, or connect with -SecretKey so the module renews it.");
        }
        sig.Current(now); // a SecretKey session makes its first sig now, so its expiry is known
        return new TencentChatSession(appId.Value, identifier, endpoint, region, sig, MaxRequestsPerSecond, MaxRetry, Timeout, Proxy, RetryTimeout);
    }

    private static uint? ReadAppId(Func<string, string?> environment, List<string> problems)
    {
        var text = NonEmpty(environment(SdkAppIdVariable));
        if (text is null)
        {
            problems.Add($"No SDKAppID: pass -SdkAppId or set {SdkAppIdVariable}.");
            return null;
        }
        if (uint.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0) return id;
        problems.Add($"{SdkAppIdVariable} is {UnsafeText.Show(text)}, which is not an SDKAppID (a whole number from 1 to 4294967295).");
        return null;
    }

    private (Uri? Endpoint, ChatRegion? Region) ResolveEndpoint(Func<string, string?> environment, List<string> problems)
    {
        try
        {
            if (Endpoint is not null)
            {
                var endpoint = Check(Endpoint);
                if (Region is ChatRegion dropped)
                {
                    _warnings.Add($"-Region {dropped} is not used: -Endpoint {endpoint.GetLeftPart(UriPartial.Authority)} overrides it, so every call goes to that endpoint. Pass only one of them " +
                        "(a default for -Endpoint in $PSDefaultParameterValues, as for trying a script against the emulator, overrides the script's -Region the same way).");
                }
                return (endpoint, null);
            }
            if (Region is ChatRegion r) return (EndpointResolver.ForRegion(r), r);
            var endpointText = NonEmpty(environment(EndpointVariable));
            if (endpointText is not null)
            {
                if (!Uri.TryCreate(endpointText.Trim(), UriKind.Absolute, out var uri))
                {
                    problems.Add($"{EndpointVariable} is {EndpointResolver.ShowText(endpointText)}, which is not an absolute URI: a base URI starts with https:// (or http:// for the emulator on this machine).");
                    return (null, null);
                }
                return (Check(uri), null);
            }
            var regionText = NonEmpty(environment(RegionVariable));
            if (regionText is not null)
            {
                if (EndpointResolver.TryParseRegion(regionText, out var parsed)) return (EndpointResolver.ForRegion(parsed), parsed);
                problems.Add($"{RegionVariable} is {UnsafeText.Show(regionText)}, which is not a region ({EndpointResolver.RegionNames}).");
                return (null, null);
            }
            return (EndpointResolver.ForRegion(ChatRegion.China), ChatRegion.China);
        }
        catch (ArgumentException ex)
        {
            problems.Add(Wording.UserMessage(ex));
            return (null, null);
        }
    }

    private Uri Check(Uri endpoint)
    {
        var checkedEndpoint = EndpointResolver.CheckEndpoint(endpoint);
        if (checkedEndpoint.Warning is { } warning) _warnings.Add(warning);
        return checkedEndpoint.BaseUri;
    }

    private static byte[]? FromEnvironment(string? value) => NonEmpty(value) is { } text ? Encoding.UTF8.GetBytes(text.Trim()) : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
