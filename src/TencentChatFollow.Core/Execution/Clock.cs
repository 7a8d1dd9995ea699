using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace TencentChatFollow.Execution;

/// <summary>
/// The one source of time for a session: the rate limiter's pacing, the waits between retries and the UserSig's
/// expiry all read it, so tests can run a retry schedule or a sig renewal on a fake clock with no sleeps.
/// </summary>
internal abstract class Clock
{
    /// <summary>The wall clock and real waits.</summary>
    public static Clock System { get; } = new SystemClock();

    /// <summary>Monotonic time since the clock started: what pacing and durations are measured on.</summary>
    public abstract TimeSpan Elapsed { get; }

    /// <summary>The time of day, for UserSig expiry.</summary>
    public abstract DateTimeOffset UtcNow { get; }

    /// <summary>Completes after <paramref name="delay"/> of this clock's time.</summary>
    public abstract Task Delay(TimeSpan delay, CancellationToken cancellationToken);

    private sealed class SystemClock : Clock
    {
        private readonly Stopwatch _stopwatch = Stopwatch.StartNew();

        public override TimeSpan Elapsed => _stopwatch.Elapsed;
        public override DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
        public override Task Delay(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, cancellationToken);
    }
}
