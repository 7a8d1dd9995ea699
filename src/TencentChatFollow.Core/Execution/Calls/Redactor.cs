using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using TencentChatFollow.Api;

namespace TencentChatFollow.Execution;

/// <summary>Removes credentials from text that may reach a user: messages, URLs, bodies.</summary>
internal static class Redactor
{
    // A backslash goes only with the character after it: text that is JSON (a body, a cut of one) holds escapes such
    // as \" and \u0065, and taking a backslash alone would leave that character unescaped and the JSON broken. The
    // query may itself be percent-encoded (a page that links back to the request URL as a parameter of its own):
    // usersig%3D..., up to an encoded '&' (%26).
    private static readonly Regex SigInQuery = new(@"(usersig(?:=|%3D))(?:\\\S|(?!%26)[^&\s""'\\])*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    // The user and password of a URI (http://user:password@proxy:8080/): .NET names the proxy's URI as it was given in
    // its errors (a system proxy from HTTPS_PROXY keeps them there), and the module passes those messages on.
    private static readonly Regex UserInfo = new(@"(\b[a-z][a-z0-9+.\-]*://)[^/\s@'""<>]+@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// Replaces the value of any usersig query parameter, and every occurrence of the given secrets, with &lt;redacted&gt;:
    /// each as it is and as a URL's query carries it (percent-encoded, Tencent Base64's '*' as %2A), the form a server
    /// that repeats the request's usersig on its own gives back.
    /// </summary>
    public static string Scrub(string? text, params string?[] secrets) => ScrubForms(text, Forms(secrets));

    /// <summary><see cref="Scrub"/> with the secrets' forms (<see cref="Forms"/>) worked out once by the caller.</summary>
    private static string ScrubForms(string? text, List<string> forms)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var result = SigInQuery.Replace(text, "$1<redacted>");
        foreach (var form in forms) result = result.Replace(form, "<redacted>");
        return result;
    }

    /// <summary>The secrets worth taking out (8 characters or more), each as it is and, when that differs, as a URL's query carries it.</summary>
    private static List<string> Forms(string?[] secrets)
    {
        var forms = new List<string>(secrets.Length * 2);
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret) || secret!.Length < 8) continue;
            forms.Add(secret);
            var inUrl = Uri.EscapeDataString(secret);
            if (inUrl != secret) forms.Add(inUrl);
        }
        return forms;
    }

    /// <summary>
    /// <see cref="Scrub"/> for the message of an exception the network stack threw, which also names URIs with their
    /// user and password (a proxy's): those are taken out too. Not for an answer's data, whose URIs are the service's.
    /// </summary>
    public static string ScrubNetworkError(string? message, string sig)
        => Scrub(string.IsNullOrEmpty(message) ? message : UserInfo.Replace(message, "$1<redacted>@"), sig);

    /// <summary>
    /// The first <paramref name="maxChars"/> characters of <paramref name="body"/> (UTF-8) with credentials removed:
    /// removed first, then cut, so that a secret the cut runs through is not left in part. A window of text past the
    /// cut is read with it, longer than any UserSig, so a secret that starts before the cut is found whole.
    /// </summary>
    public static string ScrubbedStart(byte[] body, int maxChars, params string?[] secrets)
    {
        var window = (int)Math.Min(body.Length, 4L * maxChars + SecretWindow);
        var text = Scrub(Encoding.UTF8.GetString(body, 0, window), secrets);
        return text.Length > maxChars ? text.Substring(0, maxChars) : text;
    }

    /// <summary>Bytes read past a cut: UserSigs are a few hundred characters, always within this.</summary>
    private const int SecretWindow = 8192;

    /// <summary>
    /// <see cref="Scrub"/> for a JSON document (an answer written whole): each string, names included, is scrubbed as
    /// the text it stands for and written back escaped, so the document stays the same JSON with the secrets out,
    /// whatever its strings hold: a quote right after a usersig value, a secret written with \u escapes. The rest of
    /// the text is kept as it came; text that is not JSON is scrubbed as text.
    /// </summary>
    public static string ScrubJson(string json, params string?[] secrets)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = RestBody.MaxDepth });
        var scrubbed = new StringBuilder();
        var forms = Forms(secrets); // once, not for each string of the answer
        var copied = 0; // bytes of utf8 already in scrubbed
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) continue;
                var start = (int)reader.TokenStartIndex + 1; // after the opening quote
                var length = reader.ValueSpan.Length; // the string as written, escapes included
                if (ScrubString(ref reader, Encoding.UTF8.GetString(utf8, start, length), forms) is not { } clean) continue;
                scrubbed.Append(Encoding.UTF8.GetString(utf8, copied, start - copied)).Append(clean);
                copied = start + length;
            }
        }
        catch (JsonException)
        {
            return ScrubForms(json, forms);
        }
        return copied == 0 ? json : scrubbed.Append(Encoding.UTF8.GetString(utf8, copied, utf8.Length - copied)).ToString();
    }

    /// <summary>The string token as written (<paramref name="raw"/>) scrubbed and escaped again; null when there is nothing to take out.</summary>
    private static string? ScrubString(ref Utf8JsonReader reader, string raw, List<string> forms)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escape that is half a surrogate pair stands for no text: its escapes are scrubbed as written, which keeps them JSON.
            var written = ScrubForms(raw, forms);
            return written == raw ? null : written;
        }
        var clean = ScrubForms(text, forms);
        // Escaped for JSON only (quotes, backslashes, control characters), not for HTML: <redacted> stays readable.
        return clean == text ? null : JsonEncodedText.Encode(clean, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
    }
}
