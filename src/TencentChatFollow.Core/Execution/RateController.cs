using System;
using System.Collections.Generic;
using System.Globalization;

namespace TencentChatFollow.Execution;

/// <summary>
/// Finds the rate the service takes right now from its answers, the way TCP finds a path's capacity, without talking
/// to anyone else who shares the app's quota (other runbooks, the app's own backend):
/// <list type="bullet">
/// <item>Alone it runs at the ceiling (<c>-MaxRequestsPerSecond</c>).</item>
/// <item>When the service refuses a call for frequency (60007, HTTP 429), the rate is cut once for that episode (answers
/// to calls already on their way say nothing new): to a little under our share of the service's last second (what it
/// accepted from us), and no higher than the even split that share suggests, so a larger share gives way to a smaller
/// one. When nearly the whole ceiling was ours, the refusal is timing (a stall bunched calls) and the cut is small.</item>
/// <item>After a cut it holds back, one probe at a time, about as long as the service needs to forget the calls it
/// refused meanwhile (it counts refused calls too, so sending into a full second only keeps it full), or until it
/// accepts a call sent after the cut.</item>
/// <item>While calls go through, the rate grows by about a call per second each second (smaller shares faster), and
/// after a few quiet seconds by a share of itself each second, to take back room that others left. Cut while clearly
/// below the even split (a refusal hit us and not the others), it climbs back to a little under that split within a
/// second or two, so that such chance hits do not add up to one job falling far behind the others.</item>
/// </list>
/// Several clients doing this on one app settle on even shares that add up to nearly the whole quota, with no
/// coordinator. Not thread-safe: <see cref="RateLimiter"/> calls it under its lock. Times are on the limiter's clock.
/// </summary>
internal sealed class RateController
{
    private readonly RateControlSettings _settings;
    private readonly Queue<TimeSpan> _accepted = new(); // send times of accepted calls in the last two windows
    private double _rate;            // 0 until the first cut: the ceiling
    private TimeSpan _cutAt = TimeSpan.MinValue;
    private bool _confirmed = true;  // a call sent after the last cut has been accepted
    private TimeSpan _holdUntil = TimeSpan.MinValue;
    private double _fairLevel = double.MaxValue; // the even split the last cut suggested
    private int _episodeRefusals;
    private int _probesRefused; // calls sent after the last cut and refused: each doubles the time to the next probe
    private double _episodeShare = 1;
    private TimeSpan? _refusingSince;
    private TimeSpan _startCutAt = TimeSpan.MinValue; // the first cut of a start (sending for less than a window)
    private double _pullTo; // after a cut while clearly below the even split: a little under that split

    public RateController(RateControlSettings? settings = null)
    {
        _settings = settings ?? RateControlSettings.Default;
    }

    public RateControlSettings Settings => _settings;

    /// <summary>The rate the limiter paces at now, calls per second, never above <paramref name="ceiling"/>.</summary>
    public double RateFor(int ceiling) => _rate <= 0 || _rate > ceiling ? ceiling : _rate;

    /// <summary>Never cut, or grown back: it sends at whatever ceiling it is given.</summary>
    public bool AtCeiling => _rate <= 0;

    /// <summary>
    /// Right after a cut: send only probes, until the service has had time to forget the calls it refused meanwhile or
    /// it accepts a call sent after the cut, whichever comes first.
    /// </summary>
    public bool IsHolding(TimeSpan now) => !_confirmed && now < _holdUntil;

    /// <summary>
    /// While holding, one probe per this interval: <see cref="RateControlSettings.ProbeInterval"/>, doubled for each
    /// probe the service refused (up to <see cref="RateControlSettings.LongestProbeInterval"/>), since a refused probe
    /// is counted too and keeps the service's window full a little longer for everyone.
    /// </summary>
    public TimeSpan ProbeInterval
    {
        get
        {
            var ticks = _settings.ProbeInterval.Ticks << Math.Min(_probesRefused, 8);
            return TimeSpan.FromTicks(Math.Min(ticks, _settings.LongestProbeInterval.Ticks));
        }
    }

