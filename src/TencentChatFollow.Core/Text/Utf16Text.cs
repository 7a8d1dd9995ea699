namespace TencentChatFollow.Text;

/// <summary>Checks of .NET strings as text: UTF-16 code units that stand for no character.</summary>
internal static class Utf16Text
{
    /// <summary>
    /// The place of the first half of a UTF-16 surrogate pair without its other half, or null. UTF-8 cannot carry
    /// one: encoded, it becomes U+FFFD, another text.
    /// </summary>
    public static int? LoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return i;
        }
        return null;
    }
}
