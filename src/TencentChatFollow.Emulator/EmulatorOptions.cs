using System.Globalization;
using System.Net;

namespace TencentChatFollow.Emulator;

/// <summary>
/// The emulator's start-up settings. The defaults are the documented well-known identity
/// (like Azurite's devstoreaccount1), so a client can talk to a default emulator without configuration.
/// </summary>
internal sealed record EmulatorOptions
{
    public const uint WellKnownSdkAppId = 1400000001;
    public const string WellKnownKey = "6f2a627063f1a6e9001f59a59141065e654447f8db1c8b1adf1f454919051ea8";
    public const string WellKnownAdmin = "administrator";

    public const string Usage = """
        Usage: tencentchat-emulator [options]   (from the repository: dotnet TencentChatFollow.Emulator.dll [options])
          --host <ip>             address to listen on (default 127.0.0.1; 'localhost' means 127.0.0.1)
          --port <n>              port, 0 picks a free one (default 5080)
          --sdkappid <n>          the emulated app's SDKAppID (default 1400000001)
          --key <text>            the app's secret key (default: the well-known emulator key)
          --admin <id[,id...]>    App admin accounts (default administrator)
          --graph <file>          follow graph, one 'follower,followee' line per edge, UTF-8 (default: empty graph)
          --limit-scope <s>       which calls a rate limit counts together: 'api' (the default: each API its
                                  own counter at its own limit, refused with 60007, plus --app-rate-limit)
                                  or 'app' (one counter for every API of the app at --rate-limit, 60011)
          --rate-limit <n>        calls per second for each follow API, 0 = unlimited (default 200); with
                                  --limit-scope app, for all APIs together
          --account-check-rate-limit <n>
                                  calls per second for account_check, 0 = unlimited (default 100)
          --app-rate-limit <n>    with --limit-scope api, an app-wide cap on all APIs together, refused
                                  with 60011; 0 = none (default 0)
          --limit-window <w>      how the rate limits count a second: 'calendar' (each UTC calendar second,
                                  the default) or 'sliding' (the 1000 ms before each call, the strict case)
          --latency-ms <n>        delay before every API answer (default 0)
          --fault-rate <0..1>     probability that a successful call gets a fault instead (default 0)
          --faults <kind[,...]>   fault kinds to pick from (default 502,drop,30006,30007); also
                                  60007, 60008, 429, 408, slow, stall-body, cut-body, html, truncated,
                                  missing, extra, wrongtype, doubled, negative, oversize, 70009
          --slow-ms <n>           delay added by the 'slow' fault, and the pause in a 'stall-body'
                                  answer (default 5000)
          --outage-at <s>         an outage starts this many seconds after the first API call (default 0)
          --outage-s <s>          how many seconds the outage lasts, 0 = no outage (default 0); both take
                                  fractions such as 2.5
          --outage-kind <kind>    the fault every call gets during the outage (default 502)
          --oversize-mb <n>       body size of the 'oversize' fault in MiB, fractions allowed (default 20)
          --seed <n>              seed for fault injection, for repeatable runs
          --https <on|off>        serve HTTPS with a throwaway self-signed certificate that no client trusts,
                                  to see how a client treats a bad certificate (default off)
          --help                  show this text
        """;

    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 5080;
    public uint SdkAppId { get; init; } = WellKnownSdkAppId;
    public string Key { get; init; } = WellKnownKey;
    public IReadOnlyList<string> Admins { get; init; } = [WellKnownAdmin];
    public string? GraphPath { get; init; }
    public LimitScope LimitScope { get; init; } = LimitScope.Api;
    public int RateLimit { get; init; } = 200;
    public int AccountCheckRateLimit { get; init; } = 100;
    public int AppRateLimit { get; init; }
    public LimitWindow LimitWindow { get; init; } = LimitWindow.Calendar;
    public int LatencyMs { get; init; }
    public double FaultRate { get; init; }
    public IReadOnlyList<FaultKind> Faults { get; init; } =
        [FaultKind.BadGateway, FaultKind.Drop, FaultKind.InternalError, FaultKind.NetworkTimeout];
    public int SlowMs { get; init; } = 5000;
    public double OutageAtS { get; init; }
    public double OutageS { get; init; }
    public FaultKind OutageKind { get; init; } = FaultKind.BadGateway;
    public double OversizeMb { get; init; } = 20;
    public int? Seed { get; init; }
    public bool Https { get; init; }

    /// <summary>The address to bind: an IP literal, or loopback for "localhost".</summary>
    public IPAddress ListenAddress =>
        Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(Host);

