using System.Collections.Concurrent;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// The run of a batched API as the pipeline thread drives it: batching, calls in flight, the reorder bound, the first
/// call alone, the idle flush on the run's clock, the stop after a fatal answer. No test sleeps: what must not happen
/// is checked by the run's own counts at a point where it is settled, or by an invariant every call checks as it starts.
/// </summary>
public class BatchRunTests
{
    private static readonly TimeSpan Patience = ControlledCalls.Patience;
    internal static readonly TencentChatException WrongKey = new("TencentChat.InvalidUserSig", ErrorKind.Authentication, "Tencent error 70003. The secret key does not belong to this app.", 70003);

    /// <summary>Runs blocking work on a thread of its own, not the pool's, so a busy test run cannot starve it.</summary>
    internal static Task<T> OwnThread<T>(Func<T> work) => Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    internal static string[] Ids(int from, int count) => Enumerable.Range(from, count).Select(i => "u" + i).ToArray();

    /// <summary>Waits for something that must happen (never to show that something does not); Patience only bounds a hang.</summary>
    internal static void WaitUntil(Func<bool> condition, string what)
    {
        if (!SpinWait.SpinUntil(condition, Patience)) throw new TimeoutException(what);
    }

    private sealed class Rig
    {
        public Rig(int maxInFlight = 4, int batchSize = 5, TimeSpan? idleFlush = null, int maxBufferedIds = BatchRun.DefaultMaxBufferedIds, bool firstCallAlone = true,
            CancellationToken token = default)
            => Run = new BatchRun<FollowInfo>(Calls.Execute, maxInFlight, batchSize, token, idleFlush ?? Timeout.InfiniteTimeSpan, maxBufferedIds, Clock, firstCallAlone);

        public ControlledCalls Calls { get; } = new();
        public InstantClock Clock { get; } = new(DateTimeOffset.UnixEpoch);
        public ConcurrentQueue<BatchResult<FollowInfo>> Output { get; } = new();
        public BatchRun<FollowInfo> Run { get; }
        public IEnumerable<IdOutcome<FollowInfo>> Outcomes => Output.SelectMany(r => r.Outcomes);

        public void Add(params string[] ids)
        {
            foreach (var id in ids) Keep(Run.Add(id));
        }

        /// <summary>Adds on a thread of its own, for an Add that waits for a call the test has not finished yet.</summary>
        public Task<bool> AddAlone(params string[] ids) => OwnThread(() =>
        {
            foreach (var id in ids)
            {
                Keep(Run.Add(id));
                if (Run.Stopped is not null) break;
            }
            return true;
        });

        public void Complete() => Keep(Run.Complete());

        private void Keep(IReadOnlyList<BatchResult<FollowInfo>> results)
        {
            foreach (var result in results) Output.Enqueue(result);
        }
    }

