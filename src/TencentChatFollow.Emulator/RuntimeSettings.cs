using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>The settings tests may change while the emulator runs (POST /_emulator/faults).</summary>
internal sealed record RuntimeSettings(
    double FaultRate,
    IReadOnlyList<FaultKind> FaultKinds,
    int LatencyMs,
    int SlowMs,
    int RateLimit,
    int AccountCheckRateLimit,
    int AppRateLimit,
    LimitScope LimitScope,
    LimitWindow LimitWindow,
    double OutageAtS,
    double OutageS,
    FaultKind OutageKind,
    double OversizeMb)
{
    public static RuntimeSettings From(EmulatorOptions options) =>
        new(options.FaultRate, options.Faults, options.LatencyMs, options.SlowMs, options.RateLimit, options.AccountCheckRateLimit, options.AppRateLimit,
            options.LimitScope, options.LimitWindow,
            options.OutageAtS, options.OutageS, options.OutageKind, options.OversizeMb);

    /// <summary>The JSON shape of GET/POST /_emulator/faults.</summary>
    public object ToJson() => new
    {
        rate = FaultRate,
        kinds = FaultKinds.Select(k => k.Name()),
        latencyMs = LatencyMs,
        slowMs = SlowMs,
        rateLimit = RateLimit,
        accountCheckRateLimit = AccountCheckRateLimit,
        appRateLimit = AppRateLimit,
        limitScope = LimitScope.Name(),
        limitWindow = LimitWindow.Name(),
        outageAtS = OutageAtS,
        outageS = OutageS,
        outageKind = OutageKind.Name(),
        oversizeMb = OversizeMb,
    };

    /// <summary>Applies a partial update such as <c>{"rate":0.1,"kinds":["502"]}</c>; unknown or ill-typed fields are errors.</summary>
    public RuntimeSettings? With(JsonElement patch, out string error)
    {
        error = "";
        if (patch.ValueKind != JsonValueKind.Object)
        {
            error = "expected a JSON object";
            return null;
        }
        var next = this;
        foreach (var property in patch.EnumerateObject())
        {
            if (!Fields.TryGetValue(property.Name, out var apply))
            {
                error = $"unknown setting '{property.Name}' (known: {string.Join(", ", Fields.Keys)})";
                return null;
            }
            var (applied, problem) = apply(next, property.Value);
            if (applied is null)
            {
                error = problem ?? $"'{property.Name}' has a bad value: {property.Value.GetRawText()}; {Expected[property.Name]}";
                return null;
            }
            next = applied;
        }
        return next;
    }

    /// <summary>A setting's rule: the settings with the value applied, or null (and maybe a message) for a bad value.</summary>
    private delegate (RuntimeSettings? Next, string? Error) Field(RuntimeSettings settings, JsonElement value);

    /// <summary>The settings a patch may hold, by JSON name, in the order GET /_emulator/faults writes them.</summary>
    private static readonly Dictionary<string, Field> Fields = new(StringComparer.Ordinal)
    {
        ["rate"] = (s, v) => (
            v.ValueKind == JsonValueKind.Number && v.GetDouble() is var rate and >= 0 and <= 1
                ? s with { FaultRate = rate } : null, null),
        ["kinds"] = (s, v) =>
        {
            if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String))
            {
                return (null, null);
            }
            return Emulator.FaultKinds.TryParse(v.EnumerateArray().Select(k => k.GetString()!), out var kinds, out var error)
                ? (s with { FaultKinds = kinds }, null)
                : (null, error);
        },
        ["latencyMs"] = NonNegative((s, n) => s with { LatencyMs = n }),
        ["slowMs"] = NonNegative((s, n) => s with { SlowMs = n }),
        ["rateLimit"] = NonNegative((s, n) => s with { RateLimit = n }),
        ["accountCheckRateLimit"] = NonNegative((s, n) => s with { AccountCheckRateLimit = n }),
        ["appRateLimit"] = NonNegative((s, n) => s with { AppRateLimit = n }),
        ["limitScope"] = (s, v) => (
            v.ValueKind == JsonValueKind.String && LimitNames.Scopes.TryParse(v.GetString(), out var scope)
                ? s with { LimitScope = scope } : null, null),
        ["limitWindow"] = (s, v) => (
            v.ValueKind == JsonValueKind.String && LimitNames.Windows.TryParse(v.GetString(), out var window)
                ? s with { LimitWindow = window } : null, null),
        ["outageAtS"] = (s, v) => (Seconds(v) is { } at ? s with { OutageAtS = at } : null, null),
        ["outageS"] = (s, v) => (Seconds(v) is { } length ? s with { OutageS = length } : null, null),
        ["outageKind"] = (s, v) => (
            v.ValueKind == JsonValueKind.String && Emulator.FaultKinds.TryParse(v.GetString(), out var kind)
                ? s with { OutageKind = kind } : null, null),
        ["oversizeMb"] = (s, v) => (
            v.ValueKind == JsonValueKind.Number && v.GetDouble() is var mb && EmulatorOptions.IsOversizeMb(mb)
                ? s with { OversizeMb = mb } : null, null),
    };

    /// <summary>What each setting takes, for the error about a bad value.</summary>
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["rate"] = EmulatorOptions.RateExpected,
        ["kinds"] = "expected a non-empty array of fault kind names",
        ["latencyMs"] = EmulatorOptions.IntegerExpected,
        ["slowMs"] = EmulatorOptions.IntegerExpected,
        ["rateLimit"] = EmulatorOptions.IntegerExpected,
        ["accountCheckRateLimit"] = EmulatorOptions.IntegerExpected,
        ["appRateLimit"] = EmulatorOptions.IntegerExpected,
        ["limitScope"] = $"expected one of {LimitNames.Scopes.Known}",
        ["limitWindow"] = $"expected one of {LimitNames.Windows.Known}",
        ["outageAtS"] = EmulatorOptions.SecondsExpected,
        ["outageS"] = EmulatorOptions.SecondsExpected,
        ["outageKind"] = $"expected one fault kind ({Emulator.FaultKinds.Known})",
        ["oversizeMb"] = EmulatorOptions.OversizeMbExpected,
    };

    private static Field NonNegative(Func<RuntimeSettings, int, RuntimeSettings> set) =>
        (s, v) => (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 0 ? set(s, n) : null, null);

    private static double? Seconds(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.GetDouble() is var d && EmulatorOptions.IsOutageSeconds(d) ? d : null;
}

/// <summary>Holds the current <see cref="RuntimeSettings"/>; each request reads one consistent snapshot.</summary>
internal sealed class RuntimeSettingsStore(RuntimeSettings initial)
{
    private readonly Lock _gate = new();
    private RuntimeSettings _current = initial;

    public RuntimeSettings Current => Volatile.Read(ref _current);

    /// <summary>Applies a partial update atomically; returns the error and changes nothing when it is invalid.</summary>
    public string? TryUpdate(JsonElement patch)
    {
        lock (_gate)
        {
            if (_current.With(patch, out var error) is not { } next)
            {
                return error;
            }
            Volatile.Write(ref _current, next);
            return null;
        }
    }
}
