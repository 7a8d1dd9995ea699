using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Errors;

namespace TencentChatFollow.Execution;

/// <summary>The calls of a <see cref="BatchRun{TResult}"/>: starting them, waiting for them, handing their results out, the stop.</summary>
internal sealed partial class BatchRun<TResult>
{
    private TencentChatException? _fatal; // the first fatal answer in input order, once handed out
    private bool _erredBeforeFatal; // under StopAtFirstError: an id's error was handed out before any fatal answer (the caller halts at it)
    private string[]? _unansweredAtHalt; // the ids Stop left unanswered when it halted the run, for the caller's Halt

    /// <summary>Starts the call for the partial batch on the thread pool; the caller has made room.</summary>
    private void StartCurrent()
    {
        var ids = _current;
        var group = _currentGroup;
        _current = new List<string>(_batchSize);
        var sequence = ++_sequence;
        // The call's own signal that it is sent no more: the run's (everything stops), or an error before it.
        var hold = CancellationTokenSource.CreateLinkedTokenSource(_sendNoMore.Token);
        _holds[sequence] = hold;
        if (sequence > Interlocked.Read(ref _stopAfter)) hold.Cancel();
        Interlocked.Increment(ref _running);
        var task = Task.Run(() => CallAsync(sequence, group, ids, hold), CancellationToken.None);
        _started.Enqueue(new Started(task, ids.Count));
        _bufferedIds += ids.Count;
    }

