using System.Text.Json;
using TencentChatFollow.Api;
using TencentChatFollow.Execution;
using TencentChatFollow.Tests.Support;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// A run's calls go out in input order (<see cref="CallTurn"/>), whatever order the thread pool starts them in: with
/// -ErrorAction Stop, a later call's error must not stop the run before the calls ahead of it were sent.
/// </summary>
public class CallTurnTests
{
    /// <summary>A follow_get_info answer with an item for each id asked for.</summary>
    private static string Echo(RecordedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        var items = body.RootElement.GetProperty("To_Account").EnumerateArray()
            .Select(id => $"{{\"To_Account\":{JsonSerializer.Serialize(id.GetString())},\"ResultCode\":0,\"ResultInfo\":\"\",\"FollowerCount\":1,\"FollowingCount\":2,\"MutualFollowingCount\":3}}");
        return $"{{\"FollowInfo\":[{string.Join(",", items)}],\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}}";
    }

    private static string FirstId(RecordedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("To_Account")[0].GetString()!;
    }

    [Fact]
    public async Task A_later_call_started_first_cannot_stop_the_run_before_the_call_ahead_of_it_was_sent()
    {
        // The run stops (sends nothing more) the moment the later call reaches the service, as on its error under
        // -ErrorAction Stop. The call ahead of it, started after it, must still go out: its turn came first.
        using var stop = new CancellationTokenSource();
        using var server = new FakeTransport((request, _) =>
        {
            if (FirstId(request) == "b1") stop.Cancel();
            return FakeTransport.Reply.Ok(Echo(request));
        });
        var call = new BatchCall<FollowInfo>(server.Session(), FollowGetInfoProtocol.Instance, collectDebug: false) { SendNoMore = stop.Token };
        var first = CallTurn.First();
        var second = first.Next();

        var later = call.ExecuteAsync(2, "administrator", new[] { "b1", "b2" }, second, CancellationToken.None);
        Assert.False(later.IsCompleted, "the second call waits for the first to take its turn");
        Assert.Equal(0, server.Count);
        var earlier = call.ExecuteAsync(1, "administrator", new[] { "a1", "a2" }, first, CancellationToken.None);
        await Task.WhenAll(earlier, later).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(stop.IsCancellationRequested);
        Assert.All((await earlier).Outcomes, o => Assert.NotNull(o.Result));
        Assert.All((await later).Outcomes, o => Assert.NotNull(o.Result));
        Assert.Equal(new[] { "a1", "b1" }, server.Requests.Select(FirstId).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task A_call_waiting_for_its_turn_when_the_run_stops_is_not_sent()
    {
        using var server = new FakeTransport(Echo);
        using var stop = new CancellationTokenSource();
        var call = new BatchCall<FollowInfo>(server.Session(), FollowGetInfoProtocol.Instance, collectDebug: false) { SendNoMore = stop.Token };
        var second = CallTurn.First().Next(); // the call before it never sends

        var waiting = call.ExecuteAsync(2, "administrator", new[] { "b1" }, second, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        stop.Cancel();
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(Assert.Single(result.Outcomes).NotSent);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task A_call_waiting_for_its_turn_ends_with_the_runs_cancellation()
    {
        using var server = new FakeTransport(Echo);
        using var cancel = new CancellationTokenSource();
        var call = new BatchCall<FollowInfo>(server.Session(), FollowGetInfoProtocol.Instance, collectDebug: false);

        var waiting = call.ExecuteAsync(2, "administrator", new[] { "b1" }, CallTurn.First().Next(), cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task A_run_gives_its_calls_turns_in_input_order_and_a_call_that_ends_unsent_lets_the_next_go()
    {
        // The first call is held before it takes its turn until the second is waiting for its own; the third throws
        // without ever sending. Each call "sends" (records its sequence) only when its turn is up.
        var sent = new List<long>();
        var secondWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new BatchRun<string>(async (sequence, _, ids, turn, token) =>
        {
            if (sequence == 1) await secondWaiting.Task.WaitAsync(TimeSpan.FromSeconds(20), token);
            if (sequence == 2) secondWaiting.TrySetResult();
            if (sequence == 3) throw new InvalidOperationException("no send");
            await turn.WaitAsync(token);
            lock (sent) sent.Add(sequence);
            turn.Sending();
            return new BatchResult<string>(sequence, ids.Select(id => new IdOutcome<string>(id, id, null)).ToList(), null, Array.Empty<string>(), Array.Empty<string>());
        }, maxInFlight: 4, batchSize: 1, CancellationToken.None, firstCallAlone: false);

        var results = run.Add("a").Concat(run.Add("b")).Concat(run.Add("c")).Concat(run.Add("d")).Concat(run.Complete()).ToList();

        Assert.Equal(new long[] { 1, 2, 4 }, sent.ToArray());
        Assert.Equal(new[] { "a", "b", "c", "d" }, results.SelectMany(r => r.Outcomes).Select(o => o.UserId).ToArray());
    }
}
