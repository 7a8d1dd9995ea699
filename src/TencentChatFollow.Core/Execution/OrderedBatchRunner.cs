using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace TencentChatFollow.Execution;

/// <summary>
/// Groups ids into calls of the API's batch size, keeps up to
/// <see cref="MaxInFlight"/> calls running at once, and hands results back strictly in input order.
/// <para>
/// Two limits, kept apart. <see cref="MaxInFlight"/> counts the calls on the wire. The reorder buffer holds every
/// call started and not yet taken, running or finished, up to <see cref="MaxBufferedIds"/> ids: a call that
/// finished behind a slow one waits there for its turn, and frees its place on the wire at once, so new calls go
/// on leaving at the rate limit while the slow one runs. Memory is bounded by <see cref="MaxBufferedIds"/> plus one
/// partial batch, however long the input is.
/// </para>
/// <para>
/// The first call goes alone: it warms up the process (JIT, the first connection) so that the calls after it
/// leave when the rate limiter says and do not arrive bunched, and when it fails in a way every call would
/// (a wrong key) no more calls are made.
/// </para>
/// One thread (the PowerShell pipeline thread) adds ids and takes results; besides it, <see cref="TryFlush"/> may be
/// called from any thread (the idle timer of <see cref="BatchRun"/>). The calls run on the thread pool.
/// </summary>
internal sealed class OrderedBatchRunner
{
    /// <summary>
    /// The default reorder bound: 20,000 ids, 1,000 calls of 20. At 200 calls/s that is 5 s of sending, so the
    /// calls go on at the rate limit behind a call as slow as the service's own 3 s timeout, and it is a few MB.
    /// </summary>
    public const int DefaultMaxBufferedIds = 20_000;

    private readonly Func<long, string?, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> _execute;
    private readonly int _batchSize;
    private readonly CancellationToken _cancellationToken;
    private readonly Queue<Started> _started = new();
    /// <summary>Released once after each call ends (after its task is complete), to wake <see cref="WaitForRoom"/>.</summary>
    private readonly SemaphoreSlim _callEnded = new(0);
    /// <summary>Guards the partial batch and the queue of calls started, which an idle flush may touch from another thread.</summary>
    private readonly object _gate = new();
    private List<string> _current;
    private string? _currentGroup;
    private long _sequence;
    private int _running;
    private int _bufferedIds;
    private bool _warm;

    public OrderedBatchRunner(Func<long, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> execute, int maxInFlight, int batchSize, CancellationToken cancellationToken)
        : this(execute, maxInFlight, batchSize, DefaultMaxBufferedIds, cancellationToken)
    {
    }

    /// <summary>
    /// A runner whose reorder buffer holds at most <paramref name="maxBufferedIds"/> ids, at least
    /// <paramref name="maxInFlight"/> × <paramref name="batchSize"/>.
    /// </summary>
    public OrderedBatchRunner(Func<long, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> execute, int maxInFlight, int batchSize, int maxBufferedIds, CancellationToken cancellationToken)
        : this(Ungrouped(execute), maxInFlight, batchSize, maxBufferedIds, cancellationToken)
    {
    }

