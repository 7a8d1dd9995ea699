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
    private readonly Lock _gate = new();
    private readonly SortedDictionary<int, long> _batchSizes = new();
    private readonly SortedDictionary<int, long> _errorsByCode = new();
    private readonly SortedDictionary<string, long> _callsByApi = new(StringComparer.Ordinal);
    private long _calls;
    private long _accepted;
    private long _rateLimited;
    private long _faultsInjected;
    private long _outageCalls;

    public void Record(RequestLogEntry call)
    {
        lock (_gate)
        {
            _calls++;
            _callsByApi[call.Api] = _callsByApi.GetValueOrDefault(call.Api) + 1;
            if (call.ErrorCode == ErrorCodes.Ok && call.HttpStatus == StatusCodes.Status200OK)
            {
                _accepted++;
            }
            if (call.ErrorCode == ErrorCodes.FrequencyLimit && call.Fault is null)
            {
                _rateLimited++;
            }
            if (call.Fault is not null)
            {
                _faultsInjected++;
            }
            if (call.Outage)
            {
                _outageCalls++;
            }
            if (call.ToAccount is { } batch)
            {
                _batchSizes[batch.Count] = _batchSizes.GetValueOrDefault(batch.Count) + 1;
            }
            if (call.ErrorCode is { } code and not ErrorCodes.Ok)
            {
                _errorsByCode[code] = _errorsByCode.GetValueOrDefault(code) + 1;
            }
        }
    }

    public StatsSnapshot Snapshot((int AnySecond, int CalendarSecond) peaks)
    {
        lock (_gate)
        {
            return new StatsSnapshot(
                _calls,
                _accepted,
                _rateLimited,
                _faultsInjected,
                _outageCalls,
                _batchSizes.Count == 0 ? 0 : _batchSizes.Keys.Max(),
                new SortedDictionary<int, long>(_batchSizes),
                peaks.AnySecond,
                peaks.CalendarSecond,
                new SortedDictionary<int, long>(_errorsByCode),
                new SortedDictionary<string, long>(_callsByApi, StringComparer.Ordinal));
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _batchSizes.Clear();
            _errorsByCode.Clear();
            _callsByApi.Clear();
            (_calls, _accepted, _rateLimited, _faultsInjected, _outageCalls) = (0, 0, 0, 0, 0);
        }
    }
}
