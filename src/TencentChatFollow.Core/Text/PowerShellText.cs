using System.Globalization;
using System.Text;

namespace TencentChatFollow.Text;

/// <summary>
/// Values written into the PowerShell commands that messages suggest, so that each command runs as it is written
/// (and shows nothing the reader cannot see).
/// </summary>
internal static class PowerShellText
{
    /// <summary>
    /// A PowerShell string literal of <paramref name="text"/>: single-quoted, quotes doubled (PowerShell takes the
    /// typographic single quotes U+2018-U+201B for quotes too); when it holds a character <see cref="ServerText.Safe"/>
    /// escapes (a control, zero-width or bidirectional character), double-quoted with that character as
    /// $([char]0x200B), which Windows PowerShell 5.1 reads too.
    /// </summary>
    public static string Quote(string text)
    {
        var hidden = false;
        foreach (var c in text) hidden |= ServerText.Steers(c);
        if (!hidden)
        {
            var single = new StringBuilder(text.Length + 2).Append('\'');
            foreach (var c in text)
            {
                if (c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B') single.Append(c);
                single.Append(c);
            }
            return single.Append('\'').ToString();
        }
        var quoted = new StringBuilder(text.Length + 16).Append('"');
        foreach (var c in text)
        {
            if (ServerText.Steers(c)) quoted.Append("$([char]0x").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append(')');
            else if (c is '"' or '`' or '$' or '\u201C' or '\u201D' or '\u201E') quoted.Append('`').Append(c);
            else quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>
    /// <paramref name="name"/> as a member name after a dot ($_.UserId): as it is when it is a simple name (letters,
    /// digits and '_', not starting with a digit), otherwise quoted ($_.'User ID').
    /// </summary>
    public static string Member(string name)
    {
        var simple = name.Length > 0 && !char.IsDigit(name[0]);
        foreach (var c in name) simple &= char.IsLetterOrDigit(c) || c == '_';
        return simple ? name : Quote(name);
    }
}
