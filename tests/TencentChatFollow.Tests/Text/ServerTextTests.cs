using TencentChatFollow.Text;
using Xunit;

namespace TencentChatFollow.Tests.Text;

/// <summary>The server's text, made safe for a message: nothing in it can steer a console or forge a line of a log.</summary>
public class ServerTextTests
{
    [Theory]
    [InlineData("\u001b[2J\u001b[31mred", "\\u001B[2J\\u001B[31mred")]           // clear the screen, recolour
    [InlineData("a\r\nWARNING: fake", "a\\u000D\\u000AWARNING: fake")]          // a forged log line
    [InlineData("\u001b]0;title\u0007", "\\u001B]0;title\\u0007")]              // OSC: the window's title, BEL
    [InlineData("tab\there\0", "tab\\u0009here\\u0000")]
    [InlineData("del\u007f", "del\\u007F")]
    [InlineData("csi\u009b31m nel\u0085", "csi\\u009B31m nel\\u0085")]           // C1: CSI and NEL
    [InlineData("a\u2028b\u2029c", "a\\u2028b\\u2029c")]                         // line and paragraph separators
    [InlineData("x\u202egnp.exe\u202c \u2066i\u2069 \u200e\u200f\u061c", "x\\u202Egnp.exe\\u202C \\u2066i\\u2069 \\u200E\\u200F\\u061C")] // bidi
    [InlineData("user\u200b002 \ufeffbom soft\u00adhyphen word\u2060joiner", "user\\u200B002 \\uFEFFbom soft\\u00ADhyphen word\\u2060joiner")] // invisible: zero-width, BOM, soft hyphen
    [InlineData("zwnj\u200c zwj\u200d", "zwnj\\u200C zwj\\u200D")]
    public void Control_characters_are_written_as_visible_escapes(string text, string expected)
    {
        Assert.Equal(expected, ServerText.Safe(text));
    }

    [Fact]
    public void A_format_character_outside_the_basic_plane_is_escaped_as_its_pair()
    {
        Assert.Equal("tag \\uDB40\\uDC01 and 😀", ServerText.Safe("tag \udb40\udc01 and \ud83d\ude00")); // U+E0001 LANGUAGE TAG
    }

    [Fact]
    public void Half_a_surrogate_pair_is_escaped_and_a_whole_pair_kept()
    {
        // Not in InlineData: an attribute's string cannot hold half a pair.
        Assert.Equal("half \\uD800 pair, \\uDC00 and 😀", ServerText.Safe("half \ud800 pair, \udc00 and \ud83d\ude00"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("usersig expired")]
    [InlineData("用户不存在 é 😀 <redacted>")]
    public void Text_that_steers_nothing_is_kept_as_it_is(string text)
    {
        Assert.Equal(text, ServerText.Safe(text));
    }

    [Fact]
    public void Null_is_empty()
    {
        Assert.Equal("", ServerText.Safe(null));
    }

    [Fact]
    public void Long_text_is_cut_at_the_bound_with_an_ellipsis_and_never_inside_an_escape_or_a_pair()
    {
        var safe = ServerText.Safe(new string('x', 10_000));
        Assert.Equal(new string('x', ServerText.MaxShown) + "...", safe);

        var escapes = ServerText.Safe(new string('\u001b', 10_000), 20);
        Assert.Equal(string.Concat(Enumerable.Repeat("\\u001B", 3)) + "...", escapes);

        var emoji = ServerText.Safe("ab😀", 3);
        Assert.Equal("ab...", emoji);
        Assert.Equal(new string('x', 40), ServerText.Safe(new string('x', 40), 40));
    }
}