    /// <summary>Parses <c>--name value</c> pairs. Returns null options and one message per problem when any is wrong.</summary>
    public static (EmulatorOptions? Options, IReadOnlyList<string> Errors) Parse(IReadOnlyList<string> args)
    {
        var errors = new List<string>();
        var options = new EmulatorOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                errors.Add($"option '{name}' prints the options and takes no others: give it alone");
                continue;
            }
            if (!name.StartsWith("--", StringComparison.Ordinal) || !Setters.ContainsKey(name[2..]))
            {
                errors.Add($"unknown option '{name}'");
                continue;
            }
            if (i + 1 >= args.Count)
            {
                errors.Add($"option '{name}' needs a value");
                break;
            }
            if (!seen.Add(name))
            {
                errors.Add($"option '{name}' is given more than once");
            }
            var value = args[++i];
            var (next, error) = Setters[name[2..]](options, value);
            if (error is null)
            {
                options = next;
            }
            else
            {
                errors.Add($"option '{name}': {error} (got '{value}')");
            }
        }
        return errors.Count == 0 ? (options, []) : (null, errors);
    }

    /// <summary>The option names without their leading "--", for the test that keeps <see cref="Usage"/> and the guide in step.</summary>
    internal static IEnumerable<string> Names => Setters.Keys;

    private delegate (EmulatorOptions Options, string? Error) Setter(EmulatorOptions options, string value);

    private static readonly Dictionary<string, Setter> Setters = new(StringComparer.Ordinal)
    {
        ["host"] = (o, v) => v == "localhost" || IPAddress.TryParse(v, out _)
            ? (o with { Host = v }, null)
            : (o, "expected an IP address or 'localhost'"),
        ["port"] = (o, v) => TryInt(v, 0, 65535, out var n) ? (o with { Port = n }, null) : (o, "expected 0..65535"),
        ["sdkappid"] = (o, v) => uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? (o with { SdkAppId = n }, null)
            : (o, "expected a positive 32-bit unsigned integer"),
        ["key"] = (o, v) => v.Length > 0 ? (o with { Key = v }, null) : (o, "the key must not be empty"),
        ["admin"] = (o, v) => ParseAdmins(v) switch
        {
            not { Count: > 0 } => (o, "expected a comma-separated list of account ids without empty items"),
            var admins when admins.Select(AccountIds.TooLong).FirstOrDefault(r => r is not null) is { } tooLong => (o, tooLong),
            var admins => (o with { Admins = admins }, null),
        },
        ["graph"] = (o, v) => v.Length > 0 ? (o with { GraphPath = v }, null) : (o, "expected a file path"),
        ["limit-scope"] = (o, v) => LimitNames.Scopes.TryParse(v, out var s)
            ? (o with { LimitScope = s }, null)
            : (o, $"expected one of {LimitNames.Scopes.Known}"),
        ["rate-limit"] = NonNegative((o, n) => o with { RateLimit = n }),
        ["account-check-rate-limit"] = NonNegative((o, n) => o with { AccountCheckRateLimit = n }),
        ["app-rate-limit"] = NonNegative((o, n) => o with { AppRateLimit = n }),
        ["limit-window"] = (o, v) => LimitNames.Windows.TryParse(v, out var w)
            ? (o with { LimitWindow = w }, null)
            : (o, $"expected one of {LimitNames.Windows.Known}"),
        ["latency-ms"] = NonNegative((o, n) => o with { LatencyMs = n }),
        ["fault-rate"] = (o, v) => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is >= 0 and <= 1
            ? (o with { FaultRate = d }, null)
            : (o, RateExpected),
        ["faults"] = (o, v) => FaultKinds.TryParse(v.Split(',', StringSplitOptions.TrimEntries), out var kinds, out var error)
            ? (o with { Faults = kinds }, null)
            : (o, error),
        ["slow-ms"] = NonNegative((o, n) => o with { SlowMs = n }),
        ["outage-at"] = (o, v) => TrySeconds(v, out var s) ? (o with { OutageAtS = s }, null) : (o, SecondsExpected),
        ["outage-s"] = (o, v) => TrySeconds(v, out var s) ? (o with { OutageS = s }, null) : (o, SecondsExpected),
        ["outage-kind"] = (o, v) => FaultKinds.TryParse(v, out var kind)
            ? (o with { OutageKind = kind }, null)
            : (o, $"expected one fault kind ({FaultKinds.Known})"),
        ["oversize-mb"] = (o, v) => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var mb) && IsOversizeMb(mb)
            ? (o with { OversizeMb = mb }, null)
            : (o, OversizeMbExpected),
        ["https"] = (o, v) => v switch
        {
            "on" => (o with { Https = true }, null),
            "off" => (o with { Https = false }, null),
            _ => (o, "expected 'on' or 'off'"),
        },
        ["seed"] = (o, v) => int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? (o with { Seed = n }, null)
            : (o, "expected a 32-bit integer"),
    };

    /// <summary>A body size for the 'oversize' fault: above 0, at most 4 GiB.</summary>
    public static bool IsOversizeMb(double value) => value is > 0 and <= 4096;

    /// <summary>The largest outage time, in seconds (about 11.6 days): enough for any test, far from overflowing ticks.</summary>
    public const double MaxOutageSeconds = 1_000_000;

    /// <summary>A setter for an option whose value is an integer >= 0.</summary>
    private static Setter NonNegative(Func<EmulatorOptions, int, EmulatorOptions> set) =>
        (o, v) => TryInt(v, 0, int.MaxValue, out var n) ? (set(o, n), null) : (o, IntegerExpected);

    /// <summary>What a bad value of each kind was expected to be: the command-line options' errors and POST /_emulator/faults' say the same.</summary>
    internal const string SecondsExpected = "expected a number of seconds from 0 to 1000000, such as 2.5";
    internal const string RateExpected = "expected a number from 0 to 1";
    internal const string IntegerExpected = "expected an integer >= 0";
    internal const string OversizeMbExpected = "expected a number of MiB above 0, at most 4096";

    /// <summary>A number of seconds for the outage options, fractions allowed.</summary>
    public static bool IsOutageSeconds(double value) => value is >= 0 and <= MaxOutageSeconds;

    private static bool TrySeconds(string value, out double seconds) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) && IsOutageSeconds(seconds);

    private static bool TryInt(string value, int min, int max, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;

    private static List<string>? ParseAdmins(string value)
    {
        var admins = value.Split(',', StringSplitOptions.TrimEntries).ToList();
        return admins.Any(a => a.Length == 0) ? null : admins;
    }
}
