using System.Threading;
using System.Threading.Tasks;

namespace TencentChatFollow.Execution;

/// <summary>
/// A call's place in its run's order of sending. A run starts its calls on the thread pool, in input order, but the
/// pool may run a later one first: with -ErrorAction Stop, its error could then stop the run before the calls ahead
/// of it went out, and ids before the error would be left unsent. So a call sends its first attempt only once the
/// call before it has sent its own (<see cref="Sending"/>) or ended; each call signals the next. The wait comes after
/// the call's rate slot (see AttemptLoop): in the limiter's line every call counts as wanting to go.
/// </summary>
internal sealed class CallTurn
{
    private readonly Task _previous;
    private readonly TaskCompletionSource<bool> _sending = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CallTurn(Task previous) => _previous = previous;

    /// <summary>The turn of a run's first call: nothing before it.</summary>
    public static CallTurn First() => new(Task.CompletedTask);

    /// <summary>The turn of the call after this one.</summary>
    public CallTurn Next() => new(_sending.Task);

    /// <summary>True once the call before this one has sent or ended.</summary>
    public bool IsUp => _previous.IsCompleted;

    /// <summary>Waits until the call before this one has sent or ended. Throws OperationCanceledException when cancelled.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (_previous.IsCompleted) return;
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(() => cancelled.TrySetCanceled(cancellationToken)))
            await (await Task.WhenAny(_previous, cancelled.Task).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>
    /// This call sends now (its slot is taken; it goes out whatever happens next), or it ends: the next call may go
    /// once every call before this one has sent or ended too (a call that ends without waiting for its turn passes
    /// the wait on, so calls behind it still go out in order).
    /// </summary>
    public void Sending()
    {
        if (_previous.IsCompleted) _sending.TrySetResult(true);
        else _previous.ContinueWith(_ => _sending.TrySetResult(true), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
