using TencentChatFollow.Auth;
using Xunit;

namespace TencentChatFollow.Tests.Auth;

public class TencentBase64Tests
{
    [Fact]
    public void Encode_replaces_the_three_characters_and_round_trips()
    {
        // 0xFB 0xFF encodes to "+/8=" in standard Base64.
        Assert.Equal("*-8_", TencentBase64.Encode([0xFB, 0xFF]));

        var random = new Random(42);
        for (var length = 0; length < 64; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var text = TencentBase64.Encode(data);
            Assert.DoesNotContain('+', text);
            Assert.DoesNotContain('/', text);
            Assert.DoesNotContain('=', text);
            Assert.Equal(data, TencentBase64.Decode(text));
        }
    }

    [Theory]
    [InlineData("+-8_")]   // standard alphabet character
    [InlineData("*/8_")]
    [InlineData("*-8=")]
    [InlineData("*-8")]    // bad length
    [InlineData("ab cd")]  // whitespace
    [InlineData("é")]
    public void Decode_rejects_bad_input(string text)
    {
        Assert.Throws<FormatException>(() => TencentBase64.Decode(text));
    }
}
