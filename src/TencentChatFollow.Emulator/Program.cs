namespace TencentChatFollow.Emulator;

internal static class Program
{
    /// <summary>Exit codes: 0 after a clean stop, 1 when the server cannot start, 2 for bad options or a bad graph file.</summary>
    internal static async Task<int> Main(string[] args)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.Out.WriteLine(EmulatorOptions.Usage);
            return 0;
        }
        var (options, errors) = EmulatorOptions.Parse(args);
        if (options is null)
        {
            foreach (var error in errors)
            {
                Console.Error.WriteLine($"TencentChatFollow.Emulator: {error}");
            }
            Console.Error.WriteLine("Run with --help for the options.");
            return 2;
        }

        FollowGraph graph;
        try
        {
            graph = options.GraphPath is null ? FollowGraph.Empty() : FollowGraph.Load(options.GraphPath);
        }
        catch (InvalidGraphException e)
        {
            Console.Error.WriteLine($"TencentChatFollow.Emulator: {e.Message}");
            return 2;
        }

        EmulatorServer server;
        try
        {
            server = await EmulatorServer.StartAsync(options, graph);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"TencentChatFollow.Emulator: cannot listen on {options.Host}:{options.Port}: {e.Message}");
            return 1;
        }
        await using (server)
        {
            // Callers parse the URL from this exact line.
            Console.Out.WriteLine($"TencentChatFollow.Emulator listening on {server.BaseUri.GetLeftPart(UriPartial.Authority)}");
            Console.Out.Flush();
            await server.WaitForShutdownAsync();
        }
        return 0;
    }
}
