using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>Issue 16 (fuzz finding F6): a call that throws instead of returning still ends in an outcome per id.</summary>
public class BatchRunSurpriseTests
{
    [Fact]
    public async Task A_call_that_throws_gives_its_ids_the_modules_error_and_the_run_goes_on()
    {
        var output = new List<BatchResult>();
        Task<BatchResult> Execute(long sequence, IReadOnlyList<string> ids, CancellationToken token)
            => sequence == 2
                ? throw new InvalidCastException("a bug in reading the answer")
                : Task.FromResult(new BatchResult(sequence, ids.Select(id => new IdOutcome(id, "ok " + id, null)).ToList(), null, Array.Empty<string>(), Array.Empty<string>()));
        using var run = new BatchRun(Execute, 1, 2, output.Add, CancellationToken.None, Timeout.InfiniteTimeSpan);

        var work = Task.Factory.StartNew(() =>
        {
            foreach (var id in new[] { "a", "b", "c", "d", "e" }) run.Add(id);
            run.Complete();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(30))) == work, "the run did not end");
        await work;

        Assert.Null(run.Stopped);
        var outcomes = output.SelectMany(r => r.Outcomes).ToList();
        Assert.Equal(new[] { "a", "b", "c", "d", "e" }, outcomes.Select(o => o.UserId));
        var failed = outcomes.Where(o => o.Error is not null).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, o =>
        {
            Assert.IsType<TencentChatException>(o.Error);
            Assert.Equal("TencentChat.RequestFailed", o.Error!.ErrorId);
            Assert.Equal(o.UserId, o.Error.UserId);
            Assert.Contains("InvalidCastException", o.Error.Message, StringComparison.Ordinal);
        });
        Assert.Equal(5 - failed.Count, outcomes.Count(o => Equals(o.Result, "ok " + o.UserId)));
    }
}
