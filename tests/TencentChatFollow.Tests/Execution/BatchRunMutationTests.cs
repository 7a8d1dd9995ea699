using System.Collections.Concurrent;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// Behaviour of the run that a mutation-testing pass over BatchRun found unchecked: a call sent that must not be (one
/// after an error under -ErrorAction Stop, one waiting for its turn when a fatal answer came), calls held back with no
/// error to stop at, ids lost from the run's one error, the module's error for a call that throws, the reorder bound
/// the writes ask for, the idle flush late in a session. No sleeps: the run's own counts, and each call's signal.
/// </summary>
public class BatchRunMutationTests
{
    private static readonly TimeSpan Patience = ControlledCalls.Patience;
    private static readonly TencentChatException WrongKey = new("TencentChat.InvalidUserSig", ErrorKind.Authentication, "Tencent error 70003. The secret key does not belong to this app.", 70003);
    private static readonly TencentChatException NoSuchUser = new("TencentChat.UserNotFound", ErrorKind.NotFound, "Tencent error 30003: no such account.", 30003);

    private static string[] Ids(int from, int count) => Enumerable.Range(from, count).Select(i => "u" + i).ToArray();

    private static void WaitUntil(Func<bool> condition, string what)
    {
        if (!SpinWait.SpinUntil(condition, Patience)) throw new TimeoutException(what);
    }

    private static BatchResult<string> Answered(long sequence, IReadOnlyList<string> ids, TencentChatException? error = null, TencentChatException? fatal = null)
        => new(sequence, ids.Select(id => new IdOutcome<string>(id, error is null ? "ok " + id : null, error?.ForUser(id), callFailed: fatal is not null)).ToList(), fatal, Array.Empty<string>(), Array.Empty<string>());

    private static BatchResult<string> NotSent(long sequence, IReadOnlyList<string> ids)
        => new(sequence, ids.Select(id => new IdOutcome<string>(id, null, new TencentChatException("TencentChat.NotSent", ErrorKind.InvalidArgument, "Not sent."), notSent: true)).ToList(), null, Array.Empty<string>(), Array.Empty<string>());

    /// <summary>
    /// Calls of one id, the first alone: the first comes back with <paramref name="firstError"/> for its id (or a
    /// success); each later one records whether it was told to send nothing as it starts (as a call waiting for its
    /// turn would find), and says so.
    /// </summary>
    private static (BatchRun<string> Run, ConcurrentDictionary<long, bool> Held) FirstCallThenMore(bool stopAtFirstError, TencentChatException? firstError)
    {
        var held = new ConcurrentDictionary<long, bool>();
        var run = new BatchRun<string>((sequence, _, ids, sendNoMore, _) =>
        {
            if (sequence == 1) return Task.FromResult(Answered(sequence, ids, firstError));
            held[sequence] = sendNoMore.IsCancellationRequested;
            return Task.FromResult(held[sequence] ? NotSent(sequence, ids) : Answered(sequence, ids));
        }, maxInFlight: 4, batchSize: 1, CancellationToken.None, Timeout.InfiniteTimeSpan);
        run.StopAtFirstError = stopAtFirstError;
        return (run, held);
    }

    [Fact]
    public async Task Under_StopAtFirstError_a_call_started_after_an_error_came_back_is_not_sent()
    {
        // The Add that hands out the error has started the next call already: the caller halts only once it has
        // written the error, and that call must not have gone out meanwhile.
        var (run, held) = FirstCallThenMore(stopAtFirstError: true, NoSuchUser);
        var handedOut = await BatchRunTests.OwnThread(() => run.Add("a").Concat(run.Add("b")).ToList()).WaitAsync(Patience);

        Assert.Equal("TencentChat.UserNotFound", Assert.Single(handedOut.SelectMany(r => r.Outcomes)).Error!.ErrorId);
        IReadOnlyList<string> unanswered = Array.Empty<string>();
        Assert.Empty((await BatchRunTests.OwnThread(() => run.Halt(out unanswered)).WaitAsync(Patience)).SelectMany(r => r.Outcomes));
        Assert.True(held[2], "the call after the error was told to send nothing as it started");
        Assert.Equal(new[] { "b" }, unanswered);
    }

    [Theory]
    [InlineData(false, true)] // an error for an id, without -ErrorAction Stop
    [InlineData(true, false)] // -ErrorAction Stop, and no error
    public async Task Without_an_error_to_stop_at_no_call_is_held_back(bool stopAtFirstError, bool firstFails)
    {
        var (run, held) = FirstCallThenMore(stopAtFirstError, firstFails ? NoSuchUser : null);
        var output = await BatchRunTests.OwnThread(() =>
        {
            var results = new List<BatchResult<string>>();
            foreach (var id in new[] { "a", "b", "c" }) results.AddRange(run.Add(id));
            results.AddRange(run.Complete());
            return results;
        }).WaitAsync(Patience);

        Assert.False(held[2]);
        Assert.False(held[3]);
        Assert.False(run.SendNoMore.IsCancellationRequested);
        var outcomes = output.SelectMany(r => r.Outcomes).ToList();
        Assert.Equal(new[] { "a", "b", "c" }, outcomes.Select(o => o.UserId));
        Assert.Equal(new[] { firstFails ? null : "ok a", "ok b", "ok c" }, outcomes.Select(o => o.Result));
        Assert.Equal(firstFails ? 1 : 0, run.Errors);
    }

}
