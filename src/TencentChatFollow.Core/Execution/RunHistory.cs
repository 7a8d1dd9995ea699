using System;
using TencentChatFollow.Session;

namespace TencentChatFollow.Execution;

/// <summary>
/// What a run has seen of the service, shared by the calls that serve it: whether the service has answered (after
/// which a call without a Tencent answer is bad luck, not a wrong endpoint), calls in a row that did not reach it, and
/// when the run started (an outage counts from then at the earliest).
/// </summary>
internal sealed class RunHistory
{
    public RunHistory(TencentChatSession session) => Start = session.Clock.Elapsed;

    public TimeSpan Start { get; }
    /// <summary>1 once the service has answered this run.</summary>
    public int Answered;
    public int UnreachableInARow;
}
