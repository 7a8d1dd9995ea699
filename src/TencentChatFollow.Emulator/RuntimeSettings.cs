using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>The settings tests may change while the emulator runs (POST /_emulator/faults).</summary>
internal sealed record RuntimeSettings(
    double FaultRate,
    IReadOnlyList<FaultKind> FaultKinds,
    int LatencyMs,
    int SlowMs,
    int RateLimit,
    LimitWindow LimitWindow,
    double OutageAtS,
    double OutageS,
    FaultKind OutageKind,
    double OversizeMb)
{
    public static RuntimeSettings From(EmulatorOptions options) =>
        new(options.FaultRate, options.Faults, options.LatencyMs, options.SlowMs, options.RateLimit, options.LimitWindow,
            options.OutageAtS, options.OutageS, options.OutageKind, options.OversizeMb);

    /// <summary>The JSON shape of GET/POST /_emulator/faults.</summary>
    public object ToJson() => new
    {
        rate = FaultRate,
        kinds = FaultKinds.Select(k => k.Name()),
        latencyMs = LatencyMs,
        slowMs = SlowMs,
        rateLimit = RateLimit,
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
            var value = property.Value;
            switch (property.Name)
            {
                case "rate" when value.ValueKind == JsonValueKind.Number && value.GetDouble() is >= 0 and <= 1:
                    next = next with { FaultRate = value.GetDouble() };
                    break;
                case "kinds" when value.ValueKind == JsonValueKind.Array
                                  && value.EnumerateArray().All(k => k.ValueKind == JsonValueKind.String):
                    if (!Emulator.FaultKinds.TryParse(value.EnumerateArray().Select(k => k.GetString()!), out var kinds, out error))
                    {
                        return null;
                    }
                    next = next with { FaultKinds = kinds };
                    break;
                case "latencyMs" when NonNegativeInt(value) is { } latency:
                    next = next with { LatencyMs = latency };
                    break;
                case "slowMs" when NonNegativeInt(value) is { } slow:
                    next = next with { SlowMs = slow };
                    break;
                case "rateLimit" when NonNegativeInt(value) is { } limit:
                    next = next with { RateLimit = limit };
                    break;
                case "limitWindow" when value.ValueKind == JsonValueKind.String && LimitWindows.TryParse(value.GetString(), out var window):
                    next = next with { LimitWindow = window };
                    break;
                case "outageAtS" when Seconds(value) is { } at:
                    next = next with { OutageAtS = at };
                    break;
                case "outageS" when Seconds(value) is { } length:
                    next = next with { OutageS = length };
                    break;
                case "outageKind" when value.ValueKind == JsonValueKind.String && Emulator.FaultKinds.TryParse(value.GetString(), out var outageKind):
                    next = next with { OutageKind = outageKind };
                    break;
                case "oversizeMb" when value.ValueKind == JsonValueKind.Number && value.GetDouble() is var mb && EmulatorOptions.IsOversizeMb(mb):
                    next = next with { OversizeMb = mb };
                    break;
                case "rate" or "kinds" or "latencyMs" or "slowMs" or "rateLimit" or "limitWindow" or "outageAtS" or "outageS" or "outageKind"
                    or "oversizeMb":
                    error = $"'{property.Name}' has a bad value: {value.GetRawText()}";
                    return null;
                default:
                    error = $"unknown setting '{property.Name}' (known: {Known})";
                    return null;
            }
        }
        return next;
    }

    private const string Known = "rate, kinds, latencyMs, slowMs, rateLimit, limitWindow, outageAtS, outageS, outageKind, oversizeMb";

    private static double? Seconds(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.GetDouble() is var d && EmulatorOptions.IsOutageSeconds(d) ? d : null;

    private static int? NonNegativeInt(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0 ? n : null;
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
