using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace TencentChatFollow.Execution;

/// <summary>
/// Paces the calls of one app: callers wait their turn first come, first served (a refused call goes back to the
/// front), and each turn comes when the pace allows: evenly spaced at the rate the <see cref="RateController"/> has
/// found the service takes now, and never more than the ceiling (<c>-MaxRequestsPerSecond</c>) within any window of
/// a second (plus a small margin for network jitter).
/// The next turn is worked out when it comes, not booked in advance, so a cut applies to every call still waiting.
/// One instance per SDKAppID is shared by the whole process (<see cref="ForApp"/>): every session, cmdlet call
/// and runspace of that app draws from the same budget and learns from the same answers.
/// </summary>
internal sealed class RateLimiter
{
    /// <summary>Tencent's limit for the follow API.</summary>
    public const int DefaultLimit = 200;

    private static readonly ConcurrentDictionary<uint, RateLimiter> PerApp = new();

    /// <summary>Arrival jitter allowance: two sends a window apart may arrive a little closer than that.</summary>
    internal static readonly TimeSpan DefaultMargin = TimeSpan.FromMilliseconds(10);

    /// <summary>A turn that comes late (a coarse timer, a busy machine) may catch up on slots missed within this time.</summary>
    internal static readonly TimeSpan CatchUp = TimeSpan.FromMilliseconds(20);

    /// <summary>After the service has answered, this many calls in a row with no usable answer is an outage.</summary>
    internal const int OutageAfter = 3;
    internal static readonly TimeSpan OutageFirstProbe = TimeSpan.FromMilliseconds(250);
    internal static readonly TimeSpan OutageLongestProbe = TimeSpan.FromSeconds(2);

    /// <summary>After giving up on a refusing service, one probe call goes this often; the others fail at once.</summary>
    internal static readonly TimeSpan ExhaustedProbeInterval = TimeSpan.FromSeconds(1);

    private readonly Func<TimeSpan> _clock;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly TimeSpan _window;
    private readonly object _gate = new();
    private readonly RateController _control;
    private readonly LinkedList<Waiter> _waiters = new();
    private TimeSpan[] _ring = new TimeSpan[256]; // send times of the last window, oldest first
    private int _head;
    private int _count;
    private TimeSpan _lastSlot = TimeSpan.MinValue;
    private TimeSpan _lastExhaustedProbe = TimeSpan.MinValue;
    private bool _pumping;
    // Outages: after the service has answered once, several calls in a row that get no usable answer mean it is down
    // for everyone; then one probe goes at a time (more rarely the longer it lasts, at least one each 2 s) until one gets through.
    private bool _everAnswered;
    private int _failuresInARow;
    private TimeSpan? _failingSince;
    private TimeSpan _outageSince = TimeSpan.MaxValue;
    private TimeSpan _outageProbeInterval = OutageFirstProbe;

    internal RateLimiter(TimeSpan window, Func<TimeSpan>? clock = null, Func<TimeSpan, CancellationToken, Task>? delay = null, RateControlSettings? settings = null)
    {
        _window = window;
        var stopwatch = Stopwatch.StartNew();
        _clock = clock ?? (() => stopwatch.Elapsed);
        _delay = delay ?? Task.Delay;
        _control = new RateController(settings);
    }

    /// <summary>A limiter paced on <paramref name="clock"/> (a session's own, in tests).</summary>
    internal RateLimiter(TimeSpan window, Clock clock, RateControlSettings? settings = null)
        : this(window, () => clock.Elapsed, clock.Delay, settings)
    {
    }

    /// <summary>The window a limiter of Tencent's per-second limit counts over (a second and a safety margin).</summary>
    internal static TimeSpan DefaultWindow => TimeSpan.FromSeconds(1) + DefaultMargin;

    /// <summary>The limiter every session of this SDKAppID in this process shares.</summary>
    public static RateLimiter ForApp(uint sdkAppId)
        => PerApp.GetOrAdd(sdkAppId, _ => new RateLimiter(DefaultWindow));

    /// <summary>The limiter's clock (monotonic; the same one answers are reported on).</summary>
    internal TimeSpan Now => _clock();

    /// <summary>The rate calls go at now, calls per second (0 while holding back after a refusal).</summary>
    public double CurrentRate(int limit)
    {
        lock (_gate) return _control.IsHolding(_clock()) ? 0 : _control.RateFor(limit);
    }

