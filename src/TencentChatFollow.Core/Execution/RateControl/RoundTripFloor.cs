using System;

namespace TencentChatFollow.Execution;

/// <summary>
/// The quickest round trip of late (over the last <see cref="Span"/> to twice that), and how much later than it an
/// answer came. The quickest is what the path takes without a stall; a route that gets slower for good raises it
/// within two spans. Not thread-safe: its owner calls it under its lock.
/// </summary>
internal sealed class RoundTripFloor
{
    /// <summary>How long a quickest round trip is remembered (at least).</summary>
    internal static readonly TimeSpan Span = TimeSpan.FromSeconds(5);

    private TimeSpan _spanStart = TimeSpan.MinValue;
    private TimeSpan _current = TimeSpan.MaxValue;  // the quickest in this span
    private TimeSpan _previous = TimeSpan.MaxValue; // the quickest in the span before

    /// <summary>The quickest round trip of late (MaxValue before the first).</summary>
    public TimeSpan Floor => _current < _previous ? _current : _previous;

    /// <summary>Records a <paramref name="roundTrip"/> answered at <paramref name="now"/>; returns how much longer it took than the quickest of late (zero or more).</summary>
    public TimeSpan Late(TimeSpan roundTrip, TimeSpan now)
    {
        if (_spanStart == TimeSpan.MinValue || now - _spanStart >= Span)
        {
            (_previous, _current, _spanStart) = (_current, roundTrip, now);
        }
        else if (roundTrip < _current)
        {
            _current = roundTrip;
        }
        return roundTrip - Floor;
    }
}
