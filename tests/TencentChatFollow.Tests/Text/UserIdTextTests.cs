using System.Text;
using TencentChatFollow.Text;
using Xunit;

namespace TencentChatFollow.Tests.Text;

/// <summary>What no Tencent user id can be, and how messages show an id.</summary>
public class UserIdTextTests
{
    [Theory]
    [InlineData("user001", "None", -1)]
    [InlineData("用户😀José", "None", -1)]                        // Chinese, emoji, accents: ids in practice
    [InlineData("u\0s\0e\0r\0", "Utf16", 1)]                    // a UTF-16 line read as UTF-8
    [InlineData("\0u\0s\0e\0r\0", "Utf16", 0)]                  // the line after it: the line break's second byte first
    [InlineData("\0", "Utf16BlankLine", 0)]                     // a blank line of it
    [InlineData("nul\0id", "Control", 3)]                       // a NUL that is no UTF-16 shape
    [InlineData("ctl\u001b[31m", "Control", 3)]
    [InlineData("del\u007f", "Control", 3)]
    [InlineData("c1\u0085x", "Control", 2)]
    [InlineData("tab\tid", "Control", 3)]
    public void Flaw_tells_what_no_id_can_hold_and_where(string id, string flaw, int at)
    {
        Assert.Equal(flaw, UserIdText.Flaw(id, out var where).ToString());
        Assert.Equal(at, where);
    }

    [Fact]
    public void Half_a_surrogate_pair_is_a_flaw_a_whole_pair_is_not()
    {
        Assert.Equal(IdFlaw.HalfSurrogate, UserIdText.Flaw("\ud800lone", out var at));
        Assert.Equal(0, at);
        Assert.Equal(IdFlaw.HalfSurrogate, UserIdText.Flaw("emoji\ud83d", out at));
        Assert.Equal(5, at);
        Assert.Equal(IdFlaw.HalfSurrogate, UserIdText.Flaw("x\ude00", out _));
        Assert.Equal(IdFlaw.None, UserIdText.Flaw("\ud83d\ude00", out _));
    }

    [Theory]
    [InlineData("José")]                  // UTF-8 read as Latin-1 (PowerShell 7's -Encoding latin1)
    [InlineData("界界界界界界界界界界ab")]      // the 32-byte id of the audit, 62 bytes once misread
    [InlineData("用户")]
    public void Utf8_read_as_ansi_or_latin1_is_told(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.True(UserIdText.LooksMisread(Encoding.Latin1.GetString(bytes)));
        Assert.True(UserIdText.LooksMisread(Windows1252(bytes)), "as Windows PowerShell 5.1 reads it (ANSI, Windows-1252)");
    }

    [Theory]
    [InlineData(936, "张三")]       // Windows PowerShell 5.1 on Chinese (Simplified) Windows reads a UTF-8 file as GBK: 寮犱笁
    [InlineData(936, "用户01")]     // 鐢ㄦ埛01
    [InlineData(936, "José")]       // Jos茅
    [InlineData(932, "ユーザー")]    // on Japanese Windows, as Shift-JIS
    [InlineData(1251, "Пётр")]      // on Russian Windows, as Windows-1251: Рџ...
    public void Utf8_read_as_the_systems_ansi_code_page_is_told(int codePage, string text)
    {
        var ansi = CodePagesEncodingProvider.Instance.GetEncoding(codePage)!;
        var misread = ansi.GetString(Encoding.UTF8.GetBytes(text));
        Assert.True(UserIdText.LooksMisread(misread, ansi), $"UTF-8 {text} read as code page {codePage}: {misread}");
    }

    [Theory]
    [InlineData(936, "张三")]       // ids as typed, in the code page's own script
    [InlineData(936, "王小明")]
    [InlineData(936, "用户01")]
    [InlineData(932, "ユーザー")]
    [InlineData(1251, "Пётр")]
    [InlineData(936, "user001")]
    [InlineData(65001, "用户01")]   // a system whose ANSI code page is UTF-8 misreads nothing
    public void Text_in_the_systems_ansi_code_page_that_is_no_misread_utf8_is_not_told(int codePage, string text)
    {
        var ansi = codePage == 65001 ? Encoding.UTF8 : CodePagesEncodingProvider.Instance.GetEncoding(codePage)!;
        Assert.False(UserIdText.LooksMisread(text, ansi));
    }

    [Theory]
    [InlineData("user001")]
    [InlineData("José")]          // Latin-1 text that is no UTF-8
    [InlineData("Ã")]             // alone, not a UTF-8 sequence
    [InlineData("界界")]
    [InlineData("😀")]
    public void Text_that_is_not_misread_utf8_is_not_told(string text)
    {
        Assert.False(UserIdText.LooksMisread(text));
    }

