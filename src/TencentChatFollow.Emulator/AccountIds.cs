using System.Globalization;
using System.Text;

namespace TencentChatFollow.Emulator;

/// <summary>Account ids in the emulator's messages.</summary>
internal static class AccountIds
{
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
