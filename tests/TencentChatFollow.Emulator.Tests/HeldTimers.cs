namespace TencentChatFollow.Emulator.Tests;

/// <summary>
/// The system clock, except that its timers (the emulator's delays) are held until <see cref="Release"/>, and fire at
/// once after it: a test sees what the emulator does during a pause without waiting it out.
/// </summary>
internal sealed class HeldTimers : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<HeldTimer> _held = [];
    private readonly TaskCompletionSource _firstHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _released;

    /// <summary>Completes when the first timer is made and held.</summary>
    public Task FirstHeld => _firstHeld.Task;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new HeldTimer(callback, state);
        lock (_gate)
        {
            if (!_released)
            {
                _held.Add(timer);
                _firstHeld.TrySetResult();
                return timer;
            }
        }
        timer.Fire();
        return timer;
    }

    /// <summary>Fires every held timer, and from now on each new one at once.</summary>
    public void Release()
    {
        List<HeldTimer> due;
        lock (_gate)
        {
            _released = true;
            due = [.. _held];
            _held.Clear();
        }
        due.ForEach(timer => timer.Fire());
    }

    private sealed class HeldTimer(TimerCallback callback, object? state) : ITimer
    {
        private int _done;

        public void Fire()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                ThreadPool.QueueUserWorkItem(_ => callback(state));
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose() => Interlocked.Exchange(ref _done, 1);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
