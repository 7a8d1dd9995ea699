using System;
using System.Collections.Generic;
using TencentChatFollow.Errors;

namespace TencentChatFollow.Execution;

/// <summary>How a call's attempts ended: the successful attempt, or the failure every id of the call gets (and whether it stops the run).</summary>
internal sealed class CallEnd<TBody>
    where TBody : class
{
    public Attempt<TBody>? Success { get; set; }
    /// <summary>The call's failure as each id gets it ("after N attempts" when there were several).</summary>
    public TencentChatException? Failure { get; set; }
    /// <summary>Set when the failure is one every later call would share: the run stops.</summary>
    public TencentChatException? Fatal { get; set; }
    /// <summary>The run stopped before the call did anything (<see cref="AttemptLoop.SendNoMore"/>): its ids were not sent.</summary>
    public bool NotSent { get; set; }
    /// <summary>The last attempt's status for the call's summary line ("HTTP 200", "no HTTP answer", "not sent").</summary>
    public string Status { get; set; } = "not sent";
    /// <summary>How the summary line ends for a call that did not succeed.</summary>
    public string Outcome => NotSent ? "the run had stopped" : "failed: " + Failure?.Message;
}

/// <summary>The -Verbose and -Debug lines of one call (Debug null when -Debug is off).</summary>
internal sealed class CallLog
{
    public CallLog(bool debug) => Debug = debug ? new List<string>() : null;

    public List<string> Verbose { get; } = new(2);
    public List<string>? Debug { get; }

    /// <summary>The call's result: its outcomes, the run's stop if it is one, and these lines.</summary>
    public BatchResult<TResult> Result<TResult>(long sequence, IReadOnlyList<IdOutcome<TResult>> outcomes, TencentChatException? fatal)
        where TResult : class
        => new(sequence, outcomes, fatal, Verbose, (IReadOnlyList<string>?)Debug ?? Array.Empty<string>());
}
