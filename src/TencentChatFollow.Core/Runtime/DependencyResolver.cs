using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace TencentChatFollow.Runtime;

/// <summary>
/// Loads the module's own System.Text.Json 8 and its dependencies on Windows PowerShell 5.1 (.NET Framework),
/// where the runtime has none, so that the module's code binds to them whichever other module (Az.Accounts,
/// Microsoft.Graph.Authentication, ExchangeOnlineManagement) came first with other versions of the same
/// assemblies. PowerShell 7 has these assemblies in the box and must use those: the resolver is for .NET
/// Framework only (<see cref="AppliesTo"/>). tests/Mono runs the same code under Mono, beside a stand-in for
/// another module; README's "Windows PowerShell 5.1" section lists what that shows and what it cannot.
/// </summary>
/// <remarks>
/// <para>How .NET Framework binds, and why the loading is done this way:</para>
/// <list type="number">
/// <item>PowerShell 5.1 loads a module's DLL by path (Assembly.LoadFrom), so the module and Core live in the
/// load-from context. A reference from there is bound from the default context (the GAC and the host's
/// application base, after the host's binding policy), from an assembly with the same identity already loaded in
/// the load-from context, or from the requesting assembly's own folder; only when all of these fail is
/// AppDomain.AssemblyResolve raised. Strong-named references bind by exact version: nothing redirects them in
/// powershell.exe. (Suzanne Cook, "Choosing a Binding Context"; .NET docs, "Best practices for assembly
/// loading".)</item>
/// <item>AppDomain.AssemblyResolve calls its handlers in the order they were added until one returns an
/// assembly, and the runtime takes whatever it returns, another version included ("Resolve assembly loads"; the
/// AssemblyResolve reference page). So a handler that goes in only when our module is imported is asked after
/// Az.Accounts' or Microsoft.Graph's handler when those came first: if theirs answers System.Text.Json with
/// their 4.7.2 copy, our code runs against it and fails with MissingMethodException, as in
/// MilestoneSystemsInc/PowerShellSamples issue 167 (Az.Accounts' System.Text.Json 4.0.1.2 on a Hybrid Worker)
/// and msgraph-sdk-powershell issues 2148, 2803 and 3479, where the outcome depends on which module was
/// imported first. Microsoft's "Resolving PowerShell module assembly dependency conflicts" and the
/// PowerShell-ALC-Samples README describe the same limit.</item>
/// <item>Assembly.LoadFile loads without context: nothing binds to such an assembly unless a handler hands it
/// over, which brings back the race above. So: LoadFrom.</item>
/// </list>
/// <para>The loading chosen (<see cref="LoadForModule"/>), at import, before any of the module's code that uses
/// these assemblies is compiled: load every file of the dependencies folder with Assembly.LoadFrom. Our exact
/// identities (System.Text.Json 8.0.0.0, System.Memory 4.0.1.2, ...) are then in the load-from context, where
/// Core's references find them before any AssemblyResolve handler, ours or another module's, is asked. Other
/// versions that another module loads live beside them (.NET Framework allows several versions of a
/// strong-named assembly in one domain) and keep serving that module.</para>
/// <para>What still goes through AssemblyResolve is only where our shipped files disagree among themselves
/// (System.Memory and System.Threading.Tasks.Extensions ask for System.Runtime.CompilerServices.Unsafe 4.0.4.1,
/// we ship 6.0.0.0; several ask for System.Buffers 4.0.2.0, we ship 4.0.3.0): what an app.config binding
/// redirect would do. <see cref="Resolve"/> answers exactly those identities and our own, only when the request
/// comes from one of our assemblies or from nowhere known, and always with the one instance loaded at import (a
/// handler must return the same assembly for the same name: Junfeng Zhang, "AssemblyResolve Event"). Requests
/// from other modules, and other versions, are left to them, as PSResourceGet's ModuleInitAndCleanup does.</para>
/// <para>What this cannot win: a binding redirect in the host's configuration file (the Hybrid Worker sandbox
/// edit of azure-powershell issue 21960) that sends System.Text.Json to another version; another copy with
/// exactly our identity loaded first (LoadFrom then returns that one: same version, so the same API); a handler
/// added before ours that answers the two redirects above with a copy older than asked. docs/runbooks.md
/// ("Beside Az.Accounts and Microsoft.Graph") says what to do then.</para>
/// </remarks>
internal sealed class DependencyResolver
{
    /// <summary>The folder, beside the module's DLL, that holds the shipped dependencies.</summary>
    public const string FolderName = "dependencies";

    private readonly Dictionary<string, Assembly> _byIdentity = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Assembly> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<Assembly> _ours = new();

    /// <param name="shipped">The shipped dependencies, loaded.</param>
    /// <param name="ownCode">The module's own assemblies (Core, the cmdlets): their references count as ours.</param>
    internal DependencyResolver(IEnumerable<Assembly> shipped, IEnumerable<Assembly> ownCode)
    {
        var loaded = shipped.ToList();
        foreach (var assembly in loaded)
        {
            _byName[assembly.GetName().Name!] = assembly;
            _ours.Add(assembly);
        }
        _ours.UnionWith(ownCode);
        foreach (var answer in Answerable(loaded.Select(a => a.GetName()), _ours.SelectMany(a => a.GetReferencedAssemblies())))
        {
            _byIdentity[answer.Key] = _byName[answer.Value];
        }
        Loaded = loaded;
    }

