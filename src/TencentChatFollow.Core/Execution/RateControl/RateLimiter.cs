using System;
using System.Collections.Generic;

namespace TencentChatFollow.Execution;

/// <summary>
/// Paces the calls of one API of one app: callers wait their turn first come, first served (a refused call goes back
/// to the front), and each turn comes when the pace allows: evenly spaced (<see cref="RatePacer"/>) at the rate the
/// <see cref="RateController"/> has found the service takes now for this API, never more than the ceiling within any
/// window of a second (plus a small margin for network jitter), and within the app-wide limits the app's APIs share
/// (<see cref="AppRateLimits"/>: the cap a 60011 engages, an outage's probes).
/// The next turn is worked out when it comes, not booked in advance, so a cut applies to every call still waiting.
/// One instance per endpoint, SDKAppID and API is shared by the whole process (<see cref="RateLimiterRegistry"/>):
/// every session, cmdlet call and runspace of that app draws from the same budget and learns from the same answers.
/// </summary>
internal sealed partial class RateLimiter
{
    /// <summary>Tencent's limit for each follow API (the default ceiling, -MaxRequestsPerSecond).</summary>
    public const int DefaultLimit = KnownRateLimits.FollowApiLimit;

    /// <summary>Arrival jitter allowance: two sends a window apart may arrive a little closer than that.</summary>
    internal static readonly TimeSpan DefaultMargin = TimeSpan.FromMilliseconds(10);

    /// <summary>A late answer holds its call in the pacer's window at most this much longer.</summary>
    internal static readonly TimeSpan LateAtMost = TimeSpan.FromMilliseconds(250);

    /// <summary>After giving up on a refusing service, one probe call goes this often; the others fail at once.</summary>
    internal static readonly TimeSpan ExhaustedProbeInterval = TimeSpan.FromSeconds(1);

    private readonly Clock _clock;
    private readonly object _gate = new();
    private readonly RateController _control;
    private readonly RatePacer _pacer;
    private readonly QuotaMember? _member; // the machine's quota board of this API, when processes coordinate
    private readonly BoardStartOver _startOver = new();
    private readonly RoundTripFloor _roundTrips = new();
    private readonly Queue<(TimeSpan Sent, TimeSpan RoundTrip)> _answered = new(); // calls answered within the last window
    private TimeSpan _lastExhaustedProbe = TimeSpan.MinValue;
    private readonly Dictionary<int, TimeSpan> _limitsAsked = new(); // each caller's ceiling, and when a caller last asked under it
    private readonly Dictionary<int, RatePacer> _lowerLimits = new(); // the calls of callers held to less than the process's top ceiling

    /// <summary>The limiter of <paramref name="api"/> within <paramref name="app"/> (made by <see cref="AppRateLimits.ForApi"/>).</summary>
    internal RateLimiter(string api, AppRateLimits app, TimeSpan window, RateControlSettings? settings = null)
    {
        Api = api;
        App = app;
        _clock = app.Clock;
        _pacer = new RatePacer(window);
        _control = new RateController(settings);
        if (app.Coordination is var (store, key)) _member = new QuotaMember(store.Board(key + "|" + api), _clock, store.SelfDriven, Usage);
    }

    /// <summary>A limiter of its own (an app with this one API), paced on <paramref name="clock"/>: for tests and simulations.</summary>
    internal RateLimiter(Clock clock, TimeSpan? window = null, RateControlSettings? settings = null, string api = "v4/follow/follow_get_info")
        : this(KnownRateLimits.Normalize(api), new AppRateLimits(clock, window, settings), window ?? DefaultWindow, settings)
    {
    }

    /// <summary>The window a limiter of Tencent's per-second limit counts over (a second and a safety margin).</summary>
    internal static TimeSpan DefaultWindow => TimeSpan.FromSeconds(1) + DefaultMargin;

    /// <summary>The API this limiter paces ("v4/follow/follow_get_info").</summary>
    public string Api { get; }

    /// <summary>What the app's APIs share: the app-wide cap, the outage watch.</summary>
    internal AppRateLimits App { get; }

    /// <summary>This limiter on the machine's quota board of its API (null when processes do not coordinate).</summary>
    internal QuotaMember? Coordination => _member;

