using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Errors;

namespace TencentChatFollow.Execution;

/// <summary>
/// One run of a batched API, owned by one thread (the pipeline thread): ids in, one <see cref="BatchResult{TResult}"/> per
/// call out, in input order. <see cref="Add"/> and <see cref="Complete()"/> return the results ready for the caller to
/// write; nothing here calls up into the caller but <see cref="OnNotice"/> (on the caller's thread, within its own
/// calls), and nothing but the calls themselves runs on another thread.
/// <list type="bullet">
/// <item>Batching: ids go into calls of the batch size; consecutive ids of one group (the From_Account of pairs) share
/// calls, and a new group starts a new call.</item>
/// <item>Calls and the reorder buffer: up to <see cref="MaxInFlight"/> calls on the wire; calls started and not yet
/// handed out, running or finished, hold at most <see cref="MaxBufferedIds"/> ids. A call finished behind a slow one
/// waits for its turn and frees its place on the wire at once. <see cref="Add"/> waits for room (handing out what
/// becomes ready meanwhile); it never refuses an id.</item>
/// <item>The first call goes alone, until its result is handed out: when it fails in a way every call would (a wrong
/// key, a wrong endpoint) nothing more is sent. A caller that knows the service takes its calls (the session's check
/// was answered) and has nothing to lose by a few calls at once (it only reads) starts without it.</item>
/// <item>The idle flush: when input has been quiet for <see cref="IdleFlushAfter"/> since the caller said it waits
/// for input (<see cref="AwaitingInput"/>), the next <see cref="Add"/> or <see cref="Complete()"/> sends the partial
/// batch first. Time spent writing results is not quiet input; there is no timer to race an Add.</item>
/// <item>The stop: once a call comes back with a fatal answer, nothing more is sent; the calls on the wire finish and
/// their answers stand; <see cref="Stopped"/> holds the run's one error with the ids left unanswered.</item>
/// </list>
/// Any exception inside a call (not the run's cancellation) becomes TencentChat.RequestFailed for that call's ids.
/// The run has no timer and owns no handle: nothing to dispose; calls still running end with the caller's cancellation.
/// </summary>
/// <typeparam name="TResult">What the API gives for an id: the results come out typed.</typeparam>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "_sendNoMore has no timer and its WaitHandle is never used: Cancel is all it does, and nothing is left to release.")]
internal sealed partial class BatchRun<TResult>
    where TResult : class
{
    private static readonly IReadOnlyList<BatchResult<TResult>> None = Array.Empty<BatchResult<TResult>>();

    private readonly Func<long, string?, IReadOnlyList<string>, CancellationToken, CancellationToken, Task<BatchResult<TResult>>> _execute;
    private readonly int _batchSize;
    private readonly CancellationToken _cancellationToken;
    private readonly Clock _clock;
    private readonly Queue<Started> _started = new();
    private readonly List<string> _unanswered = new();
    private readonly List<string> _unknown = new(); // after a fatal answer: ids in calls that failed with it, which may have been done
    private List<string> _current;
    private string? _currentGroup;
    private TimeSpan? _quietSince;
    private long _sequence;
    private int _running; // calls started and not finished; the only field the calls write, with _fatalArrived
    private int _fatalArrived; // 1 once any call came back with a fatal answer, in its turn or not
    private readonly CancellationTokenSource _sendNoMore = new(); // cancelled once the run sends nothing more
    private readonly ConcurrentQueue<string> _notices = new(); // the run's lines posted by the calls, for OnNotice
    private int _bufferedIds;
    private bool _warm;
    // Each running call's own signal that it is sent no more, by sequence: an error holds back only the calls after it.
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _holds = new();
    private bool _holdsPerCall = true; // the calls take their own signal (the grouped constructor's execute does)
    private long _stopAfter = long.MaxValue; // calls after this sequence are sent no more (the first error's call, under StopAtFirstError)

    public BatchRun(Func<long, IReadOnlyList<string>, CancellationToken, Task<BatchResult<TResult>>> execute, int maxInFlight, int batchSize,
        CancellationToken cancellationToken, TimeSpan? idleFlush = null, int maxBufferedIds = BatchRun.DefaultMaxBufferedIds, Clock? clock = null,
        bool firstCallAlone = true)
        : this(Ungrouped(execute), maxInFlight, batchSize, cancellationToken, idleFlush, maxBufferedIds, clock, firstCallAlone)
    {
        // Its calls are not given their own signal (the module's runs use the constructor below; this one serves
        // calls that can only take the run's SendNoMore): an error holds back every call waiting for its turn, those
        // before it too.
        _holdsPerCall = false;
    }

    /// <summary>A run whose ids come in groups (the From_Account of pairs).</summary>
    /// <param name="execute">One call: its sequence number, group, ids, its own signal that the run sends it no more (give it to the call's <see cref="BatchCall{TResult}"/>) and the run's token.</param>
    /// <param name="maxInFlight">The most calls on the wire at once.</param>
    /// <param name="batchSize">Ids per call (the API's limit).</param>
    /// <param name="cancellationToken">Stops every call and wait (Ctrl+C).</param>
    /// <param name="idleFlush">Quiet input after which the partial batch goes; infinite for never.</param>
    /// <param name="maxBufferedIds">The reorder bound; raised to <paramref name="maxInFlight"/> × <paramref name="batchSize"/> when lower.</param>
    /// <param name="clock">What the idle flush measures quiet input on (the session's clock).</param>
    /// <param name="firstCallAlone">Whether the first call goes alone (false: calls go at once from the start).</param>
    public BatchRun(Func<long, string?, IReadOnlyList<string>, CancellationToken, CancellationToken, Task<BatchResult<TResult>>> execute, int maxInFlight, int batchSize,
        CancellationToken cancellationToken, TimeSpan? idleFlush = null, int maxBufferedIds = BatchRun.DefaultMaxBufferedIds, Clock? clock = null,
        bool firstCallAlone = true)
    {
        if (maxInFlight < 1) throw new ArgumentOutOfRangeException(nameof(maxInFlight));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize));
        if (maxBufferedIds < 1) throw new ArgumentOutOfRangeException(nameof(maxBufferedIds));
        _execute = execute ?? throw new ArgumentNullException(nameof(execute));
        MaxInFlight = maxInFlight;
        _batchSize = batchSize;
        MaxBufferedIds = (int)Math.Max(maxBufferedIds, (long)maxInFlight * batchSize);
        _cancellationToken = cancellationToken;
        IdleFlushAfter = idleFlush ?? BatchRun.DefaultIdleFlush;
        _clock = clock ?? Clock.System;
        _current = new List<string>(batchSize);
        _warm = !firstCallAlone;
    }

    /// <summary>
    /// Cancelled once the run sends nothing more (a fatal answer arrived, <see cref="Halt"/>, the stop): a call started
    /// and not yet on the wire then ends with its ids not sent (<see cref="IdOutcome{TResult}.NotSent"/>), which the
    /// run counts as not answered. Each call's own signal (the execute delegate's) follows it.
    /// </summary>
    public CancellationToken SendNoMore => _sendNoMore.Token;

    /// <summary>
    /// The caller stops at the first error it writes (-ErrorAction Stop, <see cref="Halt"/>): from the moment any call
    /// comes back with an error, not only once the caller reaches it in input order, the run sends none of the calls
    /// after it in input order. The calls before it still go out: the thread pool may start calls out of order, and
    /// what comes before the first error is done, as in a loop that stops there.
    /// </summary>
    public bool StopAtFirstError { get; set; }

    /// <summary>The most calls running at once (on the wire).</summary>
    public int MaxInFlight { get; }

    /// <summary>The most ids in calls started and not yet handed out, running or finished: the reorder bound.</summary>
    public int MaxBufferedIds { get; }

    /// <summary>Quiet input longer than this sends the partial batch (infinite: only full batches and the end do).</summary>
    public TimeSpan IdleFlushAfter { get; }

    /// <summary>Ids given to <see cref="Add"/>.</summary>
    public long Received { get; private set; }

    /// <summary>Ids handed out with a result or their own error.</summary>
    public long Done { get; private set; }

    /// <summary>Ids handed out with an error.</summary>
    public long Errors { get; private set; }

    /// <summary>Calls started so far (the last call's sequence number).</summary>
    public long CallsStarted => _sequence;

    /// <summary>Calls started and not yet handed out, running or finished.</summary>
    public int Pending => _started.Count;

    /// <summary>Calls started and not yet finished.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Ids in the calls started and not yet handed out.</summary>
    public int BufferedIds => _bufferedIds;

    /// <summary>Ids in the partial batch (not sent yet).</summary>
    public int Unsent => _current.Count;

    /// <summary>
    /// Ids kept back after a fatal answer (<see cref="Halt"/>, <see cref="Stopped"/>) whose call failed after an attempt
    /// that may have done it: sent, no usable answer. <see cref="TencentChatRunStoppedException.UnknownIds"/> has them too.
    /// </summary>
    public IReadOnlyList<string> UnknownIds => _unknown;

    /// <summary>Set once a fatal answer stopped the run: the one error to report. No more ids are taken.</summary>
    public TencentChatRunStoppedException? Stopped { get; private set; }

    /// <summary>
    /// Adds an id of <paramref name="group"/> and returns the results ready, in order. Waits while no call may start,
    /// handing out meanwhile what becomes ready. If a fatal answer has arrived, drains the run and sets
    /// <see cref="Stopped"/> (the id given counts as not answered); check it after each call.
    /// </summary>
    public IReadOnlyList<BatchResult<TResult>> Add(string id, string? group = null)
    {
        if (Stopped is not null || Halted) throw new InvalidOperationException("The run has stopped; no more ids are taken.");
        Received++;
        List<BatchResult<TResult>>? ready = null;
        if (IsIdle() || (_current.Count > 0 && !string.Equals(group, _currentGroup, StringComparison.Ordinal)))
        {
            // Input went quiet, or a new group (another From_Account) starts its own call: send the partial batch now.
            MakeRoom(ref ready);
            if (!FatalArrived) StartCurrent();
        }
        _quietSince = null;
        MakeRoom(ref ready);
        if (FatalArrived) return Stop(ready, id);
        _currentGroup = group;
        _current.Add(id);
        if (_current.Count == _batchSize) StartCurrent();
        TakeReady(ref ready);
        return FatalArrived ? Stop(ready) : ready ?? None;
    }

    /// <summary>
    /// The caller has written what it was given and now waits for more input: quiet time counts from here, and a
    /// partial batch still unsent after <see cref="IdleFlushAfter"/> goes with the next <see cref="Add"/>.
    /// </summary>
    public void AwaitingInput() => _quietSince ??= _current.Count > 0 ? _clock.Elapsed : null;

    /// <summary>End of input: sends the partial batch and returns every result left, in order.</summary>
    public IReadOnlyList<BatchResult<TResult>> Complete()
    {
        var all = new List<BatchResult<TResult>>();
        Complete(all.AddRange);
        return all;
    }

    /// <summary>
    /// End of input: gives <paramref name="handOut"/> each call's results as the call is answered, in order
    /// (<see cref="CompleteNext"/> until none), so the caller writes each before the slowest call is back.
    /// </summary>
    public void Complete(Action<IReadOnlyList<BatchResult<TResult>>> handOut)
    {
        IReadOnlyList<BatchResult<TResult>> next;
        while ((next = CompleteNext()).Count > 0) handOut(next);
    }

    /// <summary>
    /// End of input, a call at a time: sends the partial batch, waits for the oldest call still out and returns its
    /// result with those ready after it, in order; none once every result is out. The caller writes each return before
    /// it asks again, so a call answered is written at once, not after the slowest call of the run.
    /// </summary>
    public IReadOnlyList<BatchResult<TResult>> CompleteNext()
    {
        if (Stopped is not null || Halted) return None;
        List<BatchResult<TResult>>? ready = null;
        MakeRoom(ref ready);
        if (!FatalArrived && _current.Count > 0) StartCurrent();
        if (!FatalArrived && ready is null && _started.Count > 0) HandOut(TakeOldest(), ref ready);
        TakeReady(ref ready);
        return FatalArrived ? Stop(ready) : ready ?? None;
    }

    /// <summary>
    /// Takes the run's own lines (<see cref="Post"/>) on the owner's thread: while <see cref="Add"/>, <see cref="Complete()"/>
    /// or <see cref="Halt"/> waits for calls (within <see cref="BatchRun.NoticeDelay"/>), and as they return.
    /// </summary>
    public Action<string>? OnNotice { get; set; }

    /// <summary>Hands a line to the owner's thread (<see cref="OnNotice"/>); from any thread.</summary>
    public void Post(string line) => _notices.Enqueue(line);

    /// <summary>A call has come back with a fatal answer, in its turn or not: nothing more is sent.</summary>
    public bool FatalArrived => Volatile.Read(ref _fatalArrived) != 0;

    private bool IsIdle()
        => _quietSince is { } since && _current.Count > 0 && IdleFlushAfter != Timeout.InfiniteTimeSpan && _clock.Elapsed - since >= IdleFlushAfter;

    /// <summary>
    /// No call may start now: <see cref="MaxInFlight"/> calls are running, or another batch would take the reorder
    /// buffer over <see cref="MaxBufferedIds"/>. Until the first result is handed out, one call started is the limit.
    /// </summary>
    private bool IsFull => _warm
        ? Running >= MaxInFlight || _bufferedIds > MaxBufferedIds - _batchSize
        : _started.Count >= 1;

    /// <summary>
    /// Waits until a call may start, handing out the results that are ready, in order, meanwhile. A call slow to
    /// answer holds back only the results after it, not the sending. Returns early once a fatal answer has arrived.
    /// </summary>
    private void MakeRoom(ref List<BatchResult<TResult>>? ready)
    {
        TakeReady(ref ready);
        while (!FatalArrived && IsFull)
        {
            WaitForAnyCall();
            TakeReady(ref ready);
        }
    }

    private void TakeReady(ref List<BatchResult<TResult>>? ready)
    {
        WriteNotices();
        while (_started.Count > 0 && _started.Peek().Task.IsCompleted && !FatalArrived) HandOut(TakeOldest(), ref ready);
    }
}

/// <summary>The defaults every <see cref="BatchRun{TResult}"/> shares.</summary>
internal static class BatchRun
{
    /// <summary>The longest a line posted to a run (<see cref="BatchRun{TResult}.Post"/>) waits while the owner waits for calls.</summary>
    public static readonly TimeSpan NoticeDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>How long input must be quiet before a partial batch is sent without waiting for more ids.</summary>
    public static readonly TimeSpan DefaultIdleFlush = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The default reorder bound: 20,000 ids, 1,000 calls of 20. At 200 calls/s that is 5 s of sending, so the
    /// calls go on at the rate limit behind a call as slow as the service's own 3 s timeout, and it is a few MB.
    /// </summary>
    public const int DefaultMaxBufferedIds = 20_000;
}
