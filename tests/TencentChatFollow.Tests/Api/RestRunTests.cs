using System.Collections.Concurrent;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Api;

public class RestRunTests
{
    private static readonly byte[] Json = "{}"u8.ToArray();

    private static TencentChatException Refusal => new("TencentChat.InvalidBody", ErrorKind.InvalidArgument, "not JSON");

    /// <summary>Calls that finish when the test says so; each answers with its sequence number.</summary>
    private sealed class Calls
    {
        public ConcurrentDictionary<long, TaskCompletionSource<TencentChatException?>> Pending { get; } = new();

        public ConcurrentQueue<long> Started { get; } = new();

        public async Task<BatchResult<string>> Call(long sequence, string key, byte[] body, CancellationToken sendNoMore, CancellationToken token)
        {
            Started.Enqueue(sequence);
            var fatal = await Pending.GetOrAdd(sequence, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(token);
            var outcome = fatal is null ? new IdOutcome<string>(key, "answer " + sequence, null) : new IdOutcome<string>(key, null, fatal.ForUser(key), callFailed: true);
            return new BatchResult<string>(sequence, new[] { outcome }, fatal, Array.Empty<string>(), Array.Empty<string>());
        }

        public void Finish(long sequence, TencentChatException? fatal = null)
            => Pending.GetOrAdd(sequence, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult(fatal);
    }

    private static List<object?> Out(RestRun run, IReadOnlyList<BatchResult<string>> results)
        => results.SelectMany(r => r.Outcomes).Select(o => o.Result ?? (object?)$"error {run.Given(o.UserId)}").ToList();

    [Fact]
    public void Answers_and_refusals_come_out_in_input_order_and_a_refusal_first_keeps_the_first_call_alone()
    {
        var calls = new Calls();
        var run = new RestRun(calls.Call, maxInFlight: 8, CancellationToken.None);
        var output = new List<object?>();
        output.AddRange(Out(run, run.Add("bad 1", null, Refusal)));
        Assert.Equal(new object?[] { "error bad 1" }, output);
        calls.Finish(2);
        output.AddRange(Out(run, run.Add("body 2", Json, null)));
        for (var i = 3; i <= 5; i++) calls.Finish(i);
        output.AddRange(Out(run, run.Add("body 3", Json, null)));
        output.AddRange(Out(run, run.Add("bad 4", null, Refusal)));
        output.AddRange(Out(run, run.Add("body 5", Json, null)));
        output.AddRange(Out(run, run.Complete()));
        Assert.Equal(new object?[] { "error bad 1", "answer 2", "answer 3", "error bad 4", "answer 5" }, output);
        Assert.Equal(new long[] { 2, 3, 5 }, calls.Started.OrderBy(n => n).ToArray()); // calls 3 and 5 run at once: either may start first
        Assert.Equal((5L, 2L), (run.Done, run.Errors));
        Assert.Null(run.Given("1"));
    }

    [Fact]
    public void A_body_declined_keeps_its_place_so_the_bodies_after_it_keep_their_numbers()
    {
        var calls = new Calls();
        var run = new RestRun(calls.Call, maxInFlight: 8, CancellationToken.None);
        calls.Finish(1);
        calls.Finish(3);
        Assert.Equal(1, run.Next);
        var output = Out(run, run.Add("body 1", Json, null));
        Assert.Equal(2, run.Next);
        run.Skip();
        Assert.Equal(3, run.Next);
        output.AddRange(Out(run, run.Add("body 3", Json, null)));
        output.AddRange(Out(run, run.Complete()));
        Assert.Equal(new object?[] { "answer 1", "answer 3" }, output);
        Assert.Equal(new long[] { 1, 3 }, calls.Started.ToArray());
        Assert.Equal((2L, 0L), (run.Done, run.Errors));
    }

    [Fact]
    public async Task Under_ErrorAction_Stop_an_error_holds_back_the_bodies_after_it_and_the_bodies_before_it_still_go_out()
    {
        // Bodies 2 to 4 run at once after the first (alone); body 3's error comes back while body 2 is still on its way
        // to the wire (the thread pool may start a later call first) and body 4 is waiting for its turn.
        var guard = TimeSpan.FromSeconds(20);
        var held = new ConcurrentDictionary<long, bool>();
        var fourthHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var error = new TencentChatException("TencentChat.InvalidRequest", ErrorKind.InvalidArgument, "Tencent error 70402.");
        var notSent = new TencentChatException("TencentChat.NotSent", ErrorKind.InvalidArgument, "Not sent.");
        var run = new RestRun(async (sequence, key, _, sendNoMore, token) =>
        {
            IdOutcome<string> outcome;
            switch (sequence)
            {
                case 1:
                    outcome = new IdOutcome<string>(key, "answer 1", null);
                    break;
                case 2:
                    await fourthHeld.Task.WaitAsync(guard, token);
                    held[2] = sendNoMore.IsCancellationRequested;
                    outcome = held[2] ? new IdOutcome<string>(key, null, notSent, notSent: true) : new IdOutcome<string>(key, "answer 2", null);
                    break;
                case 3:
                    outcome = new IdOutcome<string>(key, null, error);
                    break;
                default:
                    using (sendNoMore.Register(() => fourthHeld.TrySetResult()))
                        await fourthHeld.Task.WaitAsync(guard, token);
                    held[4] = sendNoMore.IsCancellationRequested;
                    outcome = new IdOutcome<string>(key, null, notSent, notSent: true);
                    break;
            }
            return new BatchResult<string>(sequence, new[] { outcome }, null, Array.Empty<string>(), Array.Empty<string>());
        }, maxInFlight: 8, CancellationToken.None);
        run.StopAtFirstError = true;

        var output = new List<object?>();
        for (var i = 1; i <= 4; i++) output.AddRange(Out(run, run.Add("body " + i, Json, null)));
        output.AddRange(Out(run, await Task.Run(run.Complete).WaitAsync(guard)));

        Assert.False(held[2], "the body before the error goes out");
        Assert.True(held[4], "the body after the error is not sent");
        Assert.Equal(new object?[] { "answer 1", "answer 2", "error body 3" }, output);
    }

    [Fact]
    public void A_halt_sends_nothing_more_and_returns_the_calls_started_in_order()
    {
        var calls = new Calls();
        var run = new RestRun(calls.Call, maxInFlight: 8, CancellationToken.None);
        calls.Finish(1);
        var output = Out(run, run.Add("body 1", Json, null));
        output.AddRange(Out(run, run.Add("body 2", Json, null)));
        output.AddRange(Out(run, run.Add("body 3", Json, null)));
        Assert.Equal("4", run.NotSent("body 4"));
        calls.Finish(3);
        calls.Finish(2);
        output.AddRange(Out(run, run.Halt(out var unanswered)));
        Assert.Equal(new object?[] { "answer 1", "answer 2", "answer 3" }, output);
        Assert.Empty(unanswered);
        Assert.Equal("body 4", run.Given("4"));
        Assert.Equal(3, calls.Started.Count);
    }

    [Fact]
    public async Task A_fatal_answer_stops_the_run_and_keeps_the_unanswered_bodies()
    {
        var calls = new Calls();
        var run = new RestRun(calls.Call, maxInFlight: 8, CancellationToken.None);
        var cause = new TencentChatException("TencentChat.UnknownApi", ErrorKind.InvalidArgument, "Tencent error 60009.", 60009);
        // Call 1 answers once body 1 is in: answered before, the run could stop inside the first Add, with body 2 never given.
        var output = Out(run, run.Add("body 1", Json, null));
        var answer = Task.Run(() => calls.Finish(1, cause));
        output.AddRange(Out(run, run.Add("body 2", Json, null)));
        await answer;
        Assert.Empty(output);
        var stopped = Assert.IsType<TencentChatRunStoppedException>(run.Stopped);
        Assert.Same(cause, stopped.Cause);
        Assert.Equal(new[] { "body 1", "body 2" }, stopped.UnansweredIds.Select(run.Given));
        Assert.Single(calls.Started);
    }
}
