using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Errors;

namespace TencentChatFollow.Execution;

/// <summary>
/// One run of a batched API: ids in, outcomes out, in input order. It owns what every cmdlet over a batched call
/// needs and none should repeat:
/// <list type="bullet">
/// <item>batching, calls in flight and the reorder buffer (<see cref="OrderedBatchRunner"/>, whose first call goes
/// alone);</item>
/// <item>the idle flush: a partial batch is sent once input has been quiet for <see cref="IdleFlushAfter"/>, so ids
/// that trickle in are not held until the end of input (time spent inside <see cref="Add"/>, waiting for room or
/// writing results downstream, is not quiet input);</item>
/// <item>the stop after a fatal answer: the calls already on the wire finish and their answered ids come out, nothing
/// more is sent, and <see cref="Stopped"/> holds the one error for the run, with the ids left unanswered.</item>
/// </list>
/// Results are handed to the <c>output</c> callback on the thread that calls <see cref="Add"/> and
/// <see cref="Complete"/> (the pipeline thread); the calls themselves run on the thread pool.
/// </summary>
internal sealed class BatchRun : IDisposable
{
    /// <summary>How long input must be quiet before a partial batch is sent without waiting for more ids.</summary>
    public static readonly TimeSpan DefaultIdleFlush = TimeSpan.FromMilliseconds(200);

    private readonly OrderedBatchRunner _runner;
    private readonly Action<BatchResult> _output;
    private readonly Timer? _idleTimer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _unanswered = new();
    private long _lastAddTicks;
    private int _fatalArrived; // 1 once any call came back with a fatal answer, taken in order or not
    private int _busy; // 1 while the owner is inside Add or Complete: waiting for room or writing output is not idle input
    private volatile TencentChatException? _fatal;

    public BatchRun(Func<long, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> execute, int maxInFlight, int batchSize,
        Action<BatchResult> output, CancellationToken cancellationToken, TimeSpan? idleFlush = null, int maxBufferedIds = OrderedBatchRunner.DefaultMaxBufferedIds)
        : this((sequence, _, ids, token) => execute(sequence, ids, token), maxInFlight, batchSize, output, cancellationToken, idleFlush, maxBufferedIds)
    {
    }

