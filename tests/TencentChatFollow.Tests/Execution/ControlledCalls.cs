using System.Collections.Concurrent;
using TencentChatFollow.Execution;

namespace TencentChatFollow.Tests.Execution;

/// <summary>Stands in for FollowInfoCall: each call's completion is driven by the test, per sequence.</summary>
internal sealed class ControlledCalls
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<long, TaskCompletionSource<BatchResult>> _pending = new();
    public ConcurrentDictionary<long, IReadOnlyList<string>> Started { get; } = new();
    public ConcurrentQueue<CancellationToken> Tokens { get; } = new();

    public Task<BatchResult> Execute(long sequence, IReadOnlyList<string> ids, CancellationToken token)
    {
        Tokens.Enqueue(token); // before Started: a test that saw the call start may look at its token
        Started[sequence] = ids.ToList();
        return Source(sequence).Task;
    }

    private TaskCompletionSource<BatchResult> Source(long sequence)
        => _pending.GetOrAdd(sequence, _ => new TaskCompletionSource<BatchResult>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Finishes call <paramref name="sequence"/> with one success per id it was given.</summary>
    public void Complete(long sequence)
    {
        var ids = WaitStarted(sequence);
        var outcomes = ids.Select(id => new IdOutcome(id, new FollowInfo(id, sequence, 0, 0), null)).ToList();
        Source(sequence).SetResult(new BatchResult(sequence, outcomes, null, new[] { $"v{sequence}" }, Array.Empty<string>()));
    }

    public void Fail(long sequence, Exception ex) => Source(sequence).SetException(ex);

    public IReadOnlyList<string> WaitStarted(long sequence)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Started.TryGetValue(sequence, out var ids)) return ids;
            Thread.Sleep(5);
        }
        throw new TimeoutException($"call {sequence} never started");
    }
}

/// <summary>The loop of Get-TencentChatFollowInfo without PowerShell (and without the fatal-error path).</summary>
internal static class CmdletLoop
{
    /// <summary>For each id: make room, add it, emit what is ready; at the end: make room, flush, drain in order.</summary>
    public static void Run(OrderedBatchRunner runner, IEnumerable<string> ids, Action<BatchResult> emit)
    {
        foreach (var id in ids)
        {
            MakeRoom(runner, emit);
            runner.Add(id);
            EmitReady(runner, emit);
        }
        MakeRoom(runner, emit);
        runner.Flush();
        while (runner.Pending > 0) emit(runner.Take());
    }

    public static void MakeRoom(OrderedBatchRunner runner, Action<BatchResult> emit)
    {
        while (runner.IsFull)
        {
            runner.WaitForRoom();
            EmitReady(runner, emit);
        }
    }

    public static void EmitReady(OrderedBatchRunner runner, Action<BatchResult> emit)
    {
        while (runner.TryTake(out var ready)) emit(ready!);
    }
}
