using System.Collections.Concurrent;
using TencentChatFollow.Execution;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// A clock whose waits end at once and move its time on by what was asked: a retry schedule, a pacing wait or a
/// sig's expiry runs through without sleeping, and every wait asked for is recorded.
/// </summary>
internal sealed class InstantClock : Clock
{
    private readonly object _gate = new();
    private TimeSpan _elapsed;
    private DateTimeOffset _utc;

    public InstantClock(DateTimeOffset start) => _utc = start;

    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public override TimeSpan Elapsed
    {
        get
        {
            lock (_gate) return _elapsed;
        }
    }

    public override DateTimeOffset UtcNow
    {
        get
        {
            lock (_gate) return _utc;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _elapsed += by;
            _utc += by;
        }
    }

    public override Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waits.Enqueue(delay);
        if (delay > TimeSpan.Zero) Advance(delay);
        return Task.CompletedTask;
    }
}
