using System.Text.RegularExpressions;

namespace TencentChatFollow.Emulator.Tests;

public class EmulatorOptionsTests
{
    [Fact]
    public void No_arguments_give_the_well_known_identity()
    {
        var (options, errors) = EmulatorOptions.Parse([]);

        Assert.Empty(errors);
        Assert.Equal("127.0.0.1", options!.Host);
        Assert.Equal(5080, options.Port);
        Assert.Equal(1400000001u, options.SdkAppId);
        Assert.Equal("6f2a627063f1a6e9001f59a59141065e654447f8db1c8b1adf1f454919051ea8", options.Key);
        Assert.Equal(["administrator"], options.Admins);
        Assert.Null(options.GraphPath);
        Assert.Equal(LimitScope.Api, options.LimitScope);
        Assert.Equal(200, options.RateLimit);
        Assert.Equal(100, options.AccountCheckRateLimit);
        Assert.Equal(0, options.AppRateLimit);
        Assert.Equal(LimitWindow.Calendar, options.LimitWindow);
        Assert.Equal(0, options.LatencyMs);
        Assert.Equal(0, options.FaultRate);
        Assert.Equal([FaultKind.BadGateway, FaultKind.Drop, FaultKind.InternalError, FaultKind.NetworkTimeout], options.Faults);
        Assert.Equal(5000, options.SlowMs);
        Assert.Equal(0, options.OutageAtS);
        Assert.Equal(0, options.OutageS);
        Assert.Equal(FaultKind.BadGateway, options.OutageKind);
        Assert.Equal(20, options.OversizeMb);
        Assert.Null(options.Seed);
    }

    [Fact]
    public void Every_option_is_parsed()
    {
        var (options, errors) = EmulatorOptions.Parse(
        [
            "--host", "0.0.0.0", "--port", "0", "--sdkappid", "1400000009", "--key", "k", "--admin", "ops, administrator",
            "--graph", "g.csv", "--rate-limit", "0", "--limit-window", "sliding", "--latency-ms", "10", "--fault-rate", "0.5",
            "--faults", "slow,wrongtype,slow", "--slow-ms", "100", "--seed", "-3",
            "--outage-at", "2.5", "--outage-s", "0.75", "--outage-kind", "30007", "--oversize-mb", "0.5",
            "--limit-scope", "app", "--account-check-rate-limit", "40", "--app-rate-limit", "300",
        ]);

        Assert.Empty(errors);
        Assert.Equal(
            new EmulatorOptions
            {
                Host = "0.0.0.0", Port = 0, SdkAppId = 1400000009, Key = "k", Admins = options!.Admins, GraphPath = "g.csv",
                RateLimit = 0, LimitWindow = LimitWindow.Sliding, LatencyMs = 10, FaultRate = 0.5, Faults = options.Faults,
                SlowMs = 100, Seed = -3, OutageAtS = 2.5, OutageS = 0.75, OutageKind = FaultKind.NetworkTimeout, OversizeMb = 0.5,
                LimitScope = LimitScope.App, AccountCheckRateLimit = 40, AppRateLimit = 300,
            },
            options);
        Assert.Equal(["ops", "administrator"], options.Admins);
        Assert.Equal([FaultKind.Slow, FaultKind.WrongType], options.Faults);
    }

