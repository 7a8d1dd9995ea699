using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TencentChatFollow.Text;

/// <summary>Why a string short enough to be a Tencent user id still cannot be one (<see cref="UserIdText.Flaw"/>).</summary>
internal enum IdFlaw
{
    None,
    /// <summary>Half of a UTF-16 surrogate pair: sent, it would go as U+FFFD, which makes another account's id.</summary>
    HalfSurrogate,
    /// <summary>NUL at every other character: UTF-16 text (without a BOM) read as UTF-8.</summary>
    Utf16,
    /// <summary>NUL and nothing else: a blank line of UTF-16 text read as UTF-8.</summary>
    Utf16BlankLine,
    /// <summary>Any other control character: C0 (NUL among them), DEL, C1.</summary>
    Control,
}

/// <summary>
/// What a Tencent user id (UserID) can be, and how a message shows one: with every character the reader could not
/// see written as an escape, and a word when it is not in Unicode normalization form C. The ids themselves (in
/// results, in an error's TargetObject) stay as they were given; only the text of messages changes.
/// </summary>
internal static class UserIdText
{
    /// <summary>
    /// The most a Tencent user id may hold, in UTF-8 bytes. Tencent's Use Limits page
    /// (https://www.tencentcloud.com/document/product/1047/34381) says "UserID: at most 32 bytes, no special characters;
    /// letters and digits recommended", as its account import pages say "at most 32 bytes". A longer string names no
    /// account, and sent it could only fail, or (a whole file read with Get-Content -Raw) make a request the service
    /// cannot take at all. Of the "special characters" only those no id can hold are refused (<see cref="Flaw"/>):
    /// Chinese ids, accents and emoji are used in practice.
    /// </summary>
    public const int MaxBytes = 32;

    /// <summary>How many characters (text elements) of a long string a message shows.</summary>
    public const int LongShown = 40;

    /// <summary>The separators of a list of ids typed into one string: ASCII, full-width, ideographic and Arabic commas and semicolons (white space counts too).</summary>
    private const string ListSeparators = ",;\uFF0C\u3001\u060C\uFF1B";

    /// <summary>Longer than <see cref="MaxBytes"/>: no account has this id.</summary>
    public static bool TooLong(string id) => id.Length > MaxBytes / 3 && Encoding.UTF8.GetByteCount(id) > MaxBytes; // a char is at most 3 bytes

    /// <summary>
    /// What in <paramref name="id"/> no Tencent user id can hold, and where (<paramref name="at"/>, a UTF-16 index):
    /// half a surrogate pair, or a control character (C0, DEL, C1), with NULs told apart by the shape that says
    /// where they came from. <see cref="IdFlaw.None"/> for any other text.
    /// </summary>
    public static IdFlaw Flaw(string id, out int at)
    {
        if (Utf16Text.LoneSurrogate(id) is int half)
        {
            at = half;
            return IdFlaw.HalfSurrogate;
        }
        at = -1;
        for (var i = 0; i < id.Length; i++)
        {
            if (!char.IsControl(id[i])) continue;
            at = i;
            break;
        }
        if (at < 0) return IdFlaw.None;
        if (id.Trim('\0').Length == 0) return IdFlaw.Utf16BlankLine;
        return id[at] == '\0' && NulEveryOther(id) ? IdFlaw.Utf16 : IdFlaw.Control;
    }

    /// <summary>A NUL after every character and nothing else (after a first NUL, the second byte of the line break before): "u\0s\0e\0r\0".</summary>
    private static bool NulEveryOther(string id)
    {
        var start = id[0] == '\0' ? 1 : 0;
        if (id.Length - start < 2) return false;
        for (var i = start; i < id.Length; i++)
        {
            if ((id[i] == '\0') != ((i - start) % 2 == 1)) return false;
        }
        return true;
    }

