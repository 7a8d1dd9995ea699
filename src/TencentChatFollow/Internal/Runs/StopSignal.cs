using System;
using System.Threading;

namespace TencentChatFollow.Internal;

/// <summary>
/// A command's stop: Ctrl+C (StopProcessing, on another thread) or its end (Dispose) cancels <see cref="Token"/>.
/// The token source is disposed with the command; a Ctrl+C that comes after that is a no-op, never an
/// ObjectDisposedException.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly object _gate = new();
    private bool _disposed;

    public StopSignal() => Token = _source.Token;

    /// <summary>Cancelled by <see cref="Cancel"/> and by <see cref="Dispose"/>; still readable after disposal.</summary>
    public CancellationToken Token { get; }

    public bool IsCancellationRequested => Token.IsCancellationRequested;

    /// <summary>Stops what the command runs; from any thread, at any time.</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            if (!_disposed) _source.Cancel();
        }
    }

    /// <summary>Cancels whatever is still in flight, then disposes the token source.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _source.Cancel();
            _source.Dispose();
        }
    }
}
