using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TencentChatFollow.Text;

/// <summary>Small helpers for the text users read: counts with the right noun, exception messages without .NET's tails.</summary>
internal static class Wording
{
    private static readonly Regex ParamTail = new(@"(\s*\(Parameter '[^']*'\)|\r?\nParameter name: .*|\r?\nActual value was .*)+$", RegexOptions.Singleline | RegexOptions.CultureInvariant);

    /// <summary>"1 id", "0 ids", "20 ids".</summary>
    public static string Ids(long count) => Count(count, "id", "ids");

    /// <summary>The count and the singular or plural noun, invariant digits.</summary>
    public static string Count(long count, string one, string many)
        => count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);

    /// <summary>A time as the messages show it: in this machine's time zone, as the session's times are ("2030-06-01 16:30:15 +08:00").</summary>
    public static string LocalTime(DateTimeOffset time)
        => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="message"/> as a sentence, for text that follows it: trimmed, with a full stop when it ends without
    /// one (.NET's own network messages, such as "Connection reset by peer", have none).
    /// </summary>
    public static string Sentence(string message)
    {
        var text = message.TrimEnd();
        return text.Length == 0 || text[text.Length - 1] is '.' or '!' or '?' ? text : text + ".";
    }

    /// <summary>
    /// The message of an exception as a user should see it: without the "(Parameter 'x')" (or "Parameter name: x",
    /// "Actual value was ...") that .NET appends when the exception names a parameter.
    /// </summary>
    public static string UserMessage(Exception ex)
    {
        if (ex is null) throw new ArgumentNullException(nameof(ex));
        return ex is ArgumentException ? ParamTail.Replace(ex.Message, "") : ex.Message;
    }
}
