using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.InteropServices;
using TencentChatFollow.Runtime;

namespace TencentChatFollow.Internal;

/// <summary>
/// On import: refuses PowerShell 6 and 7.0 to 7.3 at once with a message that says what is needed
/// (<see cref="PowerShellSupport"/>), instead of a type-load error at the first call; on Windows PowerShell 5.1,
/// loads System.Text.Json and its dependencies from the module's dependencies folder before any of the module's
/// code that uses them runs, and answers AssemblyResolve for the versions they disagree on
/// (<see cref="DependencyResolver"/>, which says why this holds beside Az.Accounts and Microsoft.Graph whichever
/// came first); removes that handler when the module is removed. On PowerShell 7.4+ nothing is loaded from the
/// dependencies folder: the in-box assemblies are used.
/// </summary>
/// <remarks>
/// PowerShell reflects over this assembly's types (cmdlets, parameters, attributes) before it calls OnImport, so
/// this assembly must not reference System.Text.Json or any other shipped dependency itself: only Core does, and
/// Core's code that uses them is compiled after OnImport. tests/Pester/WindowsPowerShell51.Tests.ps1 checks it.
/// </remarks>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly object ResolverLock = new();
    private static DependencyResolver? _resolver;

    /// <summary>
    /// Where OnImport reads the PowerShell version. Only tests replace it (through reflection, before
    /// Import-Module), to see an older PowerShell refused on the PowerShell they run on.
    /// </summary>
    internal static Func<Version> ReadPowerShellVersion { get; set; } = PowerShellVersion;

    public void OnImport()
    {
        // Before anything that needs System.Text.Json: on 7.0-7.3 that would be the type-load error this avoids.
        if (PowerShellSupport.Refusal(ReadPowerShellVersion()) is { } refusal) throw new PlatformNotSupportedException(refusal);

        if (!DependencyResolver.AppliesTo(RuntimeInformation.FrameworkDescription)) return;
        // Loaded once for the process (each runspace that imports the module adds its handler; Remove-Module takes
        // one away). The loading stays: .NET Framework cannot unload an assembly.
        lock (ResolverLock)
        {
            var module = typeof(ModuleInitializer).Assembly;
            _resolver ??= DependencyResolver.LoadForModule(Path.GetDirectoryName(module.Location)!, module);
        }
        if (_resolver is not null) AppDomain.CurrentDomain.AssemblyResolve += _resolver.Resolve;
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (_resolver is not null) AppDomain.CurrentDomain.AssemblyResolve -= _resolver.Resolve;
    }

    /// <summary>$PSVersionTable.PSVersion of the importing PowerShell.</summary>
    private static Version PowerShellVersion()
    {
        if (Runspace.DefaultRunspace?.Version is { } version) return version;
        // No runspace on this thread (a host importing from elsewhere): .NET Framework means Windows PowerShell
        // (the manifest asks for 5.1); on .NET, PowerShell's own assembly carries its major and minor version.
        return DependencyResolver.AppliesTo(RuntimeInformation.FrameworkDescription)
            ? new Version(5, 1)
            : typeof(PSObject).Assembly.GetName().Version!;
    }
}