    [Theory]
    [InlineData("--verbose")]
    [InlineData("port")]
    [InlineData("--port")]
    [InlineData("--port", "65536")]
    [InlineData("--port", "-1")]
    [InlineData("--host", "example.com")]
    [InlineData("--sdkappid", "0")]
    [InlineData("--sdkappid", "4294967296")]
    [InlineData("--admin", "a,,b")]
    [InlineData("--rate-limit", "-5")]
    [InlineData("--limit-window", "rolling")]
    [InlineData("--limit-window", "Sliding")]
    [InlineData("--limit-scope", "APP")]
    [InlineData("--limit-scope", "both")]
    [InlineData("--limit-scope", "")]
    [InlineData("--account-check-rate-limit", "-1")]
    [InlineData("--account-check-rate-limit", "1.5")]
    [InlineData("--app-rate-limit", "x")]
    [InlineData("--app-rate-limit", "1", "--app-rate-limit", "2")]
    [InlineData("--fault-rate", "1.1")]
    [InlineData("--faults", "502,teapot")]
    [InlineData("--seed", "x")]
    [InlineData("--outage-at", "-1")]
    [InlineData("--outage-at", "1000001")]
    [InlineData("--outage-s", "two")]
    [InlineData("--outage-s", "NaN")]
    [InlineData("--outage-kind", "teapot")]
    [InlineData("--outage-kind", "502,drop")]
    [InlineData("--oversize-mb", "0")]
    [InlineData("--oversize-mb", "4097")]
    [InlineData("--oversize-mb", "-1")]
    [InlineData("--port", "1", "--port", "2")]
    public void Bad_arguments_are_reported(params string[] args)
    {
        var (options, errors) = EmulatorOptions.Parse(args);

        Assert.Null(options);
        Assert.NotEmpty(errors);
    }

    /// <summary>--help with other options is refused (it prints the list only alone), as that, not as an unknown option.</summary>
    [Theory]
    [InlineData("--help", "--port", "0", "--help")]
    [InlineData("-h", "-h", "--graph", "g.csv")]
    public void Help_with_other_options_is_refused_as_help_that_goes_alone(string help, params string[] args)
    {
        var (options, errors) = EmulatorOptions.Parse(args);

        Assert.Null(options);
        Assert.Equal($"option '{help}' prints the options and takes no others: give it alone", Assert.Single(errors));
    }

    [Fact]
    public void An_admin_id_over_32_bytes_is_refused_naming_it_and_its_bytes()
    {
        var (options, errors) = EmulatorOptions.Parse(["--admin", "administrator,界界界界界界界界界界界"]);

        Assert.Null(options);
        Assert.Contains("option '--admin': the id '界界界界界界界界界界界' is 33 bytes in UTF-8", Assert.Single(errors), StringComparison.Ordinal);
        Assert.Equal(["ops", "界界界界界界界界界界ab"], EmulatorOptions.Parse(["--admin", "ops,界界界界界界界界界界ab"]).Options!.Admins);
    }

    [Fact]
    public void The_usage_text_and_the_guide_list_every_option_and_fault_kind()
    {
        var guide = File.ReadAllText(RepositoryFiles.PathOf("docs/emulator.md"));

        Assert.All(EmulatorOptions.Names, name =>
        {
            Assert.Matches($@"(?m)^  --{Regex.Escape(name)} <", EmulatorOptions.Usage);
            Assert.Contains($"| `--{name} <", guide, StringComparison.Ordinal);
        });
        var faultsHelp = Between(EmulatorOptions.Usage, "  --faults ", "  --slow-ms ");
        var faultsTable = Between(guide, "\n## Faults\n", "\n## ");
        Assert.All(FaultKinds.AllNames, kind =>
        {
            Assert.Matches($@"(?<![\w-]){Regex.Escape(kind)}(?![\w-])", faultsHelp);
            Assert.Matches($@"(?m)^\| .*`{Regex.Escape(kind)}`.* \|", faultsTable);
        });
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start.Trim()}' not found");
        var to = text.IndexOf(end, from + start.Length, StringComparison.Ordinal);
        return to < 0 ? text[from..] : text[from..to];
    }

    [Fact]
    public async Task The_program_exits_with_2_for_bad_options_and_bad_graphs()
    {
        var badGraph = Path.GetTempFileName();
        await File.WriteAllTextAsync(badGraph, "a,b\nc,d,e\n");
        try
        {
            Assert.Equal(2, await Program.Main(["--port", "x"]));
            Assert.Equal(2, await Program.Main(["--graph", badGraph]));
        }
        finally
        {
            File.Delete(badGraph);
        }
    }
}
