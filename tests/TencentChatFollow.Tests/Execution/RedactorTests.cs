using System.Text.Json;
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

    /// <summary>
    /// Valid JSON answers whose strings hold a usersig or the sig itself, each in a way that raw-text scrubbing could
    /// break or miss: a quote escaped right after the value, backslashes, \u escapes (in the value, the name, the sig),
    /// the sig as a field name, deep in arrays, beside a half surrogate pair.
    /// </summary>
    public static TheoryData<string> JsonWithSecrets => new()
    {
        """{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Note":"see usersig=abc\"def"}""",
        """{"Note":"usersig=abc\\"}""",
        """{"Note":"usersig=abc\\\"x\\y"}""",
        """{"Note":"\u0075sersig=abc&b=\u00e9"}""",
        """{"Note":"usersig=\u0061bc\u0022 then \ud83d\ude00"}""",
        $$"""{"ErrorInfo":"bad sig \"{{Sig}}\" here"}""",
        $$"""{"Echo":"\u{{((int)Sig[0]).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)}}{{Sig[1..]}}"}""",
        $$"""{"{{Sig}}":1,"a":[[{"b":["x", "usersig={{Sig}}\n"]}]]}""",
        """{"a":"\uD800 usersig=abc\"def","b":"usersig=abc"}""",
    };

    [Theory]
    [MemberData(nameof(JsonWithSecrets))]
    public void Scrubbing_a_JSON_answer_keeps_it_valid_JSON_and_takes_every_secret_out_of_its_strings(string json)
    {
        using var before = JsonDocument.Parse(json); // the case itself is valid JSON

        var scrubbed = Redactor.ScrubJson(json, Sig);

        using var after = JsonDocument.Parse(scrubbed);
        var strings = Strings(after.RootElement).ToList();
        Assert.Contains(strings, s => s.Contains("<redacted>", StringComparison.Ordinal));
        Assert.DoesNotContain(strings, s => s.Contains(Sig, StringComparison.Ordinal) || s.Contains("usersig=abc", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Sig, scrubbed, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(JsonWithSecrets))]
    public void Scrubbing_JSON_as_text_keeps_it_valid_JSON(string json)
    {
        using var _ = JsonDocument.Parse(Redactor.Scrub(json, Sig));
    }

    [Theory]
    [InlineData("""{"Note":"see usersig=abc\"def"}""", """{"Note":"see usersig=<redacted>\"def"}""")]
    [InlineData("""{"Note":"usersig=abc\\"}""", """{"Note":"usersig=<redacted>\\"}""")]
    [InlineData("""{"a" : 1.50e400, "b":"\u00e9\/", "c":"usersig=abc", "d":[ true ,null]}""", """{"a" : 1.50e400, "b":"\u00e9\/", "c":"usersig=<redacted>", "d":[ true ,null]}""")]
    [InlineData("""{"Note":"<usersig=abc>"}""", """{"Note":"<usersig=<redacted>"}""")]
    public void Only_the_strings_that_held_a_secret_change_and_the_rest_is_kept_as_written(string json, string expected)
    {
        Assert.Equal(expected, Redactor.ScrubJson(json, Sig));
    }

    [Theory]
    [InlineData("""{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Note":"\u00e9 \"quoted\" 1e400"}""")]
    [InlineData("""  [ 1 , "usersig" , {"usersig":"="} ]  """)]
    public void JSON_without_secrets_comes_back_as_it_was(string json)
    {
        Assert.Same(json, Redactor.ScrubJson(json, Sig));
    }

    [Theory]
    [InlineData("not JSON usersig=abc")]
    [InlineData("{\"Note\":\"usersig=abc\\\"def")]
    public void Text_that_is_not_JSON_is_scrubbed_as_text(string text)
    {
        Assert.Equal(Redactor.Scrub(text, Sig), Redactor.ScrubJson(text, Sig));
        Assert.DoesNotContain("abc", Redactor.ScrubJson(text, Sig), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"u\":\"usersig=abc\\\"def\"}", "{\"u\":\"usersig=<redacted>\"}")]
    [InlineData("\"usersig=\\u0065Jyr\\u002A\"", "\"usersig=<redacted>\"")]
    [InlineData("usersig=abc\\ def", "usersig=<redacted>\\ def")]
    public void A_backslash_in_a_usersig_value_goes_with_the_character_after_it(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Scrub(text));
    }

    /// <summary>Every string of a JSON value, names included; one with half a surrogate pair as it is written.</summary>
    private static IEnumerable<string> Strings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                string text;
                try
                {
                    text = element.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    text = element.GetRawText();
                }
                yield return text;
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    yield return property.Name;
                    foreach (var s in Strings(property.Value)) yield return s;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var s in Strings(item)) yield return s;
                }
                break;
        }
    }
}
