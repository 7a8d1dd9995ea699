using System;
using System.Collections.Generic;
using System.Globalization;

namespace TencentChatFollow.Execution;

/// <summary>
/// Finds the rate the service takes right now from its answers, the way TCP finds a path's capacity, without talking
/// to anyone else who shares the API's quota (other runbooks, the app's own backend). The service counts refused calls
/// too, so each time the window overflows every client loses about a round trip of calls: the loop is built to
/// overflow it rarely.
/// <list type="bullet">
/// <item>Alone it runs at the ceiling (<c>-MaxRequestsPerSecond</c>).</item>
/// <item>When the service refuses a call for frequency (60007, HTTP 429), the rate is cut once for that episode (answers
/// to calls already on their way say nothing new): to a little under our share of the service's last second (what it
/// accepted from us), and no higher than the even split that share suggests, so a larger share gives way to a smaller
/// one. When nearly the whole ceiling was ours, the refusal is timing (a stall bunched calls) and the cut is small,
/// unless the episode refuses calls sent well apart (half a round trip; a stall bunches calls sent within a moment):
/// then another job fills the window and the cut is to half. On a quota board beside others, whose shares the board
/// settles, the cut is to a little under what the service took from this job, with none of these guesses; but when the
/// board's jobs held nearly the whole window and the service took nearly all of this job's part, the refusal is timing
/// among them and the cut is small, unless the episode refuses calls sent well apart (someone the board does not know).</item>
/// <item>After a cut it holds back, one probe at a time, about as long as the service needs to forget the calls it
/// refused meanwhile (it counts refused calls too, so sending into a full second only keeps it full), or until it
/// accepts a call sent after the cut.</item>
/// <item>Then it returns to a little over the cut's level within a second and holds that level for a few seconds
/// (shorter for a small share, which has most to gain; twice as long after a cut that found no more room than the
/// last, and after the even split of jobs that started together), so that the jobs' levels add up to a little under
/// the quota. While it holds it grows by a call a second each second (which evens out jobs' shares), except that after
/// a cut that found no more room it keeps under the highest level the service refused since the last cut that did
/// (what it took from us then): creeping up to a client that does not give way (the app's backend) fills the window a
/// call at a time, and the service then refuses that client's calls for a second or more before one of ours. Then it
/// looks for room that others left, growing faster and faster until the next refusal or the ceiling: a job that ended
/// leaves its share to the others within seconds.</item>
/// </list>
/// Not thread-safe: <see cref="RateLimiter"/> calls it under its lock. Times are on the limiter's clock.
/// </summary>
internal sealed class RateController
{
    private readonly RateControlSettings _settings;
    private readonly Queue<TimeSpan> _accepted = new(); // send times of accepted calls in the last two windows
    private double _rate;            // 0 until the first cut: the ceiling
    private TimeSpan _cutAt = TimeSpan.MinValue;
    private TimeSpan _cutSentAt = TimeSpan.MinValue; // when the call whose refusal made the last cut was sent
    private bool _confirmed = true;  // a call sent after the last cut has been accepted
    private TimeSpan _holdUntil = TimeSpan.MinValue;
    private double _fairLevel = double.MaxValue; // the even split the last cut suggested
    private int _episodeRefusals;
    private int _probesRefused; // calls sent after the last cut and refused: each doubles the time to the next probe
    private double _episodeShare = 1;
    private TimeSpan? _refusingSince;
    private TimeSpan _startCutAt = TimeSpan.MinValue; // the first cut of a start (sending for less than a window)
    private double _plateau; // the level a cut aims to return to quickly, then holds
    private double _refusedLevel; // the highest level the service refused since the last fruitful cut (0: none to keep under)
    private int _fruitlessProbes; // cuts in a row that came before the rate got well above the level it held: each doubles the hold
    private double? _boardTimingShare; // on the quota board, a cut taken for timing: what the service took from us then

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

