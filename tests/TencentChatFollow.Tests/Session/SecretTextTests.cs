using System.Security;
using System.Text;
using TencentChatFollow.Session;
using Xunit;

namespace TencentChatFollow.Tests.Session;

public class SecretTextTests
{
    private static SecureString Secure(string text)
    {
        var s = new SecureString();
        foreach (var c in text) s.AppendChar(c);
        s.MakeReadOnly();
        return s;
    }

    [Theory]
    [InlineData("5bd2850fff3ecb11", "5bd2850fff3ecb11")]
    [InlineData("  5bd2850fff3ecb11\t\r\n", "5bd2850fff3ecb11")]
    [InlineData("\u00a0key with inner space\u2003", "key with inner space")]
    [InlineData("clé-秘密", "clé-秘密")]
    [InlineData("", "")]
    [InlineData(" \t\n ", "")]
    public void ToUtf8_gives_the_trimmed_UTF8_bytes(string input, string expected)
    {
        using var secure = Secure(input);
        Assert.Equal(Encoding.UTF8.GetBytes(expected), SecretText.ToUtf8(secure));
    }

    [Fact]
    public void ToUtf8_encodes_non_ascii_as_multibyte_UTF8()
    {
        using var secure = Secure("é");
        Assert.Equal(new byte[] { 0xC3, 0xA9 }, SecretText.ToUtf8(secure));
    }

    [Fact]
    public void ToUtf8_leaves_the_secure_string_usable()
    {
        using var secure = Secure(" abc ");
        SecretText.ToUtf8(secure);
        Assert.Equal(5, secure.Length);
        Assert.Equal(Encoding.UTF8.GetBytes("abc"), SecretText.ToUtf8(secure));
    }

    [Fact]
    public void ToUtf8_refuses_null()
    {
        Assert.Throws<ArgumentNullException>(() => SecretText.ToUtf8(null!));
    }
}
