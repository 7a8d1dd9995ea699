using System;

namespace TencentChatFollow.Execution;

/// <summary>
/// Tells a passing fault from an outage, for one app at one endpoint: after the service has answered once, several
/// calls in a row that get no usable answer mean it is down for everyone; then one probe goes at a time (more rarely
/// the longer it lasts, at least one each <see cref="LongestProbe"/>) until any answer comes. Not thread-safe: its
/// owner calls it under its lock.
/// </summary>
internal sealed class OutageWatch
{
    /// <summary>After the service has answered, this many calls in a row with no usable answer is an outage.</summary>
    internal const int OutageAfter = 3;
    internal static readonly TimeSpan FirstProbe = TimeSpan.FromMilliseconds(250);
    internal static readonly TimeSpan LongestProbe = TimeSpan.FromSeconds(2);

    private bool _everAnswered;
    private int _failuresInARow;
    private TimeSpan? _failingSince;
    private TimeSpan _outageSince = TimeSpan.MaxValue;
    private TimeSpan _probeInterval = FirstProbe;

    /// <summary>In an outage: the calls of runs that have seen the service answer go one probe per <see cref="ProbeInterval"/>.</summary>
    public bool Down => _outageSince != TimeSpan.MaxValue;

    public TimeSpan ProbeInterval => _probeInterval;

    /// <summary>Any answer at all from the service (accepted or refused): it is up.</summary>
    public void Answered()
    {
        _everAnswered = true;
        _failuresInARow = 0;
        _failingSince = null;
        _outageSince = TimeSpan.MaxValue;
        _probeInterval = FirstProbe;
    }

    /// <summary>A call sent at <paramref name="sentAt"/> got no usable answer, seen at <paramref name="now"/>.</summary>
    public OutageState Failed(TimeSpan sentAt, TimeSpan now)
    {
        _failingSince ??= now;
        _failuresInARow++;
        var outage = _everAnswered && _failuresInARow >= OutageAfter;
        if (outage && _outageSince == TimeSpan.MaxValue) _outageSince = now;
        else if (outage && sentAt >= _outageSince)
        {
            // A probe failed: the next one waits longer.
            var longer = TimeSpan.FromTicks(_probeInterval.Ticks * 2);
            _probeInterval = longer < LongestProbe ? longer : LongestProbe;
        }
        return new OutageState(outage, now - _failingSince.Value);
    }
}
