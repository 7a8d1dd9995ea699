using System;

namespace TencentChatFollow.Execution;

/// <summary>Exponential backoff with jitter, bounded in attempts and in delay.</summary>
internal sealed class RetryPolicy
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

    public RetryPolicy(int maxRetry, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        if (maxRetry < 0) throw new ArgumentOutOfRangeException(nameof(maxRetry));
        MaxRetry = maxRetry;
        BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(250);
        MaxDelay = maxDelay ?? TimeSpan.FromSeconds(8);
    }

    /// <summary>Retries after the first attempt; 0 means one attempt only.</summary>
    public int MaxRetry { get; }
    public TimeSpan BaseDelay { get; }
    public TimeSpan MaxDelay { get; }

    /// <summary>A server's Retry-After, capped at a minute.</summary>
    public static TimeSpan CapRetryAfter(TimeSpan hint) => hint < MaxRetryAfter ? hint : MaxRetryAfter;

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1-based): half of the exponential step plus a random
    /// share of the other half, so that callers that failed together do not retry together. A server's
    /// Retry-After wins when it is given (capped at a minute).
    /// </summary>
    public TimeSpan DelayBefore(int retry, TimeSpan? retryAfter = null)
    {
        if (retry < 1) throw new ArgumentOutOfRangeException(nameof(retry));
        if (retryAfter is { } hint && hint > TimeSpan.Zero) return CapRetryAfter(hint);
        var step = BaseDelay.Ticks * Math.Pow(2, Math.Min(retry - 1, 30));
        var capped = Math.Min(step, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(capped / 2 + ThreadSafeRandom.NextDouble() * capped / 2));
    }
}
