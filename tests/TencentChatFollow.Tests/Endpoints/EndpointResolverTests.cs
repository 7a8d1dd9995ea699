using TencentChatFollow.Endpoints;
using Xunit;

namespace TencentChatFollow.Tests.Endpoints;

public class EndpointResolverTests
{
    // The table of tencent-chat-rest.md ("Domains"), typed in from the reference, not from the code.
    public static TheoryData<ChatRegion, string> ReferenceDomains() => new()
    {
        { ChatRegion.China, "console.tim.qq.com" },
        { ChatRegion.Singapore, "adminapisgp.im.qcloud.com" },
        { ChatRegion.Seoul, "adminapikr.im.qcloud.com" },
        { ChatRegion.Tokyo, "adminapijpn.im.qcloud.com" },
        { ChatRegion.Frankfurt, "adminapiger.im.qcloud.com" },
        { ChatRegion.Mumbai, "adminapiind.im.qcloud.com" },
        { ChatRegion.SiliconValley, "adminapiusa.im.qcloud.com" },
        { ChatRegion.Jakarta, "adminapiidn.im.qcloud.com" },
    };

    [Theory]
    [MemberData(nameof(ReferenceDomains))]
    public void ForRegion_gives_the_https_root_of_the_reference_domain(ChatRegion region, string domain)
    {
        var uri = EndpointResolver.ForRegion(region);

        Assert.Equal("https://" + domain + "/", uri.AbsoluteUri);
        Assert.Equal(new Uri("https://" + domain + "/v4/follow/follow_get_info"), new Uri(uri, "v4/follow/follow_get_info"));
    }

    [Fact]
    public void Every_region_of_the_enum_is_in_the_reference_table()
    {
        var documented = ReferenceDomains().Select(row => (ChatRegion)row[0]).ToHashSet();
        Assert.Equal(documented.OrderBy(r => r), Enum.GetValues<ChatRegion>().OrderBy(r => r));
    }

    [Fact]
    public void ForRegion_refuses_a_value_outside_the_enum()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EndpointResolver.ForRegion((ChatRegion)99));
    }

    [Theory]
    [InlineData("https://adminapisgp.im.qcloud.com", "https://adminapisgp.im.qcloud.com/")]
    [InlineData("https://adminapisgp.im.qcloud.com/", "https://adminapisgp.im.qcloud.com/")]
    [InlineData("https://proxy.example.com/tencent", "https://proxy.example.com/tencent/")]
    [InlineData("https://proxy.example.com/tencent/", "https://proxy.example.com/tencent/")]
    [InlineData("https://proxy.example.com:8443/a/b", "https://proxy.example.com:8443/a/b/")]
    [InlineData("HTTPS://Adminapisgp.IM.qcloud.com", "https://adminapisgp.im.qcloud.com/")]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://127.0.0.1:5080/", "http://127.0.0.1:5080/")]
    [InlineData("http://127.45.6.7:5080", "http://127.45.6.7:5080/")]
    [InlineData("http://localhost:5080", "http://localhost:5080/")]
    [InlineData("http://LOCALHOST:5080/emu", "http://localhost:5080/emu/")]
    [InlineData("http://[::1]:5080", "http://[::1]:5080/")]
    public void ValidateEndpoint_accepts_https_anywhere_and_http_on_loopback_and_ends_in_a_slash(string input, string expected)
    {
        var uri = EndpointResolver.ValidateEndpoint(new Uri(input));

        Assert.Equal(expected, uri.AbsoluteUri);
        // The API path is appended to it, not put in place of its last segment.
        Assert.EndsWith("/v4/follow/follow_get_info", new Uri(uri, "v4/follow/follow_get_info").AbsolutePath);
        Assert.StartsWith(new Uri(expected).AbsolutePath, new Uri(uri, "v4/follow/follow_get_info").AbsolutePath);
    }

    [Theory]
    [InlineData("http://adminapisgp.im.qcloud.com", "plain http")]
    [InlineData("http://10.0.0.1:5080", "plain http")]
    [InlineData("http://192.168.1.10", "plain http")]
    [InlineData("http://128.0.0.1", "plain http")]
    [InlineData("http://localhost.example.com", "plain http")]
    [InlineData("http://127.0.0.1.example.com", "plain http")]
    [InlineData("http://[::2]:5080", "plain http")]
    [InlineData("http://0.0.0.0:5080", "plain http")]
    [InlineData("ftp://127.0.0.1/", "https")]
    [InlineData("file:///srv/x", "https")]
    [InlineData("https://example.com/?sdkappid=1", "query")]
    [InlineData("https://example.com/base?x", "query")]
    [InlineData("https://example.com/#frag", "fragment")]
    [InlineData("https://user:pass@example.com/", "user info")]
    [InlineData("http://user@127.0.0.1:5080/", "user info")]
    public void ValidateEndpoint_refuses_what_it_should_and_says_why(string input, string why)
    {
        var ex = Assert.Throws<ArgumentException>(() => EndpointResolver.ValidateEndpoint(new Uri(input)));
        Assert.Contains(why, ex.Message);
    }

    [Fact]
    public void ValidateEndpoint_does_not_show_the_password_of_a_refused_uri()
    {
        var ex = Assert.Throws<ArgumentException>(() => EndpointResolver.ValidateEndpoint(new Uri("https://user:hunter2secret@example.com/")));
        Assert.DoesNotContain("hunter2secret", ex.Message);
    }

    [Fact]
    public void ValidateEndpoint_does_not_show_a_refused_query()
    {
        var ex = Assert.Throws<ArgumentException>(() => EndpointResolver.ValidateEndpoint(new Uri("https://example.com/v4?usersig=eJySECRETSIG&x=1")));
        Assert.DoesNotContain("eJySECRETSIG", ex.Message);
        Assert.Contains("https://example.com/v4", ex.Message);
    }

    [Fact]
    public void ValidateEndpoint_refuses_relative_and_null_uris()
    {
        Assert.Throws<ArgumentException>(() => EndpointResolver.ValidateEndpoint(new Uri("/v4/follow", UriKind.Relative)));
        Assert.Throws<ArgumentNullException>(() => EndpointResolver.ValidateEndpoint(null!));
    }

    [Theory]
    [InlineData("China", ChatRegion.China)]
    [InlineData("china", ChatRegion.China)]
    [InlineData("SiliconValley", ChatRegion.SiliconValley)]
    [InlineData("siliconvalley", ChatRegion.SiliconValley)]
    [InlineData("SILICONVALLEY", ChatRegion.SiliconValley)]
    [InlineData("  Jakarta \t", ChatRegion.Jakarta)]
    [InlineData("tokyo", ChatRegion.Tokyo)]
    [InlineData("Frankfurt", ChatRegion.Frankfurt)]
    public void TryParseRegion_accepts_region_names_in_any_case(string text, ChatRegion expected)
    {
        Assert.True(EndpointResolver.TryParseRegion(text, out var region));
        Assert.Equal(expected, region);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Mars")]
    [InlineData("Silicon Valley")]
    [InlineData("99")]
    [InlineData("-1")]
    public void TryParseRegion_refuses_what_is_not_a_region(string? text)
    {
        Assert.False(EndpointResolver.TryParseRegion(text, out _));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("0")]
    [InlineData(" 7 ")]
    [InlineData("+1")]
    [InlineData("China,Seoul")]
    public void TryParseRegion_refuses_numbers_and_lists_that_Enum_TryParse_would_take(string text)
    {
        Assert.False(EndpointResolver.TryParseRegion(text, out _));
    }
}
