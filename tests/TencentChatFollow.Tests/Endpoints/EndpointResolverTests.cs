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
    [InlineData("HTTPS://Adminapisgp.IM.qcloud.com", "https://adminapisgp.im.qcloud.com/")]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://127.0.0.1:5080/", "http://127.0.0.1:5080/")]
    [InlineData("http://127.45.6.7:5080", "http://127.45.6.7:5080/")]
    [InlineData("http://localhost:5080", "http://localhost:5080/")]
    [InlineData("http://LOCALHOST:5080", "http://localhost:5080/")]
    [InlineData("http://[::1]:5080", "http://[::1]:5080/")]
    public void ValidateEndpoint_accepts_https_anywhere_and_http_on_loopback_and_ends_in_a_slash(string input, string expected)
    {
        var uri = EndpointResolver.ValidateEndpoint(new Uri(input));

        Assert.Equal(expected, uri.AbsoluteUri);
        // The API path is appended to it, not put in place of its last segment.
        Assert.EndsWith("/v4/follow/follow_get_info", new Uri(uri, "v4/follow/follow_get_info").AbsolutePath, StringComparison.Ordinal);
        Assert.StartsWith(new Uri(expected).AbsolutePath, new Uri(uri, "v4/follow/follow_get_info").AbsolutePath, StringComparison.Ordinal);
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
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
    }

    // Uri keeps an IPv6 zone id only in DnsSafeHost/IdnHost: GetLeftPart, AbsoluteUri and a relative Uri built on it
    // drop it, and HttpClient misreads the RFC 6874 form (%25eth0); a link-local call without it fails (EINVAL on Linux).
    [Theory]
    [InlineData("https://[fe80::1%25eth0]:8443", "'%25eth0'")]
    [InlineData("https://[fe80::1%eth0]:8443/", "'%eth0'")]
    [InlineData("https://[fe80::1%4]/v4/follow/follow_get_info", "'%4'")]
    [InlineData("http://[fe80::1%25eth0]:8080", "'%25eth0'")]
    [InlineData("http://[::1%lo]:5080", "'%lo'")]
    [InlineData("http://[::1%25lo]:5080", "'%25lo'")]
    public void CheckEndpoint_refuses_an_IPv6_zone_id_instead_of_dropping_it(string input, string zone)
    {
        var ex = Assert.Throws<ArgumentException>(() => EndpointResolver.CheckEndpoint(new Uri(input)));
        Assert.Contains("IPv6 zone id " + zone, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Pass the address without it", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080/v4/follow/follow_get_info", "http://127.0.0.1:5080/")]
    [InlineData("https://adminapisgp.im.qcloud.com/v4/follow/follow_get_info", "https://adminapisgp.im.qcloud.com/")]
    [InlineData("https://adminapisgp.im.qcloud.com/V4/Follow/Follow_Get_Info", "https://adminapisgp.im.qcloud.com/")]
    [InlineData("https://console.tim.qq.com:443/v4/", "https://console.tim.qq.com/")]
    [InlineData("https://console.tim.qq.com/v4", "https://console.tim.qq.com/")]
    [InlineData("https://console.tim.qq.com/v4/im_open_login_svc/account_import", "https://console.tim.qq.com/")]
    public void CheckEndpoint_cuts_an_API_path_to_the_base_and_warns_naming_the_base(string input, string expected)
    {
        var result = EndpointResolver.CheckEndpoint(new Uri(input));

        Assert.Equal(expected, result.BaseUri.AbsoluteUri);
        Assert.NotNull(result.Warning);
        Assert.Contains("using the base URI " + expected.TrimEnd('/'), result.Warning, StringComparison.Ordinal);
        Assert.Equal(expected, EndpointResolver.ValidateEndpoint(new Uri(input)).AbsoluteUri);
    }

    [Theory]
    [InlineData("https://adminapisgp.im.qcloud.com")]
    [InlineData("https://adminapisgp.im.qcloud.com/")]
    [InlineData("http://127.0.0.1:5080")]
    public void CheckEndpoint_gives_no_warning_for_a_base_uri(string input)
    {
        Assert.Null(EndpointResolver.CheckEndpoint(new Uri(input)).Warning);
    }

    [Theory]
    [InlineData("https://proxy.example.com/tencent")]
    [InlineData("https://proxy.example.com:8443/a/b/")]
    [InlineData("http://127.0.0.1:5080/emu")]
    [InlineData("https://adminapisgp.im.qcloud.com/v4x/follow")]
    [InlineData("https://adminapisgp.im.qcloud.com/api/v4/follow/follow_get_info")]
    public void CheckEndpoint_refuses_any_other_path_and_says_to_pass_a_base_uri(string input)
    {
        var ex = Assert.Throws<ArgumentException>(() => EndpointResolver.CheckEndpoint(new Uri(input)));
        Assert.Contains("Pass a base URI such as https://adminapisgp.im.qcloud.com", ex.Message, StringComparison.Ordinal);
        Assert.Contains(new Uri(input).AbsolutePath, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.0.0.1:5080")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("https://example.com/?sdkappid=1")]
    [InlineData("https://example.com/base")]
    public void Refusals_name_no_parameter(string input)
    {
        var ex = Assert.Throws<ArgumentException>(() => EndpointResolver.CheckEndpoint(new Uri(input)));
        Assert.Null(ex.ParamName);
        Assert.DoesNotContain("(Parameter", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateEndpoint_does_not_show_the_password_of_a_refused_uri()
    {
        var ex = Assert.Throws<ArgumentException>(() => EndpointResolver.ValidateEndpoint(new Uri("https://user:hunter2secret@example.com/")));
        Assert.DoesNotContain("hunter2secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateEndpoint_does_not_show_a_refused_query()
    {
        var ex = Assert.Throws<ArgumentException>(() => EndpointResolver.ValidateEndpoint(new Uri("https://example.com/v4?usersig=eJySECRETSIG&x=1")));
        Assert.DoesNotContain("eJySECRETSIG", ex.Message, StringComparison.Ordinal);
        Assert.Contains("https://example.com/v4", ex.Message, StringComparison.Ordinal);
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
