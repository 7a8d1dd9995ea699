using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;

namespace TencentChatFollow.Internal;

/// <summary>
/// Write-Progress for a run of unknown or known length, at most a few records a second
/// (Windows PowerShell 5.1 draws every record it gets). Call only on the pipeline thread.
/// </summary>
/// <remarks>
/// <see cref="Report"/> writes at most one record per <see cref="Interval"/> but always keeps the counts it was given,
/// so <see cref="Complete"/> can write them before it closes the bar: the last record a user or a host sees has the
/// final counts, not those of the last record that happened to get through the throttle. Each record is a new
/// object, because a host may keep the records it was given (a PowerShell instance's Streams.Progress does).
/// </remarks>
internal sealed class ProgressReporter
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(400);
    private readonly Cmdlet _cmdlet;
    private readonly int _activityId;
    private readonly string _activity;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Func<double>? _callsPerSecond;
    private TimeSpan _last = -Interval;
    private bool _shown;
    private long _done;
    private long _errors;
    private bool _stale;
    private readonly string _one;
    private readonly string _many;

    /// <param name="callsPerSecond">The rate calls go at now (the adaptive limiter's), shown with the counts; 0 means holding back.</param>
    /// <param name="one">What the counts count, one ("id"; Invoke-TencentChatRestMethod: "body").</param>
    /// <param name="many">The same, several ("ids"; "bodies").</param>
    public ProgressReporter(Cmdlet cmdlet, string activity, Func<double>? callsPerSecond = null, string one = "id", string many = "ids")
    {
        _one = one;
        _many = many;
        _cmdlet = cmdlet;
        _callsPerSecond = callsPerSecond;
        _activity = activity;
        _activityId = Math.Abs(cmdlet.GetHashCode() % int.MaxValue);
    }

    /// <summary>Ids to do in all, when known before the run (an -UserId array); null for pipeline input.</summary>
    public long? Total { get; set; }

    /// <summary>The counts so far; written now unless a record was written less than <see cref="Interval"/> ago.</summary>
    public void Report(long done, long errors)
    {
        _done = done;
        _errors = errors;
        _stale = true;
        var now = _clock.Elapsed;
        if (now - _last < Interval) return;
        Write(now);
    }

    /// <summary>Writes the last counts given to <see cref="Report"/> if the bar does not show them yet, then closes the bar.</summary>
    public void Complete()
    {
        if (!_shown) return;
        if (_stale) Write(_clock.Elapsed);
        _shown = false;
        _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, Status(_clock.Elapsed))
        {
            RecordType = ProgressRecordType.Completed,
            PercentComplete = 100,
        });
    }

    private void Write(TimeSpan now)
    {
        _last = now;
        _stale = false;
        _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, Status(now))
        {
            RecordType = ProgressRecordType.Processing,
            PercentComplete = Total is long total && total > 0 ? (int)Math.Min(100, _done * 100 / total) : -1,
        });
        _shown = true;
    }

    private string Status(TimeSpan now)
    {
        var rate = now.TotalSeconds > 0 ? _done / now.TotalSeconds : 0;
        var pace = _callsPerSecond?.Invoke() is double calls
            ? calls > 0 ? string.Format(CultureInfo.CurrentCulture, ", pacing {0:N0} calls/s", calls) : ", holding back (the service refuses calls)"
            : "";
        return string.Format(CultureInfo.CurrentCulture, "{0:N0}{1} {5} done, {2:N0} {6}, {3:N0} {7}/s{4}",
            _done, Total is long t ? " of " + t.ToString("N0", CultureInfo.CurrentCulture) : "", _errors, rate, pace,
            (Total ?? _done) == 1 ? _one : _many, _errors == 1 ? "error" : "errors", _many);
    }
}