    /// <summary>In a refusal episode: cut, and the service has not yet accepted a call sent after the cut.</summary>
    public bool Holding => !_confirmed;

    /// <summary>Since when every answer has been a refusal (null when the last answer was accepted).</summary>
    public TimeSpan? RefusingSince => _refusingSince;

    /// <summary>The service accepted a call sent at <paramref name="sentAt"/>. Returns a message when the rate changed in a way worth saying.</summary>
    public string? OnAccepted(TimeSpan sentAt, TimeSpan now, int ceiling)
    {
        _refusingSince = null;
        _accepted.Enqueue(sentAt);
        ForgetAcceptedBefore(now);
        if (_rate <= 0) return null; // at the ceiling

        if (!_confirmed && sentAt >= _cutAt)
        {
            // The service's window has room again: the episode is over.
            _confirmed = true;
        }
        if (!_confirmed) return null;
        // Additive increase: with calls accepted at about `rate` a second, the rate grows by about IncreasePerSecond a second.
        var rate = RateFor(ceiling);
        // Small shares grow faster (a newcomer catches up with those already running), large ones slower.
        var small = _settings.SmallShare * ceiling / rate;
        var increase = _settings.IncreasePerSecond * Math.Max(_settings.SmallBoostFloor, Math.Min(_settings.SmallBoostCap, small * small));
        // After a quiet stretch with no refusal, probe for room that others left: grow by a share of the rate each second.
        // Above the even split of the last cut that waits longer: others are probably still there.
        // After a cut for timing alone, nobody needs the room: take it back after a moment, not after the usual wait.
        var quiet = (now - _cutAt - (_fairLevel == double.MaxValue ? _settings.AloneRegrowAfter : _settings.AccelerateAfter)).TotalSeconds;
        if (rate > _fairLevel) quiet -= _settings.AccelerateAfter.TotalSeconds * _settings.AboveFairWait;
        if (quiet > 0) increase += rate * _settings.ProbeGrowth * Math.Min(1, quiet / _settings.AccelerateAfter.TotalSeconds);
        // Cut while clearly below the even split: close the gap within a second or so, so that a refusal that hit this
        // process and not the others costs it little, and the shares' totals drift apart less.
        if (rate < _pullTo) increase += (_pullTo - rate) * _settings.PullRate;
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
    public string? OnRefused(TimeSpan sentAt, TimeSpan now, int ceiling, string reason, string quota = "the app's quota")
    {
        _refusingSince ??= now;
        if (sentAt < _cutAt || !_confirmed)
        {
            // Part of the episode already answered: one more refused call the service counted, which its window needs
            // another 1/share of a second to forget (every client holds back meanwhile, each for its own refusals).
            _episodeRefusals++;
            if (sentAt >= _cutAt) _probesRefused++;
            var drained = _cutAt + TimeSpan.FromSeconds(_settings.DrainFactor * _episodeRefusals / _episodeShare);
            _holdUntil = Max(_holdUntil, drained < now + _settings.Window ? drained : now + _settings.Window);
            return null;
        }

        var before = RateFor(ceiling);
        ForgetAcceptedBefore(sentAt);
        // Our share of the service's window when it refused: what it accepted from us in the window before that call.
        var share = 0;
        foreach (var at in _accepted) if (at > sentAt - _settings.Window && at <= sentAt) share++;
        var shareRate = share / _settings.Window.TotalSeconds;
        var cutLately = _cutAt > sentAt - _settings.Window; // the window before this call held our last cut and hold
        double target;
        _pullTo = 0;
        if (_startCutAt != TimeSpan.MinValue && sentAt - _startCutAt < _settings.Window + _settings.Window)
        {
            // Still starting (within two windows of a start's first cut): processes that start together made the same
            // first cut, so their rates are even, and a refusal now means more of them than that rate allows. Each
            // steps down to the next even split, the same for all, and so they stay even.
            var clients = Math.Floor(ceiling / before + 0.01) + 1;
            _fairLevel = ceiling / clients;
            target = _fairLevel * _settings.ShareFactor;
        }
        else if (_accepted.Count == 0 || _accepted.Peek() > sentAt - _settings.Window)
        {
            // We have been sending for less than a window (a run's start, or after a pause), and the service's window
            // filled: processes that started with us filled it as fast as we did, so our part of it says how many we
            // are (a process that started later than the others got less through and cuts deeper; one that joined a
            // window already full got almost nothing through, and keeps at least NewcomerFloor of its rate). The first
            // such cut goes to the even split that suggests, at most half; a later one within that window takes the
            // fraction only.
            if (cutLately)
            {
                target = before * _settings.Decrease;
            }
            else
            {
                var clients = EvenSplitClients(ceiling, shareRate, _settings.NewcomerRounding);
                target = Math.Max(before * _settings.NewcomerFloor, Math.Min(before * _settings.NewcomerCut, ceiling / clients * _settings.ShareFactor));
                _fairLevel = ceiling / clients;
                // Little got through: it joined a window others had filled already, so they are not starting with it.
                if (shareRate >= _settings.StartedTogetherShare * ceiling) _startCutAt = now;
            }
        }
        else if (shareRate >= _settings.AloneShare * ceiling)
        {
            // Nearly the whole ceiling was ours: nobody else to make room for, the refusal is timing (a stall bunched a
            // few calls together). Give back a little only.
            target = before * _settings.AloneDecrease;
            _fairLevel = double.MaxValue;
        }
        else
        {
            // The even split our share suggests (the ceiling over about how many of us there seem to be, at least two):
            // a share above it is cut to it, which is what makes shares even out quickly.
            var clients = EvenSplitClients(ceiling, shareRate, _settings.FairRounding);
            var fair = ceiling / clients;
            _fairLevel = fair;
            // A share measured across the last hold (only probes went then) says little: then cut by the fraction only.
            var measured = cutLately ? double.MaxValue : Math.Min(shareRate, fair);
            target = Math.Min(before * _settings.Decrease, measured * _settings.ShareFactor);
            if (shareRate < fair * _settings.PullTo) _pullTo = fair * _settings.PullTo;
        }
        var after = Math.Max(_settings.MinRate, Math.Max(before * _settings.DeepestCut, target));
        _rate = Math.Min(after, ceiling);
        _cutAt = now;
        _confirmed = false;
        _episodeRefusals = 1;
        _probesRefused = 0;
        // Nothing accepted from us lately: the service refuses everything (MinRate makes the hold long, probes only).
        _episodeShare = Math.Max(_settings.MinRate, Math.Min(before, shareRate));
        _holdUntil = now + TimeSpan.FromSeconds(Math.Min(_settings.Window.TotalSeconds, _settings.DrainFactor / _episodeShare));
        return string.Format(CultureInfo.InvariantCulture,
            "The service refused a call ({0}): {1} is shared; slowing from {2:0} to {3:0} calls/s.", reason, quota, before, _rate);
    }

    /// <summary>Keeps the accepted calls of the two windows before <paramref name="time"/> (refusals come a round trip late).</summary>
    private void ForgetAcceptedBefore(TimeSpan time)
    {
        while (_accepted.Count > 0 && _accepted.Peek() <= time - _settings.Window - _settings.Window) _accepted.Dequeue();
    }

    /// <summary>How many of us a share suggests: the ceiling over it, plus <paramref name="rounding"/>, rounded down; not alone, so at least two.</summary>
    private static double EvenSplitClients(int ceiling, double shareRate, double rounding)
        => Math.Max(2, Math.Floor(ceiling / Math.Max(1, shareRate) + rounding));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
