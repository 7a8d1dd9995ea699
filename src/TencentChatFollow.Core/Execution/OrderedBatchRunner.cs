using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace TencentChatFollow.Execution;

/// <summary>
/// Groups ids into calls of <see cref="Api.FollowGetInfoProtocol.MaxIdsPerCall"/>, keeps up to
/// <see cref="MaxInFlight"/> calls running at once, and hands results back strictly in input order.
/// The queue of calls in flight is also the reorder buffer: a finished call waits there until every call
/// before it has been taken. Memory is bounded by MaxInFlight × 20 ids however long the input is.
/// The first call goes alone: it warms up the process (JIT, the first connection) so that the calls after it
/// leave when the rate limiter says and do not arrive bunched, and when it fails in a way every call would
/// (a wrong key) no more calls are made.
/// Only the thread that owns it (the PowerShell pipeline thread) calls its members.
/// </summary>
internal sealed class OrderedBatchRunner
{
    private readonly Func<long, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> _execute;
    private readonly int _batchSize;
    private readonly CancellationToken _cancellationToken;
    private readonly Queue<Task<BatchResult>> _inFlight = new();
    private List<string> _current;
    private long _sequence;
    private bool _warm;

    public OrderedBatchRunner(Func<long, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> execute, int maxInFlight, int batchSize, CancellationToken cancellationToken)
    {
        if (maxInFlight < 1) throw new ArgumentOutOfRangeException(nameof(maxInFlight));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize));
        _execute = execute;
        MaxInFlight = maxInFlight;
        _batchSize = batchSize;
        _cancellationToken = cancellationToken;
        _current = new List<string>(batchSize);
    }

    public int MaxInFlight { get; }

    /// <summary>Calls started and not yet taken.</summary>
    public int Pending => _inFlight.Count;

    /// <summary>No more calls may start until the oldest is taken (until the first call is back, one is the limit).</summary>
    public bool IsFull => _inFlight.Count >= (_warm ? MaxInFlight : 1);

    /// <summary>Adds an id; a full batch starts its call. Call only when <see cref="IsFull"/> is false.</summary>
    public void Add(string id)
    {
        if (IsFull) throw new InvalidOperationException("Take a result before adding more ids.");
        _current.Add(id);
        if (_current.Count == _batchSize) Flush();
    }

    /// <summary>Starts the call for the partial batch, if there is one (end of input).</summary>
    public void Flush()
    {
        if (_current.Count == 0) return;
        if (IsFull) throw new InvalidOperationException("Take a result before flushing.");
        var ids = _current;
        _current = new List<string>(_batchSize);
        var sequence = ++_sequence;
        _inFlight.Enqueue(Task.Run(() => _execute(sequence, ids, _cancellationToken), _cancellationToken));
    }

    /// <summary>Takes the oldest result if it is already finished.</summary>
    public bool TryTake(out BatchResult? result)
    {
        result = null;
        if (_inFlight.Count == 0 || !_inFlight.Peek().IsCompleted) return false;
        result = Dequeue();
        return true;
    }

    /// <summary>Waits for the oldest call and takes its result. Throws OperationCanceledException when cancelled.</summary>
    public BatchResult Take()
    {
        if (_inFlight.Count == 0) throw new InvalidOperationException("No call is in flight.");
        var task = _inFlight.Peek();
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
        var unsent = _current;
        _current = new List<string>(_batchSize);
        return unsent;
    }

    private BatchResult Dequeue()
    {
        _warm = true;
        return _inFlight.Dequeue().GetAwaiter().GetResult();
    }
}
