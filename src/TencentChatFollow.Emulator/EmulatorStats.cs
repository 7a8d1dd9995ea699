namespace TencentChatFollow.Emulator;

/// <summary>The body of GET /_emulator/stats. Names are camelCase in JSON; the keys of the maps are written as they are.</summary>
internal sealed record StatsSnapshot(
    long Calls,
    long Accepted,
    long RateLimited,
    long ApiLimitRefusals,
    long AppLimitRefusals,
    long FaultsInjected,
    long OutageCalls,
    int MaxBatchSize,
    IReadOnlyDictionary<int, long> BatchSizes,
    int MaxCallsInAnySecond,
    int MaxCallsInCalendarSecond,
    IReadOnlyDictionary<int, long> ErrorsByCode,
    IReadOnlyDictionary<string, long> CallsByApi,
    IReadOnlyDictionary<string, ApiStats> ByApi);

/// <summary>One API's share of the totals in <see cref="StatsSnapshot"/>, and the peaks of its own counter.</summary>
internal sealed record ApiStats(
    long Calls,
    long Accepted,
    long RateLimited,
    long ApiLimitRefusals,
    long AppLimitRefusals,
    int MaxCallsInAnySecond,
    int MaxCallsInCalendarSecond);

/// <summary>Running totals over every API call since start or the last reset (not limited by the log's cap).</summary>
internal sealed class EmulatorStats
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<int, long> _batchSizes = new();
    private readonly SortedDictionary<int, long> _errorsByCode = new();
    private readonly SortedDictionary<string, Tally> _byApi = new(StringComparer.Ordinal);
    private readonly Tally _total = new();
    private long _faultsInjected;
    private long _outageCalls;

    public void Record(RequestLogEntry call)
    {
        lock (_gate)
        {
            if (!_byApi.TryGetValue(call.Api, out var api))
            {
                _byApi[call.Api] = api = new Tally();
            }
            _total.Add(call);
            api.Add(call);
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

    public StatsSnapshot Snapshot(LimiterPeaks peaks)
    {
        lock (_gate)
        {
            return new StatsSnapshot(
                _total.Calls,
                _total.Accepted,
                _total.RateLimited,
                _total.ApiLimitRefusals,
                _total.AppLimitRefusals,
                _faultsInjected,
                _outageCalls,
                _batchSizes.Count == 0 ? 0 : _batchSizes.Keys.Max(),
                new SortedDictionary<int, long>(_batchSizes),
                peaks.App.AnySecond,
                peaks.App.CalendarSecond,
                new SortedDictionary<int, long>(_errorsByCode),
                new SortedDictionary<string, long>(_byApi.ToDictionary(p => p.Key, p => p.Value.Calls), StringComparer.Ordinal),
                new SortedDictionary<string, ApiStats>(
                    _byApi.ToDictionary(p => p.Key, p => p.Value.Snapshot(peaks.ByApi.GetValueOrDefault(p.Key))), StringComparer.Ordinal));
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _batchSizes.Clear();
            _errorsByCode.Clear();
            _byApi.Clear();
            _total.Reset();
            (_faultsInjected, _outageCalls) = (0, 0);
        }
    }

    /// <summary>Calls, accepted calls and rate-limit refusals, over all APIs or one. The stats' lock guards it.</summary>
    private sealed class Tally
    {
        public long Calls { get; private set; }
        public long Accepted { get; private set; }
        public long ApiLimitRefusals { get; private set; }
        public long AppLimitRefusals { get; private set; }
        public long RateLimited => ApiLimitRefusals + AppLimitRefusals;

        public void Add(RequestLogEntry call)
        {
            Calls++;
            if (call.ErrorCode == ErrorCodes.Ok && call.HttpStatus == StatusCodes.Status200OK)
            {
                Accepted++;
            }
            // The frequency limiter's refusals; an injected 60007 fault counts in faultsInjected instead.
            if (call.Fault is null && call.ErrorCode == ErrorCodes.FrequencyLimit)
            {
                ApiLimitRefusals++;
            }
            if (call.Fault is null && call.ErrorCode == ErrorCodes.AppFrequencyLimit)
            {
                AppLimitRefusals++;
            }
        }

        public ApiStats Snapshot(Peaks peaks) =>
            new(Calls, Accepted, RateLimited, ApiLimitRefusals, AppLimitRefusals, peaks.AnySecond, peaks.CalendarSecond);

        public void Reset() => (Calls, Accepted, ApiLimitRefusals, AppLimitRefusals) = (0, 0, 0, 0);
    }
}
