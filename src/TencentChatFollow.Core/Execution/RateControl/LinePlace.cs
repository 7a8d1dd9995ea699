namespace TencentChatFollow.Execution;

/// <summary>
/// A call's place among its run's calls in the limiter's line: the run (any object one run shares, none other) and the
/// call's number in the run's input order. A run starts its calls on the thread pool in input order, but on a busy
/// machine a later one can reach the line first; the line gives the run's turns in input order all the same.
/// </summary>
internal readonly struct LinePlace
{
    public LinePlace(object run, long sequence)
    {
        Run = run;
        Sequence = sequence;
    }

    public object Run { get; }

    public long Sequence { get; }

    /// <summary>Whether this place is in <paramref name="other"/>'s run and after it.</summary>
    public bool After(LinePlace other) => ReferenceEquals(Run, other.Run) && Sequence > other.Sequence;
}