    /// <summary>
    /// Back to the ceiling it is given, as if never cut, keeping what it knows of its calls (a refusal after this is
    /// judged by its share of the window as any other, not as a run's start). The limiter starts over so when the quota
    /// board leaves it well more than its last cut (<see cref="BoardStartOver"/>).
    /// </summary>
    public void StartOver()
    {
        (_rate, _confirmed, _holdUntil, _fairLevel, _plateau, _fruitlessProbes) = (0, true, TimeSpan.MinValue, double.MaxValue, 0, 0);
        (_startCutAt, _refusedLevel, _boardTimingShare) = (TimeSpan.MinValue, 0, null);
    }

    /// <summary>
    /// From where it is now, looks for room at once, growing faster and faster as after a hold, rather than holding
    /// (the limiter asks so instead of <see cref="StartOver"/> when the board's share has been refused before: others
    /// the board does not know use the quota, so a jump to the share would only fill the service's window).
    /// </summary>
    public void ProbeNow(TimeSpan now)
    {
        (_fairLevel, _plateau, _fruitlessProbes) = (double.MaxValue, 0, 0);
        (_startCutAt, _refusedLevel, _boardTimingShare) = (TimeSpan.MinValue, 0, null);
        _cutAt = now - _settings.AloneRegrowAfter;
    }

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
        var rate = RateFor(ceiling);
        double increase; // calls/s added per second, spread over the calls accepted meanwhile
        var since = (now - _cutAt).TotalSeconds;
        var hold = _fairLevel == double.MaxValue ? _settings.AloneRegrowAfter.TotalSeconds
            : _settings.PlateauHold.TotalSeconds * (1 << Math.Min(_fruitlessProbes, _settings.FruitlessProbeDoublings))
              * Math.Min(1, Math.Pow(_plateau / (ceiling * _settings.HoldFullShare), _settings.HoldShareExponent));
        if (rate < _plateau)
        {
            // Back to the level the cut aimed at (a little under our share then), quickly.
            increase = Math.Max(_settings.IncreasePerSecond, (_plateau - rate) * _settings.RecoverRate);
        }
        else if (since < hold)
        {
            // Hold near that level for a while: the others settle at theirs too, and the service's window keeps room.
            // After a cut that found no more room, not back to the level the service refused: finding more room is the
            // probe's job, answered within a round trip, where a creep fills the window so slowly that a client that does
            // not give way has its calls refused long before ours.
            increase = _settings.IncreasePerSecond;
            if (_fruitlessProbes > 0 && _refusedLevel > 0 && rate + increase / rate > _refusedLevel * _settings.HoldUnderRefused) return null;
        }
        else
        {
            // Then probe for room that others left, faster the longer nothing is refused.
            increase = _settings.IncreasePerSecond + Math.Max(rate, ceiling * _settings.ProbeFloorShare) * _settings.ProbeGrowth * Math.Min(1, (since - hold) / _settings.ProbeRamp.TotalSeconds);
        }
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
    /// <paramref name="limit"/> is the whole quota as this job knows it when <paramref name="ceiling"/> is less (the
    /// part the quota board leaves it): the even split a share suggests counts everyone who uses the quota, so an
    /// outsider the board does not know (the app's backend) is not taken for more jobs within the board's part.
    /// <paramref name="boardFill"/>, on a quota board beside others: the part of the service's window that this
    /// machine's jobs held (their calls within it over <paramref name="limit"/>). The board settles their shares, so
    /// the cut does not guess from this job's part how many share the quota (no newcomer's split, no half for timing
    /// that went on): it is to a little under what the service took from this job in the last window, or, sending for
    /// less than that, under this job's part of what the board's jobs held (all of its part when they filled it); and
    /// when they held nearly the whole window, never under that part for having got less through.
    /// </summary>
    public string? OnRefused(TimeSpan sentAt, TimeSpan now, int ceiling, string reason, string quota = "the app's quota", int limit = 0, double? boardFill = null)
    {
        var whole = Math.Max(ceiling, limit);
        _refusingSince ??= now;
        if (sentAt < _cutAt || !_confirmed)
        {
            // Part of the episode already answered: one more refused call the service counted, which its window needs
            // another 1/share of a second to forget (every client holds back meanwhile, each for its own refusals).
            _episodeRefusals++;
            if (sentAt >= _cutAt) _probesRefused++;
            var drained = _cutAt + TimeSpan.FromSeconds(_settings.DrainFactor * _episodeRefusals / _episodeShare);
            _holdUntil = Max(_holdUntil, drained < now + _settings.Window ? drained : now + _settings.Window);
            if (_fairLevel == double.MaxValue && sentAt - _cutSentAt >= TimingBound() && _rate > 0)
            {
                // Taken for timing, but a stall bunches calls sent within a moment (they come back refused together),
                // and after it the window has room again. Here calls sent well apart are refused: someone else fills
                // the window, and then every call on its way until the cut's answer came (a round trip of them) is
                // refused, or one sent after the cut. Give way as to one other job.
                // Beside others on the quota board, which settles their shares: a little under what got through.
                var was = _rate;
                _fairLevel = _boardTimingShare ?? ceiling / 2.0;
                _boardTimingShare = null;
                _rate = Math.Min(_rate, Math.Max(_settings.MinRate, _fairLevel * _settings.ShareFactor));
                _plateau = Math.Min(ceiling, _rate * _settings.PlateauOverCut);
                return string.Format(CultureInfo.InvariantCulture,
                    "The service refused {0} calls in a row ({1}): {2} is shared; slowing from {3:0} to {4:0} calls/s.", _episodeRefusals, reason, quota, was, _rate);
            }
            return null;
        }

        var before = RateFor(ceiling);
        ForgetAcceptedBefore(sentAt);
        // Our share of the service's window when it refused: what it accepted from us in the window before that call.
        var share = 0;
        foreach (var at in _accepted) if (at > sentAt - _settings.Window && at <= sentAt) share++;
        var shareRate = share / _settings.Window.TotalSeconds;
        var cutLately = _cutAt > sentAt - _settings.Window; // the window before this call held our last cut and hold
        var newcomer = _accepted.Count == 0 || _accepted.Peek() > sentAt - _settings.Window; // sending for less than a window
        double target;
        double? boardTiming = null;
        if (boardFill is double held && !newcomer && held >= _settings.AloneShare
            && shareRate >= _settings.AloneShare * ceiling && shareRate <= ceiling / _settings.AloneShare)
        {
            // The board's jobs held nearly the whole window and the service took about this job's part (not well over
            // it: then its part just fell, a job joined, and the newcomer is still finding its feet): no one else is
            // there, as alone at the ceiling, and the refusal is timing (a stall bunched the jobs' calls). Should the
            // episode refuse calls sent well apart, someone the board does not know fills the window: then the board's
            // cut below, to a little under what got through.
            target = TimingCut(before);
            boardTiming = shareRate;
        }
        else if (boardFill is double part)
        {
            // The board settles the shares of this machine's jobs: a little under what the service took from this job
            // in the last window, or, sending for less than that, this job's part of what the board's jobs held. When
            // they held nearly all of the window, no one else is there and that part is the level too: this job got
            // less through because it began sending within the window (a cold start's first calls follow its check
            // call by a while) or another was still over its part, not for want of room.
            var heldPart = ceiling * Math.Min(1, Math.Max(part, 0));
            _fairLevel = newcomer ? heldPart : part >= _settings.AloneShare ? Math.Max(heldPart, Math.Min(shareRate, ceiling)) : shareRate;
            target = Math.Min(before * _settings.Decrease, _fairLevel * _settings.ShareFactor);
        }
        else if (_startCutAt != TimeSpan.MinValue && sentAt - _startCutAt < _settings.Window + _settings.Window)
        {
            // Still starting (within two windows of a start's first cut): processes that start together made the same
            // first cut, so their rates are even, and a refusal now means more of them than that rate allows. Each
            // steps down to the next even split, the same for all, and so they stay even.
            var clients = Math.Floor(ceiling / before + 0.01) + 1;
            _fairLevel = ceiling / clients;
            target = _fairLevel * _settings.ShareFactor;
        }
        else if (newcomer)
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
                var clients = EvenSplitClients(whole, shareRate, _settings.NewcomerRounding);
                target = Math.Max(before * _settings.NewcomerFloor, Math.Min(before * _settings.NewcomerCut, whole / clients * _settings.ShareFactor));
                _fairLevel = whole / clients;
                // Little got through: it joined a window others had filled already, so they are not starting with it.
                if (shareRate >= _settings.StartedTogetherShare * ceiling) _startCutAt = now;
            }
        }
        else if (shareRate >= _settings.AloneShare * ceiling)
        {
            // Nearly the whole ceiling was ours: nobody else to make room for, the refusal is timing (a stall bunched a
            // few calls together).
            target = TimingCut(before);
        }
        else
        {
            // The even split our share suggests (the ceiling over about how many of us there seem to be, at least two):
            // a share above it is cut to it, which is what makes shares even out quickly.
            var clients = EvenSplitClients(whole, shareRate, _settings.FairRounding);
            var fair = whole / clients;
            _fairLevel = fair;
            // A share measured across the last hold (only probes went then) says little: then cut by the fraction only.
            var measured = cutLately ? double.MaxValue : Math.Min(shareRate, fair);
            target = Math.Min(before * _settings.Decrease, measured * _settings.ShareFactor);
        }
        var after = Math.Max(_settings.MinRate, Math.Max(before * _settings.DeepestCut, target));
        _rate = Math.Min(after, ceiling);
        // A start's even split (jobs that started together) is where they stay until one ends: hold it as long as a fruitless probe.
        var startSplit = _startCutAt != TimeSpan.MinValue && sentAt - _startCutAt < _settings.Window + _settings.Window;
        _fruitlessProbes = startSplit ? _settings.StartHoldDoublings
            : _plateau > 0 && shareRate < _plateau * _settings.FruitfulProbe ? _fruitlessProbes + 1 : 0;
        _plateau = Math.Min(ceiling, _rate * _settings.PlateauOverCut);
        // The level the service refused (what it took from us, if less than our rate): the highest of a run of fruitless
        // cuts, so that creeping under it does not ratchet a job down cut by cut. A start's split is a guess at the even
        // share, not a level the service refused.
        var refusedLevel = Math.Min(before, Math.Max(shareRate, _settings.MinRate));
        _refusedLevel = startSplit ? 0 : _fruitlessProbes == 0 ? refusedLevel : Math.Max(_refusedLevel, refusedLevel);
        _boardTimingShare = boardTiming;
        _cutAt = now;
        _cutSentAt = sentAt;
        _confirmed = false;
        _episodeRefusals = 1;
        _probesRefused = 0;
        // Nothing accepted from us lately: the service refuses everything (MinRate makes the hold long, probes only).
        _episodeShare = Math.Max(_settings.MinRate, Math.Min(before, shareRate));
        _holdUntil = now + TimeSpan.FromSeconds(Math.Min(_settings.Window.TotalSeconds, _settings.DrainFactor / _episodeShare));
        return string.Format(CultureInfo.InvariantCulture,
            "The service refused a call ({0}): {1} is shared; slowing from {2:0} to {3:0} calls/s.", reason, quota, before, _rate);
    }

    /// <summary>A refusal taken for timing: give back a little of <paramref name="before"/> only, with no even split to keep under.</summary>
    private double TimingCut(double before)
    {
        _fairLevel = double.MaxValue;
        return before * _settings.AloneDecrease;
    }

    /// <summary>
    /// How far apart the calls a timing cut's episode refuses may have been sent before the cut was not timing: a
    /// share of the cut call's round trip (another job's calls keep the window full for the whole of it, a stall's
    /// bunch is over sooner), and no less than <see cref="RateControlSettings.TimingSpan"/>.
    /// </summary>
    private TimeSpan TimingBound()
    {
        var share = TimeSpan.FromTicks((long)((_cutAt - _cutSentAt).Ticks * _settings.TimingRoundTrips));
        return share > _settings.TimingSpan ? share : _settings.TimingSpan;
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
