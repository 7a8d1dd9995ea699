using System;
using System.Collections.Generic;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;

namespace TencentChatFollow.Internal;

/// <summary>
/// What <see cref="BatchCmdlet"/> asks of its run, whatever the API's result type: ids in, and each call's results
/// written (by the run's <see cref="RunWriter"/>) as they are returned, on the pipeline thread.
/// </summary>
internal interface IBatchRunDriver
{
    long Received { get; }
    long Done { get; }
    long Errors { get; }
    bool FatalArrived { get; }
    TencentChatRunStoppedException? Stopped { get; }
    /// <summary>Ids kept back after a fatal answer whose call may have done them (<see cref="BatchRun{TResult}.UnknownIds"/>).</summary>
    IReadOnlyList<string> UnknownIds { get; }
    void Add(string id, string? group);
    void AwaitingInput();
    void Complete();
    /// <summary>Ends the run early (<see cref="BatchRun{TResult}.Halt"/>), writes what it returns and gives the ids left unanswered.</summary>
    IReadOnlyList<string> Halt();
}

/// <summary>
/// A <see cref="BatchRun{TResult}"/> and the writer of its results: the cmdlet created it with its protocol, so the
/// results stay typed from the call to WriteObject.
/// </summary>
internal sealed class BatchRunDriver<TResult> : IBatchRunDriver
    where TResult : class
{
    private readonly BatchRun<TResult> _run;
    private readonly RunWriter _writer;
    private readonly Action _written;

    /// <param name="run">The run.</param>
    /// <param name="writer">Writes each call's results and errors.</param>
    /// <param name="written">After each call's results are written (the progress bar).</param>
    public BatchRunDriver(BatchRun<TResult> run, RunWriter writer, Action written)
    {
        _run = run;
        _writer = writer;
        _written = written;
    }

    public long Received => _run.Received;
    public long Done => _run.Done;
    public long Errors => _run.Errors;
    public bool FatalArrived => _run.FatalArrived;
    public TencentChatRunStoppedException? Stopped => _run.Stopped;
    public IReadOnlyList<string> UnknownIds => _run.UnknownIds;

    public void Add(string id, string? group) => Write(_run.Add(id, group));

    public void AwaitingInput() => _run.AwaitingInput();

    public void Complete() => _run.Complete(Write); // each call's results as it comes, not after the slowest

    public IReadOnlyList<string> Halt()
    {
        Write(_run.Halt(out var unanswered));
        return unanswered;
    }

    private void Write(IReadOnlyList<BatchResult<TResult>> results)
    {
        foreach (var result in results)
        {
            _writer.Write(result);
            _written();
        }
    }
}
