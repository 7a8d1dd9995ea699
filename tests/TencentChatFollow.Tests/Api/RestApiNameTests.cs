using TencentChatFollow.Api;
using Xunit;

namespace TencentChatFollow.Tests.Api;

public class RestApiNameTests
{
    [Theory]
    [InlineData("im_open_login_svc/account_check")]
    [InlineData("v4/im_open_login_svc/account_check")]
    [InlineData("/v4/im_open_login_svc/account_check")]
    [InlineData(" im_open_login_svc/account_check/ ")]
    public void Service_and_command_with_or_without_v4(string text)
    {
        var name = RestApiName.Parse(text);
        Assert.Equal(("im_open_login_svc", "account_check"), (name.Service, name.Command));
        Assert.Equal("v4/im_open_login_svc/account_check", name.Path);
        Assert.Equal("im_open_login_svc/account_check", name.Name);
    }

    [Fact]
    public void Case_is_kept_as_given()
        => Assert.Equal("v4/follow/Follow_Get_Info", RestApiName.Parse("follow/Follow_Get_Info").Path);

    [Theory]
    [InlineData("https://console.tim.qq.com/v4/im_open_login_svc/account_check", "must not hold a host ('https://console.tim.qq.com')", "Use -Api 'im_open_login_svc/account_check'")]
    [InlineData("console.tim.qq.com/v4/profile/portrait_get", "is not a REST API name", "")]
    [InlineData("im_open_login_svc/account_check?sdkappid=1400000001&usersig=eJyrSECRET", "must not hold a query string", "Use -Api 'im_open_login_svc/account_check'")]
    [InlineData("account_check", "is not a REST API name", "")]
    [InlineData("a/b/c", "is not a REST API name", "")]
    [InlineData("v4/../profile/portrait_get", "is not a REST API name", "")]
    [InlineData("profile/portrait get", "is not a REST API name", "")]
    [InlineData("", "-Api is empty", "")]
    public void Anything_else_is_refused_with_the_right_form(string text, string why, string suggestion)
    {
        Assert.False(RestApiName.TryParse(text, out var name, out var problem));
        Assert.Null(name);
        Assert.Contains(why, problem, StringComparison.Ordinal);
        Assert.Contains("'service/command', as in 'im_open_login_svc/account_check'", problem, StringComparison.Ordinal);
        if (suggestion.Length > 0) Assert.Contains(suggestion, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("sdkappid=", problem, StringComparison.Ordinal);
        Assert.Throws<System.ArgumentException>(() => RestApiName.Parse(text));
    }
}
