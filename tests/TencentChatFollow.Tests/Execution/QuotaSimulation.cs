using TencentChatFollow.Execution;
using Xunit.Abstractions;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// A simulated app quota on a fake clock, in 1 ms steps: a server that refuses a call when more than
/// <see cref="Limit"/> calls (refused ones counted too) arrived in the trailing second (or, in calendar mode, in the
/// same calendar second), and clients that each run the module's real <see cref="RateLimiter"/> and
/// <see cref="RateController"/> with up to 64 calls in flight, as Get-TencentChatFollowInfo does. A neighbour sends
/// at a fixed rate and never adapts. No threads and no sleeps: the same seed gives the same run.
/// </summary>
internal sealed class QuotaSimulation
{
    private readonly Random _random;
    private readonly Dictionary<string, Queue<long>> _windows = new(StringComparer.Ordinal); // arrival times (ms) of the last second at the server, per counter
    private readonly List<SimClient> _clients = new();
    private long _calendarSecond = -1;
    private int _inCalendarSecond;

    public QuotaSimulation(int seed = 1, int limit = 200, bool sliding = true)
    {
        _random = new Random(seed);
        Limit = limit;
        Sliding = sliding;
        Clock = new SimulatedClock(() => TimeSpan.FromMilliseconds(NowMs));
    }

    /// <summary>
    /// Per API (the default): each API has its own counter at <see cref="Limit"/>, refusing with 60007; per app: one
    /// counter for every API, refusing with 60011.
    /// </summary>
    public bool PerApp { get; init; }

    /// <summary>
    /// Jobs on one machine coordinate (issue 18): each module is a process of its own (its own registry) and all meet
    /// on one board in memory, on the simulation's time (<see cref="Boards"/>). Off by default.
    /// </summary>
    public bool Coordinated
    {
        get => Boards is not null;
        init => Boards = value ? new MemoryQuotaStore(Clock) : null;
    }

    /// <summary>The quota boards the modules share when <see cref="Coordinated"/>; the clients step their members.</summary>
    public MemoryQuotaStore? Boards { get; private init; }

    /// <summary>The simulation's time, for limiters that clients share (one process's registry).</summary>
    public Clock Clock { get; }

    public int Limit { get; }
    public bool Sliding { get; }
    public long NowMs { get; private set; }
    public int LatencyMs { get; init; } = 100;
    /// <summary>Each way, a call takes up to this much longer at random (scheduling, network).</summary>
    public int JitterMs { get; init; } = 5;
    /// <summary>Accepted calls per whole second of simulated time, all clients together.</summary>
    public List<int> AcceptedPerSecond { get; } = new();

    public IReadOnlyList<SimClient> Clients => _clients;

    /// <summary>An adaptive client (the module) that starts at <paramref name="startMs"/> and sends <paramref name="calls"/> calls.</summary>
    public SimClient AddModule(string name, long startMs = 0, int calls = int.MaxValue, int maxRequestsPerSecond = 200, RateControlSettings? settings = null,
        RateLimiter? limiter = null, int checkCallLeadMs = 0)
    {
        // Coordinated: a process of its own (its own registry), on the machine's board.
        limiter ??= Boards is null ? null : new RateLimiterRegistry(Clock, settings, Boards).For(new Uri("https://console.tim.qq.com/"), 1, "v4/follow/follow_get_info");
        var client = new SimClient(this, name, startMs, calls, maxRequestsPerSecond, settings, fixedRate: null, limiter) { CheckCallLeadMs = checkCallLeadMs };
        _clients.Add(client);
        return client;
    }

    /// <summary>A client that sends a steady <paramref name="callsPerSecond"/> and ignores refusals (another job, the app's backend), until <paramref name="stopMs"/>.</summary>
    public SimClient AddNeighbour(string name, double callsPerSecond, long startMs = 0, long stopMs = long.MaxValue)
    {
        var client = new SimClient(this, name, startMs, int.MaxValue, (int)Math.Ceiling(callsPerSecond), null, fixedRate: callsPerSecond) { StopMs = stopMs };
        _clients.Add(client);
        return client;
    }

    public void RunUntil(long endMs)
    {
        var arrivals = new List<(long At, SimClient Client, SimCall Call)>();
        for (; NowMs < endMs; NowMs++)
        {
            if (NowMs % 1000 == 0) AcceptedPerSecond.Add(0);
            arrivals.Clear();
            foreach (var c in _clients) c.CollectArrivals(NowMs, arrivals);
            foreach (var (_, client, call) in arrivals.OrderBy(a => a.At)) call.Accepted = Admit(NowMs, PerApp ? "app" : client.Api);
            foreach (var c in _clients) c.Step(NowMs);
        }
    }

