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
    private readonly Lock gate = new();
    private readonly Queue<long> arrivals = new(); // UTC ticks of the calls in the trailing 1000 ms, oldest first
    private long lastArrival;
    private long calendarSecond = -1;
    private int callsInCalendarSecond;
    private int maxCallsInAnySecond;
    private int maxCallsInCalendarSecond;

    /// <summary>
    /// Records a call arriving now; false when it goes over <paramref name="limit"/> (0 means no limit), counted the way
    /// <paramref name="window"/> says.
    /// </summary>
    public bool TryAcquire(int limit, LimitWindow window)
    {
        lock (gate)
        {
            // Read under the lock and never earlier than the last arrival, so the queue stays sorted and a wall clock
            // that steps back does not reopen an earlier second.
            var now = Math.Max(clock.GetUtcNow().UtcTicks, lastArrival);
            lastArrival = now;
            while (arrivals.Count > 0 && arrivals.Peek() <= now - TimeSpan.TicksPerSecond)
            {
                arrivals.Dequeue();
            }
            arrivals.Enqueue(now);
            maxCallsInAnySecond = Math.Max(maxCallsInAnySecond, arrivals.Count);

            var second = now / TimeSpan.TicksPerSecond;
            if (second != calendarSecond)
            {
                (calendarSecond, callsInCalendarSecond) = (second, 0);
            }
            maxCallsInCalendarSecond = Math.Max(maxCallsInCalendarSecond, ++callsInCalendarSecond);

            var counted = window == LimitWindow.Sliding ? arrivals.Count : callsInCalendarSecond;
            return limit == 0 || counted <= limit;
        }
    }

    /// <summary>The most calls seen in any 1000 ms window, and in any one calendar second.</summary>
    public (int AnySecond, int CalendarSecond) Peaks()
    {
        lock (gate)
        {
            return (maxCallsInAnySecond, maxCallsInCalendarSecond);
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            arrivals.Clear();
            (lastArrival, calendarSecond, callsInCalendarSecond) = (0, -1, 0);
            (maxCallsInAnySecond, maxCallsInCalendarSecond) = (0, 0);
        }
    }
}
