using System;
using System.Globalization;

namespace TencentChatFollow.Runtime;

/// <summary>
/// Which PowerShell versions the module runs on: Windows PowerShell 5.1 (.NET Framework, with the shipped
/// dependencies) and PowerShell 7.4 or later (.NET 8 or later, whose System.Text.Json 8 the module uses).
/// PowerShell 6 and 7.0 to 7.3 run on older .NET, where the module would load and then fail at its first call
/// with a type-load error; the module initializer refuses them at Import-Module with <see cref="Refusal"/>.
/// The manifest cannot say this: its PowerShellVersion is a minimum only.
/// </summary>
internal static class PowerShellSupport
{
    /// <summary>The oldest PowerShell 7 the module runs on.</summary>
    public static readonly Version MinimumCore = new(7, 4);

    /// <summary>Null when the module runs on this PowerShell version; otherwise the message to refuse the import with.</summary>
    /// <param name="powerShellVersion">$PSVersionTable.PSVersion of the importing PowerShell.</param>
    public static string? Refusal(Version powerShellVersion)
    {
        if (powerShellVersion is null) throw new ArgumentNullException(nameof(powerShellVersion));
        var v = new Version(powerShellVersion.Major, powerShellVersion.Minor);
        if (v == new Version(5, 1) || v >= MinimumCore) return null;
        return string.Format(CultureInfo.InvariantCulture,
            "TencentChatFollow needs Windows PowerShell 5.1 or PowerShell {0} or later; this is PowerShell {1}. " +
            "PowerShell 6 and 7.0 to 7.3 run on .NET versions that lack the System.Text.Json 8 the module uses. " +
            "Install PowerShell {0} or later (in Azure Automation, give the runbook the PowerShell {0} runtime, or 5.1), then import the module again.",
            MinimumCore.ToString(2), Describe(powerShellVersion));
    }

    private static string Describe(Version version)
        => version.Build >= 0 ? version.ToString(3) : version.ToString(2);
}
