using System.Globalization;
using System.Text;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// Behaviour of the same-machine quota board that a mutation-testing pass over its code found unchecked: a board
/// folder that keeps failing (coordination turns off, the job is not blocked), a job starved of room (one call a second
/// goes anyway), what a member says on the board (wanting more, its calls in the window), a first job on an empty board,
/// the waits of a joining member, one rejoining after it went idle, a crashed process's stale record beside a live one,
/// records that are not the module's (a time out of range) or say a member wants no more, a publish after the process
/// began to exit, the folder a key's board lives in, and a start-over refused on its first call. No sleeps: a stepped
/// clock, and explicit times.
/// </summary>
public sealed class QuotaBoardMutationTests : IDisposable
{
    private const string Key = "key";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "TencentChatFollow-quota-test-" + Guid.NewGuid().ToString("N"));
    private readonly ManualClock _clock = new();
    private readonly MemoryQuotaStore _store;

    public QuotaBoardMutationTests() => _store = new MemoryQuotaStore(_clock);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private TimeSpan Now => _clock.Elapsed;

    /// <summary>Another process says, now, that it holds <paramref name="used"/> calls of the window and sends at <paramref name="rate"/>.</summary>
    private void Other(string name, int used, int rate, bool backlogged)
        => _store.Put(Key, name, new QuotaRecord(_clock.UtcNow.UtcDateTime, used, rate, 200, backlogged));

    /// <summary>A member of the board that has joined and read it (past its join wait when others are there).</summary>
    private QuotaMember Ready(QuotaBoard? board = null, Func<int, TimeSpan, (int, int, double)>? usage = null)
    {
        var member = new QuotaMember(board ?? _store.Board(Key), _clock, selfDriven: false, usage ?? ((_, _) => (0, 0, 0)));
        Assert.False(member.Admit(Now, 200, out _, out _, out _));
        _clock.Set(member.Tick()!.Value); // read the board; with others on it, it waits its join
        member.Tick();
        return member;
    }

    /// <summary>What this machine's other processes read of the member on the board (the only one that is not "other").</summary>
    private QuotaRecord SaidByMember() => Assert.Single(_store.Board(Key).Read("other").Others);

    /// <summary>A board folder the user may not write: every publish fails, until <see cref="FailuresLeft"/> runs out.</summary>
    private sealed class FailingBoard(QuotaBoard inner) : QuotaBoard
    {
        public int FailuresLeft { get; set; } = int.MaxValue;

        public override string Join() => inner.Join();

        public override void Publish(string member, int used, int rate, int ceiling, bool backlogged)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new IOException("Access to the path is denied.");
            }
            inner.Publish(member, used, rate, ceiling, backlogged);
        }

        public override QuotaReading Read(string member) => inner.Read(member);

        public override void Leave(string member) => inner.Leave(member);
    }

    [Fact]
    public void A_board_that_keeps_failing_turns_coordination_off_and_the_job_goes_at_its_own_ceiling()
    {
        // Another job holds half the quota: had the member read the board, it would go at 100.
        Other("other", used: 100, rate: 100, backlogged: true);
        var member = new QuotaMember(new FailingBoard(_store.Board(Key)), _clock, selfDriven: false, (_, _) => (0, 0, 0));
        Assert.False(member.Admit(Now, 200, out _, out _, out _));
        for (var failed = 1; failed < 5; failed++)
        {
            _clock.Set(member.Tick()!.Value);
            Assert.False(member.Admit(Now, 200, out _, out _, out _)); // a failure is no reading: it does not send as if alone
        }

        member.Tick(); // the fifth in a row: coordination is off for the process
        Assert.True(member.Admit(Now, 200, out var ceiling, out var room, out _));
        Assert.Equal((200, 200), (ceiling, room));
        Assert.Equal(200, member.CeilingFor(200));
        var next = Now + TimeSpan.FromSeconds(5);
        member.Waited(Now, forRoom: false, boardBinds: false, backlog: true, ref next);
        Assert.Equal(Now + TimeSpan.FromSeconds(5), next); // no board to read again soon
        _clock.Advance(QuotaMember.PublishInterval);
        Assert.Null(member.Tick()); // and its timer stops
    }

    [Fact]
    public void A_board_that_fails_a_few_times_and_recovers_still_splits_the_quota()
    {
        Other("other", used: 100, rate: 100, backlogged: true);
        var board = new FailingBoard(_store.Board(Key)) { FailuresLeft = 4 };
        var member = new QuotaMember(board, _clock, selfDriven: false, (_, _) => (0, 0, 0));
        Assert.False(member.Admit(Now, 200, out _, out _, out _));
        for (var i = 0; i < 4; i++) _clock.Set(member.Tick()!.Value);
        Other("other", used: 100, rate: 100, backlogged: true);
        _clock.Set(member.Tick()!.Value); // read the board at last: the other is there, so it waits its join
        member.Tick();

        Assert.True(member.Admit(Now, 200, out var ceiling, out var room, out _));
        Assert.Equal((100, 100), (ceiling, room));

        // Four more failures after a good reading: the count starts again, the last reading holds.
        board.FailuresLeft = 4;
        for (var i = 0; i < 4; i++)
        {
            _clock.Advance(QuotaMember.PublishInterval);
            Assert.True(member.Admit(Now, 200, out _, out _, out _));
            member.Tick();
        }
        Assert.Equal(100, member.CeilingFor(200));
    }

    [Fact]
    public void A_job_left_no_room_waits_a_publish_interval_at_a_time_and_sends_one_call_a_second_anyway()
    {
        // Another job filled the service's window and wants more: a rate of 100 for each, but no room for this one.
        Other("other", used: 200, rate: 200, backlogged: true);
        var member = Ready();
        var starved = Now;
        Assert.False(member.Admit(Now, 200, out _, out _, out var wake));
        Assert.Equal(Now + QuotaMember.PublishInterval, wake);
        _clock.Set(starved + TimeSpan.FromSeconds(0.9));
        Assert.False(member.Admit(Now, 200, out _, out _, out _));

        _clock.Set(starved + QuotaMember.NoRoomAtMost);
        Assert.True(member.Admit(Now, 200, out var ceiling, out var room, out _)); // starved for a second: one call goes
        Assert.Equal((1, 1), (ceiling, room));
        member.Sent(Now);
        _clock.Set(starved + TimeSpan.FromSeconds(1.5));
        Assert.False(member.Admit(Now, 200, out _, out _, out _)); // the next a second after it, not at once
        _clock.Set(starved + QuotaMember.NoRoomAtMost + QuotaMember.NoRoomAtMost);
        Assert.True(member.Admit(Now, 200, out _, out _, out _));
        member.Sent(Now);

        // The window frees a call's room: its callers waited for room, so its record says it wants more (a sliver of
        // room is not taken before that, QuotaMember.SliverRoom), and it goes at once; a job held to 1 call/s of its own
        // goes too.
        var next = Now;
        member.Waited(Now, forRoom: true, boardBinds: true, backlog: true, ref next);
        Other("other", used: 199, rate: 100, backlogged: true);
        member.Tick();
        Assert.True(member.Admit(Now, 200, out ceiling, out room, out _));
        Assert.Equal((100, 1), (ceiling, room));
        Assert.True(member.Admit(Now, 1, out ceiling, out room, out _));
        Assert.Equal((1, 1), (ceiling, room));
    }

    [Fact]
    public void A_caller_waiting_on_the_board_looks_again_within_a_publish_interval()
    {
        Other("other", used: 100, rate: 100, backlogged: true);
        var member = Ready();
        var next = Now + TimeSpan.FromSeconds(5); // its pace would have it wait long: a new reading may give more sooner
        member.Waited(Now, forRoom: false, boardBinds: true, backlog: true, ref next);
        Assert.Equal(Now + QuotaMember.PublishInterval, next);
        next = Now + TimeSpan.FromMilliseconds(30); // its turn comes sooner than that: no later for the board
        member.Waited(Now, forRoom: false, boardBinds: true, backlog: true, ref next);
        Assert.Equal(Now + TimeSpan.FromMilliseconds(30), next);
    }

    [Fact]
    public void A_job_that_sends_a_little_now_and_then_wants_no_more_and_claims_only_its_calls_in_the_window()
    {
        // Its limiter: 10 calls in the window, 8 of them still there a publish interval on, pacing at 100 calls/s.
        Other("other", used: 100, rate: 100, backlogged: true);
        var member = Ready(usage: (_, _) => (10, 8, 100));
        Assert.True(member.Admit(Now, 200, out var ceiling, out _, out _));
        Assert.Equal(100, ceiling);

        // Its callers waited for the pace, but it sent one call in a publish interval of its share of 10.
        var next = Now;
        member.Waited(Now, forRoom: false, boardBinds: true, backlog: true, ref next);
        member.Sent(Now);
        _clock.Advance(QuotaMember.PublishInterval);
        Other("other", used: 100, rate: 100, backlogged: true);
        member.Tick();
        var said = SaidByMember();
        Assert.Equal((10, 10, false), (said.Used, said.Rate, said.Backlogged));

        // Sending half its share and waiting for more: it wants more, and claims what its pace adds meanwhile.
        member.Waited(Now, forRoom: false, boardBinds: true, backlog: true, ref next);
        for (var i = 0; i < 5; i++) member.Sent(Now);
        _clock.Advance(QuotaMember.PublishInterval);
        Other("other", used: 100, rate: 100, backlogged: true);
        member.Tick();
        said = SaidByMember();
        Assert.Equal((8 + 10, 50, true), (said.Used, said.Rate, said.Backlogged));
    }

    [Fact]
    public void The_first_job_on_an_empty_board_sends_as_soon_as_it_has_read_it()
    {
        var member = new QuotaMember(_store.Board(Key), _clock, selfDriven: false, (_, _) => (0, 0, 0));
        Assert.False(member.Admit(Now, 200, out _, out _, out _));
        member.Tick();
        Assert.False(member.HasCompany);
        Assert.True(member.Admit(Now, 200, out var ceiling, out var room, out _)); // no join wait
        Assert.Equal((200, 200), (ceiling, room));
    }

    [Fact]
    public void A_job_that_went_idle_and_asks_again_rejoins_the_board_on_its_own_timer()
    {
        var member = new QuotaMember(_store.Board(Key), _clock, selfDriven: true, (_, _) => (0, 0, 0));
        Assert.False(member.Admit(Now, 200, out _, out _, out _)); // joins: its timer publishes and reads at once
        BatchRunTests.WaitUntil(() => _store.Members == 1 && _clock.PendingDelays == 1, "the member's timer never published");
        Assert.True(member.Admit(Now, 200, out _, out _, out _));

        // No demand for LeaveAfter: its timer deletes its record and stops.
        var idleSince = Now;
        while (_store.Members > 0 && Now < idleSince + QuotaMember.LeaveAfter + QuotaMember.PublishInterval)
        {
            _clock.Advance(QuotaMember.PublishInterval);
            BatchRunTests.WaitUntil(() => _clock.PendingDelays == 1 || _store.Members == 0, "the member's timer stopped on the board");
        }
        Assert.Equal(0, _store.Members);
        BatchRunTests.WaitUntil(() => _clock.PendingDelays == 0, "the member's timer went on after it left");

        // The job asks again (a pipeline that paused): it is on the board again, on a timer of its own.
        Assert.False(member.Admit(Now, 200, out _, out _, out _));
        BatchRunTests.WaitUntil(() => _store.Members == 1 && _clock.PendingDelays == 1, "the member never rejoined the board");
        Assert.True(member.Admit(Now, 200, out _, out _, out _));
    }

    [Fact]
    public void The_calls_the_others_hold_of_the_window_add_up_over_every_other_job()
    {
        // What a refusal's cut counts of this machine's jobs in the service's window: all of them, not the busiest.
        Other("first", used: 60, rate: 60, backlogged: true);
        Other("second", used: 40, rate: 40, backlogged: false);
        var member = Ready();
        Assert.True(member.HasCompany);
        Assert.Equal(100, member.OthersInWindow);
    }

    [Fact]
    public void A_joining_caller_looks_again_when_the_join_wait_ends_and_a_moment_later_once_it_has_passed()
    {
        Other("other", used: 100, rate: 100, backlogged: true);
        var member = new QuotaMember(_store.Board(Key), _clock, selfDriven: false, (_, _) => (0, 0, 0));
        var joined = Now;
        Assert.False(member.Admit(Now, 200, out _, out _, out _));
        var readyAt = joined + QuotaMember.JoinWait;

        _clock.Set(readyAt - TimeSpan.FromMilliseconds(2));
        Assert.False(member.Admit(Now, 200, out _, out _, out var wake));
        Assert.Equal(readyAt, wake); // the join wait ends before the next poll
        // The join wait is over but the board not read yet (its timer is late): a moment later, not at once (no spin).
        foreach (var late in new[] { 0, 10 })
        {
            _clock.Set(readyAt + TimeSpan.FromMilliseconds(late));
            Assert.False(member.Admit(Now, 200, out _, out _, out wake));
            Assert.Equal(Now + RatePacer.CatchUp, wake);
        }
    }

    [Fact]
    public void A_crashed_processs_stale_record_beside_a_live_job_takes_no_share()
    {
        var split = QuotaShare.Split(200, [QuotaBoardTests.Said(0.05, used: 100, backlogged: true), QuotaBoardTests.Said(1.5, used: 200, backlogged: true)], QuotaBoardTests.Now);
        Assert.Equal((100.0, 100), (split.Rate, split.Room));
    }

    [Fact]
    public void A_job_that_wants_no_more_is_read_so_by_the_other_processes()
    {
        var (a, b) = (new FileQuotaStore(_root).Board(Key), new FileQuotaStore(_root).Board(Key));
        var (ma, mb) = (a.Join(), b.Join());
        a.Publish(ma, used: 40, rate: 40, ceiling: 200, backlogged: false);
        var record = Assert.Single(b.Read(mb).Others);
        Assert.Equal((40, 40, false), (record.Used, record.Rate, record.Backlogged));
    }

    [Fact]
    public void A_file_with_a_time_out_of_range_is_no_record_and_does_not_break_the_reading()
    {
        // Checksummed but stamped past the last time there is (about the year 15,800): another program's, or a future format's.
        var text = Encoding.ASCII.GetString(QuotaRecordText.Format(QuotaBoardTests.Said(0, used: 10, backlogged: true)));
        var body = string.Concat(text.AsSpan(0, 5), "5000000000000000000", text.AsSpan(24, QuotaRecordText.Length - 10 - 24));
        var foreign = body + " " + QuotaRecordText.Check(body).ToString("x8", CultureInfo.InvariantCulture) + "\n";
        Assert.Equal(QuotaRecordText.Length, foreign.Length);
        Assert.Null(QuotaRecordText.Parse(foreign));

        var board = new FileQuotaStore(_root).Board(Key);
        var me = board.Join();
        board.Publish(me, used: 1, rate: 1, ceiling: 200, backlogged: false);
        var folder = Path.GetDirectoryName(Directory.GetFiles(_root, "*.quota", SearchOption.AllDirectories).Single())!;
        File.WriteAllText(Path.Combine(folder, "1-foreign.quota"), foreign);
        Assert.Empty(board.Read(me).Others);
    }

    [Fact]
    public void Once_the_process_began_to_exit_a_publish_leaves_no_file_behind()
    {
        var store = new FileQuotaStore(_root);
        var board = store.Board(Key);
        var me = board.Join();
        board.Publish(me, used: 5, rate: 5, ceiling: 200, backlogged: true);
        store.LeaveAll();
        board.Publish(me, used: 6, rate: 6, ceiling: 200, backlogged: true); // the member's timer, a moment late
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void A_keys_board_lives_in_the_same_folder_for_every_version_of_the_module()
    {
        // Two installs of the module on one machine (a job in each) meet on the board only if they name it alike.
        Assert.Equal("f92dbfcb4d2d2f31", FileQuotaStore.FolderOf("https://console.tim.qq.com/|1400000000|v4/follow/follow_get_info"));
    }

    [Fact]
    public void A_start_over_refused_on_the_call_sent_as_it_started_doubles_the_quiet_before_the_next()
    {
        var rule = new BoardStartOver();
        rule.Refused(BoardStartOverTests.S(20), BoardStartOverTests.S(20), cutUnder: BoardStartOverTests.Share);
        var startedAt = BoardStartOverTests.S(20) + BoardStartOver.Quiet;
        Assert.True(rule.Due(BoardStartOverTests.CutAndGoing(), BoardStartOverTests.Share, company: true, startedAt));
        rule.Refused(startedAt, startedAt + BoardStartOverTests.S(0.1), cutUnder: BoardStartOverTests.Share); // the first call it let go
        Assert.Equal(1, rule.Fruitless);
    }
}
