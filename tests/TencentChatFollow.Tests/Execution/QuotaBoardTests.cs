using System.Text;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// Same-machine coordination: the split of the quota (a pure function of the board), the file store (two processes'
/// boards in one temp folder), a member's life on a stepped fake clock (join, idle, leave), and the registry's switch.
/// </summary>
public sealed class QuotaBoardTests : IDisposable
{
    internal static readonly DateTime Now = new(2026, 12, 4, 8, 0, 0, DateTimeKind.Utc);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "TencentChatFollow-quota-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>A record said <paramref name="secondsAgo"/>, sending at <paramref name="rate"/> calls/s lately (by default as many as it holds of the window).</summary>
    internal static QuotaRecord Said(double secondsAgo, int used, bool backlogged, int? rate = null)
        => new(Now - TimeSpan.FromSeconds(secondsAgo), used, rate ?? used, 200, backlogged);

    private static QuotaSplit Split(params QuotaRecord[] others) => QuotaShare.Split(200, others, Now);

    [Fact]
    public void Alone_a_member_may_use_the_whole_ceiling()
    {
        var split = Split();
        Assert.Equal(200, split.Rate);
        Assert.Equal(200, split.Room);
    }

    [Fact]
    public void A_newcomer_gets_an_even_rate_but_only_the_room_the_window_has()
    {
        // The other fills the window and wants more: half the rate each, and no call until its calls leave the window.
        var split = Split(Said(0.05, used: 200, backlogged: true));
        Assert.Equal(100, split.Rate);
        Assert.Equal(0, split.Room);
        // Half a second later it has slowed to its half: the window has freed room for about half of that.
        Assert.Equal(50, Split(Said(0.05, used: 150, backlogged: true)).Room);
    }

    [Fact]
    public void A_leavers_share_comes_back_as_its_calls_leave_the_window()
    {
        // It ended: it sends nothing (rate 0, not backlogged) and its calls in the window decay over a second. The
        // others may go at the whole ceiling at once, within the room its calls leave.
        Assert.Equal([200.0, 200.0, 200.0], new[] { 100, 50, 0 }.Select(used => Split(Said(0.05, used, backlogged: false, rate: 0)).Rate));
        Assert.Equal([100, 150, 200], new[] { 100, 50, 0 }.Select(used => Split(Said(0.05, used, backlogged: false, rate: 0)).Room));
    }

    [Fact]
    public void The_sated_keep_what_they_use_and_those_who_want_more_share_the_rest_alike()
    {
        // One wants no more than its 40 calls/s; another wants more: the rest is split between it and us.
        var split = Split(Said(0.05, used: 40, backlogged: false), Said(0.05, used: 60, backlogged: true));
        Assert.Equal(80, split.Rate);
        Assert.Equal(100, split.Room);
        // What the sated go on sending counts, not what they sent: one slowing down from 100 to 40 leaves 160.
        Assert.Equal(80, Split(Said(0.05, used: 100, backlogged: false, rate: 40), Said(0.05, used: 60, backlogged: true)).Rate);
        // A job held to 50 of its own splits the board's 200 too: it may go at 50 at most, within the room.
        var held = QuotaShare.Split(50, [Said(0.05, used: 100, backlogged: true)], Now);
        Assert.Equal((50.0, 50), (held.Rate, held.Room));
        // Three that all want more: a third each.
        Assert.Equal(200 / 3.0, Split(Said(0.05, 66, true), Said(0.05, 66, true)).Rate, 3);
    }

    [Fact]
    public void A_newcomer_beside_a_job_that_had_the_quota_to_itself_gets_an_even_rate_at_once()
    {
        // It ran alone at 198 calls/s: its own ceiling held it, not the board, so it did not say it wants more. It
        // is bound to the split once it reads the newcomer; meanwhile the newcomer does not take it for a job that
        // wants only 198 (that would leave the newcomer 2 calls/s, and a refusal then would cut its loop to that).
        var split = Split(Said(0.05, used: 198, backlogged: false, rate: 198));
        Assert.Equal(100, split.Rate);
        Assert.Equal(2, split.Room); // the window is still its calls' until they leave
        // One that sends a little more than an even split, and wants no more, keeps it.
        Assert.Equal(80, Split(Said(0.05, used: 120, backlogged: false, rate: 120)).Rate);
    }

