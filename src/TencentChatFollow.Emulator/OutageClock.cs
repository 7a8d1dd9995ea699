namespace TencentChatFollow.Emulator;

/// <summary>
/// Times the outage (<see cref="RuntimeSettings.OutageAtS"/>, <see cref="RuntimeSettings.OutageS"/>): it starts
/// OutageAtS seconds after the first API call since start or the last reset, and lasts OutageS seconds.
/// Times come from the emulator's clock, as the arrival times of the calls.
/// </summary>
internal sealed class OutageClock
{
    private const long NotStarted = long.MinValue;

    private long _firstCallTicks = NotStarted;

    /// <summary>Records an API call that arrived at <paramref name="arrivedAt"/>; true when it falls inside the outage.</summary>
    public bool Covers(DateTimeOffset arrivedAt, RuntimeSettings settings)
    {
        var now = arrivedAt.UtcTicks;
        var previous = Interlocked.CompareExchange(ref _firstCallTicks, now, NotStarted);
        var first = previous == NotStarted ? now : previous;
        if (settings.OutageS <= 0)
        {
            return false;
        }
        var start = first + Ticks(settings.OutageAtS);
        return now >= start && now < start + Ticks(settings.OutageS);
    }

    /// <summary>Forgets the first call, so the outage is timed from the next one.</summary>
    public void Reset() => Interlocked.Exchange(ref _firstCallTicks, NotStarted);

    private static long Ticks(double seconds) => (long)Math.Round(seconds * TimeSpan.TicksPerSecond);
}