    private bool Admit(long nowMs, string counter)
    {
        bool ok;
        if (Sliding)
        {
            if (!_windows.TryGetValue(counter, out var window)) _windows[counter] = window = new Queue<long>();
            while (window.Count > 0 && window.Peek() <= nowMs - 1000) window.Dequeue();
            window.Enqueue(nowMs);
            ok = window.Count <= Limit;
        }
        else
        {
            var second = nowMs / 1000;
            if (second != _calendarSecond) (_calendarSecond, _inCalendarSecond) = (second, 0);
            ok = ++_inCalendarSecond <= Limit;
        }
        if (ok) AcceptedPerSecond[^1]++;
        return ok;
    }

    internal int Jitter() => JitterMs == 0 ? 0 : _random.Next(JitterMs + 1);

    internal sealed class SimCall
    {
        public long SentMs;
        public long ArriveMs;
        public long AnswerMs;
        public bool Accepted;
        public RateSlot Slot;
    }
}

internal sealed class SimClient
{
    private const int MaxInFlight = 64;
    private readonly QuotaSimulation _sim;
    private readonly long _startMs;
    private readonly int _ceiling;
    private readonly double? _fixedRate;
    private readonly List<QuotaSimulation.SimCall> _inFlight = new();
    private int _waiting;     // calls waiting for a turn (new or refused)
    private int _notStarted;  // calls not yet begun
    private double _fixedCredit;
    private bool _checked;    // the check call went (CheckCallLeadMs)

    public SimClient(QuotaSimulation sim, string name, long startMs, int calls, int ceiling, RateControlSettings? settings, double? fixedRate, RateLimiter? limiter = null)
    {
        _sim = sim;
        Name = name;
        _startMs = startMs;
        _ceiling = ceiling;
        _fixedRate = fixedRate;
        _notStarted = calls;
        Limiter = limiter ?? new RateLimiter(sim.Clock, RateLimiter.DefaultWindow, settings);
    }

    public string Name { get; }
    /// <summary>
    /// A lone call this long before the rest, as a user's job starts: <c>Connect-TencentChat</c>'s check call, then the
    /// pipeline's calls once the process has set it up (0: all calls from the start).
    /// </summary>
    public int CheckCallLeadMs { get; init; }
    /// <summary>A neighbour sends nothing from this time on.</summary>
    public long StopMs { get; init; } = long.MaxValue;
    public RateLimiter Limiter { get; }
    /// <summary>The API the client calls (its limiter's).</summary>
    public string Api => Limiter.Api;
    public long StartMs => _startMs;
    public int Accepted { get; private set; }
    public int Refused { get; private set; }
    public long? DoneAtMs { get; private set; }
    /// <summary>Accepted calls per whole second since the simulation started.</summary>
    public List<int> AcceptedPerSecond { get; } = new();
    /// <summary>Refused calls per whole second since the simulation started.</summary>
    public List<int> RefusedPerSecond { get; } = new();
    public List<string> Messages { get; } = new();
    public int Sent => Accepted + Refused;

    /// <summary>Accepted calls per second between two times.</summary>
    public double RateBetween(int fromSecond, int toSecond)
        => AcceptedPerSecond.Skip(fromSecond).Take(toSecond - fromSecond).DefaultIfEmpty().Average();

    internal void CollectArrivals(long nowMs, List<(long, SimClient, QuotaSimulation.SimCall)> into)
    {
        foreach (var call in _inFlight) if (call.ArriveMs == nowMs) into.Add((call.ArriveMs, this, call));
    }

