using System.Collections.Concurrent;
using System.Globalization;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Tests.Execution;
using TencentChatFollow.Tests.Support;

namespace TencentChatFollow.Tests.Fuzz;

/// <summary>
/// Runs seeded fuzz cases of one API through the engine on the fake transport and the instant clock, and says what
/// each case did wrong: a wait without end, an id handed out twice or never, a foreign error, a result the answer did
/// not support, more calls or more (fake) time than the answers justify.
/// </summary>
internal static class FuzzRunner
{
    /// <summary>Wall time one case may take before it counts as hanging (its run is cancelled, the suite goes on).</summary>
    public static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("TENCENTCHAT_FUZZ_HANG_SEC") ?? "20", CultureInfo.InvariantCulture));

    /// <summary>How long a send waits for an answer that never comes (real time: the call's timeout).</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMilliseconds(30);

    /// <summary>What the cases of a run came to, to show that the answers reached every way a run can end.</summary>
    public sealed class Totals
    {
        public int Results;
        public int IdErrors;
        public int Stops;
        public int Requests;
        public int OddAnswers;

        public override string ToString()
            => FormattableString.Invariant($"{Results} results, {IdErrors} errors for ids, {Stops} runs stopped, {Requests} requests of which {OddAnswers} got odd answers");
    }

    /// <summary>Runs <paramref name="seeds"/> on a few threads; returns "seed N: what went wrong" for each case that failed.</summary>
    public static IReadOnlyList<string> Run(FuzzApi api, IEnumerable<int> seeds, Totals totals, int workers = 4)
    {
        var queue = new ConcurrentQueue<int>(seeds);
        var failures = new ConcurrentBag<(int Seed, string What)>();
        var threads = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
        {
            while (queue.TryDequeue(out var seed))
            {
                if (RunCase(api, seed, totals) is { } what) failures.Add((seed, what));
            }
        })
        { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return failures.OrderBy(f => f.Seed).Select(f => $"{api} seed {f.Seed.ToString(CultureInfo.InvariantCulture)}: {f.What}").ToList();
    }

    /// <summary>One case: null when it ended well, otherwise what went wrong.</summary>
    public static string? RunCase(FuzzApi api, int seed, Totals? totals = null, Action<string>? trace = null)
    {
        var rng = new Random(unchecked(seed * 7919 + 17));
        var oddness = rng.Next(4) switch { 0 => 0.05, 1 => 0.25, 2 => 0.6, _ => 1.0 };
        var answers = new FuzzAnswers(api, seed, oddness) { Trace = trace };
        using var fake = new FakeTransport(answers.Answer);
        var clock = new InstantClock(new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero));
        var maxRetry = rng.Next(3);
        var retryTimeout = TimeSpan.FromSeconds(rng.Next(1, 30));
        var session = fake.Session(maxRetry: maxRetry, timeout: CallTimeout, clock: clock, retryTimeout: retryTimeout);
        var count = 1 + rng.Next(6);
        var ids = Enumerable.Range(0, count).Select(i => "u" + i.ToString(CultureInfo.InvariantCulture) + (rng.Next(5) == 0 ? "\"é\\" : "")).ToList();
        var fromPerCall = api is FuzzApi.FollowCheck or FuzzApi.FollowAdd or FuzzApi.FollowDelete;
        var input = ids.Select(id => (id, fromPerCall ? "from" + rng.Next(2).ToString(CultureInfo.InvariantCulture) : session.Identifier)).ToList();
        var maxInFlight = 1 + rng.Next(4);
        var batchSize = 1 + rng.Next(3);
        var pageSize = 1 + rng.Next(FollowGetProtocol.MaxPageSize);

        // Input that trickles in (a pause of fake time before some ids) under a short idle flush, so partial batches go
        // while ids are being added; drawn apart so that the other choices of a seed stay as they were.
        var trickle = new Random(unchecked(seed + 1_000_003));
        var trickling = trickle.Next(20) == 0;
        TimeSpan? idleFlush = trickling ? TimeSpan.FromMilliseconds(1) : null;
        Action? betweenIds = trickling ? () => clock.Advance(TimeSpan.FromMilliseconds(trickle.Next(3))) : null;
        using var cancel = new CancellationTokenSource();
        var tally = new RunTally();
        var run = Task.Factory.StartNew(() => api == FuzzApi.FollowGet
                ? FuzzEngine.RunLists(tally, session, FollowRelation.Following, pageSize, maxInFlight, ids, cancel.Token)
                : RunBatch(api, tally, session, fromPerCall, input, maxInFlight, batchSize, idleFlush, betweenIds, cancel.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!run.Wait(HangAfter))
        {
            cancel.Cancel();
            return $"did not end within {HangAfter.TotalSeconds:0} s ({tally.Phase}, {tally.Fed.Count} of {ids.Count} ids given, {maxInFlight} in flight, {fake.Count} requests, {answers.OddAnswers} odd answers, fake time {clock.Elapsed.TotalSeconds:0.#} s)";
        }
        if (totals is not null)
        {
            Interlocked.Add(ref totals.Results, tally.Outcomes.Count(o => o.Error is null));
            Interlocked.Add(ref totals.IdErrors, tally.Outcomes.Count(o => o.Error is not null));
            Interlocked.Add(ref totals.Stops, tally.Stopped is null ? 0 : 1);
            Interlocked.Add(ref totals.Requests, fake.Count);
            Interlocked.Add(ref totals.OddAnswers, answers.OddAnswers);
        }
        var problems = new List<string>();
        Check(api, tally, problems);
        CheckNoSecret(tally, fake.Requests.Select(r => r.Query("usersig")).Append(FakeTransport.SecretKey).Distinct().ToList(), problems);
        // Each odd answer may cost one more request (a retry, a renewal, a page asked again); plain answers none.
        var calls = api == FuzzApi.FollowGet ? ids.Sum(answers.PagesOf) : ids.Count;
        var allowed = calls + answers.OddAnswers * 4 + 4;
        if (fake.Count > allowed) problems.Add($"{fake.Count} requests for {calls} calls and {answers.OddAnswers} odd answers");
        var fakeBudget = retryTimeout + TimeSpan.FromSeconds(61) * Math.Max(1, fake.Count) + TimeSpan.FromMinutes(1);
        if (clock.Elapsed > fakeBudget) problems.Add($"took {clock.Elapsed.TotalSeconds:0} s of fake time (budget {fakeBudget.TotalSeconds:0} s)");
        return problems.Count == 0 ? null : string.Join("; ", problems) + $" [{fake.Count} requests, {answers.OddAnswers} odd]";
    }

    /// <summary>The batched API's run, with its own typed protocol.</summary>
    private static RunTally RunBatch(FuzzApi api, RunTally tally, TencentChatFollow.Session.TencentChatSession session, bool fromPerCall, IReadOnlyList<(string Id, string From)> input,
        int maxInFlight, int batchSize, TimeSpan? idleFlush, Action? betweenIds, CancellationToken token) => api switch
        {
            FuzzApi.FollowGetInfo => FuzzEngine.RunBatch(tally, session, FollowGetInfoProtocol.Instance, fromPerCall, input, maxInFlight, batchSize, token, idleFlush, betweenIds),
            FuzzApi.FollowCheck => FuzzEngine.RunBatch(tally, session, FollowCheckProtocol.Instance, fromPerCall, input, maxInFlight, batchSize, token, idleFlush, betweenIds),
            FuzzApi.FollowAdd => FuzzEngine.RunBatch(tally, session, FollowChangeProtocol.Add, fromPerCall, input, maxInFlight, batchSize, token, idleFlush, betweenIds),
            FuzzApi.FollowDelete => FuzzEngine.RunBatch(tally, session, FollowChangeProtocol.Delete, fromPerCall, input, maxInFlight, batchSize, token, idleFlush, betweenIds),
            _ => throw new ArgumentOutOfRangeException(nameof(api)),
        };

    private static void Check(FuzzApi api, RunTally tally, List<string> problems)
    {
        if (tally.Thrown is { } thrown) problems.Add($"threw {thrown.GetType().Name}: {thrown.Message}");
        if (tally.Stopped is { } stopped) CheckError(stopped, "the stop", problems);
        foreach (var (id, result, error) in tally.Outcomes)
        {
            if (!tally.Fed.Contains(id)) problems.Add($"an outcome for '{id}', which was not given to the run");
            if (error is not null) CheckError(error, $"the error for '{id}'", problems);
            else if (result is null) problems.Add($"'{id}' handed out with neither a result nor an error");
            else CheckResult(api, id, result, problems);
        }
        foreach (var id in tally.Fed)
        {
            var unanswered = tally.Unanswered.Count(u => u == id);
            var ends = api == FuzzApi.FollowGet
                ? tally.Outcomes.Count(o => o.Id == id && o.Error is not null) + tally.CompletedLists.Count(u => u == id)
                : tally.Outcomes.Count(o => o.Id == id);
            if (ends + unanswered != 1 && tally.Thrown is null)
                problems.Add($"'{id}' accounted for {ends + unanswered} times ({ends} handed out, {unanswered} unanswered)");
        }
    }

    /// <summary>No UserSig the run sent, and not the key, in any error, stop or -Verbose/-Debug line.</summary>
    private static void CheckNoSecret(RunTally tally, List<string> secrets, List<string> problems)
    {
        var texts = tally.Messages.Concat(tally.Outcomes.Where(o => o.Error is not null).Select(o => o.Error!.Message));
        if (tally.Stopped is { } stop) texts = texts.Append(stop.Message).Append(stop.InnerException?.Message ?? "");
        foreach (var text in texts)
        {
            if (secrets.Find(secret => text.Contains(secret, StringComparison.Ordinal)) is { } secret)
                problems.Add($"a secret ({(secret == FakeTransport.SecretKey ? "the key" : "a UserSig")}) in: {text.Replace(secret, "<SECRET>", StringComparison.Ordinal)}");
        }
    }

    private static void CheckError(Exception error, string what, List<string> problems)
    {
        if (error is not TencentChatException chat) problems.Add($"{what} is a {error.GetType().Name}: {error.Message}");
        else if (!chat.ErrorId.StartsWith("TencentChat.", StringComparison.Ordinal)) problems.Add($"{what} has the id '{chat.ErrorId}'");
        else if (chat is TencentChatRunStoppedException stop && !stop.Cause.ErrorId.StartsWith("TencentChat.", StringComparison.Ordinal))
            problems.Add($"{what}'s cause has the id '{stop.Cause.ErrorId}'");
    }

    private static void CheckResult(FuzzApi api, string id, object result, List<string> problems)
    {
        var ok = result switch
        {
            FollowInfo info => api == FuzzApi.FollowGetInfo && info.UserId == id && info.FollowerCount >= 0 && info.FollowingCount >= 0 && info.MutualFollowingCount >= 0,
            FollowCheck check => api == FuzzApi.FollowCheck && check.UserId == id && Enum.IsDefined(check.Relation),
            FollowChange change => api is FuzzApi.FollowAdd or FuzzApi.FollowDelete && change.UserId == id,
            FollowPage page => api == FuzzApi.FollowGet && page.Entries.All(e => e.OfUserId == id),
            _ => false,
        };
        if (!ok) problems.Add($"an unexpected result for '{id}': {result.GetType().Name}");
    }
}