    /// <summary>What <paramref name="id"/> holds that no id can, for <paramref name="flaw"/> at <paramref name="at"/>: "holds a control character (U+001B, character 4)".</summary>
    public static string Holds(IdFlaw flaw, string id, int at, bool one)
    {
        var where = at < 0 ? "" : string.Format(CultureInfo.InvariantCulture, "U+{0:X4}, character {1}", (int)id[at], at + 1);
        return flaw switch
        {
            IdFlaw.HalfSurrogate => (one ? "holds" : "hold") + $" half of a UTF-16 surrogate pair ({where}) without its other half, which no character is (sent, it would become U+FFFD and name another account)",
            IdFlaw.Utf16 => (one ? "holds" : "hold") + " a NUL character (U+0000) after each character, which no Tencent user id can",
            IdFlaw.Utf16BlankLine => (one ? "is" : "are") + " only NUL characters (U+0000), as a blank line of a UTF-16 file read as UTF-8 is",
            _ => (one ? "holds" : "hold") + $" a control character ({where}), which no Tencent user id can",
        };
    }

    /// <summary>
    /// Why <paramref name="id"/> names no account, shown in the sentence (the id "xxx..." (40 bytes) is longer than a
    /// Tencent user id may be (32 bytes); the id 'a\u001B' holds a control character (U+001B, character 2), which no
    /// Tencent user id can), or null when it may name one. For ids that are not in a command's input (an admin
    /// identifier, an identifier to sign), whose error is their own.
    /// </summary>
    public static string? NoAccount(string what, string id)
    {
        if (TooLong(id)) return $"{what} {ShowLong(id)} is longer than a Tencent user id may be ({MaxBytes} bytes), so it names no account";
        var flaw = Flaw(id, out var at);
        return flaw == IdFlaw.None ? null : $"{what} {Show(id)} {Holds(flaw, id, at, one: true)}, so it names no account";
    }

    /// <summary>
    /// Whether <paramref name="text"/> looks like UTF-8 read as ANSI or Latin-1, as Windows PowerShell 5.1's
    /// Get-Content and Import-Csv read a file without a BOM: with the system's ANSI code page (Windows-1252 in the
    /// West, GBK on Chinese Windows: 用户 read so is 鐢ㄦ埛). Told conservatively: every character is one byte of
    /// Windows-1252 or Latin-1, or the text is exactly what that code page makes of its bytes, and the bytes are valid
    /// UTF-8 holding at least one multi-byte sequence ("JosÃ©").
    /// </summary>
    public static bool LooksMisread(string text) => LooksMisread(text, SystemAnsi);

    /// <summary>
    /// <see cref="LooksMisread(string)"/> with <paramref name="ansi"/> as the code page the text may have been read
    /// with besides Windows-1252 and Latin-1 (null: those only).
    /// </summary>
    internal static bool LooksMisread(string text, Encoding? ansi)
        => LooksMisreadAsLatin(text) || (ansi is not null && LooksMisreadAs(text, ansi));

    /// <summary>
    /// The code page Windows PowerShell 5.1 reads a file without a BOM with: on .NET Framework, Encoding.Default is the
    /// system's ANSI code page. On .NET (PowerShell 7) it is UTF-8, which misreads nothing, and Get-Content reads UTF-8.
    /// </summary>
    private static readonly Encoding? SystemAnsi =
        Runtime.DependencyResolver.AppliesTo(System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription) ? Encoding.Default : null;

