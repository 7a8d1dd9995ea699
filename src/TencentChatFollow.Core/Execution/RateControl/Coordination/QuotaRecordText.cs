using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace TencentChatFollow.Execution;

/// <summary>
/// A member's record as the file store writes it: one line of fixed length,
/// "TCQ1 &lt;UTC ticks, 19 digits&gt; &lt;used, 6 digits&gt; &lt;rate, 6 digits&gt; &lt;ceiling, 6 digits&gt; &lt;backlogged 0|1&gt; &lt;FNV-1a of the rest, 8 hex digits&gt;",
/// so a record caught half-written fails its check and is skipped.
/// </summary>
internal static class QuotaRecordText
{
    private const string Magic = "TCQ1";
    internal const int Length = 4 + 1 + 19 + 1 + 6 + 1 + 6 + 1 + 6 + 1 + 1 + 1 + 8 + 1;

    public static byte[] Format(QuotaRecord record)
    {
        var body = string.Format(CultureInfo.InvariantCulture, "{0} {1:D19} {2:D6} {3:D6} {4:D6} {5}", Magic, record.At.Ticks,
            Clamp(record.Used), Clamp(record.Rate), Clamp(record.Ceiling), record.Backlogged ? 1 : 0);
        return Encoding.ASCII.GetBytes(body + " " + Check(body).ToString("x8", CultureInfo.InvariantCulture) + "\n");
    }

    /// <summary>The record in <paramref name="text"/>, or null when it is not one (partial, torn, another format).</summary>
    public static QuotaRecord? Parse(string text)
    {
        if (text.Length != Length || !text.StartsWith(Magic + " ", StringComparison.Ordinal) || text[Length - 1] != '\n') return null;
        var body = text.Substring(0, Length - 10);
        if (!uint.TryParse(text.Substring(Length - 9, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var check) || check != Check(body))
            return null;
        if (!long.TryParse(body.Substring(5, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTime.MaxValue.Ticks) return null;
        if (!int.TryParse(body.Substring(25, 6), NumberStyles.None, CultureInfo.InvariantCulture, out var used)) return null;
        if (!int.TryParse(body.Substring(32, 6), NumberStyles.None, CultureInfo.InvariantCulture, out var rate)) return null;
        if (!int.TryParse(body.Substring(39, 6), NumberStyles.None, CultureInfo.InvariantCulture, out var ceiling)) return null;
        var flag = body[46];
        if (flag != '0' && flag != '1') return null;
        return new QuotaRecord(new DateTime(ticks, DateTimeKind.Utc), used, rate, ceiling, flag == '1');
    }

    /// <summary>The record in the file at <paramref name="path"/>, or null (unreadable, gone, not a record).</summary>
    public static QuotaRecord? TryRead(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[Length + 1];
            var read = 0;
            for (int n; read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0;) read += n;
            return Parse(Encoding.ASCII.GetString(buffer, 0, read));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int Clamp(int count) => Math.Min(Math.Max(count, 0), 999_999);

    /// <summary>FNV-1a, 32 bits: the check of a record's body.</summary>
    internal static uint Check(string text)
    {
        var hash = 2166136261;
        foreach (var c in text) hash = (hash ^ c) * 16777619;
        return hash;
    }
}