    /// <summary>A run whose ids come in groups (the From_Account of pairs): consecutive ids of one group share calls.</summary>
    public BatchRun(Func<long, string?, IReadOnlyList<string>, CancellationToken, Task<BatchResult>> execute, int maxInFlight, int batchSize,
        Action<BatchResult> output, CancellationToken cancellationToken, TimeSpan? idleFlush = null, int maxBufferedIds = OrderedBatchRunner.DefaultMaxBufferedIds)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        if (execute is null) throw new ArgumentNullException(nameof(execute));
        // A fatal answer is noticed the moment it arrives, not when its turn in the output comes: nothing more is sent.
        async Task<BatchResult> Watched(long sequence, string? group, IReadOnlyList<string> ids, CancellationToken token)
        {
            BatchResult result;
            try
            {
                result = await execute(sequence, group, ids, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                // Not an answer's doing (those are the call's own errors): still an outcome per id, never a foreign error.
                result = Unexpected(sequence, ids, ex);
            }
            if (result.Fatal is not null) Volatile.Write(ref _fatalArrived, 1);
            return result;
        }
        _runner = new OrderedBatchRunner(Watched, maxInFlight, batchSize, Math.Max(maxBufferedIds, maxInFlight * batchSize), cancellationToken);
        IdleFlushAfter = idleFlush ?? DefaultIdleFlush;
        if (IdleFlushAfter > TimeSpan.Zero && IdleFlushAfter != Timeout.InfiniteTimeSpan)
        {
            var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(10).Ticks, IdleFlushAfter.Ticks / 4));
            _idleTimer = new Timer(_ => FlushIfIdle(), null, tick, tick);
        }
    }

    /// <summary>Quiet input longer than this sends the partial batch (infinite: only full batches and the end do).</summary>
    public TimeSpan IdleFlushAfter { get; }

    /// <summary>Ids given to <see cref="Add"/>.</summary>
    public long Received { get; private set; }

    /// <summary>Ids handed out with a result or their own error.</summary>
    public long Done { get; private set; }

    /// <summary>Ids handed out with an error.</summary>
    public long Errors { get; private set; }

    /// <summary>Set once a fatal answer stopped the run: the one error to report. No more ids are taken.</summary>
    public TencentChatRunStoppedException? Stopped { get; private set; }

    /// <summary>
    /// Adds an id. Waits while the calls in flight or the reorder buffer are full, handing out the results that
    /// become ready meanwhile. If a fatal answer arrives, drains the run and sets <see cref="Stopped"/> (the id
    /// given counts as not answered); check it after each call.
    /// </summary>
    public void Add(string id, string? group = null)
    {
        if (Stopped is not null) throw new InvalidOperationException("The run has stopped; no more ids are taken.");
        Volatile.Write(ref _busy, 1);
        try
        {
            AddCore(id, group);
        }
        finally
        {
            Volatile.Write(ref _lastAddTicks, _clock.Elapsed.Ticks);
            Volatile.Write(ref _busy, 0);
        }
    }

    private void AddCore(string id, string? group)
    {
        Received++;
        MakeRoom();
        TakeUntilFatalIfArrived();
        if (_fatal is null && _runner.Unsent > 0 && !string.Equals(group, _runner.CurrentGroup, StringComparison.Ordinal))
        {
            // A new group (another From_Account) starts its own call: send the last group's ids now.
            _runner.Flush();
            MakeRoom();
        }
        if (_fatal is not null)
        {
            Stop(id);
            return;
        }
        _runner.Add(id, group);
        HandOutReady();
        if (_fatal is not null) Stop();
    }

    /// <summary>End of input: sends the partial batch and hands out every result left, in order.</summary>
    public void Complete()
    {
        if (Stopped is not null) return;
        Volatile.Write(ref _busy, 1);
        MakeRoom();
        TakeUntilFatalIfArrived();
        if (_fatal is null) _runner.Flush();
        while (_runner.Pending > 0) HandOut(_runner.Take());
        if (_fatal is not null) Stop();
    }

    public void Dispose() => _idleTimer?.Dispose();

    private void FlushIfIdle()
    {
        if (_fatal is not null || Volatile.Read(ref _busy) != 0 || Volatile.Read(ref _fatalArrived) != 0) return;
        var quiet = _clock.Elapsed.Ticks - Volatile.Read(ref _lastAddTicks);
        if (quiet >= IdleFlushAfter.Ticks) _runner.TryFlush();
    }

    /// <summary>
    /// Waits until the runner may start another call, handing out the results that are ready, in order, meanwhile.
    /// A call that is slow to answer holds back only the results after it, not the sending: the calls behind it go
    /// on leaving at the rate limit until the reorder buffer is full.
    /// </summary>
    private void MakeRoom()
    {
        while (_fatal is null && _runner.IsFull)
        {
            _runner.WaitForRoom();
            HandOutReady();
        }
    }

    /// <summary>A fatal answer has arrived behind older calls: hand those out, in order, up to it, and send nothing meanwhile.</summary>
    private void TakeUntilFatalIfArrived()
    {
        if (_fatal is not null || Volatile.Read(ref _fatalArrived) == 0) return;
        while (_fatal is null && _runner.Pending > 0) HandOut(_runner.Take());
    }

    private void HandOutReady()
    {
        while (_fatal is null && _runner.TryTake(out var ready)) HandOut(ready!);
    }

    /// <summary>
    /// Hands out one call's result. Once the run has a fatal answer, ids whose call failed as a whole are kept back
    /// as not answered (one error for the run says so) instead of each getting a copy of the same error.
    /// </summary>
    private void HandOut(BatchResult result)
    {
        _fatal ??= result.Fatal;
        var outcomes = result.Outcomes;
        if (_fatal is not null)
        {
            var kept = new List<IdOutcome>(outcomes.Count);
            foreach (var outcome in outcomes)
            {
                if (outcome.CallFailed) _unanswered.Add(outcome.UserId);
                else kept.Add(outcome);
            }
            outcomes = kept;
            result = new BatchResult(result.Sequence, kept, result.Fatal, result.Verbose, result.Debug);
        }
        foreach (var outcome in outcomes)
        {
            Done++;
            if (outcome.Error is not null) Errors++;
        }
        _output(result);
    }

    /// <summary>A call that threw instead of returning its outcomes: each of its ids gets the module's error, and the run goes on.</summary>
    private static BatchResult Unexpected(long sequence, IReadOnlyList<string> ids, Exception ex)
    {
        var error = new TencentChatException("TencentChat.RequestFailed", ErrorKind.InvalidResponse,
            $"The call failed unexpectedly ({ex.GetType().Name}: {Redactor.Scrub(ex.Message)}). Please report this with the -Verbose output; try these ids again.");
        var outcomes = new List<IdOutcome>(ids.Count);
        foreach (var id in ids) outcomes.Add(new IdOutcome(id, null, error.ForUser(id), callFailed: true));
        return new BatchResult(sequence, outcomes, null, Array.Empty<string>(), Array.Empty<string>());
    }

    /// <summary>Lets the calls on the wire finish (their answers stand), sends nothing more, and makes the run's one error.</summary>
    private void Stop(string? notAdded = null)
    {
        // Take the partial batch back first, so that the idle flush cannot send it while the calls drain.
        var unsent = _runner.DiscardUnsent();
        while (_runner.Pending > 0) HandOut(_runner.Take());
        _unanswered.AddRange(unsent);
        if (notAdded is not null) _unanswered.Add(notAdded);
        Stopped = new TencentChatRunStoppedException(_fatal!, Done, _unanswered);
    }
}
