using System.Collections.Concurrent;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// Behaviour of the run that a mutation-testing pass over BatchRun found unchecked: a call sent that must not be (one
/// after an error under -ErrorAction Stop, one waiting for its turn when a fatal answer came), calls held back with no
/// error to stop at, ids lost from the run's one error, the module's error for a call that throws, the reorder bound
/// the writes ask for, the idle flush (late in a session, and with steady slow input), the run's lines reaching
/// -Verbose while calls run and as the last one ends, a cancel that a stuck call ignores. No sleeps: the run's own
/// counts, and each call's signal.
/// </summary>
public class BatchRunMutationTests
{
    private static readonly TimeSpan Patience = ControlledCalls.Patience;
    private static readonly TencentChatException WrongKey = BatchRunTests.WrongKey;
    private static readonly TencentChatException NoSuchUser = new("TencentChat.UserNotFound", ErrorKind.NotFound, "Tencent error 30003: no such account.", 30003);

    private static string[] Ids(int from, int count) => BatchRunTests.Ids(from, count);

    private static void WaitUntil(Func<bool> condition, string what) => BatchRunTests.WaitUntil(condition, what);

    private static BatchResult<string> Answered(long sequence, IReadOnlyList<string> ids, TencentChatException? error = null, TencentChatException? fatal = null)
        => new(sequence, ids.Select(id => new IdOutcome<string>(id, error is null ? "ok " + id : null, error?.ForUser(id), callFailed: fatal is not null)).ToList(), fatal, Array.Empty<string>(), Array.Empty<string>());

    private static BatchResult<string> NotSent(long sequence, IReadOnlyList<string> ids)
        => new(sequence, ids.Select(id => new IdOutcome<string>(id, null, new TencentChatException("TencentChat.NotSent", ErrorKind.InvalidArgument, "Not sent."), notSent: true)).ToList(), null, Array.Empty<string>(), Array.Empty<string>());

    /// <summary>
    /// A warm run of batches of two whose first call (a, b) comes back with a fatal answer only once "c" waits in the
    /// partial batch; then <paramref name="next"/> meets the fatal answer.
    /// </summary>
    private static async Task<(BatchRun<string> Run, List<BatchResult<string>> Output, ConcurrentQueue<string[]> Sent)> FatalWithPartialBatch(Func<BatchRun<string>, IReadOnlyList<BatchResult<string>>> next)
    {
        var first = new TaskCompletionSource<BatchResult<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = new ConcurrentQueue<string[]>();
        var run = new BatchRun<string>((sequence, _, ids, _, _) =>
        {
            sent.Enqueue(ids.ToArray());
            return sequence == 1 ? first.Task : Task.FromResult(Answered(sequence, ids));
        }, maxInFlight: 2, batchSize: 2, CancellationToken.None, Timeout.InfiniteTimeSpan, firstCallAlone: false);
        var output = new List<BatchResult<string>>();
        foreach (var id in new[] { "a", "b", "c" }) output.AddRange(run.Add(id, "g"));
        Assert.Equal(1, run.Unsent);

        first.SetResult(Answered(1, new[] { "a", "b" }, WrongKey, fatal: WrongKey));
        WaitUntil(() => run.FatalArrived, "the fatal answer never arrived");
        output.AddRange(await BatchRunTests.OwnThread(() => next(run)).WaitAsync(Patience));
        return (run, output, sent);
    }

    [Fact]
    public async Task After_a_fatal_answer_the_partial_batch_is_not_sent_and_is_named_unanswered()
    {
        var (run, output, sent) = await FatalWithPartialBatch(r => r.Complete());

        Assert.Equal(1, run.CallsStarted);
        Assert.Single(sent);
        Assert.Empty(output.SelectMany(r => r.Outcomes));
        Assert.Equal(new[] { "a", "b", "c" }, run.Stopped!.UnansweredIds);
    }

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

    [Fact]
    public async Task A_fatal_answer_tells_the_calls_waiting_for_their_turn_to_send_nothing_while_the_caller_waits_for_input()
    {
        // The caller is not in the run (its input is slow): the fatal answer itself must hold the other calls back.
        var fatal = new TaskCompletionSource<BatchResult<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new BatchRun<string>(async (sequence, _, ids, sendNoMore, token) =>
        {
            if (sequence == 2) return await fatal.Task.WaitAsync(Patience, token);
            using (sendNoMore.Register(() => firstHeld.TrySetResult())) await firstHeld.Task.WaitAsync(Patience, token);
            return NotSent(sequence, ids);
        }, maxInFlight: 4, batchSize: 1, CancellationToken.None, Timeout.InfiniteTimeSpan, firstCallAlone: false);
        var output = new List<BatchResult<string>>();
        output.AddRange(run.Add("a"));
        output.AddRange(run.Add("b"));
        run.AwaitingInput();

        fatal.SetResult(Answered(2, new[] { "b" }, WrongKey, fatal: WrongKey));
        WaitUntil(() => firstHeld.Task.IsCompleted, "the call waiting for its turn was not told to send nothing");

        output.AddRange(await BatchRunTests.OwnThread(run.Complete).WaitAsync(Patience));
        Assert.Empty(output.SelectMany(r => r.Outcomes));
        Assert.Equal(new[] { "a", "b" }, run.Stopped!.UnansweredIds);
    }

