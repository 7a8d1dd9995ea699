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
}
