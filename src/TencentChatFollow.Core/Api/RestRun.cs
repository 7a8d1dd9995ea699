using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;

namespace TencentChatFollow.Api;

/// <summary>
/// A run of REST calls, one per body, on the batched APIs' run (<see cref="BatchRun{TResult}"/> with one body a call): several
/// calls in flight, the first alone, results handed out in input order, a fatal answer stops it. Each body gets a key
/// (its place in the input, "1", "2"...) that stands for it in the run; the body as the caller gave it is kept until
/// its outcome is handed out (<see cref="Given"/>), so errors can carry it. A body refused before sending (not JSON,
/// over the cap) takes its place in the order without a call. Owned by one thread, as <see cref="BatchRun{TResult}"/> is.
/// </summary>
internal sealed class RestRun
{
    /// <summary>The reorder bound: bodies started and not yet handed out. Answers are up to 1 MiB; most are a few KB.</summary>
    public const int MaxBufferedBodies = 1_000;

    private static readonly IReadOnlyList<string> NoLines = Array.Empty<string>();

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Func<long, string, byte[], CancellationToken, CancellationToken, Task<BatchResult<string>>> _call;
    private readonly BatchRun<string> _run;
    private long _received;
    private long _direct;
    private long _directErrors;

    /// <param name="call">One call: its sequence number (the body's place in the input), its key, its JSON, its own signal that the run sends it no more (give it to <see cref="RestCall.ExecuteAsync"/>) and the run's token.</param>
    /// <param name="maxInFlight">The most calls on the wire at once.</param>
    /// <param name="cancellationToken">Stops every call and wait (Ctrl+C).</param>
    /// <param name="clock">The session's clock.</param>
    public RestRun(Func<long, string, byte[], CancellationToken, CancellationToken, Task<BatchResult<string>>> call, int maxInFlight, CancellationToken cancellationToken, Clock? clock = null)
    {
        _call = call ?? throw new ArgumentNullException(nameof(call));
        _run = new BatchRun<string>(Execute, maxInFlight, batchSize: 1, cancellationToken, Timeout.InfiniteTimeSpan, MaxBufferedBodies, clock);
    }

    /// <summary>Bodies handed out with an answer or their own error.</summary>
    public long Done => _run.Done + _direct;

    /// <summary>Bodies handed out with an error.</summary>
    public long Errors => _run.Errors + _directErrors;

    /// <summary>Set once a fatal answer stopped the run; its UnansweredIds are keys (<see cref="Given"/> gives their bodies).</summary>
    public TencentChatRunStoppedException? Stopped => _run.Stopped;

    /// <summary>Takes the run's own lines on the owner's thread (<see cref="BatchRun{TResult}.OnNotice"/>).</summary>
    public Action<string>? OnNotice
    {
        get => _run.OnNotice;
        set => _run.OnNotice = value;
    }

    /// <summary>Hands a line to the owner's thread; from any thread (give it to <see cref="RestCall.RunNotice"/>).</summary>
    public void Post(string line) => _run.Post(line);

    /// <summary>Keys kept back after a fatal answer whose call may have done what the body asks (<see cref="BatchRun{TResult}.UnknownIds"/>).</summary>
    public IReadOnlyList<string> UnknownIds => _run.UnknownIds;

    /// <summary>
    /// The caller stops at its first error (-ErrorAction Stop): once any body's call comes back with one, no body after
    /// it in input order is sent; the bodies before it still go out (<see cref="BatchRun{TResult}.StopAtFirstError"/>).
    /// </summary>
    public bool StopAtFirstError
    {
        get => _run.StopAtFirstError;
        set => _run.StopAtFirstError = value;
    }

    /// <summary>A call has come back with a fatal answer, in its turn or not: nothing more is sent.</summary>
    public bool FatalArrived => _run.FatalArrived;

    /// <summary>
    /// Adds one body: its JSON, or the <paramref name="refusal"/> that keeps it from being sent. Returns the results
    /// ready, in order; waits while no call may start. Check <see cref="Stopped"/> after each call.
    /// </summary>
    public IReadOnlyList<BatchResult<string>> Add(object? given, byte[]? json, TencentChatException? refusal)
    {
        if (json is null && refusal is null) throw new ArgumentNullException(nameof(json));
        var sequence = ++_received;
        var key = sequence.ToString(CultureInfo.InvariantCulture);
        _entries[key] = new Entry(sequence, given, json, refusal);
        if (refusal is not null && _run.Pending == 0 && _run.Stopped is null)
        {
            // Nothing before it is waiting: its error goes now, and the run's first call still goes alone.
            _direct++;
            _directErrors++;
            return new[] { Refused(sequence, key, refusal) };
        }
        return _run.Add(key);
    }

    /// <summary>The place in the input (1 for the first) of the next body.</summary>
    public long Next => _received + 1;

    /// <summary>The next body is not sent because the caller declined it (-WhatIf, -Confirm): no outcome, but it keeps its place.</summary>
    public void Skip() => _received++;

    /// <summary>A body that will not be sent because the run is ending: its key, for the run's one error.</summary>
    public string NotSent(object? given)
    {
        var key = (++_received).ToString(CultureInfo.InvariantCulture);
        _entries[key] = new Entry(_received, given, null, null);
        return key;
    }

    /// <summary>
    /// The caller ends the run early (its first error under -ErrorAction Stop): nothing more is sent, the calls
    /// started are waited for and their results returned in order; <paramref name="unanswered"/> gets the keys of
    /// bodies in calls that failed with a fatal answer meanwhile.
    /// </summary>
    public IReadOnlyList<BatchResult<string>> Halt(out IReadOnlyList<string> unanswered) => _run.Halt(out unanswered);

    /// <summary>End of input: every result left, in order.</summary>
    public IReadOnlyList<BatchResult<string>> Complete() => _run.Complete();

    /// <summary>End of input: each body's result to <paramref name="handOut"/> as it is answered, in order.</summary>
    public void Complete(Action<IReadOnlyList<BatchResult<string>>> handOut) => _run.Complete(handOut);

    /// <summary>The body <paramref name="key"/> stands for, as the caller gave it; forgotten once taken.</summary>
    public object? Given(string key) => _entries.TryRemove(key, out var entry) ? entry.Given : null;

    // The run numbers its calls; the body's own place in the input names it instead.
    private Task<BatchResult<string>> Execute(long calls, string? group, IReadOnlyList<string> keys, CancellationToken sendNoMore, CancellationToken cancellationToken)
    {
        var key = keys[0];
        var entry = _entries[key];
        return entry.Refusal is { } refusal
            ? Task.FromResult(Refused(entry.Sequence, key, refusal))
            : _call(entry.Sequence, key, entry.Json!, sendNoMore, cancellationToken);
    }

    private static BatchResult<string> Refused(long sequence, string key, TencentChatException refusal)
        => new(sequence, new[] { new IdOutcome<string>(key, null, refusal) }, null, NoLines, NoLines);

    private sealed class Entry
    {
        public Entry(long sequence, object? given, byte[]? json, TencentChatException? refusal)
        {
            Sequence = sequence;
            Given = given;
            Json = json;
            Refusal = refusal;
        }

        public long Sequence { get; }
        public object? Given { get; }
        public byte[]? Json { get; }
        public TencentChatException? Refusal { get; }
    }
}
