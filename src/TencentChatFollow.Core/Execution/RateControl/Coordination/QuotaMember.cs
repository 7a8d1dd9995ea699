using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace TencentChatFollow.Execution;

/// <summary>
/// One process's <see cref="RateLimiter"/> on the quota board of its API (<see cref="QuotaBoard"/>): while callers ask
/// for turns it publishes, every <see cref="PublishInterval"/>, its calls of the last window and whether it wants more
/// than it gets, reads the others', and gives the limiter the part it may use (<see cref="QuotaShare.Split"/>) from that
/// reading, so the limiter never does I/O under its lock. It joins on the first demand; when its first reading shows
/// others on the board it waits <see cref="JoinWait"/> before its first send, so jobs launched together see each other
/// before either fills the window (alone, it sends as soon as it has read the board); after <see cref="LeaveAfter"/>
/// without demand it deletes its record and stops (no timer for an idle limiter). If the board fails a few times in a
/// row, it stops coordinating for the process (the limiter's adaptive control works alone, as across machines).
/// </summary>
internal sealed class QuotaMember
{
    internal static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan JoinWait = TimeSpan.FromMilliseconds(50);
    /// <summary>While it joins, callers look again this often (its first reading may show it alone).</summary>
    internal static readonly TimeSpan JoinPoll = TimeSpan.FromMilliseconds(5);
    internal static readonly TimeSpan LeaveAfter = TimeSpan.FromSeconds(2);
    /// <summary>With no room at all for this long, one call a second goes anyway (others that count a higher ceiling cannot starve it).</summary>
    internal static readonly TimeSpan NoRoomAtMost = TimeSpan.FromSeconds(1);
    /// <summary>
    /// A reading this old (or a join that has read nothing for as long) counts for nothing: the board's I/O hangs (a
    /// named pipe called *.quota, a file system that stopped answering), the others have forgotten this member too,
    /// and it goes at its own ceiling until a reading comes.
    /// </summary>
    internal static readonly TimeSpan StalledAfter = QuotaShare.Forgotten;
    private const int FailuresToStop = 5;
    /// <summary>
    /// The least room a backlog of calls takes before the member's record says it wants more (a newcomer whose lone
    /// check call put it on the board, or a job that sent one call at a time until now): less is within what the
    /// others' claims may be off by when they fill the window between them, so the backlog's first calls would be over
    /// the service's limit, each refusing a round trip of everyone's. It waits instead, says it wants more at the next
    /// publish, and the others make room. A lone call takes any room there is.
    /// </summary>
    internal const int SliverRoom = 4;

    /// <summary>A member whose callers stopped asking says it sends nothing once its last call is this old (at least).</summary>
    internal static readonly TimeSpan StoppedAfter = TimeSpan.FromMilliseconds(20);

    private readonly QuotaBoard _board;
    private readonly Clock _clock;
    private readonly bool _selfDriven;
    private readonly Func<int, TimeSpan, (int InWindow, int Staying, double Pace)> _usage;
    private readonly object _sync = new(); // the phase; never held while calling out
    private readonly object _tick = new(); // one tick at a time
    private bool _running;
    private bool _ready;
    private TimeSpan _readyAt;
    private TimeSpan _nextTick;
    private TimeSpan _lastDemand;
    private TimeSpan _lastTick;
    private long _readAtTicks; // when the last reading came (when it joined, before the first), on the clock
    private TimeSpan? _noRoomSince;
    private string? _id;
    private int _failures;
    private int _waited; // since the last tick: 0 no backlog waited, 1 a backlog waited for the pace, 2 for room on the board
    private int _sent;
    private long _lastSentTicks; // when the limiter last gave a turn, on the clock
    private long _lastWaitedTicks; // when a caller last waited
    private TimeSpan _lastElapsed; // the publish interval before this one, and its calls
    private int _lastSent;
    private int _ceiling = int.MaxValue;
    private int _room;
    private int _limit; // the ceiling its callers ask under
    private volatile QuotaReading? _reading;
    private volatile bool _off;
    private volatile bool _announced; // its last record said it wants more

    /// <summary>
    /// A member on <paramref name="board"/>, timed on the limiter's <paramref name="clock"/>; <paramref name="usage"/>
    /// gives, for the ceiling the board left it, the limiter's calls sent within its last window, those still within
    /// it a given time ahead, and the rate it paces at now (it takes the limiter's lock).
    /// </summary>
    public QuotaMember(QuotaBoard board, Clock clock, bool selfDriven, Func<int, TimeSpan, (int InWindow, int Staying, double Pace)> usage)
    {
        _board = board;
        _clock = clock;
        _selfDriven = selfDriven;
        _usage = usage;
    }

    /// <summary>Others use the quota beside this member (fresh records on its board at the last reading).</summary>
    public bool HasCompany => Current is { } reading && reading.Others.Any(o => QuotaShare.IsFresh(o, reading.At));

