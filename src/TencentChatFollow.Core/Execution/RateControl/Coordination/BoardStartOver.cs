using System;

namespace TencentChatFollow.Execution;

/// <summary>
/// When a limiter on the quota board drops its control loop's last cut and starts over at the board's share
/// (<see cref="RateController.StartOver"/>) rather than grow back to it slowly: when the others leave it a share well
/// above the one the cut was made under (a job ended), once the service has refused nothing for
/// <see cref="QuietWhenShareRose"/>; when the cut holds it well below the board's share (a refusal among the board's
/// jobs is timing, which the board, not a deep cut, settles), once it has refused nothing for <see cref="Quiet"/>.
/// Alone on the board, the control loop finds any outsider's share as without a board.
/// <para>
/// The board knows only this machine's jobs. Beside an outsider (the app's backend, a job on another machine) the
/// board's share is more than the service has room for, so a start-over is refused within moments and the loop cuts
/// again: each such start-over that fails doubles the quiet it waits for before the next (up to
/// <see cref="MostDoublings"/> times; not when the share rose: a job on the board ended or slowed, and left real room),
/// and one that holds for <see cref="Quiet"/> shows the board right again. While
/// <see cref="Fruitless"/> is not 0 the limiter grows toward the share from where it is
/// (<see cref="RateController.ProbeNow"/>) instead of jumping to it.
/// </para>
/// Not thread-safe: the limiter calls it under its lock. Times are on the limiter's clock.
/// </summary>
internal sealed class BoardStartOver
{
    /// <summary>Beside others on the board, a cut rate held well below the board's share starts over at it after this long without a refusal.</summary>
    internal static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    /// <summary>
    /// When the board's share rose (a job on it ended or slowed: real room), a start-over waits only this long after a
    /// refusal: the service's second, after which the calls it refused (counted too) no longer fill it.
    /// </summary>
    internal static readonly TimeSpan QuietWhenShareRose = TimeSpan.FromSeconds(1);

    /// <summary>Start-overs refused in a row double the quiet before the next at most this many times.</summary>
    internal const int MostDoublings = 4;

    private int? _cutUnder;                // the ceiling the board left when the control loop last cut the rate (none since a start-over)
    private TimeSpan _lastRefused = TimeSpan.MinValue;
    private TimeSpan? _startedAt;          // the last start-over, until it held or was refused
    private int _fruitless;                // start-overs refused in a row

    /// <summary>Start-overs refused in a row (each doubles the quiet before the next).</summary>
    public int Fruitless => _fruitless;

    /// <summary>The service refused, for this API's frequency, a call sent at <paramref name="sentAt"/>; <paramref name="cutUnder"/> is the board's ceiling when this refusal cut the rate.</summary>
    public void Refused(TimeSpan sentAt, TimeSpan now, int? cutUnder)
    {
        _lastRefused = now;
        if (cutUnder is { } ceiling) _cutUnder = ceiling;
        if (_startedAt is { } at && sentAt >= at)
        {
            // Refused although the board showed the room: others the board does not know use the quota.
            _fruitless = Math.Min(_fruitless + 1, MostDoublings);
            _startedAt = null;
        }
    }

    /// <summary>
    /// Whether to start over now, under the board's <paramref name="ceiling"/>, beside others on the board or not
    /// (<paramref name="company"/>), with the control loop as it is (<paramref name="control"/>). When true, the caller
    /// starts the loop over (or, after start-overs were refused, has it look for room at once).
    /// </summary>
    public bool Due(RateController control, int ceiling, bool company, TimeSpan now)
    {
        if (_startedAt is { } at && now - at >= Quiet)
        {
            _fruitless = 0; // the last start-over held: the board's share was there
            _startedAt = null;
        }
        if (_startedAt is not null || control.Holding || control.AtCeiling) return false; // one start-over at a time
        var shareRose = _cutUnder is { } cut && ceiling >= cut + cut / 4;
        var heldBelow = company && control.RateFor(ceiling) < 0.8 * ceiling;
        if (!shareRose && !heldBelow) return false;
        // A share that rose is room a job on the board left: it waits only for the service to forget the last refusal.
        // Held below the share, it waits the quiet, twice as long for each start-over the outsider refused.
        var quiet = shareRose ? QuietWhenShareRose : TimeSpan.FromTicks(Quiet.Ticks << _fruitless);
        if (_lastRefused != TimeSpan.MinValue && now - _lastRefused < quiet) return false;
        _cutUnder = null;
        _startedAt = now;
        return true;
    }
}