    internal void Step(long nowMs)
    {
        while (AcceptedPerSecond.Count <= nowMs / 1000) AcceptedPerSecond.Add(0);
        while (RefusedPerSecond.Count <= nowMs / 1000) RefusedPerSecond.Add(0);
        if (nowMs < _startMs) return;
        Limiter.Coordination?.Tick(); // publishes and reads the board when due, as its timer does in a real process

        // Answers.
        for (var i = 0; i < _inFlight.Count; i++)
        {
            var call = _inFlight[i];
            if (call.AnswerMs > nowMs) continue;
            _inFlight.RemoveAt(i--);
            if (call.Accepted)
            {
                Accepted++;
                AcceptedPerSecond[(int)(nowMs / 1000)]++;
                if (_fixedRate is null && Limiter.Accepted(call.Slot, _ceiling) is { } m) Messages.Add($"{nowMs} ms: {m}");
            }
            else
            {
                Refused++;
                RefusedPerSecond[(int)(nowMs / 1000)]++;
                if (_fixedRate is null)
                {
                    if (Limiter.Refused(call.Slot, _ceiling, _sim.PerApp ? "60011" : "60007") is { } m) Messages.Add($"{nowMs} ms: {m}");
                    _waiting++; // back to the line
                }
            }
        }
        if (_notStarted == 0 && _waiting == 0 && _inFlight.Count == 0)
        {
            DoneAtMs ??= nowMs;
            return;
        }

        if (nowMs < _startMs + CheckCallLeadMs)
        {
            if (!_checked && Limiter.TryAcquire(_ceiling, TimeSpan.MaxValue, out var check, out _, 1))
            {
                _checked = true;
                Send(nowMs, check);
            }
            return;
        }

        // New calls up to the in-flight limit.
        while (_notStarted > 0 && _waiting + _inFlight.Count < MaxInFlight)
        {
            _notStarted--;
            _waiting++;
        }

        if (_fixedRate is double rate)
        {
            if (nowMs >= StopMs) return;
            _fixedCredit += rate / 1000;
            while (_fixedCredit >= 1) { _fixedCredit--; Send(nowMs, default); }
            _waiting = 0;
            return;
        }
        while (_waiting > 0 && Limiter.TryAcquire(_ceiling, TimeSpan.MaxValue, out var slot, out _, _waiting))
        {
            _waiting--;
            Send(nowMs, slot);
        }
    }

    private void Send(long nowMs, RateSlot slot)
    {
        var arrive = nowMs + _sim.LatencyMs / 2 + _sim.Jitter();
        _inFlight.Add(new QuotaSimulation.SimCall { SentMs = nowMs, ArriveMs = arrive, AnswerMs = arrive + _sim.LatencyMs / 2 + _sim.Jitter(), Slot = slot });
    }
}

/// <summary>A row's figures: the share of the quota used from the first start to the last end, the share of calls refused, each job's rate while all overlapped.</summary>
internal sealed record QuotaRow(double Together, double Refused, IReadOnlyList<double> Overlap, long EndMs)
{
    /// <summary>Measures a finished simulation's modules (every client but "neighbour") and writes the row and each client's seconds.</summary>
    public static QuotaRow Measure(ITestOutputHelper output, string name, QuotaSimulation sim, int quota = 200)
    {
        var modules = sim.Clients.Where(c => c.Name != "neighbour").ToList();
        Xunit.Assert.All(modules, c => Xunit.Assert.NotNull(c.DoneAtMs));
        var first = modules.Min(c => c.StartMs);
        var last = modules.Max(c => c.DoneAtMs!.Value);
        var together = modules.Sum(c => c.Accepted) / ((last - first) / 1000.0) / quota;
        // Every client's calls up to the last job's end, as the bench counts them: a neighbour that runs on after the
        // jobs have ended would dilute their refusals with calls nobody refuses.
        var seconds = (int)(last / 1000) + 1;
        var refusedCalls = sim.Clients.Sum(c => c.RefusedPerSecond.Take(seconds).Sum());
        var refused = (double)refusedCalls / (refusedCalls + sim.Clients.Sum(c => c.AcceptedPerSecond.Take(seconds).Sum()));
        // While every job runs: from the last start to the first end, whole seconds.
        var from = (int)Math.Ceiling(modules.Max(c => c.StartMs) / 1000.0);
        var to = (int)Math.Floor(modules.Min(c => c.DoneAtMs!.Value) / 1000.0);
        var overlap = modules.Select(c => to > from ? c.RateBetween(from, to) : double.NaN).ToList();
        output.WriteLine($"| {name} | {together:P1} | {refused:P2} | {string.Join(" / ", overlap.Select(o => o.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} calls/s over s {from}-{to} | end {last / 1000.0:0.0} s |");
        foreach (var c in sim.Clients) output.WriteLine($"  {c.Name}: {c.Accepted} accepted, {c.Refused} refused, per s " + string.Join(",", c.AcceptedPerSecond.Take((int)(last / 1000) + 1)) + "; refused per s " + string.Join(",", c.RefusedPerSecond.Take((int)(last / 1000) + 1)));
        return new QuotaRow(together, refused, overlap, last);
    }
}

/// <summary>A clock read from the simulation's time; nothing waits on it (the simulation steps the clients itself).</summary>
internal sealed class SimulatedClock(Func<TimeSpan> now) : Clock
{
    public override TimeSpan Elapsed => now();
    public override DateTimeOffset UtcNow => DateTimeOffset.UnixEpoch + now();
    public override Task Delay(TimeSpan delay, CancellationToken cancellationToken) => throw new NotSupportedException("The simulation steps its clients; nothing waits.");
}