    [Fact]
    public void A_call_that_throws_OperationCanceledException_of_its_own_gives_its_ids_the_modules_error_and_the_run_goes_on()
    {
        // Not the run's cancellation (an HTTP client's own timeout, say): an outcome per id, not the end of the run.
        var run = new BatchRun<string>((sequence, ids, _) => sequence == 2
            ? Task.FromException<BatchResult<string>>(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout."))
            : Task.FromResult(Answered(sequence, ids)), maxInFlight: 1, batchSize: 1, CancellationToken.None, Timeout.InfiniteTimeSpan);
        var output = new List<BatchResult<string>>();
        foreach (var id in new[] { "a", "b", "c" }) output.AddRange(run.Add(id));
        output.AddRange(run.Complete());

        Assert.Null(run.Stopped);
        var outcomes = output.SelectMany(r => r.Outcomes).ToList();
        Assert.Equal(new[] { "a", "b", "c" }, outcomes.Select(o => o.UserId));
        Assert.Equal(new[] { "ok a", null, "ok c" }, outcomes.Select(o => o.Result));
        Assert.Equal("TencentChat.RequestFailed", outcomes[1].Error!.ErrorId);
        Assert.Contains("TaskCanceledException", outcomes[1].Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_fatal_answer_the_ids_of_a_call_that_threw_are_kept_back_as_unknown()
    {
        // A call that threw may have failed after sending: its ids get no error of their own once the run stopped,
        // and are named as may-have-been-done, not as never answered.
        var fatal = new TaskCompletionSource<BatchResult<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new BatchRun<string>((sequence, ids, _) => sequence == 1
            ? fatal.Task
            : Task.FromException<BatchResult<string>>(new InvalidDataException("a bug in reading the answer")), maxInFlight: 2, batchSize: 1, CancellationToken.None, Timeout.InfiniteTimeSpan, firstCallAlone: false);
        var output = new List<BatchResult<string>>();
        output.AddRange(run.Add("a"));
        output.AddRange(run.Add("b"));
        fatal.SetResult(Answered(1, new[] { "a" }, WrongKey, fatal: WrongKey));
        output.AddRange(await BatchRunTests.OwnThread(run.Complete).WaitAsync(Patience));

        var stopped = run.Stopped!;
        Assert.Empty(output.SelectMany(r => r.Outcomes));
        Assert.Equal(new[] { "a" }, stopped.UnansweredIds);
        Assert.Equal(new[] { "b" }, stopped.UnknownIds);
        Assert.Equal(2, run.CallsStarted);
    }

    [Fact]
    public void The_reorder_bound_of_one_the_writes_use_is_taken_and_raised_to_the_calls_in_flight()
    {
        // Add- and Remove-TencentChatFollow keep the bound at the calls in flight by asking for 1.
        var run = new BatchRun<FollowInfo>((_, _, _) => Task.FromResult<BatchResult<FollowInfo>>(null!), 4, 20, CancellationToken.None, null, 1);
        Assert.Equal(80, run.MaxBufferedIds);
    }

    [Fact]
    public void A_short_pause_late_in_a_session_does_not_send_the_partial_batch()
    {
        // Quiet time is measured from the wait for input, whatever the session's clock reads by then.
        var calls = new ControlledCalls();
        var clock = new InstantClock(DateTimeOffset.UnixEpoch);
        clock.Advance(TimeSpan.FromHours(1));
        var run = new BatchRun<FollowInfo>(calls.Execute, 4, 20, CancellationToken.None, TimeSpan.FromMilliseconds(50), clock: clock, firstCallAlone: false);
        foreach (var id in Ids(0, 3)) Assert.Empty(run.Add(id));
        run.AwaitingInput();
        clock.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Empty(run.Add("u3"));

        Assert.Equal(0, run.CallsStarted);
        Assert.Equal(4, run.Unsent);
    }

    /// <summary>A run of one-id calls whose lines are collected, with call 1 ("a") started and not answered.</summary>
    private static (ControlledCalls Calls, BatchRun<FollowInfo> Run, ConcurrentQueue<string> Written) OneCallRunning()
    {
        var calls = new ControlledCalls();
        var run = new BatchRun<FollowInfo>(calls.Execute, 4, 1, CancellationToken.None, Timeout.InfiniteTimeSpan, firstCallAlone: false);
        var written = new ConcurrentQueue<string>();
        run.OnNotice = written.Enqueue;
        Assert.Empty(run.Add("a"));
        calls.WaitStarted(1);
        return (calls, run, written);
    }

    /// <summary>Starts Complete on its own thread and returns once it waits for call 1 (a line posted before it was written).</summary>
    private static Task<IReadOnlyList<BatchResult<FollowInfo>>> CompleteWaitingForCallOne(BatchRun<FollowInfo> run, ConcurrentQueue<string> written)
    {
        run.Post("first");
        var completing = BatchRunTests.OwnThread(run.Complete);
        WaitUntil(() => written.Contains("first"), "a line posted before the wait was not written");
        return completing;
    }

    [Fact]
    public async Task A_line_posted_while_the_run_waits_for_a_call_is_written_before_the_call_ends()
    {
        // An outage's line (BatchCall posts it) must reach -Verbose while the caller waits for the stuck call.
        var (calls, run, written) = OneCallRunning();

        var completing = CompleteWaitingForCallOne(run, written);
        run.Post("while waiting"); // the run now waits for call 1 and hands nothing out before it ends
        WaitUntil(() => written.Contains("while waiting"), "a line posted while the run waits was not written");
        calls.Complete(1);

        Assert.Equal(new[] { "a" }, (await completing.WaitAsync(Patience)).SelectMany(r => r.Outcomes).Select(o => o.UserId));
        Assert.Equal(new[] { "first", "while waiting" }, written);
    }

    [Fact]
    public async Task A_line_posted_as_the_last_call_ends_is_written_before_Complete_returns()
    {
        // Nothing drains the run's lines after Complete: the wait that sees the last call end must write them.
        var (calls, run, written) = OneCallRunning();

        var completing = CompleteWaitingForCallOne(run, written);
        run.Post("retried, answered"); // as BatchCall does when a retry comes back, just before its call ends
        calls.Complete(1);

        Assert.Single((await completing.WaitAsync(Patience)).SelectMany(r => r.Outcomes));
        Assert.Equal(new[] { "first", "retried, answered" }, written);
    }

    [Fact]
    public void A_line_posted_by_a_call_still_running_is_written_at_the_next_id_not_when_the_call_ends()
    {
        // An outage's first line must reach -Verbose while input still flows past the stuck call.
        var (calls, run, written) = OneCallRunning();

        run.Post("call 1: no answer, retrying");
        Assert.Empty(run.Add("b"));

        Assert.Equal(new[] { "call 1: no answer, retrying" }, written);
        Assert.Equal(2, run.Running);
    }

    [Fact]
    public void Cancelling_ends_the_wait_for_a_call_that_ignores_the_cancellation()
    {
        // Ctrl+C (StopProcessing) must end the run even if a call never looks at its token.
        using var cancel = new CancellationTokenSource();
        var never = new TaskCompletionSource<BatchResult<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new BatchRun<string>((_, _, _) => never.Task, maxInFlight: 2, batchSize: 1, cancel.Token, Timeout.InfiniteTimeSpan, firstCallAlone: false);
        Assert.Empty(run.Add("a"));

        Exception? thrown = null;
        var completing = new Thread(() =>
        {
            try { run.Complete(); }
            catch (Exception ex) { thrown = ex; }
        });
        completing.Start();
        WaitUntil(() => (completing.ThreadState & ThreadState.WaitSleepJoin) != 0, "Complete did not wait for the call");
        cancel.Cancel();

        Assert.True(completing.Join(Patience), "Complete still waits for the call after the run was cancelled");
        Assert.IsAssignableFrom<OperationCanceledException>(thrown);
        Assert.False(never.Task.IsCompleted);
    }

    [Fact]
    public void Quiet_time_starts_again_with_each_id_so_steady_slow_input_fills_its_batch()
    {
        // Ids 150 ms apart with a 200 ms idle flush: no gap is quiet enough, so the batch waits for its 20th id.
        var calls = new ControlledCalls();
        var clock = new InstantClock(DateTimeOffset.UnixEpoch);
        var run = new BatchRun<FollowInfo>(calls.Execute, 4, 20, CancellationToken.None, TimeSpan.FromMilliseconds(200), clock: clock, firstCallAlone: false);
        foreach (var id in Ids(0, 5))
        {
            Assert.Empty(run.Add(id));
            run.AwaitingInput();
            clock.Advance(TimeSpan.FromMilliseconds(150));
        }

        Assert.Equal(0, run.CallsStarted);
        Assert.Equal(5, run.Unsent);
    }

    [Fact]
    public async Task After_a_fatal_answer_a_new_sender_does_not_send_the_last_senders_partial_batch()
    {
        // Another From_Account ends the partial batch: with a fatal answer already in, it is not sent.
        var (run, output, sent) = await FatalWithPartialBatch(r => r.Add("d", "h"));

        Assert.Equal(1, run.CallsStarted);
        Assert.Single(sent);
        Assert.Empty(output.SelectMany(r => r.Outcomes));
        Assert.Equal(new[] { "a", "b", "c", "d" }, run.Stopped!.UnansweredIds);
    }
}
