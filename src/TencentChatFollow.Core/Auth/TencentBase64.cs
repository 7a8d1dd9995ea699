using System;

namespace TencentChatFollow.Auth;

/// <summary>Tencent's URL-safe Base64: standard Base64 with <c>+</c>→<c>*</c>, <c>/</c>→<c>-</c>, <c>=</c>→<c>_</c>.</summary>
internal static class TencentBase64
{
    public static string Encode(byte[] data) =>
        Convert.ToBase64String(data).Replace('+', '*').Replace('/', '-').Replace('=', '_');

    /// <exception cref="FormatException">The text has a character outside the alphabet or is not valid Base64.</exception>
    public static byte[] Decode(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var chars = new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            chars[i] = c switch
            {
                '*' => '+',
                '-' => '/',
                '_' => '=',
                >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' => c,
                _ => throw new FormatException("The text contains a character that is not Tencent Base64."),
            };
        }
        return Convert.FromBase64CharArray(chars, 0, chars.Length);
    }
}
