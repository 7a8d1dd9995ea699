using System.Collections.Concurrent;
using TencentChatFollow.Execution;

namespace TencentChatFollow.Tests.Execution;

/// <summary>Stands in for BatchCall: each call's completion is driven by the test, per sequence.</summary>
internal sealed class ControlledCalls
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<long, TaskCompletionSource<BatchResult<FollowInfo>>> _pending = new();
    public ConcurrentDictionary<long, IReadOnlyList<string>> Started { get; } = new();
    public ConcurrentQueue<CancellationToken> Tokens { get; } = new();

    public Task<BatchResult<FollowInfo>> Execute(long sequence, IReadOnlyList<string> ids, CancellationToken token)
    {
        Tokens.Enqueue(token); // before Started: a test that saw the call start may look at its token
        Started[sequence] = ids.ToList();
        return Source(sequence).Task;
    }

    private TaskCompletionSource<BatchResult<FollowInfo>> Source(long sequence)
        => _pending.GetOrAdd(sequence, _ => new TaskCompletionSource<BatchResult<FollowInfo>>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Finishes call <paramref name="sequence"/> with one success per id it was given.</summary>
    public void Complete(long sequence)
    {
        var ids = WaitStarted(sequence);
        var outcomes = ids.Select(id => new IdOutcome<FollowInfo>(id, new FollowInfo(id, sequence, 0, 0), null)).ToList();
        Source(sequence).SetResult(new BatchResult<FollowInfo>(sequence, outcomes, null, new[] { $"v{sequence}" }, Array.Empty<string>()));
    }

    public void Fail(long sequence, Exception ex) => Source(sequence).SetException(ex);

    /// <summary>Finishes call <paramref name="sequence"/> the way a fatal answer does: every id failed with the call.</summary>
    public void CompleteFatal(long sequence, TencentChatFollow.Errors.TencentChatException fatal)
    {
        var ids = WaitStarted(sequence);
        var outcomes = ids.Select(id => new IdOutcome<FollowInfo>(id, null, fatal.ForUser(id), callFailed: true)).ToList();
        Source(sequence).SetResult(new BatchResult<FollowInfo>(sequence, outcomes, fatal, Array.Empty<string>(), Array.Empty<string>()));
    }

    /// <summary>Finishes call <paramref name="sequence"/> the way a call sent without a usable answer does: every id failed with the call, unknown.</summary>
    public void CompleteUnknown(long sequence, TencentChatFollow.Errors.TencentChatException failure)
    {
        var ids = WaitStarted(sequence);
        var outcomes = ids.Select(id => IdMapping.CallFailed<FollowInfo>(id, failure, unknown: true)).ToList();
        Source(sequence).SetResult(new BatchResult<FollowInfo>(sequence, outcomes, null, Array.Empty<string>(), Array.Empty<string>()));
    }

    /// <summary>Finishes call <paramref name="sequence"/> with the service's own error for each id (answered, not failed).</summary>
    public void CompleteWithIdErrors(long sequence)
    {
        var ids = WaitStarted(sequence);
        var outcomes = ids.Select(id => new IdOutcome<FollowInfo>(id, null, new TencentChatFollow.Errors.TencentChatException("TencentChat.UserNotFound", TencentChatFollow.Errors.ErrorKind.NotFound, "no such user", 30003, id))).ToList();
        Source(sequence).SetResult(new BatchResult<FollowInfo>(sequence, outcomes, null, Array.Empty<string>(), Array.Empty<string>()));
    }

    /// <summary>The ids of call <paramref name="sequence"/> once it has started; Patience only bounds a hang.</summary>
    public IReadOnlyList<string> WaitStarted(long sequence)
    {
        IReadOnlyList<string>? ids = null;
        if (!SpinWait.SpinUntil(() => Started.TryGetValue(sequence, out ids), Patience)) throw new TimeoutException($"call {sequence} never started");
        return ids!;
    }
}

/// <summary>Drives a run the way the cmdlets do.</summary>
internal static class CmdletLoop
{
    /// <summary>Every id through a <see cref="BatchRun"/> (the cmdlets' own loop), without the idle flush, then the end of input.</summary>
    public static void Run(Func<long, IReadOnlyList<string>, CancellationToken, Task<BatchResult<FollowInfo>>> execute, int maxInFlight, int batchSize, int maxBufferedIds, IEnumerable<string> ids, Action<BatchResult<FollowInfo>> emit)
    {
        var run = new BatchRun<FollowInfo>(execute, maxInFlight, batchSize, CancellationToken.None, Timeout.InfiniteTimeSpan, maxBufferedIds);
        foreach (var id in ids)
        {
            foreach (var result in run.Add(id)) emit(result);
        }
        foreach (var result in run.Complete()) emit(result);
    }
}