    [Theory]
    [InlineData("a,b", ',')]
    [InlineData("a;b", ';')]
    [InlineData("a\uFF0Cb", '\uFF0C')]    // full-width comma
    [InlineData("a\u3001b", '\u3001')]    // ideographic comma
    [InlineData("a\u060Cb", '\u060C')]    // Arabic comma
    [InlineData("a\uFF1Bb", '\uFF1B')]    // full-width semicolon
    [InlineData("a b,c", ',')]            // a comma before white space
    [InlineData("a b", ' ')]
    [InlineData("a\tb", ' ')]
    [InlineData("a\u3000b", ' ')]         // ideographic space
    public void Separator_knows_the_commas_and_semicolons_of_other_scripts_and_white_space(string text, char separator)
    {
        Assert.Equal(separator, UserIdText.Separator(text));
    }

    [Fact]
    public void Separator_is_null_for_an_id_without_one()
    {
        Assert.Null(UserIdText.Separator("user001"));
        Assert.Equal(@"\s+", UserIdText.SplitPattern(' '));
        Assert.Equal("，", UserIdText.SplitPattern('，'));
    }

    [Theory]
    [InlineData("user001", "'user001'")]
    [InlineData("user\u200b002", "'user\\u200B002'")]
    [InlineData("\ufeffuser040", "'\\uFEFFuser040'")]
    [InlineData("ctl\u001b[31m", "'ctl\\u001B[31m'")]
    [InlineData("bidi\u202eLTR", "'bidi\\u202ELTR'")]
    [InlineData("José", "'José'")]                                    // NFC
    [InlineData("Jose\u0301", "'Jose\u0301' (decomposed: NFD)")]
    [InlineData("e\u0301\u00e9", "'e\u0301\u00e9' (not in Unicode form NFC)")]   // neither form
    public void Show_makes_invisible_characters_visible_and_says_when_an_id_is_not_NFC(string id, string shown)
    {
        Assert.Equal(shown, UserIdText.Show(id));
    }

    [Fact]
    public void Show_escapes_half_a_pair()
    {
        Assert.Equal("'\\uD800lone'", UserIdText.Show("\ud800lone"));
    }

    [Fact]
    public void ShowLong_never_cuts_a_surrogate_pair_and_counts_characters_as_the_reader_sees_them()
    {
        var shown = UserIdText.ShowLong(new string('a', 39) + "😀bbbb");
        Assert.Equal("\"" + new string('a', 39) + "😀...\" (47 bytes, 44 characters)", shown);
        Assert.Null(Utf16Text.LoneSurrogate(shown));
        Assert.Equal("\"" + new string('x', 40) + "...\" (2,000 bytes)", UserIdText.ShowLong(new string('x', 2000)));
        Assert.Equal("\"" + new string('界', 11) + "\" (33 bytes, 11 characters)", UserIdText.ShowLong(new string('界', 11)));
        Assert.Equal("\"a`nb`tc\\u001B" + new string('d', 40 - 6) + "...\" (50 bytes)", UserIdText.ShowLong("a\nb\tc\u001b" + new string('d', 44)));
    }

    [Fact]
    public void A_letter_and_its_accent_count_as_one_character_and_are_never_parted()
    {
        var text = string.Concat(Enumerable.Repeat("e\u0301", 41));
        Assert.Equal(41, UserIdText.Characters(text));
        Assert.Equal(string.Concat(Enumerable.Repeat("e\u0301", 40)) + "...", UserIdText.Cut(text, 40));
    }

    [Theory]
    [InlineData("a", false)]
    [InlineData("12345678901234567890123456789012", false)]     // 32 bytes
    [InlineData("123456789012345678901234567890123", true)]
    [InlineData("界界界界界界界界界界ab", false)]                  // 32 bytes in 12 characters
    [InlineData("界界界界界界界界界界界", true)]                   // 33 bytes
    public void TooLong_counts_utf8_bytes(string id, bool tooLong)
    {
        Assert.Equal(tooLong, UserIdText.TooLong(id));
    }

    /// <summary>Bytes as Windows-1252 reads them (0x80-0x9F are letters and marks there, controls in Latin-1).</summary>
    private static string Windows1252(byte[] bytes)
    {
        const string high = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";
        var text = new StringBuilder();
        foreach (var b in bytes) text.Append(b is >= 0x80 and <= 0x9F ? high[b - 0x80] : (char)b);
        return text.ToString();
    }
}