    /// <summary>
    /// Waits for this call's turn under at most <paramref name="limit"/> calls per second. <paramref name="front"/>
    /// puts the caller before those already waiting (a refused call going again). When the service has refused every
    /// call for <paramref name="giveUpAfter"/>, the slot comes back <see cref="RateSlot.Exhausted"/> without a send.
    /// </summary>
    public Task<RateSlot> WaitAsync(int limit, CancellationToken cancellationToken, bool front = false, TimeSpan? giveUpAfter = null, bool outagePacing = true)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit));
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new Waiter(limit, giveUpAfter ?? TimeSpan.MaxValue, outagePacing);
        var startPump = false;
        lock (_gate)
        {
            if (_waiters.Count == 0 && TryGrant(waiter, _clock(), out var slot, out _)) return Task.FromResult(slot);
            waiter.Node = front ? _waiters.AddFirst(waiter) : _waiters.AddLast(waiter);
            if (cancellationToken.CanBeCanceled) waiter.Registration = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
            startPump = !_pumping;
            _pumping = true;
        }
        // Started outside the lock: the pump's first turn runs on this thread, and a grant disposes the waiter's token
        // registration, which waits for a cancellation callback in progress; that callback takes the lock (a deadlock).
        if (startPump) _ = PumpAsync();
        return waiter.Completion.Task;
    }

    /// <summary>The service accepted the call of <paramref name="slot"/>. Returns a line for -Verbose when the rate changed notably.</summary>
    public string? Accepted(RateSlot slot, int limit)
    {
        lock (_gate)
        {
            Answered();
            return _control.OnAccepted(slot.SentAt, _clock(), limit);
        }
    }

    /// <summary>
    /// The call of <paramref name="slot"/> got no usable answer (a passing fault: 5xx, a dropped connection, a timeout,
    /// 30006/30007...). Says whether the service is down for everyone (an outage: the caller should wait its turn
    /// again rather than spend a retry) and for how long it has answered nothing usable.
    /// </summary>
    public OutageState Failed(RateSlot slot)
    {
        lock (_gate)
        {
            var now = _clock();
            _failingSince ??= now;
            _failuresInARow++;
            var outage = _everAnswered && _failuresInARow >= OutageAfter;
            if (outage && _outageSince == TimeSpan.MaxValue) _outageSince = now;
            else if (outage && slot.SentAt >= _outageSince)
            {
                // A probe failed: the next one waits longer.
                var longer = TimeSpan.FromTicks(_outageProbeInterval.Ticks * 2);
                _outageProbeInterval = longer < OutageLongestProbe ? longer : OutageLongestProbe;
            }
            return new OutageState(outage, now - _failingSince.Value);
        }
    }

    /// <summary>Any answer at all from the service (accepted or refused): it is up.</summary>
    private void Answered()
    {
        _everAnswered = true;
        _failuresInARow = 0;
        _failingSince = null;
        _outageSince = TimeSpan.MaxValue;
        _outageProbeInterval = OutageFirstProbe;
    }

    /// <summary>The service refused the call of <paramref name="slot"/> for frequency. Returns a line for -Verbose when this cut the rate.</summary>
    public string? Refused(RateSlot slot, int limit, string reason)
    {
        lock (_gate)
        {
            Answered();
            return _control.OnRefused(slot.SentAt, _clock(), limit, reason);
        }
    }

    /// <summary>The pacing rule without the line: takes a turn if it has come (for one caller that keeps its own line, as the simulation does).</summary>
    internal bool TryAcquire(int limit, TimeSpan giveUpAfter, out RateSlot slot, out TimeSpan next)
    {
        lock (_gate) return TryGrant(new Waiter(limit, giveUpAfter, outagePacing: true), _clock(), out slot, out next);
    }

    /// <summary>How long the service has refused every call, or null when its last answer was an acceptance.</summary>
    internal TimeSpan? RefusingFor()
    {
        lock (_gate) return _control.RefusingSince is { } since ? _clock() - since : null;
    }

    /// <summary>
    /// The pacing rule, for the caller at the head of the line: gives its slot when its turn has come, otherwise says
    /// when to look again. Call under the lock.
    /// </summary>
    private bool TryGrant(Waiter waiter, TimeSpan now, out RateSlot slot, out TimeSpan next)
    {
        slot = default;
        if (_control.RefusingSince is { } since && now - since >= waiter.GiveUpAfter)
        {
            // The quota has been used up elsewhere for longer than the caller waits: fail fast, but keep one probe
            // going now and then, so the run notices when the service takes calls again.
            if (_lastExhaustedProbe != TimeSpan.MinValue && now - _lastExhaustedProbe < ExhaustedProbeInterval)
            {
                slot = new RateSlot(now, exhausted: true, refusingFor: now - since);
                next = now;
                return true;
            }
            _lastExhaustedProbe = now;
        }

        while (_count > 0 && At(0) <= now - _window) { _head = (_head + 1) % _ring.Length; _count--; }
        var rate = _outageSince != TimeSpan.MaxValue && waiter.OutagePacing ? 1 / _outageProbeInterval.TotalSeconds
            : _control.IsHolding(now) ? 1 / _control.ProbeInterval.TotalSeconds
            : _control.RateFor(waiter.Limit);
        var spacing = TimeSpan.FromTicks((long)(_window.Ticks / rate));
        var at = _lastSlot == TimeSpan.MinValue ? now : _lastSlot + spacing;
        if (at < now - CatchUp) at = now - CatchUp; // idle time earns no burst
        if (_count >= waiter.Limit) at = Max(at, At(_count - waiter.Limit) + _window);
        if (at > now)
        {
            next = at;
            return false;
        }
        _lastSlot = at;
        Append(now);
        slot = new RateSlot(now, exhausted: false, refusingFor: null);
        next = now;
        return true;
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            TimeSpan wait;
            var granted = new List<(Waiter, RateSlot)>();
            lock (_gate)
            {
                var now = _clock();
                var next = now;
                while (_waiters.First is { } node && TryGrant(node.Value, now, out var slot, out next))
                {
                    _waiters.RemoveFirst();
                    node.Value.Node = null;
                    granted.Add((node.Value, slot));
                }
                if (_waiters.Count == 0)
                {
                    _pumping = false;
                    wait = TimeSpan.Zero;
                }
                else
                {
                    wait = next - now;
                }
            }
            foreach (var (waiter, slot) in granted) waiter.Grant(slot);
            if (wait <= TimeSpan.Zero)
            {
                lock (_gate) if (!_pumping) return;
                continue;
            }
            try
            {
                await _delay(wait, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A delay never fails on its own; if a test's delay does, look again rather than stall the line.
            }
        }
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Node is null) return;
            _waiters.Remove(waiter.Node);
            waiter.Node = null;
        }
        waiter.Completion.TrySetCanceled(token);
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

    private sealed class Waiter(int limit, TimeSpan giveUpAfter, bool outagePacing)
    {
        public int Limit { get; } = limit;
        public TimeSpan GiveUpAfter { get; } = giveUpAfter;
        /// <summary>The caller's run has seen the service answer, so an outage applies to it (one probe at a time).</summary>
        public bool OutagePacing { get; } = outagePacing;
        public TaskCompletionSource<RateSlot> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Waiter>? Node { get; set; }
        public CancellationTokenRegistration Registration { get; set; }

        public void Grant(RateSlot slot)
        {
            Registration.Dispose();
            Completion.TrySetResult(slot);
        }
    }
}

/// <summary>What <see cref="RateLimiter.Failed"/> says about the service after a call got no usable answer.</summary>
internal readonly struct OutageState
{
    internal OutageState(bool down, TimeSpan failingFor)
    {
        Down = down;
        FailingFor = failingFor;
    }

    /// <summary>Several calls in a row failed after the service had answered: it is down for everyone.</summary>
    public bool Down { get; }
    /// <summary>How long the service has answered nothing usable.</summary>
    public TimeSpan FailingFor { get; }
}

/// <summary>A turn to send, from <see cref="RateLimiter.WaitAsync"/>.</summary>
internal readonly struct RateSlot
{
    internal RateSlot(TimeSpan sentAt, bool exhausted, TimeSpan? refusingFor)
    {
        SentAt = sentAt;
        Exhausted = exhausted;
        RefusingFor = refusingFor;
    }

    /// <summary>When the call went, on the limiter's clock.</summary>
    public TimeSpan SentAt { get; }
    /// <summary>No send: the service has refused every call for longer than the caller waits.</summary>
    public bool Exhausted { get; }
    /// <summary>With <see cref="Exhausted"/>: how long the service has refused every call.</summary>
    public TimeSpan? RefusingFor { get; }
}
