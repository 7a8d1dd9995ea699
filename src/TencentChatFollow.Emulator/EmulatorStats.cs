namespace TencentChatFollow.Emulator;

/// <summary>The body of GET /_emulator/stats.</summary>
internal sealed record StatsSnapshot(
    long Calls,
    long Accepted,
    long RateLimited,
    long FaultsInjected,
    long OutageCalls,
    int MaxBatchSize,
    IReadOnlyDictionary<int, long> BatchSizes,
    int MaxCallsInAnySecond,
    int MaxCallsInCalendarSecond,
    IReadOnlyDictionary<int, long> ErrorsByCode,
    IReadOnlyDictionary<string, long> CallsByApi);

/// <summary>Running totals over every API call since start or the last reset (not limited by the log's cap).</summary>
internal sealed class EmulatorStats
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<int, long> batchSizes = new();
    private readonly SortedDictionary<int, long> errorsByCode = new();
    private readonly SortedDictionary<string, long> callsByApi = new(StringComparer.Ordinal);
    private long calls;
    private long accepted;
    private long rateLimited;
    private long faultsInjected;
    private long outageCalls;

    public void Record(RequestLogEntry call)
    {
        lock (gate)
        {
            calls++;
            callsByApi[call.Api] = callsByApi.GetValueOrDefault(call.Api) + 1;
            if (call.ErrorCode == ErrorCodes.Ok && call.HttpStatus == StatusCodes.Status200OK)
            {
                accepted++;
            }
            if (call.ErrorCode == ErrorCodes.FrequencyLimit && call.Fault is null)
            {
                rateLimited++;
            }
            if (call.Fault is not null)
            {
                faultsInjected++;
            }
            if (call.Outage)
            {
                outageCalls++;
            }
            if (call.ToAccount is { } batch)
            {
                batchSizes[batch.Count] = batchSizes.GetValueOrDefault(batch.Count) + 1;
            }
            if (call.ErrorCode is { } code and not ErrorCodes.Ok)
            {
                errorsByCode[code] = errorsByCode.GetValueOrDefault(code) + 1;
            }
        }
    }

    public StatsSnapshot Snapshot((int AnySecond, int CalendarSecond) peaks)
    {
        lock (gate)
        {
            return new StatsSnapshot(
                calls,
                accepted,
                rateLimited,
                faultsInjected,
                outageCalls,
                batchSizes.Count == 0 ? 0 : batchSizes.Keys.Max(),
                new SortedDictionary<int, long>(batchSizes),
                peaks.AnySecond,
                peaks.CalendarSecond,
                new SortedDictionary<int, long>(errorsByCode),
                new SortedDictionary<string, long>(callsByApi, StringComparer.Ordinal));
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            batchSizes.Clear();
            errorsByCode.Clear();
            callsByApi.Clear();
            (calls, accepted, rateLimited, faultsInjected, outageCalls) = (0, 0, 0, 0, 0);
        }
    }
}
