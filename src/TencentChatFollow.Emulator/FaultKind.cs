namespace TencentChatFollow.Emulator;

/// <summary>The misbehaviours the emulator can inject into otherwise successful calls.</summary>
internal enum FaultKind
{
    BadGateway,

    /// <summary>HTTP 408 from a gateway that gave up waiting for the request: refused before handling.</summary>
    RequestTimeout,
    Drop,
    InternalError,
    NetworkTimeout,
    FrequencyLimit,
    ServiceTimeout,
    TooManyRequests,
    Slow,

    /// <summary>Headers and the first half of the body, then a pause of --slow-ms before the rest.</summary>
    StallBody,

    /// <summary>HTTP 200, headers and the first half of the body, then the connection is closed.</summary>
    CutBody,
    Html,
    Truncated,
    Missing,
    Extra,
    WrongType,
    Doubled,
    Negative,
    Oversize,

    /// <summary>70009, as when the app's secret key is changed in the console mid-run: refused before handling.</summary>
    WrongKey,
}

/// <summary>The names fault kinds have on the command line, in control requests and in the request log.</summary>
internal static class FaultKinds
{
    private static readonly Dictionary<string, FaultKind> ByName = new(StringComparer.Ordinal)
    {
        ["502"] = FaultKind.BadGateway,
        ["408"] = FaultKind.RequestTimeout,
        ["drop"] = FaultKind.Drop,
        ["30006"] = FaultKind.InternalError,
        ["30007"] = FaultKind.NetworkTimeout,
        ["60007"] = FaultKind.FrequencyLimit,
        ["60008"] = FaultKind.ServiceTimeout,
        ["429"] = FaultKind.TooManyRequests,
        ["slow"] = FaultKind.Slow,
        ["stall-body"] = FaultKind.StallBody,
        ["cut-body"] = FaultKind.CutBody,
        ["html"] = FaultKind.Html,
        ["truncated"] = FaultKind.Truncated,
        ["missing"] = FaultKind.Missing,
        ["extra"] = FaultKind.Extra,
        ["wrongtype"] = FaultKind.WrongType,
        ["doubled"] = FaultKind.Doubled,
        ["negative"] = FaultKind.Negative,
        ["oversize"] = FaultKind.Oversize,
        ["70009"] = FaultKind.WrongKey,
    };

    private static readonly Dictionary<FaultKind, string> NameOf = ByName.ToDictionary(p => p.Value, p => p.Key);

    public static IEnumerable<string> AllNames => ByName.Keys;

    public static string Name(this FaultKind kind) => NameOf[kind];

    /// <summary>Parses one fault name.</summary>
    public static bool TryParse(string? name, out FaultKind kind) => ByName.TryGetValue(name ?? "", out kind);

    public static string Known => string.Join(", ", AllNames);

    /// <summary>Parses fault names, dropping repeats; an error names the first unknown one or says the list is empty.</summary>
    public static bool TryParse(IEnumerable<string> names, out IReadOnlyList<FaultKind> kinds, out string error)
    {
        var parsed = new List<FaultKind>();
        foreach (var name in names)
        {
            if (!ByName.TryGetValue(name, out var kind))
            {
                (kinds, error) = ([], $"unknown fault kind '{name}' (known: {Known})");
                return false;
            }
            if (!parsed.Contains(kind))
            {
                parsed.Add(kind);
            }
        }
        if (parsed.Count == 0)
        {
            (kinds, error) = ([], "the list of fault kinds is empty");
            return false;
        }
        (kinds, error) = (parsed, "");
        return true;
    }
}
