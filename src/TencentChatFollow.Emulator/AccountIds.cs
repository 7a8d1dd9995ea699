using System.Globalization;
using System.Text;

namespace TencentChatFollow.Emulator;

/// <summary>
/// What an account id may be. Tencent's Use Limits page (<see cref="UseLimitsPage"/>) says a UserID is at most 32
/// bytes; the module refuses longer ids before sending. The emulator refuses them in the graph file and in --admin,
/// so it never lists an account the module would then refuse; in a request such an id names no account (30003).
/// </summary>
internal static class AccountIds
{
    public const int MaxBytes = 32;

    public const string UseLimitsPage = "https://www.tencentcloud.com/document/product/1047/34381";

    /// <summary>Null when <paramref name="id"/> is short enough to be an account id, else the reason, naming it.</summary>
    public static string? TooLong(string id)
    {
        var bytes = Encoding.UTF8.GetByteCount(id);
        return bytes <= MaxBytes
            ? null
            : $"the id '{Shown(id)}' is {bytes} bytes in UTF-8, longer than a Tencent user id may be ({MaxBytes} bytes, {UseLimitsPage})";
    }

    /// <summary>
    /// <paramref name="text"/> for a message: control characters and unpaired surrogates as \uXXXX escapes, cut after
    /// <paramref name="max"/> characters (whole text elements, so a surrogate pair is never split) with an ellipsis.
    /// </summary>
    public static string Shown(string text, int max = 20)
    {
        var shown = new StringBuilder();
        var elements = StringInfo.GetTextElementEnumerator(text);
        for (var count = 0; elements.MoveNext(); count++)
        {
            if (count == max)
            {
                return shown.Append('…').ToString();
            }
            var element = elements.GetTextElement();
            if (element.Length == 1 && (char.IsControl(element[0]) || char.IsSurrogate(element[0])))
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)element[0]:X4}");
            }
            else
            {
                shown.Append(element);
            }
        }
        return shown.ToString();
    }
}