    /// <summary>The limiter's clock (monotonic; the same one answers are reported on).</summary>
    internal TimeSpan Now => _clock.Elapsed;

    /// <summary>The rate calls go at now, calls per second (0 while holding back after a refusal).</summary>
    public double CurrentRate(int limit)
    {
        var now = _clock.Elapsed;
        lock (_gate)
        {
            if (_control.IsHolding(now)) return 0;
            var rate = Math.Min(limit, _control.RateFor(Ceiling(TopLimit(now, limit, asking: false))));
            return App.CurrentRate(now) is double app ? Math.Min(rate, app) : rate;
        }
    }

    /// <summary>The service accepted the call of <paramref name="slot"/>. Returns a line for -Verbose when the rate changed notably.</summary>
    public string? Accepted(RateSlot slot, int limit)
    {
        lock (_gate)
        {
            var now = _clock.Elapsed;
            Answered(slot, now);
            var app = App.Accepted(slot, now);
            return _control.OnAccepted(slot.SentAt, now, Ceiling(TopLimit(now, limit, asking: false))) ?? app;
        }
    }

    /// <summary>
    /// The call of <paramref name="slot"/> got no usable answer (a passing fault: 5xx, a dropped connection, a timeout,
    /// 30006/30007...). Says whether the service is down for everyone (an outage: the caller should wait its turn
    /// again rather than spend a retry) and for how long it has answered nothing usable.
    /// </summary>
    public OutageState Failed(RateSlot slot) => App.Failed(slot, _clock.Elapsed);

    /// <summary>The app's service is down for every call (<see cref="OutageWatch"/>): calls go one probe at a time.</summary>
    public bool Down => App.Down;

    /// <summary>
    /// The service refused the call of <paramref name="slot"/> for frequency; <paramref name="reason"/> is its code
    /// ("60007", "60011") or "HTTP 429". An API's refusal cuts this API's rate, an app's (60011) every API's of the
    /// app (<see cref="KnownRateLimits.ScopeOf"/>). Returns a line for -Verbose when this cut a rate.
    /// </summary>
    public string? Refused(RateSlot slot, int limit, string reason)
    {
        var scope = KnownRateLimits.ScopeOf(reason);
        lock (_gate)
        {
            var now = _clock.Elapsed;
            Answered(slot, now);
            var app = App.Refused(slot, now, reason, scope);
            if (scope == ThrottleScope.App) return app;
            var name = Api.Substring(Api.LastIndexOf('/') + 1);
            limit = TopLimit(now, limit, asking: false);
            var ceiling = Ceiling(limit);
            // Beside others on the board: the part of the service's window this machine's jobs held (the board, not the
            // refusal, says how many of them share the quota).
            double? fill = _member is { HasCompany: true } member ? (double)(_pacer.InWindow(now) + member.OthersInWindow) / limit : null;
            var cut = _control.OnRefused(slot.SentAt, now, ceiling, reason, "the app's " + name + " quota", limit, fill);
            _startOver.Refused(slot.SentAt, now, cut is null ? null : ceiling);
            return cut;
        }
    }

    /// <summary>
    /// The pacing rule without the line: takes a turn if it has come (for one caller that keeps its own line, as the
    /// simulation does, of <paramref name="callers"/> calls waiting).
    /// </summary>
    internal bool TryAcquire(int limit, TimeSpan giveUpAfter, out RateSlot slot, out TimeSpan next, int callers = 2, TimeSpan? runStart = null)
    {
        lock (_gate) return TryGrant(new Waiter(limit, giveUpAfter, outagePacing: true, runStart ?? TimeSpan.MinValue), _clock.Elapsed, callers, out slot, out next, out _);
    }

    /// <summary>
    /// How long the service has refused every call of this API (its own refusals or the app's), counted from
    /// <paramref name="runStart"/> at the earliest (a run is not given up on for refusals it did not meet), or null
    /// when its last answer was an acceptance.
    /// </summary>
    internal TimeSpan? RefusingFor(TimeSpan? runStart = null)
    {
        lock (_gate) return RefusingSince(runStart ?? TimeSpan.MinValue) is { } since ? _clock.Elapsed - since : null;
    }

