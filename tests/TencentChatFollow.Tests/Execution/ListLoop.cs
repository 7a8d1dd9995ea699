using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// Drives a <see cref="ListRun"/> as Get-TencentChatFollow's loop does: a user added, then every page the run gives
/// back written (to <c>write</c>); at the end, Complete and every page left. A <c>write</c> that throws stops the loop
/// there, as a consumer that stops does.
/// </summary>
internal sealed class ListLoop : IDisposable
{
    private readonly ListRun _run;
    private readonly Action<BatchResult<FollowPage>> _write;

    public ListLoop(ListRun run, Action<BatchResult<FollowPage>> write)
    {
        _run = run;
        _write = write;
    }

    public long Answered => _run.Answered;
    public long PagesAsked => _run.PagesAsked;
    public TencentChatRunStoppedException? Stopped => _run.Stopped;

    public void Add(string user)
    {
        _run.Add(user);
        WriteReady();
    }

    public void Complete()
    {
        _run.Complete();
        WriteReady();
    }

    public void Dispose() => _run.Dispose();

    private void WriteReady()
    {
        while (_run.Next() is { } page) _write(page);
    }
}
