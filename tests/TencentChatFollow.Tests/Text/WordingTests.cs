using TencentChatFollow.Text;
using Xunit;

namespace TencentChatFollow.Tests.Text;

public class WordingTests
{
    [Theory]
    [InlineData(0, "0 ids")]
    [InlineData(1, "1 id")]
    [InlineData(2, "2 ids")]
    [InlineData(20, "20 ids")]
    public void Ids_uses_the_singular_for_one(long count, string expected)
    {
        Assert.Equal(expected, Wording.Ids(count));
    }

    [Fact]
    public void UserMessage_drops_the_parameter_name_dotnet_appends()
    {
        Assert.Equal("Endpoint 'x' is bad.", Wording.UserMessage(new ArgumentException("Endpoint 'x' is bad.", "endpoint")));
        Assert.Equal("Out of range.", Wording.UserMessage(new ArgumentOutOfRangeException("maxRetry", 99, "Out of range.")));
        Assert.Equal("Plain.", Wording.UserMessage(new ArgumentException("Plain.")));
        Assert.Equal("Not an argument (Parameter 'x')", Wording.UserMessage(new InvalidOperationException("Not an argument (Parameter 'x')")));
    }
}
