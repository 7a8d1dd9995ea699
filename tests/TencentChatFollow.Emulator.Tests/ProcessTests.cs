using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TencentChatFollow.Emulator.Tests;

/// <summary>The emulator as other test suites use it: a separate process that announces its URL on stdout.</summary>
public class ProcessTests
{
    [Fact]
    public async Task The_process_prints_one_url_line_serves_the_sample_graph_and_stops_on_sigterm()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "TencentChatFollow.Emulator.dll"),
                "--port", "0", "--graph", RepositoryFiles.PathOf("docs/samples/graph.csv"),
            },
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            var match = Regex.Match(line ?? "", @"^TencentChatFollow\.Emulator listening on (http://127\.0\.0\.1:\d+)$");
            Assert.True(match.Success, $"unexpected first line: '{line}'");

            using var http = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value) };
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var userSig = TestUserSig.Create(EmulatorOptions.WellKnownSdkAppId, EmulatorOptions.WellKnownKey, "administrator", now);
            using var content = new StringContent("""{"From_Account":"user001","To_Account":["user040"]}""");
            using var response = await http.PostAsync(
                $"/v4/follow/follow_get_info?sdkappid=1400000001&identifier=administrator&usersig={userSig}&random=7&contenttype=json", content);
            var item = TestEmulator.Parse(await response.Content.ReadAsStringAsync()).GetProperty("FollowInfo")[0];
            Assert.Equal(3, item.GetProperty("FollowingCount").GetInt32());

            if (OperatingSystem.IsWindows())
            {
                return; // no SIGTERM to send; the finally block kills it
            }
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, process.ExitCode);
            Assert.Equal("", await process.StandardOutput.ReadToEndAsync()); // nothing but the one line on stdout
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    /// <summary>
    /// When it cannot listen, as the guide's exit-code table says: exit code 1 and one line on stderr naming the address,
    /// not an unhandled exception nor ASP.NET Core's "Hosting failed to start" with its stack trace. Both ways it
    /// happens: an address this machine does not have (192.0.2.1 is TEST-NET-1, never assigned) and a taken port.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_it_cannot_listen_it_is_exit_code_1_with_one_line_naming_the_address(bool portTaken)
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var (host, port) = portTaken ? ("127.0.0.1", ((System.Net.IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) : ("192.0.2.1", "0");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "TencentChatFollow.Emulator.dll"), "--host", host, "--port", port },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            var errors = process.StandardError.ReadToEndAsync();
            var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            var lines = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal("", output);
            var line = Assert.Single(lines);
            Assert.StartsWith($"TencentChatFollow.Emulator: cannot listen on {host}:{port}: ", line, StringComparison.Ordinal);
            Assert.Equal(1, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    /// <summary>
    /// Issue 17: README's line, dotnet run --project src/TencentChatFollow.Emulator -- --graph docs/samples/graph.csv,
    /// run from the repository root, and the same from any other folder: the relative path is read against the folder
    /// dotnet was run in, not the project's folder (where dotnet run runs programs unless told otherwise).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Dotnet_run_reads_a_relative_graph_path_against_the_folder_it_was_run_in(bool fromRepositoryRoot)
    {
        var root = RepositoryFiles.PathOf("");
        var elsewhere = Directory.CreateTempSubdirectory("emulator-run-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(elsewhere, "mine.csv"), "zed,user040\nzed,amy\n");
            var (folder, graph, account, followers) = fromRepositoryRoot
                ? (root, "docs/samples/graph.csv", "user001", 30)
                : (elsewhere, "mine.csv", "user040", 1);
            // The configuration the tests were built in (bin/<configuration>/<framework>/), which built the emulator too.
            var configuration = Directory.GetParent(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory))!.Name;
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList =
                {
                    "run", "--project", Path.Combine(root, "src", "TencentChatFollow.Emulator"), "--no-build", "-c", configuration, "--",
                    "--port", "0", "--graph", graph,
                },
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            try
            {
                var errors = process.StandardError.ReadToEndAsync();
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                var match = Regex.Match(line ?? "", @"listening on (http://127\.0\.0\.1:\d+)$");
                Assert.True(match.Success, $"first line '{line}'; exit code {(process.HasExited ? process.ExitCode : "none yet")}; " +
                    $"stderr: {(process.HasExited ? await errors : "")}");

                using var http = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value) };
                var userSig = TestUserSig.Create(EmulatorOptions.WellKnownSdkAppId, EmulatorOptions.WellKnownKey, "administrator",
                    DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                using var content = new StringContent($$"""{"From_Account":"administrator","To_Account":["{{account}}"]}""");
                using var response = await http.PostAsync(
                    $"/v4/follow/follow_get_info?sdkappid=1400000001&identifier=administrator&usersig={userSig}&random=7&contenttype=json", content);
                var item = TestEmulator.Parse(await response.Content.ReadAsStringAsync()).GetProperty("FollowInfo")[0];
                Assert.Equal(0, item.GetProperty("ResultCode").GetInt32());
                Assert.Equal(followers, item.GetProperty("FollowerCount").GetInt32());
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