    [Fact]
    public void An_idle_member_leaves_everything_and_a_stale_one_counts_for_nothing()
    {
        Assert.Equal(200, Split(Said(0.05, used: 0, backlogged: false)).Rate);
        var stale = Split(Said(1.5, used: 200, backlogged: true)); // a process that stopped saying anything (crashed)
        Assert.Equal(200, stale.Rate);
        Assert.Equal(200, stale.Room);
    }

    [Fact]
    public void A_record_reads_back_and_a_partial_or_torn_one_does_not()
    {
        var text = Encoding.ASCII.GetString(QuotaRecordText.Format(Said(0, used: 123, backlogged: true, rate: 45)));
        Assert.Equal(QuotaRecordText.Length, text.Length);
        var back = QuotaRecordText.Parse(text);
        Assert.Equal((Now, 123, 45, 200, true), (back!.Value.At, back.Value.Used, back.Value.Rate, back.Value.Ceiling, back.Value.Backlogged));
        Assert.Null(QuotaRecordText.Parse(text.Substring(0, 20)));
        Assert.Null(QuotaRecordText.Parse(text.Replace(" 000123 ", " 000923 ", StringComparison.Ordinal)));
        Assert.Null(QuotaRecordText.Parse(string.Empty));
    }

    [Fact]
    public void Two_processes_boards_in_one_folder_see_each_other_and_not_themselves()
    {
        var a = new FileQuotaStore(_root).Board("key");
        var b = new FileQuotaStore(_root).Board("key");
        var other = new FileQuotaStore(_root).Board("another key");
        var (ma, mb) = (a.Join(), b.Join());
        Assert.NotEqual(ma, mb);
        var publishing = DateTime.UtcNow;
        a.Publish(ma, used: 120, rate: 100, ceiling: 200, backlogged: true);
        b.Publish(mb, used: 30, rate: 30, ceiling: 200, backlogged: false);
        other.Publish(other.Join(), used: 200, rate: 200, ceiling: 200, backlogged: true);

        var seenByB = b.Read(mb);
        var record = Assert.Single(seenByB.Others);
        Assert.Equal((120, true), (record.Used, record.Backlogged));
        // Said when it was published, on the wall clock b reads by: between the two, however long a busy machine took
        // (fresh for a second only, which a stall between publishing and reading could outlast).
        Assert.InRange(record.At, publishing, seenByB.At);
        Assert.Equal(30, Assert.Single(a.Read(ma).Others).Used);
    }

    [Fact]
    public void A_partial_file_is_skipped_a_stale_one_counts_for_nothing_and_a_forgotten_one_is_deleted()
    {
        var board = new FileQuotaStore(_root).Board("key");
        var me = board.Join();
        board.Publish(me, used: 10, rate: 10, ceiling: 200, backlogged: true);
        var folder = Path.GetDirectoryName(Directory.GetFiles(_root, "*.quota", SearchOption.AllDirectories).Single())!;
        File.WriteAllText(Path.Combine(folder, "1-partial.quota"), "TCQ1 0638");
        var oldPartial = Path.Combine(folder, "2-partial.quota");
        File.WriteAllText(oldPartial, "TCQ1 06");
        File.SetLastWriteTimeUtc(oldPartial, DateTime.UtcNow.AddMinutes(-5));
        var stale = new QuotaRecord(DateTime.UtcNow.AddSeconds(-3), 200, 200, 200, true);
        File.WriteAllBytes(Path.Combine(folder, "3-stale.quota"), QuotaRecordText.Format(stale));
        var forgotten = Path.Combine(folder, "4-crashed.quota");
        File.WriteAllBytes(forgotten, QuotaRecordText.Format(new QuotaRecord(DateTime.UtcNow.AddHours(-1), 200, 200, 200, true)));

        var reading = board.Read(me);
        Assert.Equal(200, Assert.Single(reading.Others).Used); // the stale one only: partial files skipped
        Assert.Equal(200, reading.Split(200).Rate);            // and stale counts for nothing
        Assert.False(File.Exists(forgotten));
        Assert.False(File.Exists(oldPartial));
        Assert.True(File.Exists(Path.Combine(folder, "1-partial.quota"))); // maybe mid-write: left alone
    }

