using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace TencentChatFollow.Execution;

/// <summary>
/// The rate limits of one SDKAppID at one endpoint: a <see cref="RateLimiter"/> per API (each with its own ceiling,
/// cut by that API's refusals, 60007), and beside them what the app's APIs share: the app-wide cap, which a 60011
/// (the SDKAppID's frequency) engages and cuts for every API of the app together, and the outage watch (a service
/// that is down is down for every API). Every session of the app in the process draws on the same instance
/// (<see cref="RateLimiterRegistry"/>).
/// </summary>
/// <remarks>
/// The API limiters call in here under their own lock, and this class never calls back into them: the lock order is
/// always an API's, then the app's.
/// </remarks>
internal sealed class AppRateLimits
{
    /// <summary>An API that has not asked for the app's turn for this long is no longer in its line.</summary>
    private static readonly TimeSpan Forgotten = TimeSpan.FromSeconds(3);

    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, RateLimiter> _apis = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (int Ceiling, TimeSpan LastSent)> _recent = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Api, TimeSpan LastAsked)> _queued = new(); // APIs the app-wide pace holds back, in the order they asked
    private readonly RatePacer _pacer;
    private readonly RateController _control;
    private readonly OutageWatch _outage = new();
    private readonly TimeSpan _window;
    private readonly RateControlSettings? _settings;

    public AppRateLimits(Clock clock, TimeSpan? window = null, RateControlSettings? settings = null, (QuotaStore Store, string Key)? coordination = null)
    {
        Coordination = coordination;
        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _window = window ?? RateLimiter.DefaultWindow;
        _settings = settings;
        _pacer = new RatePacer(_window);
        _control = new RateController(settings);
    }

    /// <summary>The machine's quota boards and this app's key on them (<see cref="QuotaMember"/>), when processes coordinate.</summary>
    internal (QuotaStore Store, string Key)? Coordination { get; }

    /// <summary>The clock every limiter of the app paces on.</summary>
    public Clock Clock { get; }

    /// <summary>The limiter of <paramref name="api"/> ("v4/follow/follow_get_info"): one per API, made on first use.</summary>
    public RateLimiter ForApi(string api)
    {
        var name = KnownRateLimits.Normalize(api);
        return _apis.GetOrAdd(name, n => new RateLimiter(n, this, _window, _settings));
    }

    /// <summary>
    /// Takes the app's part of a turn: when the app-wide cap or an outage paces calls, the API's turn at
    /// <paramref name="apiAt"/> waits for the app's too, and the APIs held back take the app's turns in the order they
    /// asked (one that does not come for its turn within <see cref="RatePacer.CatchUp"/> goes to the back). True (and
    /// the turn recorded) when it may go now; otherwise <paramref name="next"/> says when to look again.
    /// </summary>
    internal bool TryTake(string api, int ceiling, TimeSpan apiAt, TimeSpan now, bool outagePacing, out TimeSpan next)
    {
        lock (_gate)
        {
            var at = apiAt;
            if (AppRate(now, outagePacing) is double rate)
            {
                var appAt = _pacer.NextAt(now, rate, limit: 0);
                if (appAt > at) at = appAt;
                if (at > now)
                {
                    Queue(api, now);
                    next = at;
                    return false;
                }
                // The app's turn has waited CatchUp for the first in line: it lost it (its line emptied, or its pump is
                // late). The app's turn, not this API's: one that has not sent yet is always due now by its own pace.
                _queued.RemoveAll(q => q.LastAsked < now - Forgotten);
                if (_queued.Count > 0 && !string.Equals(_queued[0].Api, api, StringComparison.OrdinalIgnoreCase) && now - appAt >= RatePacer.CatchUp)
                {
                    var late = _queued[0];
                    _queued.RemoveAt(0);
                    _queued.Add(late);
                }
                if (_queued.Count > 0 && !string.Equals(_queued[0].Api, api, StringComparison.OrdinalIgnoreCase))
                {
                    Queue(api, now);
                    next = at + RatePacer.CatchUp;
                    return false;
                }
            }
            _queued.RemoveAll(q => string.Equals(q.Api, api, StringComparison.OrdinalIgnoreCase));
            _pacer.Take(at, now);
            _recent[api] = (ceiling, now);
            next = now;
            return true;
        }
    }

    /// <summary>Puts <paramref name="api"/> in the app's line, or notes that it asked again. Call under the lock.</summary>
    private void Queue(string api, TimeSpan now)
    {
        var i = _queued.FindIndex(q => string.Equals(q.Api, api, StringComparison.OrdinalIgnoreCase));
        if (i < 0) _queued.Add((api, now));
        else _queued[i] = (api, now);
    }

    /// <summary>
    /// The pace the app's shared limits allow now (calls per second): an outage's probes while the service is down, 0
    /// while holding back after a 60011, the app-wide cap's; null when they hold no one back. The pace the progress bar
    /// shows: during an outage calls go one probe at a time, not at the ceiling.
    /// </summary>
    internal double? CurrentRate(TimeSpan now)
    {
        lock (_gate) return _control.IsHolding(now) ? 0 : AppRate(now, outagePacing: true);
    }

    /// <summary>Since when the app has refused every call for its own frequency (60011), or null.</summary>
    internal TimeSpan? RefusingSince
    {
        get { lock (_gate) return _control.RefusingSince; }
    }

    /// <summary>A call of the app was accepted: the service is up, and the app-wide cap may grow.</summary>
    internal string? Accepted(RateSlot slot, TimeSpan now)
    {
        lock (_gate)
        {
            _outage.Answered();
            var wasCut = !_control.AtCeiling;
            _control.OnAccepted(slot.SentAt, now, AppCeiling(now));
            return wasCut && _control.AtCeiling ? "Calls go through again: the app-wide cut is over." : null;
        }
    }

    /// <summary>The service refused a call for frequency: any answer ends an outage; an app-wide refusal cuts the app's cap.</summary>
    internal string? Refused(RateSlot slot, TimeSpan now, string reason, ThrottleScope scope)
    {
        lock (_gate)
        {
            _outage.Answered();
            if (scope != ThrottleScope.App) return null;
            return _control.OnRefused(slot.SentAt, now, AppCeiling(now), reason, "the app's quota for all APIs together");
        }
    }

    /// <summary>The service is down for every call: one probe goes at a time.</summary>
    internal bool Down
    {
        get { lock (_gate) return _outage.Down; }
    }

    /// <summary>A call of the app got no usable answer.</summary>
    internal OutageState Failed(RateSlot slot, TimeSpan now)
    {
        lock (_gate) return _outage.Failed(slot.SentAt, now);
    }

    /// <summary>Call under the lock.</summary>
    private double? AppRate(TimeSpan now, bool outagePacing)
    {
        if (outagePacing && _outage.Down) return 1 / _outage.ProbeInterval.TotalSeconds;
        if (_control.IsHolding(now)) return 1 / _control.ProbeInterval.TotalSeconds;
        if (_control.AtCeiling) return null;
        return _control.RateFor(AppCeiling(now));
    }

    /// <summary>
    /// What the app could send at most now: the ceilings of its APIs that sent within the last two windows added up
    /// (at least one API's). Call under the lock.
    /// </summary>
    private int AppCeiling(TimeSpan now)
    {
        var sum = 0;
        var highest = 1;
        foreach (var (ceiling, lastSent) in _recent.Values)
        {
            if (ceiling > highest) highest = ceiling;
            if (now - lastSent <= _window + _window) sum += ceiling;
        }
        return Math.Max(sum, highest);
    }
}
