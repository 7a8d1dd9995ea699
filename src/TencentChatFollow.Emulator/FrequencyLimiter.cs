namespace TencentChatFollow.Emulator;

/// <summary>The most calls seen in any sliding 1000 ms window, and in any one UTC calendar second.</summary>
internal readonly record struct Peaks(int AnySecond, int CalendarSecond);

/// <summary>The peaks of the app as a whole and of each API that has been counted.</summary>
internal sealed record LimiterPeaks(Peaks App, IReadOnlyDictionary<string, Peaks> ByApi);

/// <summary>
/// The frequency limits of the emulated app: one counter per API and one for the app, every one counting each call
/// that reaches it (refused calls too, so a client that keeps hammering stays refused), in both readings of "a
/// second". With <see cref="LimitWindow.Calendar"/> (the default) a counter compares the calls that arrived in the same
/// UTC calendar second (arrival time floored to the second), this one included, with the limit; with
/// <see cref="LimitWindow.Sliding"/> the calls of the trailing 1000 ms (a call exactly 1000 ms older no longer counts).
/// Which counters refuse, at which limit and with which code, is <see cref="LimitScope"/>'s:
/// <list type="bullet">
/// <item><see cref="LimitScope.Api"/>: a call over its API's own limit gets 60007 (the REST API's frequency);
/// otherwise a call over the app-wide cap (<see cref="RuntimeSettings.AppRateLimit"/>, 0 = none) gets 60011.</item>
/// <item><see cref="LimitScope.App"/>: the app's counter alone, at <see cref="RuntimeSettings.RateLimit"/>, refuses
/// with 60011 (the SDKAppID's request frequency).</item>
/// </list>
/// Only the emulator's own SDKAppID ever gets this far (others are refused earlier), so one app counter is the
/// per-SDKAppID counter. Every counter is kept whatever the scope and the window, so both can change at run time and
/// apply to the calls already counted, and each keeps the peaks that /_emulator/stats reports.
/// </summary>
/// <remarks>
/// Tencent documents each API's "times/second" without saying how it counts; a per-second counter is the usual way
/// such QPS limits are implemented. A sliding window measured here also counts the emulator's own scheduling stalls (a
/// GC pause or a busy machine holds requests back, then timestamps them together), which made a client pacing evenly
/// at 98% of the limit look over it; that is why calendar is the default. Sliding is the harder server, for proving
/// that a client shares the quota gracefully under the strictest reading.
/// </remarks>
internal sealed class FrequencyLimiter(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Counter _app = new();
    private readonly Dictionary<string, Counter> _apis = new(StringComparer.Ordinal);
    private long _lastArrival;

    /// <summary>
    /// Counts a call to <paramref name="api"/> arriving now, in its API's counter and the app's; returns the refusal
    /// when it goes over a limit that <paramref name="settings"/> applies, or null.
    /// </summary>
    /// <param name="api">The API's name, which keys its counter.</param>
    /// <param name="apiLimit">The API's own limit per second (0 = none), applied in the api scope.</param>
    /// <param name="settings">The scope, the window, the app-wide limits.</param>
    public ApiError? Admit(string api, int apiLimit, RuntimeSettings settings)
    {
        lock (_gate)
        {
            // Read under the lock and never earlier than the last arrival, so the queues stay sorted and a wall clock
            // that steps back does not reopen an earlier second.
            var now = Math.Max(clock.GetUtcNow().UtcTicks, _lastArrival);
            _lastArrival = now;
            if (!_apis.TryGetValue(api, out var own))
            {
                _apis[api] = own = new Counter();
            }
            var window = settings.LimitWindow;
            var ownCount = own.Count(now, window);
            var appCount = _app.Count(now, window);

            if (settings.LimitScope == LimitScope.App)
            {
                return Over(appCount, settings.RateLimit) ? AppRefusal(settings.RateLimit) : null;
            }
            if (Over(ownCount, apiLimit))
            {
                return new ApiError(ErrorCodes.FrequencyLimit,
                    $"REST API call frequency exceeds the limit of {apiLimit} calls per second for {api}");
            }
            return Over(appCount, settings.AppRateLimit) ? AppRefusal(settings.AppRateLimit) : null;
        }
    }

    private static bool Over(int count, int limit) => limit > 0 && count > limit;

    private static ApiError AppRefusal(int limit) => new(ErrorCodes.AppFrequencyLimit,
        $"SDKAppID request frequency exceeds the app's limit of {limit} calls per second, all APIs together");

    public LimiterPeaks Peaks()
    {
        lock (_gate)
        {
            return new LimiterPeaks(_app.Peaks, _apis.ToDictionary(p => p.Key, p => p.Value.Peaks, StringComparer.Ordinal));
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _app.Reset();
            _apis.Clear();
            _lastArrival = 0;
        }
    }

    /// <summary>One counter, in both readings of a second, with its peaks. Not thread-safe: the limiter's lock guards it.</summary>
    private sealed class Counter
    {
        private readonly Queue<long> _arrivals = new(); // UTC ticks of the calls in the trailing 1000 ms, oldest first
        private long _calendarSecond = -1;
        private int _callsInCalendarSecond;

        public Peaks Peaks { get; private set; }

        /// <summary>Records a call at <paramref name="now"/> (never earlier than the last) and returns the count <paramref name="window"/> compares.</summary>
        public int Count(long now, LimitWindow window)
        {
            while (_arrivals.Count > 0 && _arrivals.Peek() <= now - TimeSpan.TicksPerSecond)
            {
                _arrivals.Dequeue();
            }
            _arrivals.Enqueue(now);

            var second = now / TimeSpan.TicksPerSecond;
            if (second != _calendarSecond)
            {
                (_calendarSecond, _callsInCalendarSecond) = (second, 0);
            }
            _callsInCalendarSecond++;
            Peaks = new Peaks(Math.Max(Peaks.AnySecond, _arrivals.Count), Math.Max(Peaks.CalendarSecond, _callsInCalendarSecond));

            return window == LimitWindow.Sliding ? _arrivals.Count : _callsInCalendarSecond;
        }

        public void Reset()
        {
            _arrivals.Clear();
            (_calendarSecond, _callsInCalendarSecond) = (-1, 0);
            Peaks = default;
        }
    }
}
