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
/// Usage: mono TencentChatFollow.MonoCheck.exe MODULE_FOLDER ENDPOINT SDKAPPID IDENTIFIER IDS_FILE [--no-resolver]
/// The secret key comes from TCF_MONO_SECRETKEY. Prints, one per line:
///   runtime RUNTIME_DESCRIPTION
///   resolved NAME => PATH        (each request the module's resolver answered)
///   loaded NAME VERSION PATH     (System.Text.Json and the assemblies it needs, wherever they came from)
///   ok ID FOLLOWERS FOLLOWING MUTUAL | error ID ERROR_ID CODE MESSAGE    (one per id, in input order)
///   calls N
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
        if (args.Length < 5)
        {
            Console.Error.WriteLine("Usage: TencentChatFollow.MonoCheck.exe MODULE_FOLDER ENDPOINT SDKAPPID IDENTIFIER IDS_FILE [--no-resolver]");
            return 2;
        }
        var module = Path.GetFullPath(args[0]);
        Console.WriteLine("runtime " + RuntimeInformation.FrameworkDescription);
        try
        {
            var core = Assembly.LoadFrom(Path.Combine(module, "TencentChatFollow.Core.dll"));
            if (!args.Contains("--no-resolver")) HookResolver(core, module);
            return Run(core, new Uri(args[1]), uint.Parse(args[2]), args[3], File.ReadAllLines(args[4]).Where(l => l.Trim().Length > 0).Select(l => l.Trim()).ToList());
        }
        catch (Exception ex)
        {
            var inner = ex is TargetInvocationException { InnerException: { } e } ? e : ex;
            Console.WriteLine("failed " + inner.GetType().FullName + ": " + inner.Message.Replace('\n', ' '));
            return 3;
        }
        finally
        {
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => Dependencies.Contains(a.GetName().Name)).OrderBy(a => a.GetName().Name))
                Console.WriteLine($"loaded {assembly.GetName().Name} {assembly.GetName().Version} {assembly.Location}");
        }
    }

    /// <summary>What ModuleInitializer.OnImport does on .NET Framework, through the same Core members.</summary>
    private static void HookResolver(Assembly core, string module)
    {
        var type = core.GetType("TencentChatFollow.Runtime.DependencyResolver", throwOnError: true)!;
        // AppliesTo says false on Mono: Mono stands in for .NET Framework here, so the hook goes in anyway.
        var resolver = type.GetMethod("ForModule")!.Invoke(null, new object[] { module })
            ?? throw new InvalidOperationException($"No {type.GetField("FolderName")!.GetValue(null)} folder in {module}.");
        var resolve = (ResolveEventHandler)Delegate.CreateDelegate(typeof(ResolveEventHandler), resolver, "Resolve");
        AppDomain.CurrentDomain.AssemblyResolve += (sender, e) =>
        {
            var assembly = resolve(sender, e);
            if (assembly is not null) Console.WriteLine($"resolved {e.Name} => {assembly.Location}");
            return assembly;
        };
    }

    private static int Run(Assembly core, Uri endpoint, uint sdkAppId, string identifier, IReadOnlyList<string> ids)
    {
        // Connect as Connect-TencentChat does: a ConnectionRequest made into a session.
        var requestType = core.GetType("TencentChatFollow.Session.ConnectionRequest", throwOnError: true)!;
        var request = Activator.CreateInstance(requestType)!;
        requestType.GetProperty("SdkAppId")!.SetValue(request, (uint?)sdkAppId);
        requestType.GetProperty("Identifier")!.SetValue(request, identifier);
        requestType.GetProperty("Endpoint")!.SetValue(request, endpoint);
        requestType.GetProperty("SecretKey")!.SetValue(request, Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("TCF_MONO_SECRETKEY") ?? ""));
        Func<string, string?> noEnvironment = _ => null;
        var session = requestType.GetMethod("Connect")!.Invoke(request, new object[] { noEnvironment, DateTimeOffset.UtcNow })!;

        // One FollowInfoCall for the run, its batches of 20 in flight together, as the cmdlet runs them.
        var callType = core.GetType("TencentChatFollow.Execution.FollowInfoCall", throwOnError: true)!;
        var constructor = callType.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Single(c => c.GetParameters() is { Length: >= 2 } p && p[0].ParameterType == session.GetType() && p[1].ParameterType == typeof(string));
        var arguments = constructor.GetParameters().Select((p, i) => i == 0 ? session : i == 1 ? identifier : p.HasDefaultValue ? p.DefaultValue : Default(p.ParameterType)).ToArray();
        var call = constructor.Invoke(arguments);
        var execute = callType.GetMethod("ExecuteAsync")!;

        var batches = ids.Select((id, i) => (id, i)).GroupBy(x => x.i / 20, x => x.id).Select(g => (IReadOnlyList<string>)g.ToList()).ToList();
        var tasks = batches.Select((batch, i) => (Task)execute.Invoke(call, new object[] { (long)i, batch, CancellationToken.None })!).ToArray();
        Task.WaitAll(tasks);

        foreach (var task in tasks)
        {
            var result = task.GetType().GetProperty("Result")!.GetValue(task)!;
            foreach (var outcome in (IEnumerable)result.GetType().GetProperty("Outcomes")!.GetValue(result)!)
            {
                var id = Get<string>(outcome, "UserId");
                if (Get<object?>(outcome, "Info") is { } info)
                {
                    Console.WriteLine($"ok {id} {Get<long>(info, "FollowerCount")} {Get<long>(info, "FollowingCount")} {Get<long>(info, "MutualFollowingCount")}");
                }
                else
                {
                    var error = Get<Exception>(outcome, "Error");
                    Console.WriteLine($"error {id} {Get<string>(error, "ErrorId")} {Get<int?>(error, "Code")} {error.Message.Replace('\n', ' ')}");
                }
            }
        }
        Console.WriteLine("calls " + tasks.Length);
        return 0;
    }

    private static T Get<T>(object target, string property) => (T)target.GetType().GetProperty(property)!.GetValue(target)!;

    private static object? Default(Type type) => type.IsValueType ? Activator.CreateInstance(type) : null;
}
