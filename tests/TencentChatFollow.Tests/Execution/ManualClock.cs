using TencentChatFollow.Execution;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// A clock that moves only when the test says (<see cref="Advance"/>, <see cref="Set"/>): a wait ends when the test
/// has moved the clock past its end, so a limiter's pump and its callers run exactly as far as the test lets them.
/// </summary>
internal sealed class ManualClock : Clock
{
    private readonly object _gate = new();
    private readonly List<(TimeSpan Due, TaskCompletionSource Done)> _delays = new();
    private TimeSpan _now;
    private readonly DateTimeOffset _epoch;

    public ManualClock(TimeSpan? start = null, DateTimeOffset? epoch = null)
    {
        _now = start ?? TimeSpan.FromSeconds(100);
        _epoch = epoch ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    public override TimeSpan Elapsed
    {
        get { lock (_gate) return _now; }
    }

    public override DateTimeOffset UtcNow => _epoch + Elapsed;

    /// <summary>Waits still pending (not yet due).</summary>
    public int PendingDelays
    {
        get { lock (_gate) return _delays.Count; }
    }

    /// <summary>The times the pending waits end at.</summary>
    public TimeSpan[] PendingDues
    {
        get { lock (_gate) return _delays.Select(d => d.Due).ToArray(); }
    }

    /// <summary>As <see cref="Task.Delay(TimeSpan, CancellationToken)"/>: a wait cancelled before it is due ends at once, cancelled.</summary>
    public override Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (TimeSpan Due, TaskCompletionSource Done) entry;
        lock (_gate)
        {
            if (delay <= TimeSpan.Zero) return Task.CompletedTask;
            entry = (_now + delay, done);
            _delays.Add(entry);
        }
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (_gate) _delays.Remove(entry);
                done.TrySetCanceled(cancellationToken);
            });
            done.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        return done.Task;
    }

    public void Advance(TimeSpan by) => Set(Elapsed + by);

    /// <summary>Moves the clock to <paramref name="now"/> (never back) and ends the waits that are due.</summary>
    public void Set(TimeSpan now)
    {
        List<TaskCompletionSource> due;
        lock (_gate)
        {
            if (now > _now) _now = now;
            due = _delays.Where(d => d.Due <= _now).Select(d => d.Done).ToList();
            _delays.RemoveAll(d => d.Due <= _now);
        }
        foreach (var d in due) d.TrySetResult();
    }
}