    /// <summary>
    /// The earlier of this API's and the app's refusing-since, or <paramref name="runStart"/> when that is later (a
    /// run's refusals count from its start). Call under the lock.
    /// </summary>
    private TimeSpan? RefusingSince(TimeSpan runStart)
    {
        var own = _control.RefusingSince;
        var app = App.RefusingSince;
        var since = own is null ? app : app is null ? own : own < app ? own : app;
        return since is { } at && at < runStart ? runStart : since;
    }

    /// <summary>
    /// The call of <paramref name="slot"/> was answered at <paramref name="now"/>: its round trip against the quickest
    /// of late (<see cref="RoundTripFloor"/>) says how late it may have reached the service (a stall on the way, or in
    /// this process before the send). Beyond the jitter the window's margin allows, it counts in the pacer's window as
    /// long as the service counts it, up to <see cref="LateAtMost"/> longer (a slow answer may have arrived on time).
    /// When the quickest round trip drops (a run's first answers may all have been late), the calls answered within
    /// the window are judged again against it. Call under the lock.
    /// </summary>
    private void Answered(RateSlot slot, TimeSpan now)
    {
        var floor = _roundTrips.Floor;
        var late = _roundTrips.Late(now - slot.SentAt, now);
        while (_answered.Count > 0 && _answered.Peek().Sent < now - _pacer.Window - LateAtMost) _answered.Dequeue();
        _answered.Enqueue((slot.SentAt, now - slot.SentAt));
        if (_roundTrips.Floor < floor)
            foreach (var (sent, roundTrip) in _answered) CountLate(sent, roundTrip - _roundTrips.Floor);
        else
            CountLate(slot.SentAt, late);
    }

    /// <summary>A call answered <paramref name="late"/> after the quickest round trip counts in the pacer's window from its arrival, beyond the window's margin.</summary>
    private void CountLate(TimeSpan sent, TimeSpan late)
    {
        late -= DefaultMargin;
        if (late > TimeSpan.Zero) _pacer.Arrived(sent, late < LateAtMost ? late : LateAtMost);
    }

    /// <summary>The ceiling the control loop works within: <paramref name="limit"/>, or less when other processes on the machine share it.</summary>
    private int Ceiling(int limit) => _member?.CeilingFor(limit) ?? limit;

    /// <summary>
    /// For the quota board: calls sent within the last window (refused ones count, as at the service), those of them
    /// still within it <paramref name="ahead"/> from now, and the pace now under <paramref name="ceiling"/>.
    /// </summary>
    private (int InWindow, int Staying, double Pace) Usage(int ceiling, TimeSpan ahead)
    {
        lock (_gate)
        {
            var now = _clock.Elapsed;
            var pace = _control.IsHolding(now) || ceiling < 1 ? 0 : _control.RateFor(ceiling);
            return (_pacer.InWindow(now), _pacer.StillInWindowAt(now + ahead), pace);
        }
    }

    /// <summary>
    /// The highest ceiling among the callers of this process that asked within the last window, <paramref name="limit"/>
    /// included (<paramref name="asking"/>: a caller asks under it now). The process's calls of this API go at that
    /// ceiling's pace; a caller held to less (a session's lower -MaxRequestsPerSecond) has its own calls held to its
    /// ceiling as well (<see cref="LowerLimitAllows"/>) rather than holding every caller of the process to it. Call under the lock.
    /// </summary>
    private int TopLimit(TimeSpan now, int limit, bool asking)
    {
        if (asking) _limitsAsked[limit] = now;
        var top = limit;
        if (_limitsAsked.Count == 1 && _limitsAsked.ContainsKey(limit)) return top;
        List<int>? gone = null;
        foreach (var asked in _limitsAsked)
        {
            if (asked.Value <= now - _pacer.Window && asked.Key != limit) (gone ??= new()).Add(asked.Key);
            else if (asked.Key > top) top = asked.Key;
        }
        if (gone is not null)
            foreach (var key in gone) { _limitsAsked.Remove(key); _lowerLimits.Remove(key); }
        return top;
    }

