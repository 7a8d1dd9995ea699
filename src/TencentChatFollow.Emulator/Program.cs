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

        await using var server = await TryStartAsync(options, graph);
        if (server is null)
        {
            return 1;
        }
        // Callers parse the URL from this exact line.
        Console.Out.WriteLine($"TencentChatFollow.Emulator listening on {server.BaseUri.GetLeftPart(UriPartial.Authority)}");
        Console.Out.Flush();
        await server.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>The running server, or null (with the reason on stderr) when it cannot listen.</summary>
    private static async Task<EmulatorServer?> TryStartAsync(EmulatorOptions options, FollowGraph graph)
    {
        try
        {
            return await EmulatorServer.StartAsync(options, graph);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            // Kestrel reports a taken port as an IOException, an address this machine does not have as a bare SocketException.
            Console.Error.WriteLine($"TencentChatFollow.Emulator: cannot listen on {options.Host}:{options.Port}: {e.Message}");
            return null;
        }
    }
}
