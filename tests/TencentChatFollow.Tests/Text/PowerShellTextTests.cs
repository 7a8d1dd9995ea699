using TencentChatFollow.Text;
using Xunit;

namespace TencentChatFollow.Tests.Text;

/// <summary>Values in the commands messages suggest: they must run as written (the Pester suite parses them too).</summary>
public class PowerShellTextTests
{
    [Theory]
    [InlineData("user001", "'user001'")]
    [InlineData("o'brien", "'o''brien'")]
    [InlineData("o\u2019brien", "'o\u2019\u2019brien'")]                 // a typographic quote is a quote to PowerShell too
    [InlineData("$x `y \"z\"", "'$x `y \"z\"'")]                       // nothing expands in single quotes
    [InlineData("用户 ID", "'用户 ID'")]
    public void Quote_writes_a_single_quoted_string_with_its_quotes_doubled(string text, string quoted)
    {
        Assert.Equal(quoted, PowerShellText.Quote(text));
    }

    [Theory]
    [InlineData("user\u200b002", "\"user$([char]0x200B)002\"")]
    [InlineData("$a\u200b`\"\u201c", "\"`$a$([char]0x200B)```\"`\u201c\"")]
    public void Quote_writes_invisible_characters_as_char_expressions_windows_powershell_reads_too(string text, string quoted)
    {
        Assert.Equal(quoted, PowerShellText.Quote(text));
    }

    [Fact]
    public void Quote_writes_half_a_surrogate_pair_as_a_char_expression()
    {
        // Not in InlineData: an attribute's string cannot hold half a pair.
        Assert.Equal("\"$([char]0xD800)lone\"", PowerShellText.Quote("\ud800lone"));
    }

    [Theory]
    [InlineData("UserId", "UserId")]
    [InlineData("用户ID", "用户ID")]
    [InlineData("user_id", "user_id")]
    [InlineData("User ID", "'User ID'")]
    [InlineData("user-id", "'user-id'")]
    [InlineData("o'id", "'o''id'")]
    [InlineData("1st", "'1st'")]
    [InlineData("UserId;\"FollowerCount\"", "'UserId;\"FollowerCount\"'")]
    public void Member_is_a_name_after_a_dot_quoted_unless_simple(string name, string member)
    {
        Assert.Equal(member, PowerShellText.Member(name));
    }
}
