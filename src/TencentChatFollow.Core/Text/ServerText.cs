using System.Globalization;
using System.Text;

namespace TencentChatFollow.Text;

/// <summary>
/// Text the server sent (an ErrorInfo, a ResultInfo, the start of a body that is not JSON, an HTTP reason phrase), made
/// safe to put in an error message, a warning or a -Verbose or -Debug line: a server (or a proxy) could send escape
/// sequences that clear or recolour the console, or line breaks that forge lines of a log ("WARNING: ...").
/// </summary>
internal static class ServerText
{
    /// <summary>The most characters of the server's text a message shows (escapes counted as written).</summary>
    public const int MaxShown = 500;

    /// <summary>
    /// <paramref name="text"/> with every character that could steer a console or a log written as a visible escape
    /// (ESC as \u001B): C0 controls (line breaks and tabs among them), DEL, C1 controls, the Unicode line and paragraph
    /// separators, format characters (the bidirectional marks, embeddings, overrides and isolates; the zero-width space,
    /// joiners and word joiner; the byte order mark U+FEFF; the soft hyphen), and half a surrogate pair. Longer than
    /// <paramref name="maxChars"/> (escapes counted as written), it is cut there and ends with "...". Take secrets out
    /// (<see cref="Execution.Redactor"/>) before, not after: a cut could leave part of one.
    /// </summary>
    public static string Safe(string? text, int maxChars = MaxShown)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var safe = new StringBuilder(System.Math.Min(text!.Length, maxChars) + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var piece = pair ? (IsFormat(text, i) ? Escape(c) + Escape(text[i + 1]) : text.Substring(i, 2)) : Steers(c) ? Escape(c) : null;
            if (safe.Length + (piece?.Length ?? 1) > maxChars)
            {
                safe.Append("...");
                break;
            }
            if (piece is null) safe.Append(c);
            else safe.Append(piece);
            if (pair) i++;
        }
        return safe.ToString();
    }

    /// <summary>
    /// Whether <paramref name="c"/> is written as an escape by <see cref="Safe"/>: a control character, a line or
    /// paragraph separator, a format character, or half a surrogate pair.
    /// </summary>
    public static bool Steers(char c)
        => char.IsControl(c)                      // U+0000-U+001F, U+007F, U+0080-U+009F
            || c is '\u2028' or '\u2029'          // line and paragraph separators
            || c is '\u061C' or '\u00AD' or '\u2060' or '\uFEFF' // Arabic letter mark, soft hyphen, word joiner, byte order mark
            || c is >= '\u200B' and <= '\u200F'   // zero-width space, non-joiner and joiner, left-to-right and right-to-left marks
            || c is >= '\u202A' and <= '\u202E'   // bidirectional embeddings and overrides
            || c is >= '\u2066' and <= '\u2069'   // bidirectional isolates
            || char.GetUnicodeCategory(c) == UnicodeCategory.Format // any other format character (named above too, for older Unicode tables)
            || char.IsSurrogate(c);               // half a pair (a pair is taken whole before this)

    /// <summary>The character (or surrogate pair) at <paramref name="index"/> is invisible by design: Unicode's category Cf.</summary>
    private static bool IsFormat(string text, int index) => CharUnicodeInfo.GetUnicodeCategory(text, index) == UnicodeCategory.Format;

    private static string Escape(char c) => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
}
