namespace TencentChatFollow.Emulator;

/// <summary>
/// The per-SDKAppID frequency limit: a call is refused when, counting itself, more than the limit arrived in the
/// last 1000 ms. Refused calls count too, so a client that keeps hammering stays refused. Only the emulator's own
/// SDKAppID ever gets this far (others are refused earlier), so one window is the per-SDKAppID window.
/// It also keeps the peaks that /_emulator/stats reports.
/// </summary>
internal sealed class SlidingWindowRateLimiter(TimeProvider clock)
{
    private readonly Lock gate = new();
    private readonly Queue<long> arrivals = new(); // UTC ticks, oldest first
    private long lastArrival;
    private long calendarSecond = -1;
    private int callsInCalendarSecond;
    private int maxCallsInAnySecond;
    private int maxCallsInCalendarSecond;

    /// <summary>Records a call arriving now; false when it goes over <paramref name="limit"/> (0 means no limit).</summary>
    public bool TryAcquire(int limit)
    {
        lock (gate)
        {
            // Read under the lock and never earlier than the last arrival, so the queue stays sorted
            // even if the wall clock steps back.
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

            return limit == 0 || arrivals.Count <= limit;
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
