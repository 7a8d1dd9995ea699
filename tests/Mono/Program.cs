using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TencentChatFollow.MonoCheck;

/// <summary>
/// Usage: mono TencentChatFollow.MonoCheck.exe MODULE_FOLDER ENDPOINT SDKAPPID IDENTIFIER IDS_FILE [options]
///   --loading module     what ModuleInitializer.OnImport does on .NET Framework (the default)
///   --loading naive      the earlier way, for contrast: only an AssemblyResolve handler that loads the shipped file
///                        of any requested version, added at import
///   --loading none       nothing: the runtime alone
///   --other FOLDER       a stand-in for another module (tests/Mono/OtherModule, published to FOLDER), imported
///   --other-kind own|any   with a handler that answers only its own versions, or any version (default own)
///   --other-after          after the module (default: before it, with its handler added first)
/// The secret key comes from TCF_MONO_SECRETKEY. Prints, one per line:
///   runtime RUNTIME_DESCRIPTION
///   other-loaded NAME VERSION PATH, other-answered REQUESTED => VERSION, other-uses VERSION JSON   (the stand-in)
///   resolved REQUESTED => PATH   (each request the module's handler answered)
///   bound NAME VERSION PATH      (the System.Text.Json and System.Memory that Core's own code binds to)
///   ok ID FOLLOWERS FOLLOWING MUTUAL | error ID ERROR_ID CODE MESSAGE    (one per id, in input order)
///   calls N
///   rest-body JSON, rest-read NAME=TYPE:VALUE ...   (RestCheck)
///   servicepoint ROUTE ADDRESS lease=MS expect100=BOOL nagle=BOOL   (ServicePointCheck: the .NET Framework HTTP branch)
///   loaded NAME VERSION PATH     (every copy in the process of the assemblies the module ships)
/// Exit code 0 when every batch ran, 3 when the engine could not run (the exception is printed), 2 for bad usage.
/// </summary>
internal static class Program
{
    private static readonly string[] Dependencies =
    {
        "System.Text.Json", "System.Text.Encodings.Web", "Microsoft.Bcl.AsyncInterfaces", "System.Memory", "System.Buffers",
        "System.Runtime.CompilerServices.Unsafe", "System.Threading.Tasks.Extensions", "System.Numerics.Vectors",
    };