    /// <summary>
    /// For a caller held to <paramref name="limit"/>, below the process's top ceiling: whether its own calls leave it a
    /// turn now (evenly spaced at its ceiling, at most that many within any window), or when to look again.
    /// </summary>
    private bool LowerLimitAllows(int limit, TimeSpan now, out TimeSpan next)
    {
        if (!_lowerLimits.TryGetValue(limit, out var own)) _lowerLimits[limit] = own = new RatePacer(_pacer.Window);
        next = own.NextAt(now, limit, limit);
        return next <= now;
    }

    /// <summary>
    /// The pacing rule, for the first caller in line under its ceiling: gives its slot when its turn has come, otherwise
    /// says when to look again, and whether only its own lower ceiling held it back (<paramref name="ownCeiling"/>:
    /// callers with another ceiling behind it may still go). With a quota board, within the ceiling the board leaves
    /// this process (none while it joins); <paramref name="callers"/> (this one included) say whether it has more to
    /// send than one call. Call under the lock.
    /// </summary>
    private bool TryGrant(Waiter waiter, TimeSpan now, int callers, out RateSlot slot, out TimeSpan next, out bool ownCeiling)
    {
        var top = TopLimit(now, waiter.Limit, asking: true);
        ownCeiling = waiter.Limit < top && !LowerLimitAllows(waiter.Limit, now, out next);
        if (ownCeiling)
        {
            slot = default;
            return false;
        }
        if (!TryGrant(waiter, top, now, callers, out slot, out next)) return false;
        if (waiter.Limit < top && !slot.Exhausted) _lowerLimits[waiter.Limit].Take(now, now);
        return true;
    }

    /// <summary>The pacing rule under the process's top ceiling <paramref name="limit"/>, on the quota board if there is one. Call under the lock.</summary>
    private bool TryGrant(Waiter waiter, int limit, TimeSpan now, int callers, out RateSlot slot, out TimeSpan next)
    {
        if (_member is not { } member) return TryGrant(waiter, limit, limit, now, out slot, out next);
        slot = default;
        var admitted = member.Admit(now, limit, out var ceiling, out var room, out next, backlog: callers > 1);
        if (admitted && _startOver.Due(_control, ceiling, member.HasCompany, now))
        {
            if (_startOver.Fruitless == 0) _control.StartOver();
            else _control.ProbeNow(now);
        }
        if (admitted && TryGrant(waiter, ceiling, room, now, out slot, out next))
        {
            if (!slot.Exhausted) member.Sent(now);
            return true;
        }
        member.Waited(now, forRoom: !admitted || (room < limit && _pacer.InWindow(now) >= room), boardBinds: ceiling < limit, backlog: callers > 1, ref next);
        return false;
    }

    /// <summary>The pacing rule at a rate within <paramref name="ceiling"/>, at most <paramref name="room"/> calls within any window. Call under the lock.</summary>
    private bool TryGrant(Waiter waiter, int ceiling, int room, TimeSpan now, out RateSlot slot, out TimeSpan next)
    {
        slot = default;
        if (RefusingSince(waiter.RunStart) is { } since && now - since >= waiter.GiveUpAfter)
        {
            // The quota has been used up elsewhere for longer than the caller waits: fail fast, but keep one probe
            // going now and then, so the run notices when the service takes calls again.
            if (_lastExhaustedProbe != TimeSpan.MinValue && now - _lastExhaustedProbe < ExhaustedProbeInterval)
            {
                slot = new RateSlot(now, exhausted: true, refusingFor: now - since);
                next = now;
                return true;
            }
            _lastExhaustedProbe = now;
        }

        var rate = _control.IsHolding(now) ? Math.Min(ceiling, 1 / _control.ProbeInterval.TotalSeconds) : _control.RateFor(ceiling);
        var at = _pacer.NextAt(now, rate, room);
        if (at > now)
        {
            next = at;
            return false;
        }
        if (!App.TryTake(Api, waiter.Limit, at, now, waiter.OutagePacing, out next)) return false;
        _pacer.Take(at, now);
        slot = new RateSlot(now, exhausted: false, refusingFor: null);
        next = now;
        return true;
    }
}
