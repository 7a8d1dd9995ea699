using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using TencentChatFollow.Runtime;

namespace TencentChatFollow.Internal;

/// <summary>
/// On import into Windows PowerShell 5.1, resolves System.Text.Json and its dependencies from the module's
/// dependencies folder (see <see cref="DependencyResolver"/>); removes the handler when the module is removed.
/// On PowerShell 7 it does nothing: the in-box assemblies are used.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly ConcurrentDictionary<string, Assembly> Loaded = new(StringComparer.OrdinalIgnoreCase);
    private static DependencyResolver? _resolver;

    public void OnImport()
    {
        if (!DependencyResolver.AppliesTo(RuntimeInformation.FrameworkDescription)) return;
        var folder = Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, DependencyResolver.FolderName);
        if (!Directory.Exists(folder)) return;
        _resolver = new DependencyResolver(folder, Directory.GetFiles(folder, "*.dll").Select(Path.GetFileName)!);
        AppDomain.CurrentDomain.AssemblyResolve += Resolve;
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
    }

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        var path = _resolver?.PathFor(args.Name);
        return path is null ? null : Loaded.GetOrAdd(path, Assembly.LoadFrom);
    }
}
