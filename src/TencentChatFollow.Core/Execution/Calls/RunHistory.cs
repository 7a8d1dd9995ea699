using System;
using System.Threading;
using TencentChatFollow.Session;

namespace TencentChatFollow.Execution;

/// <summary>
/// What a run has seen of the service, shared by the calls that serve it: whether the service has answered (after
/// which a call without a Tencent answer is bad luck, not a wrong endpoint), calls in a row that did not reach it, and
/// when the run started (an outage counts from then at the earliest), and where the run's own -Verbose lines go as
/// they happen (an outage begins and ends: a call's lines come out only with its result, in input order).
/// </summary>
internal sealed class RunHistory
{
    public RunHistory(TencentChatSession session) => Start = session.Clock.Elapsed;

    public TimeSpan Start { get; }
    /// <summary>1 once the service has answered this run.</summary>
    public int Answered;
    public int UnreachableInARow;
    /// <summary>When the service last answered a call of the run (the session clock's ticks).</summary>
    public long LastAnsweredTicks = long.MinValue;
    /// <summary>1 while the run waits out an outage it has told of.</summary>
    public int WaitingOut;

    /// <summary>Takes the run's lines as they happen, on any thread (the run writes them on its own).</summary>
    public Action<string>? Notice { get; set; }

    /// <summary>The first call of the run to wait out an outage tells of it: true for that call.</summary>
    public bool OutageBegins() => Interlocked.Exchange(ref WaitingOut, 1) == 0;

    /// <summary>An answer came: true once after the run has told of an outage.</summary>
    public bool OutageEnds() => Volatile.Read(ref WaitingOut) != 0 && Interlocked.Exchange(ref WaitingOut, 0) == 1;
}
