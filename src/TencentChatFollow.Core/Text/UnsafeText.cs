using System;
using System.Globalization;
using System.Linq;

namespace TencentChatFollow.Text;

/// <summary>
/// Shows a value that failed to parse without echoing what may be a secret (a swapped variable, a key passed by
/// position): short text is quoted; anything longer is described by its length and, when it has the shape of one,
/// as a secret key or a UserSig.
/// </summary>
internal static class UnsafeText
{
    /// <summary>The longest text quoted as it is.</summary>
    public const int MaxShown = 20;

    /// <summary>
    /// <paramref name="text"/> quoted when it is at most <see cref="MaxShown"/> characters, none of them a control
    /// character (too short to be a secret key or a UserSig: a typo, a number out of range); otherwise what it looks like.
    /// </summary>
    public static string Show(string text)
    {
        if (text is null) throw new ArgumentNullException(nameof(text));
        var trimmed = text.Trim();
        if (trimmed.Length > 0 && trimmed.Length <= MaxShown && !trimmed.Any(char.IsControl)) return "'" + trimmed + "'";
        return Describe(trimmed);
    }

    /// <summary>What the text looks like, never the text: "a text of 64 characters, which looks like a secret key".</summary>
    public static string Describe(string text)
    {
        var length = "a text of " + text.Length.ToString(CultureInfo.InvariantCulture) + (text.Length == 1 ? " character" : " characters");
        if (LooksLikeSecretKey(text)) return length + " (64 hexadecimal digits), which looks like a secret key";
        if (LooksLikeUserSig(text)) return length + ", which looks like a UserSig";
        return length + " (not shown: it may be a secret)";
    }

    /// <summary>A Tencent Cloud Chat secret key: 64 hexadecimal digits.</summary>
    public static bool LooksLikeSecretKey(string text) => text.Length == 64 && text.All(IsHex);

    /// <summary>A UserSig: Tencent's URL-safe Base64 of zlib data, which starts "eJ", and far longer than a name.</summary>
    public static bool LooksLikeUserSig(string text) => text.Length >= 64 && text.StartsWith("eJ", StringComparison.Ordinal);

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';
}
