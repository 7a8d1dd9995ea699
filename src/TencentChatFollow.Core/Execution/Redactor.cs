using System;
using System.Text;
using System.Text.RegularExpressions;

namespace TencentChatFollow.Execution;

/// <summary>Removes credentials from text that may reach a user: messages, URLs, bodies.</summary>
internal static class Redactor
{
    private static readonly Regex SigInQuery = new("(usersig=)[^&\\s\"']*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// Replaces the value of any usersig query parameter, and every occurrence of the given secrets, with &lt;redacted&gt;.
    /// </summary>
    public static string Scrub(string? text, params string?[] secrets)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var result = SigInQuery.Replace(text, "$1<redacted>");
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret) && secret!.Length >= 8) result = result.Replace(secret, "<redacted>");
        }
        return result;
    }

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
}
