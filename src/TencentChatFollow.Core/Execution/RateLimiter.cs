using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace TencentChatFollow.Execution;

/// <summary>
/// Keeps calls under a per-second limit in every window, not just on average: each call reserves a send time,
/// evenly spaced from the one before, such that no more than <c>limit</c> reservations fall within any window of
/// one second (plus a small margin for network jitter). Reservations are handed out in order, so waiters are
/// served first come, first served.
/// One instance per SDKAppID is shared by the whole process (<see cref="ForApp"/>): every session, cmdlet call
/// and runspace of that app draws from the same budget.
/// </summary>
public sealed class RateLimiter
{
    /// <summary>Tencent's limit for the follow API.</summary>
    public const int DefaultLimit = 200;

    private static readonly ConcurrentDictionary<uint, RateLimiter> PerApp = new();

    /// <summary>Arrival jitter allowance: two sends a window apart may arrive a little closer than that.</summary>
    internal static readonly TimeSpan DefaultMargin = TimeSpan.FromMilliseconds(20);

    /// <summary>How long after a throttling answer the limiter runs at three quarters of its limit.</summary>
    internal static readonly TimeSpan SlowDownPeriod = TimeSpan.FromSeconds(2);

    private readonly Func<TimeSpan> _clock;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly TimeSpan _window;
    private readonly object _gate = new();
    private TimeSpan[] _ring = new TimeSpan[256];
    private int _head;
    private int _count;
    private TimeSpan _slowUntil = TimeSpan.MinValue;

    internal RateLimiter(TimeSpan window, Func<TimeSpan>? clock = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _window = window;
        var stopwatch = Stopwatch.StartNew();
        _clock = clock ?? (() => stopwatch.Elapsed);
        _delay = delay ?? Task.Delay;
    }

    /// <summary>The limiter every session of this SDKAppID in this process shares.</summary>
    public static RateLimiter ForApp(uint sdkAppId)
        => PerApp.GetOrAdd(sdkAppId, _ => new RateLimiter(TimeSpan.FromSeconds(1) + DefaultMargin));

    /// <summary>Waits until a call may be sent under <paramref name="limit"/> calls per second.</summary>
    public Task WaitAsync(int limit, CancellationToken cancellationToken)
    {
        var wait = Reserve(limit);
        return wait <= TimeSpan.Zero ? Task.CompletedTask : _delay(wait, cancellationToken);
    }

    /// <summary>
    /// Books the next send slot and returns how long to wait for it. A caller that then gives up leaves its
    /// slot booked: the limiter errs on the side of sending less.
    /// </summary>
    internal TimeSpan Reserve(int limit)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit));
        lock (_gate)
        {
            var now = _clock();
            if (now < _slowUntil) limit = Math.Max(1, (int)(limit * 3L / 4));
            while (_count > 0 && At(0) <= now - _window) { _head = (_head + 1) % _ring.Length; _count--; }

            // Calls are spaced evenly (window / limit apart) rather than sent in bursts, so that a stall on the way
            // (a GC pause, a busy machine) bunches a few calls together, not a whole window's worth. Reservations
            // are kept in time order, so the sliding-window rule (the slot opens one window after the reservation
            // `limit` places back) holds across changes of limit too.
            var at = now;
            if (_count > 0) at = Max(at, At(_count - 1) + TimeSpan.FromTicks(_window.Ticks / limit));
            if (_count >= limit) at = Max(at, At(_count - limit) + _window);
            Append(at);
            return at - now;
        }
    }

    /// <summary>
    /// The service said we call too often (another process shares the app's quota, or the clocks disagree on where
    /// a second starts): run at three quarters of the limit for a while. The refused call itself is retried later.
    /// </summary>
    public void SlowDown()
    {
        lock (_gate) _slowUntil = _clock() + SlowDownPeriod;
    }

    private TimeSpan At(int index) => _ring[(_head + index) % _ring.Length];

    private void Append(TimeSpan at)
    {
        if (_count == _ring.Length)
        {
            var bigger = new TimeSpan[_ring.Length * 2];
            for (var i = 0; i < _count; i++) bigger[i] = At(i);
            _ring = bigger;
            _head = 0;
        }
        _ring[(_head + _count) % _ring.Length] = at;
        _count++;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