    [Fact]
    public void A_record_caught_mid_write_keeps_its_last_good_reading()
    {
        var (a, b) = (new FileQuotaStore(_root).Board("key"), new FileQuotaStore(_root).Board("key"));
        var (ma, mb) = (a.Join(), b.Join());
        a.Publish(ma, used: 150, rate: 100, ceiling: 200, backlogged: true);
        b.Publish(mb, used: 0, rate: 0, ceiling: 200, backlogged: true);
        Assert.Equal(150, Assert.Single(b.Read(mb).Others).Used);
        var path = Directory.GetFiles(_root, ma + ".quota", SearchOption.AllDirectories).Single();
        File.WriteAllText(path, "TCQ1 063");
        Assert.Equal(150, Assert.Single(b.Read(mb).Others).Used);
    }

    [Fact]
    public void Leaving_deletes_the_members_file_and_the_boards_folder_once_empty_and_so_does_the_process_exit()
    {
        var store = new FileQuotaStore(_root);
        var (board, other) = (store.Board("key"), new FileQuotaStore(_root).Board("key"));
        var (me, them) = (board.Join(), other.Join());
        board.Publish(me, 1, 1, 200, false);
        other.Publish(them, 1, 1, 200, false);
        board.Leave(me);
        Assert.Single(Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
        other.Leave(them);
        Assert.Empty(Directory.GetFileSystemEntries(_root));

        var exiting = store.Board("key");
        exiting.Publish(exiting.Join(), 5, 5, 200, true);
        store.LeaveAll();
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void A_member_sends_nothing_before_it_has_read_the_board_a_join_wait_after_joining_and_leaves_when_idle()
    {
        var clock = new ManualClock();
        var store = new MemoryQuotaStore(clock);
        var board = store.Board("key");
        store.Put("key", "other", new QuotaRecord(clock.UtcNow.UtcDateTime, 200, 200, 200, true));
        var member = new QuotaMember(board, clock, selfDriven: false, usage: (_, _) => (0, 0, 0));

        var joined = clock.Elapsed;
        Assert.False(member.Admit(clock.Elapsed, 200, out _, out _, out var wake));
        Assert.Equal(clock.Elapsed + QuotaMember.JoinPoll, wake); // its first reading may show it alone: look again soon
        member.Tick(); // registers, and reads another member: it waits its join
        Assert.Equal(2, store.Members);
        clock.Set(wake);
        Assert.False(member.Admit(clock.Elapsed, 200, out _, out _, out _));
        clock.Set(joined + QuotaMember.JoinWait);
        Assert.False(member.Admit(clock.Elapsed, 200, out _, out _, out _)); // not read since
        store.Put("key", "other", new QuotaRecord(clock.UtcNow.UtcDateTime, 150, 100, 200, true));
        member.Tick();
        Assert.True(member.Admit(clock.Elapsed, 200, out var ceiling, out var room, out _));
        Assert.Equal((100, 50), (ceiling, room));
        Assert.Equal(100, member.CeilingFor(200));

        // Idle: no demand for LeaveAfter, and the member's record is gone.
        for (var t = TimeSpan.Zero; t <= QuotaMember.LeaveAfter; t += QuotaMember.PublishInterval)
        {
            clock.Advance(QuotaMember.PublishInterval);
            member.Tick();
        }
        Assert.Null(member.Tick());
        Assert.Equal(1, store.Members);
        Assert.Equal(200, member.CeilingFor(200)); // not on the board: its own ceiling
    }

    [Fact]
    public void A_member_takes_no_sliver_of_room_before_its_record_says_it_wants_more()
    {
        // Two jobs fill the window between them (197 and 200 of it claimed as theirs): 3 calls of room is within what
        // their claims may be off by. A member on the board since a lone call (Connect's check), whose record says it
        // wants nothing, waits and says it wants more; once its record says so, the room is its to use.
        var clock = new ManualClock();
        var store = new MemoryQuotaStore(clock);
        var board = store.Board("key");
        store.Put("key", "a", new QuotaRecord(clock.UtcNow.UtcDateTime, 98, 100, 200, true));
        store.Put("key", "b", new QuotaRecord(clock.UtcNow.UtcDateTime, 99, 100, 200, true));
        QuotaMember Joined()
        {
            // On the board after its join wait; nothing waited, so its record says it wants nothing.
            var m = new QuotaMember(board, clock, selfDriven: false, usage: (_, _) => (0, 0, 0));
            Assert.False(m.Admit(clock.Elapsed, 200, out _, out _, out _));
            m.Tick();
            clock.Advance(QuotaMember.JoinWait);
            m.Tick();
            return m;
        }
        var member = Joined();

        Assert.True(member.Admit(clock.Elapsed, 200, out _, out var room, out _, backlog: false)); // a lone call goes
        Assert.False(member.Admit(clock.Elapsed, 200, out _, out room, out _));
        Assert.Equal(3, room);
        var next = clock.Elapsed;
        member.Waited(clock.Elapsed, forRoom: true, boardBinds: true, backlog: true, ref next);
        clock.Advance(QuotaMember.PublishInterval);
        member.Tick(); // says it wants more
        Assert.Contains(board.Read("a").Others, r => r.Backlogged && r.Used == 0);
        Assert.True(member.Admit(clock.Elapsed, 200, out var ceiling, out room, out _));
        Assert.Equal((66, 3), (ceiling, room));

        // Room of the sliver's size or more is taken at once, said or not.
        store.Put("key", "a", new QuotaRecord(clock.UtcNow.UtcDateTime, 98 - QuotaMember.SliverRoom, 100, 200, true));
        var other = Joined();
        Assert.True(other.Admit(clock.Elapsed, 200, out _, out room, out _));
        Assert.Equal(QuotaMember.SliverRoom + 3, room);
    }

    [Theory]
    [InlineData(10, true, 30, false, false)] // a call every 10 ms, each waiting its turn; the last went 30 ms ago and no caller waited since: it stopped
    [InlineData(10, true, 10, false, true)]  // the last went 10 ms ago: within its pace, it still sends
    [InlineData(10, true, 30, true, true)]   // a caller waited since its last call (for room, for its pace): it wants more
    [InlineData(50, false, 30, false, true)] // one call at a time every 50 ms (its own throttle), none waits: 30 ms after one it has not stopped
    public void A_member_whose_callers_stopped_says_so_at_its_next_publish(int everyMs, bool callersWait, int lastCallMsAgo, bool waitedAfter, bool stillSends)
    {
        // A run's callers waited for their turns until the last went, then asked for no more (the run ended). Its record
        // said it wanted more through the interval of its last calls, and the others go on holding its share for as long
        // as the record says so: the publish after its last call says it sends nothing, not the one after that. A job
        // that sends now and then has not stopped between its calls.
        var clock = new ManualClock();
        var store = new MemoryQuotaStore(clock);
        var board = store.Board("key");
        store.Put("key", "other", new QuotaRecord(clock.UtcNow.UtcDateTime, 100, 100, 200, true));
        var member = new QuotaMember(board, clock, selfDriven: false, usage: (_, _) => (100, 90, 100));
        member.Admit(clock.Elapsed, 200, out _, out _, out _);
        member.Tick();
        clock.Advance(QuotaMember.JoinWait);
        member.Tick();

        var next = clock.Elapsed;
        var end = clock.Elapsed + QuotaMember.PublishInterval + QuotaMember.PublishInterval;
        var last = end - TimeSpan.FromMilliseconds(lastCallMsAgo);
        var tick = clock.Elapsed + QuotaMember.PublishInterval;
        for (var t = clock.Elapsed + TimeSpan.FromMilliseconds(everyMs); t <= last; t += TimeSpan.FromMilliseconds(everyMs))
        {
            if (callersWait) member.Waited(clock.Elapsed, forRoom: false, boardBinds: true, backlog: true, ref next); // a caller waits for its pace
            if (t >= tick)
            {
                clock.Advance(tick - clock.Elapsed);
                member.Tick();
                tick = end;
            }
            clock.Advance(t - clock.Elapsed);
            Assert.True(member.Admit(clock.Elapsed, 200, out _, out _, out _, backlog: callersWait));
            member.Sent(clock.Elapsed); // and gets its turn
        }
        if (waitedAfter) member.Waited(clock.Elapsed, forRoom: true, boardBinds: true, backlog: true, ref next); // another waits, as the turn went
        clock.Advance(end - clock.Elapsed);
        member.Tick();

        var said = Assert.Single(board.Read("other").Others);
        Assert.Equal(stillSends && callersWait, said.Backlogged);
        Assert.Equal(stillSends, said.Rate > 0);
        Assert.Equal(100, said.Used); // its calls stay in the service's window either way
    }

    [Fact]
    public void A_member_alone_on_the_board_sends_as_soon_as_it_has_read_it()
    {
        var clock = new ManualClock();
        var store = new MemoryQuotaStore(clock);
        var board = store.Board("key");
        store.Put("key", "crashed", new QuotaRecord(clock.UtcNow.UtcDateTime - QuotaShare.Fresh, 200, 200, 200, true)); // said nothing for a second
        var member = new QuotaMember(board, clock, selfDriven: false, usage: (_, _) => (0, 0, 0));

        Assert.False(member.Admit(clock.Elapsed, 200, out _, out _, out _)); // has not read the board yet
        member.Tick();
        Assert.True(member.Admit(clock.Elapsed, 200, out var ceiling, out var room, out _)); // no join wait
        Assert.Equal((200, 200), (ceiling, room));
    }

    [Fact]
    public void The_pacer_tells_how_many_of_its_calls_stay_in_the_window_a_moment_later()
    {
        var pacer = new RatePacer(TimeSpan.FromSeconds(1));
        foreach (var ms in new[] { 0, 50, 100, 900 }) pacer.Take(TimeSpan.FromMilliseconds(ms), TimeSpan.FromMilliseconds(ms));
        Assert.Equal(4, pacer.InWindow(TimeSpan.FromMilliseconds(950)));
        Assert.Equal(2, pacer.StillInWindowAt(TimeSpan.FromMilliseconds(1060))); // the calls at 0 and 50 ms have left
        Assert.Equal(0, pacer.StillInWindowAt(TimeSpan.FromMilliseconds(1900)));
    }

    [Fact]
    public void A_call_that_arrived_late_counts_from_its_arrival_and_calls_given_one_slot_time_move_one_by_one()
    {
        var pacer = new RatePacer(TimeSpan.FromSeconds(1));
        foreach (var ms in new[] { 0, 0, 50, 100 }) pacer.Take(TimeSpan.FromMilliseconds(ms), TimeSpan.FromMilliseconds(ms));
        pacer.Arrived(TimeSpan.Zero, TimeSpan.FromMilliseconds(80)); // one of the two sent at 0 arrived at 80
        Assert.Equal(3, pacer.StillInWindowAt(TimeSpan.FromMilliseconds(1010))); // the other has left; 50, 80 and 100 stay
        pacer.Arrived(TimeSpan.Zero, TimeSpan.FromMilliseconds(80)); // so did the second
        Assert.Equal(4, pacer.StillInWindowAt(TimeSpan.FromMilliseconds(1010)));
        pacer.Arrived(TimeSpan.Zero, TimeSpan.FromMilliseconds(40)); // an earlier arrival than it counts from changes nothing
        Assert.Equal(1, pacer.StillInWindowAt(TimeSpan.FromMilliseconds(1090))); // 50 and the two at 80 have left; 100 stays
    }

    [Fact]
    public void A_registry_without_a_store_does_not_coordinate_and_the_switch_turns_the_machines_store_off()
    {
        var clock = new ManualClock();
        var endpoint = new Uri("https://console.tim.qq.com/");
        Assert.Null(new RateLimiterRegistry(clock).For(endpoint, 1, "v4/follow/follow_get_info").Coordination);
        Assert.NotNull(new RateLimiterRegistry(clock, coordination: new MemoryQuotaStore(clock)).For(endpoint, 1, "v4/follow/follow_get_info").Coordination);
        Assert.Null(RateLimiterRegistry.Shared.Coordination); // the unit tests turn it off (CoordinationOffInTests)

        var before = Environment.GetEnvironmentVariable(QuotaStore.SwitchVariable);
        var path = Environment.GetEnvironmentVariable(QuotaStore.PathVariable);
        try
        {
            Environment.SetEnvironmentVariable(QuotaStore.PathVariable, _root);
            foreach (var off in new[] { "off", "OFF", "0", "false", " no " })
            {
                Environment.SetEnvironmentVariable(QuotaStore.SwitchVariable, off);
                Assert.Null(QuotaStore.FromEnvironment());
            }
            Environment.SetEnvironmentVariable(QuotaStore.SwitchVariable, null);
            Assert.Equal(_root, Assert.IsType<FileQuotaStore>(QuotaStore.FromEnvironment()).Root);
            Environment.SetEnvironmentVariable(QuotaStore.SwitchVariable, "on");
            Assert.NotNull(QuotaStore.FromEnvironment());
        }
        finally
        {
            Environment.SetEnvironmentVariable(QuotaStore.SwitchVariable, before);
            Environment.SetEnvironmentVariable(QuotaStore.PathVariable, path);
        }
    }
}
