using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;

namespace TencentChatFollow.MonoCheck.OtherModule;

/// <summary>
/// Another module in the process, as Az.Accounts and Microsoft.Graph.Authentication are on Windows PowerShell 5.1:
/// on import it loads every assembly of its folder by path (Az.Accounts' Add-Type over its preload list,
/// Microsoft.Graph's PreloadAssemblies) and adds its own AssemblyResolve handler, of one of two kinds.
/// </summary>
public static class OtherModule
{
    private static readonly Dictionary<string, Assembly> Loaded = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Imports the stand-in. kind "own": its handler answers only the versions it has; "any": it answers any
    /// version of a name it has with its copy (a catch-all redirect). Each answer is printed as
    /// "other-answered REQUESTED => VERSION". Returns the assemblies loaded, one "other-loaded NAME VERSION" each.
    /// </summary>
    public static IReadOnlyList<string> Import(string kind)
    {
        ResolveEventHandler handler = kind switch
        {
            "own" => (_, e) => Answer(e.Name, anyVersion: false),
            "any" => (_, e) => Answer(e.Name, anyVersion: true),
            _ => throw new ArgumentException($"Unknown kind '{kind}': own or any.", nameof(kind)),
        };
        var self = typeof(OtherModule).Assembly.Location;
        var folder = Path.GetDirectoryName(self)!;
        foreach (var file in Directory.GetFiles(folder, "*.dll").Where(f => !string.Equals(f, self, StringComparison.OrdinalIgnoreCase)))
        {
            var assembly = Assembly.LoadFrom(file);
            Loaded[assembly.GetName().Name!] = assembly;
        }
        AppDomain.CurrentDomain.AssemblyResolve += handler;
        return Loaded.Values.Select(a => $"other-loaded {a.GetName().Name} {a.GetName().Version} {a.Location}").OrderBy(l => l, StringComparer.Ordinal).ToList();
    }

    /// <summary>Uses its own System.Text.Json: "VERSION JSON" of the System.Text.Json it ran on.</summary>
    public static string Use()
        => $"{typeof(JsonSerializer).Assembly.GetName().Version} {JsonSerializer.Serialize(new Dictionary<string, int> { ["n"] = 1 })}";

    private static Assembly? Answer(string requested, bool anyVersion)
    {
        var name = new AssemblyName(requested);
        if (name.Name is null || !Loaded.TryGetValue(name.Name, out var assembly)) return null;
        if (!anyVersion && name.Version is not null && name.Version != assembly.GetName().Version) return null;
        Console.WriteLine($"other-answered {requested} => {assembly.GetName().Version}");
        return assembly;
    }
}