    private static bool LooksMisreadAsLatin(string text)
    {
        var bytes = new byte[text.Length];
        var high = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c <= '\u00FF') bytes[i] = (byte)c;
            else if (Windows1252.TryGetValue(c, out var b)) bytes[i] = b;
            else return false;
            high |= bytes[i] >= 0x80;
        }
        return high && IsUtf8(bytes);
    }

    /// <summary>The text is what <paramref name="ansi"/> makes of some bytes (it gives them back exactly), which are UTF-8 of other text.</summary>
    private static bool LooksMisreadAs(string text, Encoding ansi)
    {
        var strict = (Encoding)ansi.Clone();
        strict.EncoderFallback = EncoderFallback.ExceptionFallback;
        strict.DecoderFallback = DecoderFallback.ExceptionFallback;
        byte[] bytes;
        try
        {
            bytes = strict.GetBytes(text);
            if (!string.Equals(strict.GetString(bytes), text, StringComparison.Ordinal)) return false;
        }
        catch (ArgumentException)
        {
            return false; // a character the code page has no byte for, or bytes it would not read back so: not its reading
        }
        var high = false;
        foreach (var b in bytes) high |= b >= 0x80;
        return high && IsUtf8(bytes) && !string.Equals(Encoding.UTF8.GetString(bytes), text, StringComparison.Ordinal);
    }

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>The characters Windows-1252 gives to the bytes 0x80-0x9F where Latin-1 has C1 controls.</summary>
    private static readonly Dictionary<char, byte> Windows1252 = new()
    {
        ['\u20AC'] = 0x80, ['\u201A'] = 0x82, ['\u0192'] = 0x83, ['\u201E'] = 0x84, ['\u2026'] = 0x85, ['\u2020'] = 0x86,
        ['\u2021'] = 0x87, ['\u02C6'] = 0x88, ['\u2030'] = 0x89, ['\u0160'] = 0x8A, ['\u2039'] = 0x8B, ['\u0152'] = 0x8C,
        ['\u017D'] = 0x8E, ['\u2018'] = 0x91, ['\u2019'] = 0x92, ['\u201C'] = 0x93, ['\u201D'] = 0x94, ['\u2022'] = 0x95,
        ['\u2013'] = 0x96, ['\u2014'] = 0x97, ['\u02DC'] = 0x98, ['\u2122'] = 0x99, ['\u0161'] = 0x9A, ['\u203A'] = 0x9B,
        ['\u0153'] = 0x9C, ['\u017E'] = 0x9E, ['\u0178'] = 0x9F,
    };

    /// <summary>
    /// The separator of several ids typed into one string: the first comma or semicolon (ASCII, full-width,
    /// ideographic or Arabic) in <paramref name="text"/>, else ' ' for any white space in it; null when it has none.
    /// </summary>
    public static char? Separator(string text)
    {
        var at = text.IndexOfAny(ListSeparators.ToCharArray());
        if (at >= 0) return text[at];
        foreach (var c in text) if (char.IsWhiteSpace(c)) return ' ';
        return null;
    }

    /// <summary>The regular expression -split takes for <paramref name="separator"/> (<see cref="Separator"/>): white space as \s+.</summary>
    public static string SplitPattern(char separator) => separator == ' ' ? @"\s+" : separator.ToString();

    /// <summary>
    /// <paramref name="id"/> as a message quotes it: in single quotes, with control, format (zero-width, bidirectional,
    /// BOM) and line separator characters and half surrogate pairs written as \uXXXX escapes (as
    /// <see cref="ServerText.Safe"/> writes the server's text), and " (decomposed: NFD)" or " (not in Unicode form
    /// NFC)" after it when it is not in normalization form C, which a composed id of the same look would be.
    /// </summary>
    public static string Show(string? id) => "'" + ServerText.Safe(id, int.MaxValue) + "'" + NormalizationNote(id);

    /// <summary>
    /// A long string as the messages show it: its first <see cref="LongShown"/> characters (never half a surrogate pair),
    /// line breaks and tabs as PowerShell writes them, other invisible characters as in <see cref="Show"/>; and its
    /// size, in UTF-8 bytes and, when that differs, in characters as the reader counts them (text elements).
    /// </summary>
    public static string ShowLong(string text)
    {
        var characters = Characters(text);
        var start = Cut(text, LongShown).Replace("\r", "`r").Replace("\n", "`n").Replace("\t", "`t");
        var bytes = Encoding.UTF8.GetByteCount(text);
        return $"\"{ServerText.Safe(start, int.MaxValue)}\" ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes" +
               (bytes == characters ? "" : ", " + characters.ToString("N0", CultureInfo.InvariantCulture) + " characters") + ")";
    }

    /// <summary>How many characters <paramref name="text"/> has as the reader counts them: text elements (a letter with its accents, an emoji).</summary>
    public static int Characters(string text) => new StringInfo(text).LengthInTextElements;

    /// <summary>The first <paramref name="max"/> characters (text elements) of <paramref name="text"/> followed by "...", or all of it when it is no longer.</summary>
    public static string Cut(string text, int max)
    {
        var info = new StringInfo(text);
        return info.LengthInTextElements > max ? info.SubstringByTextElements(0, max) + "..." : text;
    }

    private static string NormalizationNote(string? id)
    {
        if (string.IsNullOrEmpty(id) || Utf16Text.LoneSurrogate(id!) is not null) return "";
        try
        {
            if (id!.IsNormalized(NormalizationForm.FormC)) return "";
            return id.IsNormalized(NormalizationForm.FormD) ? " (decomposed: NFD)" : " (not in Unicode form NFC)";
        }
        catch (ArgumentException)
        {
            return ""; // text normalization cannot read
        }
    }
}
