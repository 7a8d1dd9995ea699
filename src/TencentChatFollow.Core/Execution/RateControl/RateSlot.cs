using System;

namespace TencentChatFollow.Execution;

/// <summary>A turn to send, from <see cref="RateLimiter.WaitAsync"/>.</summary>
internal readonly struct RateSlot
{
    internal RateSlot(TimeSpan sentAt, bool exhausted, TimeSpan? refusingFor)
    {
        SentAt = sentAt;
        Exhausted = exhausted;
        RefusingFor = refusingFor;
    }

    /// <summary>When the call went, on the limiter's clock.</summary>
    public TimeSpan SentAt { get; }
    /// <summary>No send: the service has refused every call for longer than the caller waits.</summary>
    public bool Exhausted { get; }
    /// <summary>With <see cref="Exhausted"/>: how long the service has refused every call.</summary>
    public TimeSpan? RefusingFor { get; }
}

/// <summary>What <see cref="RateLimiter.Failed"/> says about the service after a call got no usable answer.</summary>
internal readonly struct OutageState
{
    internal OutageState(bool down, TimeSpan failingFor)
    {
        Down = down;
        FailingFor = failingFor;
    }

    /// <summary>Several calls in a row failed after the service had answered: it is down for everyone.</summary>
    public bool Down { get; }
    /// <summary>How long the service has answered nothing usable.</summary>
    public TimeSpan FailingFor { get; }
}