    /// <summary>
    /// A runner whose batches each belong to one group (the From_Account of a call): ids of one group share calls, and
    /// a new group starts a new batch. <paramref name="execute"/> gets the batch's group.
    /// </summary>
    public OrderedBatchRunner(Func<long, string?, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> execute, int maxInFlight, int batchSize, int maxBufferedIds, CancellationToken cancellationToken)
    {
        if (maxInFlight < 1) throw new ArgumentOutOfRangeException(nameof(maxInFlight));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize));
        if ((long)maxBufferedIds < (long)maxInFlight * batchSize)
            throw new ArgumentOutOfRangeException(nameof(maxBufferedIds), maxBufferedIds, $"The reorder buffer must hold at least the calls in flight: {maxInFlight} × {batchSize} ids.");
        _execute = execute ?? throw new ArgumentNullException(nameof(execute));
        MaxInFlight = maxInFlight;
        _batchSize = batchSize;
        MaxBufferedIds = maxBufferedIds;
        _cancellationToken = cancellationToken;
        _current = new List<string>(batchSize);
    }

    /// <summary>The most calls running at once (on the wire).</summary>
    public int MaxInFlight { get; }

    /// <summary>The most ids in calls started and not yet taken, running or finished: the reorder bound.</summary>
    public int MaxBufferedIds { get; }

    /// <summary>Calls started and not yet taken, running or finished.</summary>
    public int Pending
    {
        get
        {
            lock (_gate) return _started.Count;
        }
    }

    /// <summary>Calls started and not yet finished.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Ids in the calls started and not yet taken.</summary>
    public int BufferedIds => _bufferedIds;

    /// <summary>
    /// No call may start now: <see cref="MaxInFlight"/> calls are running, or another batch would take the reorder
    /// buffer over <see cref="MaxBufferedIds"/>. Until the first result is taken, one call started is the limit.
    /// </summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                return _warm
                    ? Running >= MaxInFlight || _bufferedIds > MaxBufferedIds - _batchSize
                    : _started.Count >= 1;
            }
        }
    }

    /// <summary>
    /// Adds an id of <paramref name="group"/>; a full batch starts its call. Call only when <see cref="IsFull"/> is
    /// false, and flush first when the group differs from <see cref="CurrentGroup"/> while ids are unsent.
    /// </summary>
    public void Add(string id, string? group = null)
    {
        lock (_gate)
        {
            if (IsFull) throw new InvalidOperationException("Wait for room before adding more ids.");
            if (_current.Count > 0 && !string.Equals(group, _currentGroup, StringComparison.Ordinal))
                throw new InvalidOperationException("Flush the batch of the previous group first.");
            _currentGroup = group;
            _current.Add(id);
            if (_current.Count == _batchSize) StartCurrent();
        }
    }

    /// <summary>The group of the partial batch.</summary>
    public string? CurrentGroup
    {
        get
        {
            lock (_gate) return _currentGroup;
        }
    }

    /// <summary>Ids waiting in the partial batch (not sent yet).</summary>
    public int Unsent
    {
        get
        {
            lock (_gate) return _current.Count;
        }
    }

    /// <summary>Starts the call for the partial batch, if there is one (end of input).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_current.Count == 0) return;
            if (IsFull) throw new InvalidOperationException("Wait for room before flushing.");
            StartCurrent();
        }
    }

    /// <summary>
    /// Starts the call for the partial batch if there is one and a call may start now; otherwise does nothing.
    /// Safe from any thread: input that has gone quiet sends what it has.
    /// </summary>
    public bool TryFlush()
    {
        lock (_gate)
        {
            if (_current.Count == 0 || IsFull || _cancellationToken.IsCancellationRequested) return false;
            StartCurrent();
            return true;
        }
    }

    private void StartCurrent()
    {
        var ids = _current;
        var group = _currentGroup;
        _current = new List<string>(_batchSize);
        var sequence = ++_sequence;
        Interlocked.Increment(ref _running);
        // The count goes down before the task completes, so a call seen complete is never counted as running;
        // the signal goes after, so a waiter woken by it sees the task complete.
        var task = Task.Run(async () =>
        {
            try
            {
                _cancellationToken.ThrowIfCancellationRequested();
                return await _execute(sequence, group, ids, _cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }, CancellationToken.None);
        task.ContinueWith(static (_, signal) => ((SemaphoreSlim)signal!).Release(), _callEnded,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _started.Enqueue(new Started(task, ids.Count));
        _bufferedIds += ids.Count;
    }

    /// <summary>
    /// Waits until a call may start (<see cref="IsFull"/> is false) or the oldest result can be taken, whichever
    /// comes first; returns at once if either is already so. A call finishing behind a slow oldest one frees its
    /// place on the wire: this returns then, without waiting for the oldest. Throws OperationCanceledException
    /// when cancelled.
    /// </summary>
    public void WaitForRoom()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        while (!RoomOrResult())
        {
            _callEnded.Wait(_cancellationToken);
        }
    }

    private bool RoomOrResult()
    {
        lock (_gate) return !IsFull || (_started.Count > 0 && _started.Peek().Task.IsCompleted);
    }

    /// <summary>Takes the oldest result if it is already finished.</summary>
    public bool TryTake(out BatchResult? result)
    {
        result = null;
        lock (_gate)
        {
            if (_started.Count == 0 || !_started.Peek().Task.IsCompleted) return false;
        }
        result = Dequeue();
        return true;
    }

    /// <summary>Waits for the oldest call and takes its result. Throws OperationCanceledException when cancelled.</summary>
    public BatchResult Take()
    {
        Task<BatchResult> task;
        lock (_gate)
        {
            if (_started.Count == 0) throw new InvalidOperationException("No call is in flight.");
            task = _started.Peek().Task;
        }
        try
        {
            task.Wait(_cancellationToken);
        }
        catch (AggregateException)
        {
            // Unwrap below reports the task's own exception.
        }
        return Dequeue();
    }

    /// <summary>Takes back the ids of the partial batch without sending them (after a fatal error).</summary>
    public IReadOnlyList<string> DiscardUnsent()
    {
        lock (_gate)
        {
            var unsent = _current;
            _current = new List<string>(_batchSize);
            return unsent;
        }
    }

    private static Func<long, string?, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> Ungrouped(Func<long, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> execute)
    {
        if (execute is null) throw new ArgumentNullException(nameof(execute));
        return (sequence, _, ids, token) => execute(sequence, ids, token);
    }

    private BatchResult Dequeue()
    {
        Started started;
        lock (_gate)
        {
            _warm = true;
            started = _started.Dequeue();
            _bufferedIds -= started.IdCount;
        }
        return started.Task.GetAwaiter().GetResult();
    }

    private readonly struct Started
    {
        public Started(Task<BatchResult> task, int idCount)
        {
            Task = task;
            IdCount = idCount;
        }

        public Task<BatchResult> Task { get; }
        public int IdCount { get; }
    }
}
