using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;

namespace TencentChatFollow.Internal;

/// <summary>
/// Write-Progress for a run of unknown or known length, at most a few records a second
/// (Windows PowerShell 5.1 draws every record it gets). Call only on the pipeline thread.
/// </summary>
internal sealed class ProgressReporter
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(400);
    private readonly Cmdlet _cmdlet;
    private readonly ProgressRecord _record;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Func<double>? _callsPerSecond;
    private TimeSpan _last = -Interval;
    private bool _shown;

    /// <param name="callsPerSecond">The rate calls go at now (the adaptive limiter's), shown with the counts; 0 means holding back.</param>
    public ProgressReporter(Cmdlet cmdlet, string activity, Func<double>? callsPerSecond = null)
    {
        _cmdlet = cmdlet;
        _callsPerSecond = callsPerSecond;
        _record = new ProgressRecord(Math.Abs(cmdlet.GetHashCode() % int.MaxValue), activity, "Starting");
    }

    /// <summary>Ids to do in all, when known before the run (an -UserId array); null for pipeline input.</summary>
    public long? Total { get; set; }

    public void Report(long done, long errors)
    {
        var now = _clock.Elapsed;
        if (now - _last < Interval) return;
        _last = now;
        var rate = now.TotalSeconds > 0 ? done / now.TotalSeconds : 0;
        var pace = _callsPerSecond?.Invoke() is double calls
            ? calls > 0 ? string.Format(CultureInfo.CurrentCulture, ", pacing {0:N0} calls/s", calls) : ", holding back (the service refuses calls)"
            : "";
        _record.StatusDescription = string.Format(CultureInfo.CurrentCulture, "{0:N0}{1} {5} done, {2:N0} {6}, {3:N0} ids/s{4}",
            done, Total is long t ? " of " + t.ToString("N0", CultureInfo.CurrentCulture) : "", errors, rate, pace,
            (Total ?? done) == 1 ? "id" : "ids", errors == 1 ? "error" : "errors");
        _record.PercentComplete = Total is long total && total > 0 ? (int)Math.Min(100, done * 100 / total) : -1;
        _record.RecordType = ProgressRecordType.Processing;
        _cmdlet.WriteProgress(_record);
        _shown = true;
    }

    public void Complete()
    {
        if (!_shown) return;
        _shown = false;
        _record.RecordType = ProgressRecordType.Completed;
        _record.PercentComplete = 100;
        _cmdlet.WriteProgress(_record);
    }
}
