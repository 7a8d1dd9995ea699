using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

public class RedactorTests
{
    private const string Sig = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwjDB4pTsxIKCzBQlK0MTAyiAyKRWFGQWpQLFTU1NjeCiJZm5YDEzS0tDAyOYaHFmOtBM54KsUqeUwGLLqPK8UndHryCL-Lx8-1RPy7Ty1AijMk9f30hLk0x-r3CvSFulWgAPYy*9";

    [Theory]
    [InlineData("usersig")]
    [InlineData("UserSig")]
    [InlineData("USERSIG")]
    [InlineData("uSeRsIg")]
    public void The_usersig_query_value_is_removed_whatever_the_case(string name)
    {
        var url = $"https://console.tim.qq.com/v4/follow/follow_get_info?sdkappid=1400000000&identifier=admin&{name}={Sig}&random=42&contenttype=json";

        var scrubbed = Redactor.Scrub(url);

        Assert.DoesNotContain(Sig, scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("eJyr", scrubbed, StringComparison.Ordinal);
        Assert.Equal(url.Replace(Sig, "<redacted>", StringComparison.Ordinal), scrubbed);
    }

    [Theory]
    [InlineData("usersig=abc123", "usersig=<redacted>")]
    [InlineData("x?usersig=abc&random=1", "x?usersig=<redacted>&random=1")]
    [InlineData("usersig=abc def", "usersig=<redacted> def")]
    [InlineData("{\"url\":\"/v4?usersig=abc\"}", "{\"url\":\"/v4?usersig=<redacted>\"}")]
    [InlineData("'usersig=abc'", "'usersig=<redacted>'")]
    [InlineData("a usersig=one and usersig=two", "a usersig=<redacted> and usersig=<redacted>")]
    [InlineData("usersig=%2A%2Dabc", "usersig=<redacted>")]
    public void Only_the_value_is_removed_and_the_rest_is_kept(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Scrub(text));
    }

    [Fact]
    public void Given_secrets_are_removed_everywhere()
    {
        const string key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
        var text = $"key {key} and sig {Sig}, again {key}.";

        var scrubbed = Redactor.Scrub(text, key, Sig);

        Assert.Equal("key <redacted> and sig <redacted>, again <redacted>.", scrubbed);
    }

    [Fact]
    public void Short_empty_and_null_secrets_are_ignored()
    {
        const string text = "the account abc is at 1234567 and 12345678 here";

        Assert.Equal(text, Redactor.Scrub(text, "abc", "", null, "1234567"));
        Assert.Equal("the account abc is at 1234567 and <redacted> here", Redactor.Scrub(text, "abc", "12345678"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("nothing secret here")]
    [InlineData("sdkappid=1400000000&identifier=admin&random=5")]
    [InlineData("the word usersig alone is fine")]
    public void Text_without_secrets_is_unchanged(string text)
    {
        Assert.Equal(text, Redactor.Scrub(text, Sig));
    }

    [Fact]
    public void Null_text_becomes_empty()
    {
        Assert.Equal("", Redactor.Scrub(null, Sig));
    }
}
