using System;

namespace TencentChatFollow.Execution;

/// <summary>
/// When the next call may go, for one line of calls: evenly spaced at a rate, a late turn catching up at most
/// <see cref="CatchUp"/> (idle time earns no burst), and never more than a limit within any window. Keeps the send
/// times of the last window (a call that reached the service late, as the service counts it). Not thread-safe: its
/// owner calls it under its lock.
/// </summary>
internal sealed class RatePacer
{
    /// <summary>A turn that comes late (a coarse timer, a busy machine) may catch up on slots missed within this time.</summary>
    internal static readonly TimeSpan CatchUp = TimeSpan.FromMilliseconds(20);

    private readonly TimeSpan _window;
    private (TimeSpan At, TimeSpan Sent)[] _ring = new (TimeSpan, TimeSpan)[256]; // the last window's calls: when they count from (in order), and their slot
    private int _head;
    private int _count;
    private TimeSpan _lastSlot = TimeSpan.MinValue;

    public RatePacer(TimeSpan window) => _window = window;

    /// <summary>How long a call counts.</summary>
    public TimeSpan Window => _window;

    /// <summary>The time the last slot was given (MinValue before the first).</summary>
    public TimeSpan LastSlot => _lastSlot;

    /// <summary>
    /// The earliest time the next call may go at <paramref name="rate"/> calls per window with at most
    /// <paramref name="limit"/> calls in any window (0: no count limit), looked at <paramref name="now"/>.
    /// </summary>
    public TimeSpan NextAt(TimeSpan now, double rate, int limit)
    {
        Forget(now);
        var spacing = TimeSpan.FromTicks((long)(_window.Ticks / rate));
        var at = _lastSlot == TimeSpan.MinValue ? now : _lastSlot + spacing;
        if (at < now - CatchUp) at = now - CatchUp; // idle time earns no burst
        if (limit > 0 && _count >= limit)
        {
            var free = At(_count - limit) + _window;
            if (free > at) at = free;
        }
        return at;
    }

    /// <summary>A call goes now, in the slot at <paramref name="slot"/> (from <see cref="NextAt"/>, not later than now).</summary>
    public void Take(TimeSpan slot, TimeSpan now)
    {
        _lastSlot = slot;
        if (_count == _ring.Length)
        {
            var bigger = new (TimeSpan, TimeSpan)[_ring.Length * 2];
            for (var i = 0; i < _count; i++) bigger[i] = Entry(i);
            _ring = bigger;
            _head = 0;
        }
        _count++;
        Entry(_count - 1) = (now, now);
    }

    /// <summary>
    /// The call sent at <paramref name="sentAt"/> reached the service <paramref name="lateBy"/> later than its slot (its
    /// answer came that much later than the quickest): it counts in the window from then, as the service counts it
    /// (never earlier than it counts already). Calls that a stall held back arrive together, and a second later the
    /// service's window would be over by them.
    /// </summary>
    public void Arrived(TimeSpan sentAt, TimeSpan lateBy)
    {
        // Calls given one slot time are alike: move one of them that counts from earlier.
        var arrived = sentAt + lateBy;
        var i = 0;
        while (i < _count && (Entry(i).Sent != sentAt || Entry(i).At >= arrived)) i++;
        if (i == _count) return; // out of the window already, or counted at least that long
        for (; i + 1 < _count && At(i + 1) < arrived; i++) Entry(i) = Entry(i + 1); // keep the window in time order
        Entry(i) = (arrived, sentAt);
    }

    /// <summary>How many calls went within the window before <paramref name="now"/>.</summary>
    public int InWindow(TimeSpan now)
    {
        Forget(now);
        return _count;
    }

    /// <summary>How many of the calls sent until now will still be within the window at <paramref name="later"/>.</summary>
    public int StillInWindowAt(TimeSpan later)
    {
        var leaving = 0;
        while (leaving < _count && At(leaving) <= later - _window) leaving++;
        return _count - leaving;
    }

    private void Forget(TimeSpan now)
    {
        while (_count > 0 && At(0) <= now - _window) { _head = (_head + 1) % _ring.Length; _count--; }
    }

    private TimeSpan At(int index) => Entry(index).At;

    private ref (TimeSpan At, TimeSpan Sent) Entry(int index) => ref _ring[(_head + index) % _ring.Length];
}