    /// <summary>One call, whatever happens inside it: its result, or the module's error for each of its ids.</summary>
    private async Task<BatchResult<TResult>> CallAsync(long sequence, string? group, IReadOnlyList<string> ids, CancellationTokenSource hold)
    {
        try
        {
            BatchResult<TResult> result;
            try
            {
                _cancellationToken.ThrowIfCancellationRequested();
                result = await _execute(sequence, group, ids, hold.Token, _cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_cancellationToken.IsCancellationRequested)
            {
                // Not an answer's doing (those are the call's own errors): still an outcome per id, never a foreign error.
                result = Unexpected(sequence, ids, ex);
            }
            // Both signals go before the call frees its place on the wire (finally): the owner may start the next call
            // as soon as it has, and that call must already be held back.
            // A fatal answer is noticed the moment it arrives, not when its turn in the output comes: nothing more is sent,
            // not even the calls already started and waiting for their turn.
            if (result.Fatal is not null)
            {
                Volatile.Write(ref _fatalArrived, 1);
                SendNothingMore();
            }
            // The caller halts at its first error (-ErrorAction Stop) once it reaches it in input order; the calls after it
            // waiting for their turn meanwhile would go out after the error arrived. The calls before it go on.
            else if (StopAtFirstError && HasError(result))
            {
                if (_holdsPerCall) SendNothingMoreAfter(sequence);
                else SendNothingMore();
            }
            return result;
        }
        finally
        {
            _holds.TryRemove(sequence, out _);
            hold.Dispose(); // linked to the run's signal: disposing it unhooks it
            // Down before the task completes: a call seen complete is never counted as running.
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>
    /// Waits until any call still running ends (or the oldest is done already, or a call ended since the caller looked
    /// at <see cref="IsFull"/>). Throws OperationCanceledException when cancelled.
    /// </summary>
    private void WaitForAnyCall()
    {
        var running = new List<Task>(Math.Min(_started.Count, MaxInFlight));
        foreach (var started in _started)
        {
            if (started.Task.IsCompleted)
            {
                if (running.Count == 0) return; // the oldest is done: it can be handed out
                continue;
            }
            running.Add(started.Task);
        }
        // A call that ended after the caller found no room and before this scan is in no list to wait on: look again,
        // or this waits for the calls still running (a stuck one) while there is room. One that ends after the scan
        // is in the list, and ends the wait.
        if (!IsFull) return;
        if (running.Count > 0) AwaitAny(running.ToArray());
        _cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Waits until any of <paramref name="tasks"/> ends, writing the run's lines meanwhile. Throws OperationCanceledException when cancelled.</summary>
    private void AwaitAny(Task[] tasks)
    {
        if (OnNotice is null) Task.WaitAny(tasks, _cancellationToken);
        else while (Task.WaitAny(tasks, (int)BatchRun.NoticeDelay.TotalMilliseconds, _cancellationToken) < 0) WriteNotices();
        WriteNotices();
    }

    /// <summary>Hands the lines posted so far to <see cref="OnNotice"/>, on the owner's thread.</summary>
    private void WriteNotices()
    {
        if (OnNotice is not { } write) return;
        while (_notices.TryDequeue(out var line)) write(line);
    }

    /// <summary>Waits for the oldest call and takes its result off the queue. Throws OperationCanceledException when cancelled.</summary>
    private BatchResult<TResult> TakeOldest()
    {
        var started = _started.Peek();
        // Only the run's cancellation faults a call (CallAsync turns the rest into outcomes): rethrown below as itself.
        AwaitAny(new Task[] { started.Task });
        _started.Dequeue();
        _warm = true;
        _bufferedIds -= started.IdCount;
        return started.Task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Hands out one call's result. Once the run has had a fatal answer, ids whose call failed as a whole are kept
    /// back (one error for the run says so) instead of each getting a copy of the same error: as unknown when an
    /// attempt of their call may have done it (<see cref="TencentChatException.OutcomeUnknown"/>), else as not answered.
    /// </summary>
    private void HandOut(BatchResult<TResult> result, ref List<BatchResult<TResult>>? ready)
    {
        _fatal ??= result.Fatal;
        if (_fatal is not null || HasNotSent(result))
        {
            // Not sent, or (after a fatal answer) in a call that failed with the run: not answered or unknown, one error says so.
            var kept = new List<IdOutcome<TResult>>(result.Outcomes.Count);
            foreach (var outcome in result.Outcomes)
            {
                if (outcome.NotSent) _unanswered.Add(outcome.UserId);
                else if (_fatal is not null && outcome.CallFailed) (outcome.Error?.OutcomeUnknown == true ? _unknown : _unanswered).Add(outcome.UserId);
                else kept.Add(outcome);
            }
            result = new BatchResult<TResult>(result.Sequence, kept, result.Fatal, result.Verbose, result.Debug);
        }
        foreach (var outcome in result.Outcomes)
        {
            Done++;
            if (outcome.Error is not null) Errors++;
        }
        // The caller ends at the first error it is given (StopAtFirstError): one before any fatal answer in input order
        // is that error, even when the fatal answer arrived first and both are handed out together (Stop).
        _erredBeforeFatal |= StopAtFirstError && _fatal is null && HasError(result);
        (ready ??= new List<BatchResult<TResult>>()).Add(result);
    }

    private static bool HasError(BatchResult<TResult> result)
    {
        foreach (var outcome in result.Outcomes) if (outcome.Error is not null && !outcome.NotSent) return true;
        return false;
    }

    private static bool HasNotSent(BatchResult<TResult> result)
    {
        foreach (var outcome in result.Outcomes) if (outcome.NotSent) return true;
        return false;
    }

    /// <summary>
    /// Calls after <paramref name="sequence"/> started and still waiting for their turn end as not sent; the calls
    /// before it go on. The first error's call sets the bound; a later one cannot raise it.
    /// </summary>
    private void SendNothingMoreAfter(long sequence)
    {
        long bound;
        while (sequence < (bound = Interlocked.Read(ref _stopAfter)))
        {
            if (Interlocked.CompareExchange(ref _stopAfter, sequence, bound) == bound) break;
        }
        foreach (var pair in _holds)
        {
            if (pair.Key <= sequence) continue;
            try
            {
                pair.Value.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // That call ended meanwhile: nothing left to hold back.
            }
            catch (AggregateException)
            {
                // A waiter's cancellation callback failed: the waits it ends are the calls', which report their own outcome.
            }
        }
    }

    /// <summary>Calls started and still waiting for their turn end as not sent (<see cref="SendNoMore"/>).</summary>
    private void SendNothingMore()
    {
        try
        {
            _sendNoMore.Cancel();
        }
        catch (AggregateException)
        {
            // A waiter's cancellation callback failed: the waits it ends are the calls', which report their own outcome.
        }
    }

    /// <summary>
    /// Sends nothing more, lets the calls on the wire finish (their answers stand) and makes the run's one error. Under
    /// <see cref="StopAtFirstError"/>, when an id's error came before the fatal answer in input order, the caller ends
    /// at that error: the run is <see cref="Halted"/> instead (<see cref="Halt"/> gives the ids left unanswered), as it
    /// would have been had that error been handed out before the fatal answer arrived.
    /// </summary>
    private IReadOnlyList<BatchResult<TResult>> Stop(List<BatchResult<TResult>>? ready, string? notAdded = null)
    {
        SendNothingMore();
        var unsent = _current;
        _current = new List<string>(_batchSize);
        while (_started.Count > 0) HandOut(TakeOldest(), ref ready);
        _unanswered.AddRange(unsent);
        if (notAdded is not null) _unanswered.Add(notAdded);
        if (_erredBeforeFatal)
        {
            Halted = true;
            _unansweredAtHalt = _unanswered.ToArray();
        }
        else Stopped = new TencentChatRunStoppedException(_fatal!, Done, _unanswered.ToArray(), _unknown.ToArray());
        return ready ?? None;
    }

    /// <summary>A call that threw instead of returning its outcomes: each of its ids gets the module's error.</summary>
    private static BatchResult<TResult> Unexpected(long sequence, IReadOnlyList<string> ids, Exception ex)
    {
        // It may have failed after sending: what the service did is not known.
        var error = new TencentChatException("TencentChat.RequestFailed", ErrorKind.InvalidResponse,
            $"The call failed unexpectedly ({ex.GetType().Name}: {Redactor.Scrub(ex.Message)}). Please report this with the -Verbose output; try these ids again.").Unknown(null);
        var outcomes = new List<IdOutcome<TResult>>(ids.Count);
        foreach (var id in ids) outcomes.Add(new IdOutcome<TResult>(id, null, error.ForUser(id), callFailed: true));
        return new BatchResult<TResult>(sequence, outcomes, null, Array.Empty<string>(), Array.Empty<string>());
    }

    private static Func<long, string?, IReadOnlyList<string>, CancellationToken, CancellationToken, Task<BatchResult<TResult>>> Ungrouped(Func<long, IReadOnlyList<string>, CancellationToken, Task<BatchResult<TResult>>> execute)
    {
        if (execute is null) throw new ArgumentNullException(nameof(execute));
        return (sequence, _, ids, _, token) => execute(sequence, ids, token);
    }

    private readonly struct Started
    {
        public Started(Task<BatchResult<TResult>> task, int idCount)
        {
            Task = task;
            IdCount = idCount;
        }

        public Task<BatchResult<TResult>> Task { get; }
        public int IdCount { get; }
    }
}
