namespace TencentChatFollow.Emulator;

/// <summary>
/// The per-SDKAppID frequency limit. With <see cref="LimitWindow.Calendar"/> (the default) a call is refused when,
/// counting itself, more than the limit arrived in the same UTC calendar second (arrival time floored to the second).
/// With <see cref="LimitWindow.Sliding"/> it is refused when, counting itself, more than the limit arrived in the
/// trailing 1000 ms (a call exactly 1000 ms older no longer counts). Either way refused calls count too, so a client
/// that keeps hammering stays refused. Only the emulator's own SDKAppID ever gets this far (others are refused
/// earlier), so one counter is the per-SDKAppID counter.
/// Both counts are kept whatever the window, so the window can change at run time, and so are the peaks that
/// /_emulator/stats reports: per calendar second, and over any sliding 1000 ms window.
/// </summary>
/// <remarks>
/// Tencent documents "200 times/second" without saying how it counts; a per-second counter is the usual way such QPS
/// limits are implemented. A sliding window measured here also counts the emulator's own scheduling stalls (a GC
/// pause or a busy machine holds requests back, then timestamps them together), which made a client pacing evenly at
/// 98% of the limit look over it; that is why calendar is the default. Sliding is the harder server, for proving that
/// a client shares the quota gracefully under the strictest reading.
/// </remarks>
internal sealed class FrequencyLimiter(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Queue<long> _arrivals = new(); // UTC ticks of the calls in the trailing 1000 ms, oldest first
    private long _lastArrival;
    private long _calendarSecond = -1;
    private int _callsInCalendarSecond;
    private int _maxCallsInAnySecond;
    private int _maxCallsInCalendarSecond;

    /// <summary>
    /// Records a call arriving now; false when it goes over <paramref name="limit"/> (0 means no limit), counted the way
    /// <paramref name="window"/> says.
    /// </summary>
    public bool TryAcquire(int limit, LimitWindow window)
    {
        lock (_gate)
        {
            // Read under the lock and never earlier than the last arrival, so the queue stays sorted and a wall clock
            // that steps back does not reopen an earlier second.
            var now = Math.Max(clock.GetUtcNow().UtcTicks, _lastArrival);
            _lastArrival = now;
            while (_arrivals.Count > 0 && _arrivals.Peek() <= now - TimeSpan.TicksPerSecond)
            {
                _arrivals.Dequeue();
            }
            _arrivals.Enqueue(now);
            _maxCallsInAnySecond = Math.Max(_maxCallsInAnySecond, _arrivals.Count);

            var second = now / TimeSpan.TicksPerSecond;
            if (second != _calendarSecond)
            {
                (_calendarSecond, _callsInCalendarSecond) = (second, 0);
            }
            _maxCallsInCalendarSecond = Math.Max(_maxCallsInCalendarSecond, ++_callsInCalendarSecond);

            var counted = window == LimitWindow.Sliding ? _arrivals.Count : _callsInCalendarSecond;
            return limit == 0 || counted <= limit;
        }
    }

    /// <summary>The most calls seen in any 1000 ms window, and in any one calendar second.</summary>
    public (int AnySecond, int CalendarSecond) Peaks()
    {
        lock (_gate)
        {
            return (_maxCallsInAnySecond, _maxCallsInCalendarSecond);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _arrivals.Clear();
            (_lastArrival, _calendarSecond, _callsInCalendarSecond) = (0, -1, 0);
            (_maxCallsInAnySecond, _maxCallsInCalendarSecond) = (0, 0);
        }
    }
}
