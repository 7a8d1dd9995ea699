using System;
using System.Collections.Generic;
using System.Globalization;

namespace TencentChatFollow.Execution;

/// <summary>
/// Finds the rate the service takes right now from its answers, the way TCP finds a path's capacity, without talking
/// to anyone else who shares the app's quota (other runbooks, the app's own backend):
/// <list type="bullet">
/// <item>While calls go through, the rate grows steadily (additive increase), up to the ceiling
/// (<c>-MaxRequestsPerSecond</c>).</item>
/// <item>When the service refuses a call for frequency (60007, HTTP 429), the rate is cut (multiplicative decrease):
/// to a fraction of itself, and at most to a little under what the service accepted from us in the window before the
/// refusal, which is our share of the quota at that moment. One cut per refusal episode: answers to calls sent before
/// the cut say nothing new.</item>
/// <item>After a cut the limiter holds back (one probe call at a time) until the service accepts a call again:
/// the service counts every call it receives, refused ones too, so sending on into a full window would only keep it
/// full.</item>
/// </list>
/// Several clients doing this on one app settle on fair shares that add up to nearly the whole quota (the smaller
/// share grows as fast as the larger one, and cuts take more from the larger), with no coordinator.
/// Not thread-safe: <see cref="RateLimiter"/> calls it under its lock. Times are on the limiter's clock.
/// </summary>
internal sealed class RateController
{
    private readonly RateControlSettings _settings;
    private readonly Queue<TimeSpan> _accepted = new(); // send times of accepted calls in the last two windows
    private double _rate;            // 0 until the first cut: the ceiling
    private TimeSpan _cutAt = TimeSpan.MinValue;
    private bool _confirmed = true;  // a call sent after the last cut has been accepted
    private TimeSpan? _refusingSince;

    public RateController(RateControlSettings? settings = null)
    {
        _settings = settings ?? RateControlSettings.Default;
    }

    public RateControlSettings Settings => _settings;

    /// <summary>The rate the limiter paces at now, calls per second, never above <paramref name="ceiling"/>.</summary>
    public double RateFor(int ceiling) => _rate <= 0 || _rate > ceiling ? ceiling : _rate;

    /// <summary>After a cut, until the service accepts a call sent after it: send only probes.</summary>
    public bool Holding => !_confirmed;

    /// <summary>Since when every answer has been a refusal (null when the last answer was accepted).</summary>
    public TimeSpan? RefusingSince => _refusingSince;

    /// <summary>The service accepted a call sent at <paramref name="sentAt"/>. Returns a message when the rate changed in a way worth saying.</summary>
    public string? OnAccepted(TimeSpan sentAt, TimeSpan now, int ceiling)
    {
        _refusingSince = null;
        _accepted.Enqueue(sentAt);
        while (_accepted.Count > 0 && _accepted.Peek() <= now - _settings.Window - _settings.Window) _accepted.Dequeue(); // two windows: refusals come a round trip late
        if (_rate <= 0) return null; // at the ceiling

        if (!_confirmed && sentAt >= _cutAt)
        {
            // The service's window has room again: the episode is over, stop holding back.
            _confirmed = true;
        }
        if (!_confirmed) return null;
        // Additive increase: with calls accepted at about `rate` a second, the rate grows by Increase a second; the longer
        // no refusal comes, the faster (someone left, or the service has room).
        var rate = RateFor(ceiling);
        // Small shares grow faster (a newcomer catches up with those already running): the fairness of the loop.
        var small = _settings.SmallShare * ceiling / rate;
        var increase = _settings.IncreasePerSecond * Math.Max(1, Math.Min(_settings.SmallBoostCap, small * small));
        // After a quiet stretch with no refusal, probe for room that others left: grow by a share of the rate each second.
        var quiet = (now - _cutAt - _settings.AccelerateAfter).TotalSeconds;
        if (quiet > 0) increase += rate * _settings.ProbeGrowth * Math.Min(1, quiet / _settings.AccelerateAfter.TotalSeconds);
        var next = rate + increase / rate;
        if (next >= ceiling)
        {
            _rate = 0;
            return string.Format(CultureInfo.InvariantCulture, "Calls go through again: back at the ceiling of {0} calls/s.", ceiling);
        }
        _rate = next;
        return null;
    }

    /// <summary>
    /// The service refused a call sent at <paramref name="sentAt"/> because of its frequency limit. Returns the message
    /// for -Verbose when this cut the rate, null when the refusal belongs to an episode already answered.
    /// </summary>
    public string? OnRefused(TimeSpan sentAt, TimeSpan now, int ceiling, string reason)
    {
        _refusingSince ??= now;
        if (sentAt < _cutAt) return null; // sent before the last cut: nothing new
        if (!_confirmed) return null; // sent after the cut, but still holding: the service's window is still full

        var before = RateFor(ceiling);
        // Our share of the service's window when it refused: what it accepted from us in the window before that call.
        var share = 0;
        foreach (var at in _accepted) if (at > sentAt - _settings.Window && at <= sentAt) share++;
        var shareRate = share / _settings.Window.TotalSeconds;
        var target = Math.Min(before * _settings.Decrease, shareRate * _settings.ShareFactor);
        var after = Math.Max(_settings.MinRate, Math.Max(before * _settings.DeepestCut, target));
        _rate = Math.Min(after, ceiling);
        _cutAt = now;
        _confirmed = false;
        return string.Format(CultureInfo.InvariantCulture,
            "The service refused a call ({0}): the app's quota is shared; slowing from {1:0} to {2:0} calls/s.", reason, before, _rate);
    }
}

/// <summary>The control loop's constants (one set in production; the simulation tests vary them).</summary>
internal sealed class RateControlSettings
{
    public static RateControlSettings Default => new();

    /// <summary>How long the service remembers calls: Tencent counts calls per second.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Calls/s added each second while calls go through.</summary>
    public double IncreasePerSecond { get; set; } = 1;
    /// <summary>Below this fraction of the ceiling the increase is larger, by the square of how far below (at most SmallBoostCap times).</summary>
    public double SmallShare { get; set; } = 0.5;
    public double SmallBoostCap { get; set; } = 25;
    /// <summary>After this long without a refusal the rate also grows by a share of itself each second (ProbeGrowth, reached over another AccelerateAfter).</summary>
    public TimeSpan AccelerateAfter { get; set; } = TimeSpan.FromSeconds(6);
    public double ProbeGrowth { get; set; } = 0.15;
    /// <summary>A cut keeps at most this fraction of the rate.</summary>
    public double Decrease { get; set; } = 0.95;
    /// <summary>A cut keeps at least this fraction of the rate (however small our share looked).</summary>
    public double DeepestCut { get; set; } = 0.3;
    /// <summary>A cut goes at most to this fraction of what the service accepted from us in the last window.</summary>
    public double ShareFactor { get; set; } = 0.95;
    /// <summary>The rate never goes below this.</summary>
    public double MinRate { get; set; } = 2;
    /// <summary>While holding after a cut, one probe call per this interval.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(50);
}