    /// <summary>The calls the others hold of the service's window, as their fresh records said at the last reading.</summary>
    public int OthersInWindow => Current is { } reading ? reading.Others.Where(o => QuotaShare.IsFresh(o, reading.At)).Sum(o => o.Used) : 0;

    /// <summary>The ceiling the board leaves this member under <paramref name="limit"/> (what the limiter's control loop works within).</summary>
    public int CeilingFor(int limit)
        => _off || Current is not { } reading ? limit : (int)Math.Max(1, Math.Min(limit, Math.Floor(reading.Split(limit).Rate)));

    /// <summary>The last reading, unless it is <see cref="StalledAfter"/> old.</summary>
    private QuotaReading? Current => _reading is { } reading && !Stalled(_clock.Elapsed) ? reading : null;

    private bool Stalled(TimeSpan now) => now.Ticks - Volatile.Read(ref _readAtTicks) >= StalledAfter.Ticks;

    /// <summary>
    /// A caller asks for a turn under <paramref name="limit"/> (called by the limiter under its lock): true with the
    /// rate (<paramref name="ceiling"/>) and the calls within a window (<paramref name="room"/>) it may use now, or
    /// false (joining, or no room) with when to look again. <paramref name="backlog"/>: more than one call waits (a lone
    /// call, such as Connect-TencentChat's check, takes any room there is, <see cref="SliverRoom"/> or not).
    /// </summary>
    public bool Admit(TimeSpan now, int limit, out int ceiling, out int room, out TimeSpan wake, bool backlog = true)
    {
        (ceiling, room, wake) = (limit, limit, now);
        if (_off) return true;
        Volatile.Write(ref _limit, limit);
        bool start, ready;
        TimeSpan readyAt;
        lock (_sync)
        {
            _lastDemand = now;
            start = !_running;
            if (start)
            {
                (_running, _ready, _readyAt, _nextTick, _lastTick, _reading) = (true, false, now + JoinWait, now, now, null);
                (_ceiling, _room, _waited, _sent) = (0, 0, 0, 0); // what it wants shows when its callers wait
                Volatile.Write(ref _readAtTicks, now.Ticks);
            }
            (ready, readyAt) = (_ready, _readyAt);
        }
        if (start && _selfDriven) _ = Task.Run(RunAsync);
        if (Stalled(now))
        {
            // No reading for so long that its timer must hang on the board: as without one, until a reading comes.
            Volatile.Write(ref _ceiling, limit);
            Volatile.Write(ref _room, limit);
            _noRoomSince = null;
            return true;
        }
        if (!ready)
        {
            (ceiling, room) = (0, 0);
            var poll = now + JoinPoll;
            wake = readyAt <= now ? now + RatePacer.CatchUp : readyAt < poll ? readyAt : poll;
            return false;
        }
        var split = _reading?.Split(limit) ?? new QuotaSplit(limit, limit);
        (ceiling, room) = ((int)Math.Min(limit, Math.Floor(split.Rate)), Math.Min(limit, split.Room));
        Volatile.Write(ref _ceiling, ceiling);
        Volatile.Write(ref _room, room);
        if (ceiling >= 1 && room >= 1 && (!backlog || _announced || room >= Math.Min(SliverRoom, limit)))
        {
            _noRoomSince = null;
            return true;
        }
        _noRoomSince ??= now;
        if (now - _noRoomSince >= NoRoomAtMost)
        {
            (ceiling, room) = (1, 1); // starved for a second (others count a higher ceiling): one call goes anyway
            return true;
        }
        wake = now + PublishInterval;
        return false;
    }

    /// <summary>The limiter gave a turn at <paramref name="now"/> (under its lock; the time it judged the turn at, as <see cref="Waited"/> is told).</summary>
    public void Sent(TimeSpan now)
    {
        if (_noRoomSince is not null) _noRoomSince = now; // the call that went for lack of room: the next a second later
        Interlocked.Increment(ref _sent);
        Volatile.Write(ref _lastSentTicks, now.Ticks);
    }

    /// <summary>
    /// A caller waits (under the limiter's lock), for room on the board (<paramref name="forRoom"/>: joining, or its
    /// calls in the window are all the board leaves it) or for its pace, which the board holds below the caller's own
    /// ceiling or not (<paramref name="boardBinds"/>: a job held to a lower ceiling of its own wants no more from the
    /// board). Only a <paramref name="backlog"/> (more than one call waiting) says it wants more: a lone call (Connect's
    /// check, a job that sends one call at a time) takes room the others leave, without halving their share for a call.
    /// <paramref name="next"/> is kept within a publish interval, so a new reading applies soon.
    /// </summary>
    public void Waited(TimeSpan now, bool forRoom, bool boardBinds, bool backlog, ref TimeSpan next)
    {
        Volatile.Write(ref _lastWaitedTicks, now.Ticks);
        if (backlog && forRoom) Interlocked.Exchange(ref _waited, 2);
        else if (backlog && boardBinds) Interlocked.CompareExchange(ref _waited, 1, 0);
        if (!_off && next > now + PublishInterval) next = now + PublishInterval;
    }