    /// <summary>The shipped assemblies as loaded at import.</summary>
    public IReadOnlyList<Assembly> Loaded { get; }

    /// <summary>
    /// Loads every DLL of the dependencies folder beside the module (Assembly.LoadFrom) and returns the resolver
    /// for what the runtime still asks for; null when there is no such folder.
    /// </summary>
    /// <param name="moduleFolder">The folder that holds the module's DLLs.</param>
    /// <param name="ownCode">The module's own assemblies besides Core.</param>
    /// <exception cref="FileLoadException">A shipped file cannot be loaded; the message names it and what to do.</exception>
    public static DependencyResolver? LoadForModule(string moduleFolder, params Assembly[] ownCode)
    {
        var folder = Path.Combine(moduleFolder, FolderName);
        if (!Directory.Exists(folder)) return null;
        var loaded = new List<Assembly>();
        foreach (var file in Directory.GetFiles(folder, "*.dll").OrderBy(f => f, StringComparer.OrdinalIgnoreCase))
        {
            try
            {
                loaded.Add(Assembly.LoadFrom(file));
            }
            catch (Exception ex) when (ex is IOException or BadImageFormatException or NotSupportedException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                throw new FileLoadException(
                    $"TencentChatFollow could not load its dependency '{file}': {ex.Message} Reinstall the module; a copy unpacked from a downloaded zip file may need Unblock-File on its folder first.",
                    file, ex);
            }
        }
        return new DependencyResolver(loaded, ownCode.Prepend(typeof(DependencyResolver).Assembly));
    }

    /// <summary>An AppDomain.AssemblyResolve handler: see <see cref="Answer"/>.</summary>
    public Assembly? Resolve(object? sender, ResolveEventArgs args) => Answer(args.Name, args.RequestingAssembly);

    /// <summary>
    /// The shipped assembly for a request, or null to leave it to the runtime and other handlers: answered are
    /// our own identities and the versions our own assemblies ask for, when the request comes from one of our
    /// assemblies or from none known; a name without a version only from one of ours.
    /// </summary>
    public Assembly? Answer(string requestedFullName, Assembly? requester)
    {
        if (requester is not null && !_ours.Contains(requester)) return null;
        if (IdentityKey(requestedFullName) is { } key && _byIdentity.TryGetValue(key, out var exact)) return exact;
        return requester is not null && PartialName(requestedFullName) is { } name && _byName.TryGetValue(name, out var byName) ? byName : null;
    }

    /// <summary>True on .NET Framework (Windows PowerShell), false on .NET (PowerShell 7).</summary>
    public static bool AppliesTo(string frameworkDescription)
        => frameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The identities answered (by <see cref="IdentityKey"/>) and the simple name of the shipped assembly that
    /// answers each: every shipped identity, and every reference to a shipped name and public key token at or
    /// below the shipped version (what a binding redirect to the shipped version would cover).
    /// </summary>
    internal static IReadOnlyDictionary<string, string> Answerable(IEnumerable<AssemblyName> shipped, IEnumerable<AssemblyName> references)
    {
        var byName = new Dictionary<string, AssemblyName>(StringComparer.OrdinalIgnoreCase);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in shipped)
        {
            byName[name.Name!] = name;
            answers[Key(name)] = name.Name!;
        }
        foreach (var reference in references)
        {
            if (reference.Name is not null && byName.TryGetValue(reference.Name, out var ours) && reference.Version is not null
                && reference.Version <= ours.Version && Token(reference) == Token(ours) && Culture(reference) == Culture(ours))
            {
                answers[Key(reference)] = ours.Name!;
            }
        }
        return answers;
    }

    /// <summary>Name (any case), version, culture and public key token of a full name; null when it has no version or does not parse.</summary>
    internal static string? IdentityKey(string fullName)
        => Parse(fullName) is { Version: not null } name ? Key(name) : null;

    private static string? PartialName(string fullName)
        => Parse(fullName) is { Version: null, Name: { } name } ? name : null;

    private static AssemblyName? Parse(string fullName)
    {
        try
        {
            return new AssemblyName(fullName);
        }
        catch (Exception ex) when (ex is ArgumentException or FileLoadException)
        {
            return null;
        }
    }

    private static string Key(AssemblyName name)
        => $"{name.Name!.ToUpperInvariant()}|{name.Version}|{Culture(name)}|{Token(name)}";

    private static string Culture(AssemblyName name) => string.IsNullOrEmpty(name.CultureName) ? "neutral" : name.CultureName!.ToUpperInvariant();

    private static string Token(AssemblyName name)
        => name.GetPublicKeyToken() is { Length: > 0 } token ? string.Concat(token.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) : "null";
}
