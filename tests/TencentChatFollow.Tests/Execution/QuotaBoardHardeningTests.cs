using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// The quota board where the machine is not as the board expects: a folder that several users' jobs share
/// (TENCENTCHAT_COORDINATION_PATH); a board whose reading hangs (a named pipe called *.quota in its folder, which
/// opening for reading waits on for a writer; a file system that stopped answering).
/// </summary>
public sealed class QuotaBoardHardeningTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "TencentChatFollow-quota-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void A_boards_folder_made_in_a_folder_that_all_users_may_write_lets_the_other_users_join_it()
    {
        if (OperatingSystem.IsWindows()) return; // a new folder inherits its parent's access rules there
        const UnixFileMode shared = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.StickyBit; // 1777, as /tmp
        Directory.CreateDirectory(_root);
        File.SetUnixFileMode(_root, shared);

        var board = new FileQuotaStore(_root).Board("key");
        board.Publish(board.Join(), used: 1, rate: 1, ceiling: 200, backlogged: false);

        var file = Directory.GetFiles(_root, "*.quota", SearchOption.AllDirectories).Single();
        Assert.Equal(shared, File.GetUnixFileMode(Path.GetDirectoryName(file)!)); // another user may add a file, not delete this one
        Assert.Equal(UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead));
    }

    [Fact]
    public void The_default_folder_found_open_to_other_users_is_made_the_users_own_before_a_record_goes_in()
    {
        // Without XDG_RUNTIME_DIR the default folder is in the shared temp folder, named for the user: another local
        // user who made it first, open to all, could write records there that squeeze this user's jobs to a call a second.
        if (OperatingSystem.IsWindows()) return; // the temp folder is the user's own there
        const UnixFileMode open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(_root);
        File.SetUnixFileMode(_root, open);

        var board = new FileQuotaStore(_root, userOwn: true).Board("key");
        board.Publish(board.Join(), used: 1, rate: 1, ceiling: 200, backlogged: false);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_root));
        Assert.Single(Directory.GetFiles(_root, "*.quota", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_default_folder_made_new_is_the_users_own()
    {
        if (OperatingSystem.IsWindows()) return;
        var board = new FileQuotaStore(_root, userOwn: true).Board("key");
        board.Publish(board.Join(), used: 1, rate: 1, ceiling: 200, backlogged: false);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_root));
    }

    /// <summary>A board whose reading hangs while <see cref="Gate"/> is shut.</summary>
    private sealed class HangingBoard(QuotaBoard inner) : QuotaBoard, IDisposable
    {
        public ManualResetEventSlim Gate { get; } = new(initialState: true);

        public SemaphoreSlim Reading { get; } = new(0);

        public override string Join() => inner.Join();

        public override void Publish(string member, int used, int rate, int ceiling, bool backlogged) => inner.Publish(member, used, rate, ceiling, backlogged);

        public override QuotaReading Read(string member)
        {
            Reading.Release();
            Gate.Wait();
            return inner.Read(member);
        }

        public override void Leave(string member) => inner.Leave(member);

        public void Dispose()
        {
            Gate.Set();
            Gate.Dispose();
            Reading.Dispose();
        }
    }

    [Fact]
    public async Task A_board_whose_reading_hangs_as_a_job_joins_holds_it_back_no_longer_than_a_forgotten_records_age()
    {
        var clock = new ManualClock();
        using var board = new HangingBoard(new MemoryQuotaStore(clock).Board("key"));
        var member = new QuotaMember(board, clock, selfDriven: false, (_, _) => (0, 0, 0));
        Assert.False(member.Admit(clock.Elapsed, 200, out _, out _, out _));
        board.Gate.Reset();
        var tick = Task.Run(member.Tick); // its timer: publishes, then hangs reading the board
        Assert.True(await board.Reading.WaitAsync(TimeSpan.FromSeconds(60))); // a hang guard only

        clock.Advance(QuotaShare.Forgotten - TimeSpan.FromMilliseconds(1));
        Assert.False(member.Admit(clock.Elapsed, 200, out _, out _, out _));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(member.Admit(clock.Elapsed, 200, out var ceiling, out var room, out _)); // by now the others have forgotten it too: it goes on alone
        Assert.Equal((200, 200), (ceiling, room));
        Assert.Equal(200, member.CeilingFor(200));

        board.Gate.Set();
        await tick;
    }

    [Fact]
    public async Task A_reading_that_hangs_mid_run_does_not_keep_a_job_at_the_share_it_last_read()
    {
        var clock = new ManualClock();
        var store = new MemoryQuotaStore(clock);
        using var board = new HangingBoard(store.Board("key"));
        store.Put("key", "other", new QuotaRecord(clock.UtcNow.UtcDateTime, 100, 100, 200, true));
        var member = new QuotaMember(board, clock, selfDriven: false, (_, _) => (0, 0, 0));
        Assert.False(member.Admit(clock.Elapsed, 200, out _, out _, out _));
        clock.Set(member.Tick()!.Value); // another job is there: it waits its join
        member.Tick();
        Assert.True(member.Admit(clock.Elapsed, 200, out var ceiling, out _, out _));
        Assert.Equal(100, ceiling);

        board.Gate.Reset();
        clock.Advance(QuotaMember.PublishInterval);
        var tick = Task.Run(member.Tick);
        Assert.True(await board.Reading.WaitAsync(TimeSpan.FromSeconds(60))); // a hang guard only
        clock.Advance(QuotaShare.Forgotten);
        Assert.True(member.Admit(clock.Elapsed, 200, out ceiling, out var room, out _)); // the other ended long ago, for all it knows
        Assert.Equal((200, 200), (ceiling, room));
        Assert.Equal(200, member.CeilingFor(200));
        Assert.False(member.HasCompany);

        store.Put("key", "other", new QuotaRecord(clock.UtcNow.UtcDateTime, 100, 100, 200, true));
        board.Gate.Set();
        await tick;
        Assert.True(member.Admit(clock.Elapsed, 200, out ceiling, out _, out _)); // read at last: the board again
        Assert.Equal(100, ceiling);
    }

    [Fact]
    public void A_crashed_processs_file_stamped_before_the_clock_stepped_back_an_hour_is_deleted_as_one_stamped_an_hour_ago()
    {
        var board = new FileQuotaStore(_root).Board("key");
        var me = board.Join();
        board.Publish(me, used: 1, rate: 1, ceiling: 200, backlogged: false);
        var folder = Path.GetDirectoryName(Directory.GetFiles(_root, "*.quota", SearchOption.AllDirectories).Single())!;
        var record = Path.Combine(folder, "1-ahead.quota");
        File.WriteAllBytes(record, QuotaRecordText.Format(new QuotaRecord(DateTime.UtcNow.AddHours(1), 200, 200, 200, true)));
        var partial = Path.Combine(folder, "2-ahead.quota");
        File.WriteAllText(partial, "TCQ1 06");
        File.SetLastWriteTimeUtc(partial, DateTime.UtcNow.AddHours(1));

        Assert.Equal(200, board.Read(me).Split(200).Rate); // neither counts
        Assert.False(File.Exists(record));  // left there, it would stay an hour
        Assert.False(File.Exists(partial));
    }
}