    /// <summary>
    /// Publishes and reads the board when a publish is due; leaves it when idle. Returns when the next tick is due, or
    /// null when the member stopped (idle, or off). The timer calls it; a simulation steps it.
    /// </summary>
    public TimeSpan? Tick()
    {
        lock (_tick)
        {
            var now = _clock.Elapsed;
            bool leave;
            lock (_sync)
            {
                if (!_running) return null;
                if (now < _nextTick) return _nextTick;
                leave = _off || now - _lastDemand >= LeaveAfter;
                if (leave) (_running, _ready, _reading) = (false, false, null);
            }
            if (leave)
            {
                if (_id is { } gone) Try(() => _board.Leave(gone));
                _id = null;
                return null;
            }
            var elapsed = now - _lastTick;
            _lastTick = now;
            var waited = Interlocked.Exchange(ref _waited, 0);
            var sent = Interlocked.Exchange(ref _sent, 0);
            // Wants more than it gets: callers waited for room, or for the pace while it sent at no less than half the
            // share it was given (a job that sends a little now and then waits a moment too, but leaves the rest).
            var share = Volatile.Read(ref _ceiling) * elapsed.TotalSeconds;
            var backlogged = waited == 2 || (waited == 1 && (share < 2 || sent >= share / 2));
            // What it holds of the window until it publishes again: its calls that stay in it plus what it adds
            // meanwhile, at least its calls in it now. While it wants more, what its pace adds, as far as its room
            // allows (a job still filling the window claims that at once, so no one counts on room it is about to take;
            // a newcomer waiting for room claims none, so no one waits for it); otherwise what it sent at lately (a job
            // alone at its ceiling in its first second fills the window as fast, and one at a steady pace claims what it
            // has).
            var (inWindow, staying, pace) = _usage(Volatile.Read(ref _ceiling), PublishInterval);
            var rate = elapsed > TimeSpan.Zero ? (int)Math.Round(sent / elapsed.TotalSeconds) : 0;
            // Stopped: no caller waited since its last turn, and that turn is two of its intervals between calls old (its
            // pace's, or the one it sent at over this publish interval and the one before, whichever is longer: a job
            // that sends now and then has not stopped between its calls): its run ended or its input dried up. It goes
            // on sending nothing and wants nothing, and says so now, not at the publish after (its callers waited
            // until their last turn went).
            var lastSent = Volatile.Read(ref _lastSentTicks);
            var between = Math.Max(pace > 0 ? TimeSpan.TicksPerSecond / pace : 0, (double)(elapsed + _lastElapsed).Ticks / (sent + _lastSent));
            if (sent > 0 && Volatile.Read(ref _lastWaitedTicks) < lastSent && now.Ticks - lastSent >= Math.Max(StoppedAfter.Ticks, 2 * between)) (rate, backlogged) = (0, false);
            (_lastElapsed, _lastSent) = (elapsed, sent);
            var ahead = staying + (int)Math.Ceiling((backlogged ? pace : rate) * PublishInterval.TotalSeconds);
            var used = backlogged ? Math.Max(inWindow, Math.Min(ahead, Volatile.Read(ref _room))) : Math.Max(inWindow, ahead);
            QuotaReading? reading = null;
            var ok = Try(() =>
            {
                _id ??= _board.Join();
                _board.Publish(_id, used, rate, Volatile.Read(ref _limit), backlogged);
                reading = _board.Read(_id);
            });
            var readAt = _clock.Elapsed;
            lock (_sync)
            {
                if (!ok && ++_failures >= FailuresToStop) _off = true;
                if (ok) (_failures, _reading, _announced) = (0, reading, backlogged);
                if (ok) Volatile.Write(ref _readAtTicks, readAt.Ticks);
                // Ready a join wait after joining, or at once when nobody else is on the board (nothing to wait for).
                if (!_ready && ok && (now >= _readyAt || !HasCompany)) _ready = true;
                if (_off) _ready = true;
                _nextTick = _ready ? now + PublishInterval : _readyAt;
                return _nextTick;
            }
        }
    }

    /// <summary>The member's timer: ticks until it stops. Anything unforeseen turns coordination off for the process, so a stale reading never stays in force.</summary>
    private async Task RunAsync()
    {
        try
        {
            while (Tick() is { } next)
            {
                var wait = next - _clock.Elapsed;
                if (wait > TimeSpan.Zero) await _clock.Delay(wait, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            _off = true;
            _reading = null;
            lock (_sync) _running = false;
        }
    }

    private static bool Try(Action io)
    {
        try
        {
            io();
            return true;
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException or ArgumentException)
        {
            return false;
        }
    }
}
