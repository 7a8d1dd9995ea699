using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>
/// The quota board where the machine is not as the board expects: a folder that several users' jobs share
/// (TENCENTCHAT_COORDINATION_PATH).
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
}