    private static int Main(string[] args)
    {
        Console.OutputEncoding = new UTF8Encoding(false);
        if (args.Length < 5 || Option(args, "--loading", "module") is not ("module" or "naive" or "none") || Option(args, "--other-kind", "own") is not ("own" or "any"))
        {
            Console.Error.WriteLine("Usage: TencentChatFollow.MonoCheck.exe MODULE_FOLDER ENDPOINT SDKAPPID IDENTIFIER IDS_FILE [--loading module|naive|none] [--other FOLDER [--other-kind own|any] [--other-after]]");
            return 2;
        }
        var module = Path.GetFullPath(args[0]);
        var other = Option(args, "--other", null) is { } folder ? Assembly.LoadFrom(Path.Combine(Path.GetFullPath(folder), "TencentChatFollow.MonoCheck.OtherModule.dll")) : null;
        var otherFirst = !args.Contains("--other-after");
        Console.WriteLine("runtime " + RuntimeInformation.FrameworkDescription);
        try
        {
            if (other is not null && otherFirst) ImportOther(other, Option(args, "--other-kind", "own")!);
            // Import-Module: PowerShell loads the module's DLL by path, which brings Core from the same folder.
            var core = Assembly.LoadFrom(Path.Combine(module, "TencentChatFollow.Core.dll"));
            Import(core, module, Option(args, "--loading", "module")!);
            if (other is not null && !otherFirst) ImportOther(other, Option(args, "--other-kind", "own")!);

            var ids = File.ReadAllLines(args[4]).Where(l => l.Trim().Length > 0).Select(l => l.Trim()).ToList();
            var session = Connect(core, new Uri(args[1]), uint.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args[3]);
            var (lines, calls) = CountWithEngine(core, session, args[3], ids);
            foreach (var line in lines) Console.WriteLine(line);
            Console.WriteLine("calls " + calls);
            foreach (var line in RestCheck.Run(core)) Console.WriteLine(line);
            foreach (var line in ServicePointCheck.Run(core)) Console.WriteLine(line);
            PrintBound(core);
            return 0;
        }
        catch (Exception ex)
        {
            var inner = ex is TargetInvocationException { InnerException: { } e } ? e : ex;
            Console.WriteLine("failed " + inner.GetType().FullName + ": " + inner.Message.Replace('\n', ' '));
            return 3;
        }
        finally
        {
            // The other module still works on its own copies after the module ran (or failed).
            if (other is not null) UseOther(other);
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => Dependencies.Contains(a.GetName().Name)).OrderBy(a => a.GetName().Name).ThenBy(a => a.Location))
                Console.WriteLine($"loaded {assembly.GetName().Name} {assembly.GetName().Version} {assembly.Location}");
        }
    }

    private static string? Option(string[] args, string name, string? fallback)
        => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

    /// <summary>What ModuleInitializer.OnImport does on .NET Framework, through the same Core members (or, for contrast, less).</summary>
    private static void Import(Assembly core, string module, string loading)
    {
        var type = core.GetType("TencentChatFollow.Runtime.DependencyResolver", throwOnError: true)!;
        Func<object?, ResolveEventArgs, Assembly?> resolve;
        switch (loading)
        {
            case "module":
                // AppliesTo says false on Mono: Mono stands in for .NET Framework here, so the loading runs anyway.
                var resolver = type.GetMethod("LoadForModule")!.Invoke(null, new object[] { module, Array.Empty<Assembly>() })
                    ?? throw new InvalidOperationException($"No {type.GetField("FolderName")!.GetValue(null)} folder in {module}.");
                var handler = (ResolveEventHandler)Delegate.CreateDelegate(typeof(ResolveEventHandler), resolver, "Resolve");
                resolve = (sender, e) => handler(sender, e);
                break;
            case "naive":
                var dependencies = Path.Combine(module, "dependencies");
                resolve = (_, e) => new AssemblyName(e.Name).Name is { } name && File.Exists(Path.Combine(dependencies, name + ".dll"))
                    ? Assembly.LoadFrom(Path.Combine(dependencies, name + ".dll")) : null;
                break;
            default:
                return;
        }
        AppDomain.CurrentDomain.AssemblyResolve += (sender, e) =>
        {
            var assembly = resolve(sender, e);
            if (assembly is not null) Console.WriteLine($"resolved {e.Name} => {assembly.Location}");
            return assembly;
        };
    }

    private static void ImportOther(Assembly other, string kind)
    {
        var lines = (IEnumerable<string>)other.GetType("TencentChatFollow.MonoCheck.OtherModule.OtherModule", throwOnError: true)!.GetMethod("Import")!.Invoke(null, new object[] { kind })!;
        foreach (var line in lines) Console.WriteLine(line);
        UseOther(other);
    }

    private static void UseOther(Assembly other)
    {
        try
        {
            Console.WriteLine("other-uses " + other.GetType("TencentChatFollow.MonoCheck.OtherModule.OtherModule", throwOnError: true)!.GetMethod("Use")!.Invoke(null, null));
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
        {
            Console.WriteLine("other-failed " + inner.GetType().FullName + ": " + inner.Message.Replace('\n', ' '));
        }
    }

    /// <summary>The System.Text.Json and System.Memory that Core's own code binds to: the assemblies of the types in Core's method signatures.</summary>
    private static void PrintBound(Assembly core)
    {
        var bound = new SortedDictionary<string, Assembly>(StringComparer.Ordinal);
        foreach (var type in core.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                foreach (var parameterType in method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType))
                {
                    var element = parameterType.HasElementType ? parameterType.GetElementType()! : parameterType;
                    if (element.Assembly.GetName().Name is "System.Text.Json" or "System.Memory") bound[element.Assembly.GetName().Name!] = element.Assembly;
                }
            }
        }
        foreach (var assembly in bound.Values) Console.WriteLine($"bound {assembly.GetName().Name} {assembly.GetName().Version} {assembly.Location}");
    }

    /// <summary>Connects as Connect-TencentChat does: a ConnectionRequest made into a session.</summary>
    private static object Connect(Assembly core, Uri endpoint, uint sdkAppId, string identifier)
    {
        var requestType = core.GetType("TencentChatFollow.Session.ConnectionRequest", throwOnError: true)!;
        var request = Activator.CreateInstance(requestType)!;
        requestType.GetProperty("SdkAppId")!.SetValue(request, (uint?)sdkAppId);
        requestType.GetProperty("Identifier")!.SetValue(request, identifier);
        requestType.GetProperty("Endpoint")!.SetValue(request, endpoint);
        requestType.GetProperty("SecretKey")!.SetValue(request, Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("TCF_MONO_SECRETKEY") ?? ""));
        Func<string, string?> noEnvironment = _ => null;
        return requestType.GetMethod("Connect")!.Invoke(request, new object[] { noEnvironment, DateTimeOffset.UtcNow })!;
    }

    // ==== ENGINE ENTRY POINT ====================================================================================
    // The one place that calls the engine (src/TencentChatFollow.Core/Execution). When the engine's entry point
    // changes, change this function only: it gets the session and the ids, and returns one line per id in input
    // order ("ok ID FOLLOWERS FOLLOWING MUTUAL" or "error ID ERROR_ID CODE MESSAGE") and the number of calls.
    private static (IReadOnlyList<string> Lines, int Calls) CountWithEngine(Assembly core, object session, string identifier, IReadOnlyList<string> ids)
    {
        // The engine's call for follow_get_info (BatchCall<FollowInfo> over FollowGetInfoProtocol), one for the run as
        // the cmdlet makes it, its batches of 20 in flight together as From the session's identifier.
        var resultType = core.GetType("TencentChatFollow.FollowInfo", throwOnError: true)!;
        var callType = core.GetType("TencentChatFollow.Execution.BatchCall`1", throwOnError: true)!.MakeGenericType(resultType);
        var protocol = core.GetType("TencentChatFollow.Api.FollowGetInfoProtocol", throwOnError: true)!
            .GetProperty("Instance", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        var constructor = callType.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Single(c => c.GetParameters() is { Length: >= 2 } p && p[0].ParameterType == session.GetType() && p[1].ParameterType.IsInstanceOfType(protocol));
        var arguments = constructor.GetParameters().Select((p, i) => i == 0 ? session : i == 1 ? protocol : p.HasDefaultValue ? p.DefaultValue : Default(p.ParameterType)).ToArray();
        var call = constructor.Invoke(arguments);
        // The overload the cmdlets use: each call with its own signal that the run sends it no more (none here).
        var execute = callType.GetMethods(BindingFlags.Public | BindingFlags.Instance).Single(m => m.Name == "ExecuteAsync" && m.GetParameters().Length == 5);

        var batches = ids.Select((id, i) => (id, i)).GroupBy(x => x.i / 20, x => x.id).Select(g => (IReadOnlyList<string>)g.ToList()).ToList();
        var tasks = batches.Select((batch, i) => (Task)execute.Invoke(call, new object[] { (long)i, identifier, batch, CancellationToken.None, CancellationToken.None })!).ToArray();
        Task.WaitAll(tasks);

        var lines = new List<string>();
        foreach (var task in tasks)
        {
            var result = task.GetType().GetProperty("Result")!.GetValue(task)!;
            foreach (var outcome in (IEnumerable)result.GetType().GetProperty("Outcomes")!.GetValue(result)!)
            {
                var id = Get<string>(outcome, "UserId");
                if (Get<object?>(outcome, "Result") is { } info)
                {
                    lines.Add($"ok {id} {Get<long>(info, "FollowerCount")} {Get<long>(info, "FollowingCount")} {Get<long>(info, "MutualFollowingCount")}");
                }
                else
                {
                    var error = Get<Exception>(outcome, "Error");
                    lines.Add($"error {id} {Get<string>(error, "ErrorId")} {Get<int?>(error, "Code")} {error.Message.Replace('\n', ' ')}");
                }
            }
        }
        return (lines, tasks.Length);
    }

    private static T Get<T>(object target, string property) => (T)target.GetType().GetProperty(property)!.GetValue(target)!;

    private static object? Default(Type type) => type.IsValueType ? Activator.CreateInstance(type) : null;
    // ==== END OF ENGINE ENTRY POINT =============================================================================
}
