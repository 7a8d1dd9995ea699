using System;
using System.Collections.Generic;

namespace TencentChatFollow.Execution;

/// <summary>The caller's own stop of a <see cref="BatchRun{TResult}"/> (record helper's file; a small seam for the cmdlet layer).</summary>
internal sealed partial class BatchRun<TResult>
{
    /// <summary>Set once <see cref="Halt"/> has ended the run: no more ids are taken.</summary>
    public bool Halted { get; private set; }

    /// <summary>
    /// The caller ends the run early (an error it must stop on, such as any error under -ErrorAction Stop): nothing
    /// more is sent (calls started and still waiting for their turn end as not sent); the calls on the wire are waited
    /// for and their results returned, in input order, so the
    /// caller can write everything the service has done before it stops. <paramref name="unanswered"/> gets the ids
    /// never sent (the partial batch) and, if a fatal answer came meanwhile, those in calls that failed with it and did
    /// nothing (those whose call may have done it are in <see cref="UnknownIds"/>).
    /// Throws OperationCanceledException when the run is cancelled while it waits.
    /// </summary>
    public IReadOnlyList<BatchResult<TResult>> Halt(out IReadOnlyList<string> unanswered)
    {
        if (Stopped is not null || Halted)
        {
            // Halted already: by an earlier Halt (its ids were given then), or by a fatal answer that came after the
            // caller's first error in input order (Stop), whose ids left unanswered the caller gets now, once.
            unanswered = Stopped?.UnansweredIds ?? _unansweredAtHalt ?? Array.Empty<string>();
            _unansweredAtHalt = null;
            return None;
        }
        Halted = true;
        SendNothingMore();
        List<BatchResult<TResult>>? ready = null;
        var unsent = _current;
        _current = new List<string>(_batchSize);
        while (_started.Count > 0) HandOut(TakeOldest(), ref ready);
        _unanswered.AddRange(unsent);
        unanswered = _unanswered.ToArray();
        return ready ?? None;
    }
}
