using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using TencentChatFollow.Session;
using TencentChatFollow.Tests.Execution;

namespace TencentChatFollow.Tests.Fuzz;

/// <summary>What a fuzzed run handed out: every outcome, the ids a stop left unanswered, and anything thrown at the caller.</summary>
internal sealed class RunTally
{
    /// <summary>Per id (or per list page): the id and its result or its error, in the order handed out.</summary>
    public List<(string Id, object? Result, Exception? Error)> Outcomes { get; } = new();
    /// <summary>Users whose list was read to its end (its last page, without a cursor, handed out with no error).</summary>
    public List<string> CompletedLists { get; } = new();
    public IReadOnlyList<string> Unanswered { get; set; } = Array.Empty<string>();
    /// <summary>The ids given to the run before it stopped (a cmdlet stops reading its input there).</summary>
    public List<string> Fed { get; } = new();
    /// <summary>Every -Verbose and -Debug line the run handed out.</summary>
    public List<string> Messages { get; } = new();
    /// <summary>Where the run is (adding an id, completing, done), for a case that hangs.</summary>
    public volatile string Phase = "starting";
    /// <summary>The run's one stop error, when a fatal answer stopped it.</summary>
    public Exception? Stopped { get; set; }
    /// <summary>Whatever escaped the run to its caller (the cmdlet) other than a stop.</summary>
    public Exception? Thrown { get; set; }
}

/// <summary>
/// Drives the engine exactly as the cmdlets do (BatchCmdlet for the batched APIs, Get-TencentChatFollow for lists):
/// the one file to follow when the engine's entry points change.
/// </summary>
internal static class FuzzEngine
{
    /// <summary>What BatchCmdlet does: a BatchCall under a BatchRun, ids fed one by one with their From, then Complete.</summary>
    public static RunTally RunBatch<TResult>(RunTally tally, TencentChatSession session, BatchProtocol<TResult> protocol, bool fromPerCall,
        IReadOnlyList<(string Id, string From)> input, int maxInFlight, int batchSize, CancellationToken cancellationToken,
        TimeSpan? idleFlush = null, Action? betweenIds = null)
        where TResult : class
    {
        var call = new BatchCall<TResult>(session, protocol, collectDebug: true, fromPerCall);
        var from = input.ToDictionary(i => i.Id, i => i.From, StringComparer.Ordinal);
        void Keep(IReadOnlyList<BatchResult<TResult>> results)
        {
            foreach (var result in results)
            {
                tally.Messages.AddRange(result.Verbose);
                tally.Messages.AddRange(result.Debug);
                foreach (var o in result.Outcomes) tally.Outcomes.Add((o.UserId, o.Result, o.Error));
            }
        }
        return Drive(tally, input.Select(i => i.Id), () => new BatchRun<TResult>((sequence, group, ids, sendNoMore, token) => call.ExecuteAsync(sequence, group ?? session.Identifier, ids, sendNoMore, token),
            maxInFlight, batchSize, cancellationToken, idleFlush, clock: session.Clock), (run, id) =>
            {
                if (betweenIds is not null)
                {
                    run.AwaitingInput(); // input pauses here, as a cmdlet's input between two records
                    betweenIds();
                }
                Keep(run.Add(id, from[id]));
            }, run => run.Stopped, run => Keep(run.Complete()));
    }

    /// <summary>What Get-TencentChatFollow does: a ListRun, users added one by one (pages written as the run gives them back), then Complete.</summary>
    public static RunTally RunLists(RunTally tally, TencentChatSession session, FollowRelation relation, int pageSize, int maxLists,
        IReadOnlyList<string> users, CancellationToken cancellationToken)
        => Drive(tally, users, () => new ListLoop(new ListRun(session, relation, pageSize, maxLists, cancellationToken), page =>
        {
            tally.Messages.AddRange(page.Verbose);
            tally.Messages.AddRange(page.Debug);
            var o = page.Outcomes[0];
            tally.Outcomes.Add((o.UserId, o.Result, o.Error));
            if (o.Result is { NextCursor.Length: 0 }) tally.CompletedLists.Add(o.UserId);
        }), (run, user) => run.Add(user), run => run.Stopped, run => run.Complete());

    /// <summary>Feeds the ids until the run stops, completes it, and notes the stop or whatever escaped.</summary>
    private static RunTally Drive<TRun>(RunTally tally, IEnumerable<string> ids, Func<TRun> start, Action<TRun, string> add,
        Func<TRun, TencentChatRunStoppedException?> stopped, Action<TRun> complete)
    {
        try
        {
            var run = start();
            using var disposable = run as IDisposable;
            foreach (var id in ids)
            {
                tally.Fed.Add(id);
                tally.Phase = "adding " + id;
                add(run, id);
                if (stopped(run) is not null) break;
            }
            tally.Phase = "completing";
            if (stopped(run) is null) complete(run);
            tally.Phase = "disposing";
            if (stopped(run) is { } stop)
            {
                tally.Stopped = stop;
                tally.Unanswered = stop.UnansweredIds.Concat(stop.UnknownIds).ToArray(); // not done, or may have been: each id in one of them
            }
        }
        catch (Exception ex)
        {
            tally.Thrown = ex;
        }
        return tally;
    }
}
