using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace TencentChatFollow.Runtime;

/// <summary>
/// Windows PowerShell 5.1 (.NET Framework) has no System.Text.Json, and the copies the module ships there
/// disagree on versions (System.Memory was built against an older System.Runtime.CompilerServices.Unsafe than
/// System.Text.Json wants), which PowerShell cannot fix with binding redirects. This maps a requested assembly
/// to the copy in the module's dependencies folder, whatever version is asked for: what a binding redirect
/// would do. PowerShell 7 has these assemblies in the box and must use those, so the resolver is for .NET
/// Framework only (<see cref="AppliesTo"/>). The module's initializer hooks <see cref="Resolve"/> to
/// AppDomain.AssemblyResolve; tests/Mono runs the same hook under Mono, which stands in for .NET Framework here.
/// </summary>
internal sealed class DependencyResolver
{
    /// <summary>The folder, beside the module's DLL, that holds the shipped dependencies.</summary>
    public const string FolderName = "dependencies";

    private readonly Dictionary<string, string> _paths = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Assembly> _loaded = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="dependencyFolder">Full path of the dependencies folder.</param>
    /// <param name="fileNames">The .dll files in it (names only).</param>
    public DependencyResolver(string dependencyFolder, IEnumerable<string> fileNames)
    {
        foreach (var file in fileNames)
        {
            if (string.Equals(Path.GetExtension(file), ".dll", StringComparison.OrdinalIgnoreCase))
            {
                _paths[Path.GetFileNameWithoutExtension(file)] = Path.Combine(dependencyFolder, file);
            }
        }
    }

    /// <summary>The resolver for the dependencies folder beside the module's DLL, or null when there is no such folder.</summary>
    /// <param name="moduleFolder">The folder that holds the module's DLLs.</param>
    public static DependencyResolver? ForModule(string moduleFolder)
    {
        var folder = Path.Combine(moduleFolder, FolderName);
        return Directory.Exists(folder) ? new DependencyResolver(folder, Directory.GetFiles(folder, "*.dll").Select(Path.GetFileName)) : null;
    }

    /// <summary>
    /// An AppDomain.AssemblyResolve handler: the shipped copy of a requested assembly, loaded once, or null to
    /// leave the request to the runtime.
    /// </summary>
    public Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        var path = PathFor(args.Name);
        return path is null ? null : _loaded.GetOrAdd(path, Assembly.LoadFrom);
    }

    /// <summary>True on .NET Framework (Windows PowerShell), false on .NET (PowerShell 7).</summary>
    public static bool AppliesTo(string frameworkDescription)
        => frameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

    /// <summary>The shipped file for a requested assembly (any version), or null when it is not one of ours.</summary>
    public string? PathFor(string requestedFullName)
    {
        string? simpleName;
        try
        {
            simpleName = new AssemblyName(requestedFullName).Name;
        }
        catch (Exception ex) when (ex is ArgumentException or FileLoadException)
        {
            return null;
        }
        return simpleName is not null && _paths.TryGetValue(simpleName, out var path) ? path : null;
    }
}
