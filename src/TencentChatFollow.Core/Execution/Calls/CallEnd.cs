using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
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
    /// <summary>
    /// The call failed after an attempt that may have reached the service and done its work (sent, and no usable
    /// answer came: a timeout or a dropped connection after sending, an HTTP 5xx, a transient code, an answer cut short
    /// or without some ids): its ids' outcome is not known. False when every attempt was refused or never delivered.
    /// </summary>
    public bool OutcomeUnknown { get; set; }
    /// <summary>The last attempt's status for the call's summary line ("HTTP 200", "no HTTP answer", "not sent").</summary>
    public string Status { get; set; } = "not sent";
    /// <summary>How the summary line ends for a call that did not succeed.</summary>
    public string Outcome => NotSent ? "the run had stopped" : "failed: " + Failure?.Message;
}

/// <summary>The -Verbose and -Debug lines of one call (Debug null when -Debug is off).</summary>
internal sealed class CallLog
{
    /// <param name="debug">Keep -Debug lines.</param>
    /// <param name="live">Also hands each -Verbose line over as it is written (Connect-TencentChat shows its check call's retries as they happen).</param>
    public CallLog(bool debug, Action<string>? live = null)
    {
        Debug = debug ? new List<string>() : null;
        Verbose = new LiveLines(live);
    }

    public Collection<string> Verbose { get; }
    public List<string>? Debug { get; }

    /// <summary>The call's result: its outcomes, the run's stop if it is one, and these lines.</summary>
    public BatchResult<TResult> Result<TResult>(long sequence, IReadOnlyList<IdOutcome<TResult>> outcomes, TencentChatException? fatal)
        where TResult : class
        => new(sequence, outcomes, fatal, Verbose, (IReadOnlyList<string>?)Debug ?? Array.Empty<string>());

    /// <summary>Lines kept for the result, each also handed to <c>live</c> (when there is one) as it is added.</summary>
    private sealed class LiveLines : Collection<string>
    {
        private readonly Action<string>? _live;

        public LiveLines(Action<string>? live) => _live = live;

        protected override void InsertItem(int index, string item)
        {
            base.InsertItem(index, item);
            _live?.Invoke(item);
        }
    }
}
