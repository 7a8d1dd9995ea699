using TencentChatFollow.Runtime;
using Xunit;

namespace TencentChatFollow.Tests.Runtime;

public class PowerShellSupportTests
{
    [Theory]
    [InlineData("5.1")]
    [InlineData("5.1.22621.4391")]   // Windows PowerShell 5.1 as $PSVersionTable shows it
    [InlineData("7.4")]
    [InlineData("7.4.0")]
    [InlineData("7.4.6")]
    [InlineData("7.5.4")]
    [InlineData("7.6.9")]
    [InlineData("8.0")]
    public void Runs_on_windows_powershell_51_and_powershell_74_or_later(string version)
        => Assert.Null(PowerShellSupport.Refusal(Version.Parse(version)));

    [Theory]
    [InlineData("7.0.13", "7.0.13")]
    [InlineData("7.1.7", "7.1.7")]
    [InlineData("7.2.24", "7.2.24")]   // Azure Automation's PowerShell 7.2 runtime
    [InlineData("7.2", "7.2")]
    [InlineData("7.3.12", "7.3.12")]
    [InlineData("6.2.7", "6.2.7")]
    [InlineData("5.0.10586.117", "5.0.10586")]
    public void Refuses_older_powershell_7_and_6_saying_what_is_needed(string version, string shown)
    {
        var message = PowerShellSupport.Refusal(Version.Parse(version));

        Assert.NotNull(message);
        Assert.StartsWith("TencentChatFollow needs Windows PowerShell 5.1 or PowerShell 7.4 or later; this is PowerShell " + shown + ".", message, StringComparison.Ordinal);
        Assert.Contains("Azure Automation", message, StringComparison.Ordinal);
        Assert.Contains("PowerShell 7.4 runtime", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Needs_a_version()
        => Assert.Throws<ArgumentNullException>(() => PowerShellSupport.Refusal(null!));
}
