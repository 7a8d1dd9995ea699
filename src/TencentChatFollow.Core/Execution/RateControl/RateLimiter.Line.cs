using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace TencentChatFollow.Execution;

/// <summary>
/// The limiter's line: callers wait first come, first served, and a pump hands out turns as the pacing rule allows. A
/// caller held to a lower ceiling than others of the process (a session's lower -MaxRequestsPerSecond) waits for its
/// own turns without holding up the callers behind it that are under another ceiling.
/// </summary>
internal sealed partial class RateLimiter
{
    private readonly LinkedList<Waiter> _waiters = new();
    private bool _pumping;

    /// <summary>Callers waiting in line for their turn now.</summary>
    internal int Waiting
    {
        get { lock (_gate) return _waiters.Count; }
    }

    /// <summary>
    /// Waits for this call's turn under at most <paramref name="limit"/> calls per second. <paramref name="front"/>
    /// puts the caller before those already waiting (a refused call going again). When the service has refused every
    /// call for <paramref name="giveUpAfter"/>, the slot comes back <see cref="RateSlot.Exhausted"/> without a send;
    /// that time counts from <paramref name="runStart"/> at the earliest (the caller's run: refusals an earlier run
    /// met in this process are not this one's, and a run that starts after them tries for its own giveUpAfter).
    /// A caller with a <paramref name="place"/> (a call's first turn) is never served before a caller of its run with an
    /// earlier place that waits in line; a <paramref name="front"/> caller keeps the front (its place is not used, and
    /// no later caller moves it).
    /// </summary>
    public Task<RateSlot> WaitAsync(int limit, CancellationToken cancellationToken, bool front = false, TimeSpan? giveUpAfter = null, bool outagePacing = true, TimeSpan? runStart = null, LinePlace? place = null)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit));
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new Waiter(limit, giveUpAfter ?? TimeSpan.MaxValue, outagePacing, runStart ?? TimeSpan.MinValue, front ? null : place);
        var startPump = false;
        lock (_gate)
        {
            if (_waiters.Count == 0 && TryGrant(waiter, _clock.Elapsed, callers: 1, out var slot, out _, out _)) return Task.FromResult(slot);
            if (front) waiter.Node = _waiters.AddFirst(waiter);
            else Enter(waiter);
            if (cancellationToken.CanBeCanceled) waiter.Registration = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
            startPump = !_pumping;
            _pumping = true;
        }
        // Started outside the lock: the pump's first turn runs on this thread, and a grant disposes the waiter's token
        // registration, which waits for a cancellation callback in progress; that callback takes the lock (a deadlock).
        if (startPump) _ = PumpAsync();
        return waiter.Completion.Task;
    }

    /// <summary>
    /// Hands out turns while callers wait. One pump at a time: it stops (under the lock) when the line is empty, and a
    /// caller that comes after that starts a new one; the stopped pump only hands out the turns it already took.
    /// </summary>
    private async Task PumpAsync()
    {
        while (true)
        {
            var wait = TimeSpan.Zero;
            bool stopped;
            var granted = new List<(Waiter, RateSlot)>();
            lock (_gate)
            {
                var now = _clock.Elapsed;
                var next = TimeSpan.MaxValue;
                HashSet<int>? heldToOwn = null; // ceilings whose first caller in line waits for its own lower ceiling
                for (var node = _waiters.First; node is not null;)
                {
                    var following = node.Next;
                    if (heldToOwn?.Contains(node.Value.Limit) != true)
                    {
                        if (TryGrant(node.Value, now, _waiters.Count, out var slot, out var at, out var ownCeiling))
                        {
                            _waiters.Remove(node);
                            node.Value.Node = null;
                            granted.Add((node.Value, slot));
                        }
                        else
                        {
                            if (at < next) next = at;
                            // Held by the pace everyone shares: so is everyone behind. Held to its own lower ceiling
                            // (another session's -MaxRequestsPerSecond): callers under other ceilings go on.
                            if (!ownCeiling) break;
                            (heldToOwn ??= new()).Add(node.Value.Limit);
                        }
                    }
                    node = following;
                }
                stopped = _waiters.Count == 0;
                if (stopped) _pumping = false;
                else wait = next - now;
            }
            foreach (var (waiter, slot) in granted) waiter.Grant(slot);
            if (stopped) return;
            if (wait <= TimeSpan.Zero) continue;
            try
            {
                await _clock.Delay(wait, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A delay never fails on its own; if a test's delay does, look again rather than stall the line.
            }
        }
    }

    /// <summary>
    /// Puts <paramref name="waiter"/> at the end of the line; if callers of its run with later places wait already, it
    /// takes the first one's place and they move down one of the run's places each, so the run's turns come in input
    /// order and every other caller keeps its place. Called under the lock.
    /// </summary>
    private void Enter(Waiter waiter)
    {
        var last = _waiters.AddLast(waiter);
        waiter.Node = last;
        if (waiter.Place is not { } place) return;
        var carried = waiter;
        for (var node = _waiters.First; node != last; node = node!.Next)
        {
            if (node!.Value.Place is not { } other || !other.After(place)) continue;
            var moved = node.Value;
            Put(carried, node);
            carried = moved;
        }
        if (!ReferenceEquals(carried, waiter)) Put(carried, last);
    }

    private static void Put(Waiter waiter, LinkedListNode<Waiter> node)
    {
        node.Value = waiter;
        waiter.Node = node;
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

    private sealed class Waiter(int limit, TimeSpan giveUpAfter, bool outagePacing, TimeSpan runStart, LinePlace? place = null)
    {
        /// <summary>The caller's place in its run's input order (a call's first turn), or null.</summary>
        public LinePlace? Place { get; } = place;
        public int Limit { get; } = limit;
        public TimeSpan GiveUpAfter { get; } = giveUpAfter;
        /// <summary>When the caller's run started: the give-up time counts from then at the earliest.</summary>
        public TimeSpan RunStart { get; } = runStart;
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