    [Fact]
    public async Task Ids_go_in_calls_of_the_batch_size_and_come_out_in_input_order_whatever_order_the_calls_end_in()
    {
        var rig = new Rig(maxInFlight: 4, batchSize: 3);
        var adding = rig.AddAlone(Ids(0, 13));
        rig.Calls.Complete(1); // the first call goes alone
        await adding.WaitAsync(Patience);

        Assert.Equal(4, rig.Run.CallsStarted); // "u12" waits for more ids or the end of input
        Assert.Equal(1, rig.Run.Unsent);
        foreach (var sequence in new[] { 4, 3, 2 }) rig.Calls.Complete(sequence);
        var completing = OwnThread(() =>
        {
            rig.Complete();
            return true;
        });
        rig.Calls.Complete(5);
        await completing.WaitAsync(Patience);

        Assert.Equal(Ids(0, 3), rig.Calls.Started[1]);
        Assert.Equal(Ids(9, 3), rig.Calls.Started[4]);
        Assert.Equal(Ids(12, 1), rig.Calls.Started[5]);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, rig.Output.Select(r => r.Sequence));
        Assert.Equal(Ids(0, 13), rig.Outcomes.Select(o => o.UserId));
        Assert.Null(rig.Run.Stopped);
        Assert.Equal(13, rig.Run.Received);
        Assert.Equal(13, rig.Run.Done);
        Assert.Equal(0, rig.Run.Pending);
        Assert.Equal(0, rig.Run.BufferedIds);
    }

    [Fact]
    public async Task The_first_call_goes_alone_until_its_result_is_handed_out_and_an_Add_waits_for_it()
    {
        var rig = new Rig(maxInFlight: 4, batchSize: 2);
        rig.Add("a", "b");
        Assert.Equal(1, rig.Run.CallsStarted);
        Assert.Empty(rig.Output);

        var adding = rig.AddAlone("c"); // no room: the first call is not back
        rig.Calls.Complete(1);
        await adding.WaitAsync(Patience);

        Assert.Equal(new[] { "a", "b" }, rig.Outcomes.Select(o => o.UserId)); // handed out by the Add that waited for it
        Assert.Equal(1, rig.Run.CallsStarted);
        rig.Add("d", "e", "f", "g", "h", "i", "j"); // from now on up to four calls at once
        Assert.Equal(5, rig.Run.CallsStarted);
        Assert.Equal(4, rig.Run.Running);
        Assert.Equal(0, rig.Run.Unsent);
    }

    [Theory]
    [InlineData(4, 5, BatchRun.DefaultMaxBufferedIds)]
    [InlineData(4, 5, 100)] // the reorder bound, not the calls in flight, holds the sending back
    [InlineData(1, 3, 3)]
    public async Task Driven_like_the_cmdlet_calls_keep_to_the_limits_go_on_behind_a_stuck_call_and_come_out_in_order(int maxInFlight, int batchSize, int maxBufferedIds)
    {
        const int idCount = 403;
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long highest = 0, started = 0, finished = 0, startedIds = 0, takenIds = 0, firstDone = 0;
        var broken = new ConcurrentQueue<string>();
        async Task<BatchResult<FollowInfo>> Execute(long sequence, IReadOnlyList<string> ids, CancellationToken token)
        {
            try
            {
                if (sequence > 1 && Interlocked.Read(ref firstDone) == 0) broken.Enqueue($"call {sequence} started before the first call ended");
                var running = Interlocked.Increment(ref started) - Interlocked.Read(ref finished);
                if (running > maxInFlight) broken.Enqueue($"call {sequence}: {running} running");
                var held = Interlocked.Add(ref startedIds, ids.Count) - Interlocked.Read(ref takenIds);
                if (held > Math.Max(maxBufferedIds, maxInFlight * batchSize)) broken.Enqueue($"call {sequence}: {held} ids held");
                InterlockedMax(ref highest, sequence);
                if (sequence == 2) await stuck.Task.WaitAsync(token);
                else await Task.Yield();
                return Answered(sequence, ids);
            }
            finally
            {
                Interlocked.Increment(ref finished);
                if (sequence == 1) Interlocked.Exchange(ref firstDone, 1);
            }
        }

        var results = new List<BatchResult<FollowInfo>>();
        var loop = OwnThread(() =>
        {
            CmdletLoop.Run(Execute, maxInFlight, batchSize, maxBufferedIds, Ids(0, idCount), r =>
            {
                results.Add(r);
                Interlocked.Add(ref takenIds, r.Outcomes.Count);
            });
            return true;
        });
        // While call 2 is stuck, the calls behind it go on leaving, up to the reorder bound (which each call checks).
        var calls = (idCount + batchSize - 1) / batchSize;
        var behind = maxInFlight == 1 ? 2 : Math.Min(Math.Max(maxBufferedIds, maxInFlight * batchSize) / batchSize + 1, calls);
        WaitUntil(() => Interlocked.Read(ref highest) >= behind, "the calls behind the stuck one did not go on");
        stuck.SetResult();
        await loop.WaitAsync(Patience);

        Assert.Empty(broken);
        Assert.Equal(Enumerable.Range(1, calls).Select(i => (long)i), results.Select(r => r.Sequence));
        Assert.Equal(Ids(0, idCount), results.SelectMany(r => r.Outcomes).Select(o => o.UserId));
    }

    [Fact]
    public async Task A_call_that_ends_while_the_run_looks_for_room_is_not_missed_behind_a_stuck_call()
    {
        // Two on the wire: the first call stuck, the second ending at once. Each Add finds the wire full, then scans
        // the calls to wait on; a call that ended between the two must count as room, else the Add waits for the
        // stuck call. Thousands of Adds give that moment many chances (a timing hazard, not a timed test: Patience
        // only bounds the hang).
        const int idCount = 5000;
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long highest = 0;
        async Task<BatchResult<FollowInfo>> Execute(long sequence, IReadOnlyList<string> ids, CancellationToken token)
        {
            InterlockedMax(ref highest, sequence);
            if (sequence == 1) await stuck.Task.WaitAsync(token);
            return Answered(sequence, ids);
        }

        var results = new List<BatchResult<FollowInfo>>();
        var loop = OwnThread(() =>
        {
            var run = new BatchRun<FollowInfo>(Execute, 2, 1, CancellationToken.None, Timeout.InfiniteTimeSpan, BatchRun.DefaultMaxBufferedIds, firstCallAlone: false);
            foreach (var id in Ids(0, idCount)) results.AddRange(run.Add(id));
            results.AddRange(run.Complete());
            return true;
        });
        try
        {
            if (!SpinWait.SpinUntil(() => Interlocked.Read(ref highest) >= idCount, Patience))
                throw new TimeoutException($"the run stalled at call {Interlocked.Read(ref highest)} of {idCount}, with room on the wire");
        }
        finally
        {
            stuck.TrySetResult();
        }
        await loop.WaitAsync(Patience);
        Assert.Equal(Ids(0, idCount), results.SelectMany(r => r.Outcomes).Select(o => o.UserId));
    }

    /// <summary>A call's result with a success for each of its ids.</summary>
    private static BatchResult<FollowInfo> Answered(long sequence, IReadOnlyList<string> ids)
        => new(sequence, ids.Select(id => new IdOutcome<FollowInfo>(id, new FollowInfo(id, sequence, 0, 0), null)).ToList(), null, Array.Empty<string>(), Array.Empty<string>());

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    [Fact]
    public async Task Without_the_lone_first_call_calls_go_at_once_from_the_start_and_still_come_out_in_order()
    {
        var rig = new Rig(maxInFlight: 4, batchSize: 3, firstCallAlone: false);
        var adding = rig.AddAlone(Ids(0, 12));
        await adding.WaitAsync(Patience); // no call has ended: a lone first call would hold the 4th id back

        Assert.Equal(4, rig.Run.CallsStarted);
        foreach (var sequence in new[] { 3, 2, 4 }) rig.Calls.Complete(sequence);
        Assert.Empty(rig.Output); // the first call still holds the rest back
        var completing = OwnThread(() =>
        {
            rig.Complete();
            return true;
        });
        rig.Calls.Complete(1);
        await completing.WaitAsync(Patience);
        Assert.Equal(Ids(0, 12), rig.Outcomes.Select(o => o.UserId));
    }

    [Fact]
    public async Task At_the_end_of_input_each_call_answered_comes_out_without_waiting_for_a_slower_call_after_it()
    {
        var rig = new Rig(maxInFlight: 4, batchSize: 2, firstCallAlone: false);
        rig.Add(Ids(0, 5)); // calls 1 and 2 go; the fifth id is the partial batch
        rig.Calls.Complete(1);
        var first = await OwnThread(() => rig.Run.CompleteNext()).WaitAsync(Patience); // sends call 3, hands out call 1
        Assert.Equal(Ids(0, 2), first.SelectMany(r => r.Outcomes).Select(o => o.UserId));
        rig.Calls.Complete(2);
        var second = await OwnThread(() => rig.Run.CompleteNext()).WaitAsync(Patience); // call 3 is still out
        Assert.Equal(Ids(2, 2), second.SelectMany(r => r.Outcomes).Select(o => o.UserId));
        rig.Calls.Complete(3);
        Assert.Equal(Ids(4, 1), rig.Run.CompleteNext().SelectMany(r => r.Outcomes).Select(o => o.UserId));
        Assert.Empty(rig.Run.CompleteNext());
        Assert.Equal(3, rig.Run.CallsStarted);
    }

    [Fact]
    public async Task A_fatal_first_call_stops_the_run_with_one_error_and_no_error_per_id()
    {
        var rig = new Rig();
        var adding = rig.AddAlone(Ids(0, 6)); // the sixth waits: the first call goes alone
        rig.Calls.CompleteFatal(1, WrongKey);
        await adding.WaitAsync(Patience);

        var stopped = Assert.IsType<TencentChatRunStoppedException>(rig.Run.Stopped);
        Assert.Equal("TencentChat.RunStopped", stopped.ErrorId);
        Assert.Same(WrongKey, stopped.Cause);
        Assert.Equal(70003, stopped.Code);
        Assert.Equal(0, stopped.Answered);
        Assert.Equal(Ids(0, 6), stopped.UnansweredIds);
        Assert.Contains("0 ids answered", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("6 ids not answered", stopped.Message, StringComparison.Ordinal);
        Assert.StartsWith(WrongKey.Message, stopped.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Outcomes);
        Assert.Equal(1, rig.Run.CallsStarted);
        Assert.Throws<InvalidOperationException>(() => rig.Run.Add("late"));
        Assert.Empty(rig.Run.Complete());
    }

    [Fact]
    public async Task After_a_fatal_answer_mid_run_the_calls_on_the_wire_finish_their_answers_come_out_and_nothing_more_is_sent()
    {
        var rig = new Rig(maxInFlight: 2, batchSize: 5);
        var adding = rig.AddAlone(Ids(0, 30));
        rig.Calls.Complete(1);          // u0-u4, alone
        rig.Calls.WaitStarted(3);       // u5-u9 and u10-u14 on the wire
        rig.Calls.Complete(2);
        rig.Calls.WaitStarted(4);       // u15-u19
        rig.Calls.CompleteFatal(3, WrongKey);
        WaitUntil(() => rig.Run.FatalArrived, "the fatal answer never arrived"); // before call 4 ends and frees room
        rig.Calls.CompleteWithIdErrors(4); // answered after the fatal one: its per-id errors still come out
        await adding.WaitAsync(Patience);

        var stopped = rig.Run.Stopped!;
        Assert.Equal(Ids(0, 10).Concat(Ids(15, 5)), rig.Outcomes.Select(o => o.UserId));
        Assert.All(rig.Outcomes.Skip(10), o => Assert.Equal("TencentChat.UserNotFound", o.Error!.ErrorId));
        Assert.Equal(15, stopped.Answered);
        Assert.Equal(15, rig.Run.Done);
        Assert.Equal(5, rig.Run.Errors);
        // The fatal call's ids, then the id being added when the run stopped, in input order.
        Assert.Equal(Ids(10, 5).Append("u20"), stopped.UnansweredIds);
        Assert.Equal(4, rig.Run.CallsStarted);
    }

    [Fact]
    public async Task After_a_fatal_answer_ids_of_a_call_that_may_have_been_done_are_unknown_not_unanswered()
    {
        var rig = new Rig(maxInFlight: 2, batchSize: 5);
        var adding = rig.AddAlone(Ids(0, 30));
        rig.Calls.Complete(1);          // u0-u4, alone
        rig.Calls.WaitStarted(3);       // u5-u9 and u10-u14 on the wire
        rig.Calls.CompleteFatal(2, WrongKey);
        WaitUntil(() => rig.Run.FatalArrived, "the fatal answer never arrived");
        rig.Calls.CompleteUnknown(3, new TencentChatException("TencentChat.Timeout", ErrorKind.Timeout, "No answer within 3 s."));
        await adding.WaitAsync(Patience);

        var stopped = rig.Run.Stopped!;
        Assert.Equal(Ids(0, 5), rig.Outcomes.Select(o => o.UserId));
        // The call on the wire when the fatal answer came timed out: it may have been done. The fatal call did nothing.
        Assert.Equal(Ids(10, 5), stopped.UnknownIds);
        Assert.Equal(Ids(10, 5), rig.Run.UnknownIds);
        Assert.Equal(Ids(5, 5).Append("u15"), stopped.UnansweredIds);
        Assert.Contains("5 ids unknown (sent, no answer: may have been done; in Exception.UnknownIds)", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fatal_answer_at_the_end_of_input_keeps_the_partial_batch_back_as_unanswered()
    {
        var rig = new Rig(maxInFlight: 2, batchSize: 2);
        var adding = rig.AddAlone("a", "b", "c");
        rig.Calls.CompleteFatal(1, WrongKey);
        await adding.WaitAsync(Patience);
        Assert.Equal(new[] { "a", "b", "c" }, rig.Run.Stopped!.UnansweredIds);

        var late = new Rig(maxInFlight: 2, batchSize: 2);
        late.Add("a", "b");
        var completing = OwnThread(() => late.Run.Complete());
        late.Calls.CompleteFatal(1, WrongKey);
        Assert.Empty((await completing.WaitAsync(Patience)).SelectMany(r => r.Outcomes)); // the fatal call's messages, no outcome
        Assert.Equal(new[] { "a", "b" }, late.Run.Stopped!.UnansweredIds);
    }

    [Fact]
    public async Task Input_that_went_quiet_sends_its_partial_batch_with_the_next_id_and_that_id_waits_for_the_first_call()
    {
        var rig = new Rig(batchSize: 20, idleFlush: TimeSpan.FromMilliseconds(50));
        rig.Add(Ids(0, 3));
        rig.Run.AwaitingInput();
        rig.Clock.Advance(TimeSpan.FromMilliseconds(50));

        var adding = rig.AddAlone("u3");
        Assert.Equal(Ids(0, 3), rig.Calls.WaitStarted(1));
        rig.Calls.Complete(1);
        await adding.WaitAsync(Patience);

        Assert.Equal(Ids(0, 3), rig.Outcomes.Select(o => o.UserId));
        Assert.Equal(1, rig.Run.Unsent);
        Assert.Equal(1, rig.Run.CallsStarted);
    }

    [Fact]
    public void Only_quiet_input_flushes_not_a_shorter_pause_nor_time_the_caller_spent_writing_results_nor_an_infinite_idle_flush()
    {
        var shortPause = new Rig(batchSize: 20, idleFlush: TimeSpan.FromMilliseconds(50));
        shortPause.Add(Ids(0, 3));
        shortPause.Run.AwaitingInput();
        shortPause.Clock.Advance(TimeSpan.FromMilliseconds(49));
        shortPause.Add("u3");
        Assert.Equal(0, shortPause.Run.CallsStarted);

        var writing = new Rig(batchSize: 20, idleFlush: TimeSpan.FromMilliseconds(50));
        writing.Add(Ids(0, 3));
        writing.Clock.Advance(TimeSpan.FromHours(1)); // between two Adds without AwaitingInput: the caller was writing
        writing.Add("u3");
        Assert.Equal(0, writing.Run.CallsStarted);

        var never = new Rig(batchSize: 20);
        never.Add(Ids(0, 3));
        never.Run.AwaitingInput();
        never.Clock.Advance(TimeSpan.FromHours(1));
        never.Add("u3");
        Assert.Equal(0, never.Run.CallsStarted);
        Assert.Equal(4, never.Run.Unsent);
    }

    [Fact]
    public void Consecutive_ids_of_one_group_share_calls_and_a_new_group_starts_a_new_call()
    {
        var calls = new ConcurrentQueue<(long Sequence, string? Group, string[] Ids)>();
        var run = new BatchRun<string>((sequence, group, ids, _, token) =>
        {
            calls.Enqueue((sequence, group, ids.ToArray()));
            var outcomes = ids.Select(id => new IdOutcome<string>(id, group + ">" + id, null)).ToList();
            return Task.FromResult(new BatchResult<string>(sequence, outcomes, null, Array.Empty<string>(), Array.Empty<string>()));
        }, maxInFlight: 4, batchSize: 3, CancellationToken.None, Timeout.InfiniteTimeSpan);

        var pairs = new[] { ("a", "1"), ("a", "2"), ("a", "3"), ("a", "4"), ("b", "5"), ("b", "6"), ("a", "7") };
        var output = new List<BatchResult<string>>();
        foreach (var (from, id) in pairs) output.AddRange(run.Add(id, from));
        output.AddRange(run.Complete());

        Assert.Equal(new[] { "a:1,2,3", "a:4", "b:5,6", "a:7" }, calls.OrderBy(c => c.Sequence).Select(c => c.Group + ":" + string.Join(",", c.Ids)));
        Assert.Equal(pairs.Select(p => p.Item1 + ">" + p.Item2), output.SelectMany(r => r.Outcomes).Select(o => (string)o.Result!));
    }

    [Fact]
    public void A_call_that_throws_gives_its_ids_the_modules_error_and_the_run_goes_on()
    {
        // Issue 16 (fuzz finding F6): thrown inside the call's task, or by the call before it returns one.
        Task<BatchResult<string>> Execute(long sequence, IReadOnlyList<string> ids, CancellationToken token)
            => sequence switch
            {
                2 => throw new InvalidCastException("a bug in reading the answer"),
                3 => Task.FromException<BatchResult<string>>(new InvalidDataException("a bug later on")),
                _ => Task.FromResult(new BatchResult<string>(sequence, ids.Select(id => new IdOutcome<string>(id, "ok " + id, null)).ToList(), null, Array.Empty<string>(), Array.Empty<string>())),
            };
        var run = new BatchRun<string>(Execute, 1, 2, CancellationToken.None, Timeout.InfiniteTimeSpan);
        var output = new List<BatchResult<string>>();
        foreach (var id in new[] { "a", "b", "c", "d", "e", "f", "g" }) output.AddRange(run.Add(id));
        output.AddRange(run.Complete());

        Assert.Null(run.Stopped);
        var outcomes = output.SelectMany(r => r.Outcomes).ToList();
        Assert.Equal(new[] { "a", "b", "c", "d", "e", "f", "g" }, outcomes.Select(o => o.UserId));
        Assert.Equal(new[] { "ok a", "ok b", null, null, null, null, "ok g" }, outcomes.Select(o => o.Result));
        Assert.All(outcomes.Skip(2).Take(4), o =>
        {
            Assert.Equal("TencentChat.RequestFailed", o.Error!.ErrorId);
            Assert.Equal(o.UserId, o.Error.UserId);
        });
        Assert.Contains("InvalidCastException", outcomes[2].Error!.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidDataException", outcomes[4].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(4, run.Errors);
    }

    [Fact]
    public async Task Cancellation_ends_an_Add_that_waits_for_room_and_a_call_not_yet_made_is_never_made()
    {
        using var cts = new CancellationTokenSource();
        var rig = new Rig(maxInFlight: 1, batchSize: 1, token: cts.Token);
        rig.Add("a");
        rig.Calls.WaitStarted(1);
        var adding = rig.AddAlone("b"); // waits for call 1
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => adding.WaitAsync(Patience));
        Assert.Equal(1, rig.Run.Pending);

        using var cancelled = new CancellationTokenSource();
        var calls = new ControlledCalls();
        var run = new BatchRun<FollowInfo>(calls.Execute, 2, 1, cancelled.Token, Timeout.InfiniteTimeSpan);
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            run.Add("a");
            run.Complete();
        });
        Assert.Empty(calls.Started);
    }

    [Fact]
    public void Each_call_gets_the_runs_token()
    {
        using var cts = new CancellationTokenSource();
        var calls = new ControlledCalls();
        var run = new BatchRun<FollowInfo>(calls.Execute, 2, 1, cts.Token, Timeout.InfiniteTimeSpan);
        run.Add("a");
        calls.WaitStarted(1);
        Assert.True(calls.Tokens.TryPeek(out var token));
        Assert.Equal(cts.Token, token);
    }

    [Theory]
    [InlineData(0, 20, 20_000)]
    [InlineData(-1, 20, 20_000)]
    [InlineData(4, 0, 20_000)]
    [InlineData(4, 20, 0)]
    public void The_run_refuses_sizes_below_one(int maxInFlight, int batchSize, int maxBufferedIds)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new BatchRun<FollowInfo>((_, _, _) => Task.FromResult<BatchResult<FollowInfo>>(null!), maxInFlight, batchSize, CancellationToken.None, null, maxBufferedIds));

    [Fact]
    public void The_reorder_buffer_holds_at_least_the_calls_in_flight_and_by_default_the_largest_ThrottleLimit_with_room_to_spare()
    {
        // Get-TencentChatFollowInfo -ThrottleLimit goes up to 256 calls of 20 ids and uses the default bound.
        Assert.Equal(BatchRun.DefaultMaxBufferedIds, new BatchRun<FollowInfo>((_, _, _) => Task.FromResult<BatchResult<FollowInfo>>(null!), 256, 20, CancellationToken.None).MaxBufferedIds);
        Assert.True(BatchRun.DefaultMaxBufferedIds >= 2 * 256 * 20);
        Assert.Equal(80, new BatchRun<FollowInfo>((_, _, _) => Task.FromResult<BatchResult<FollowInfo>>(null!), 4, 20, CancellationToken.None, null, 79).MaxBufferedIds);
        Assert.Equal(40, new BatchRun<FollowInfo>((_, _, _) => Task.FromResult<BatchResult<FollowInfo>>(null!), 2, 20, CancellationToken.None, null, 40).MaxBufferedIds);
    }
}
