namespace TencentChatFollow.Emulator;

/// <summary>
/// The accounts that exist in the emulated app: every id in the follow graph file plus the App admins. follow_add and
/// follow_delete change edges, never this set.
/// </summary>
internal sealed class AccountDirectory(FollowGraph graph, IReadOnlyList<string> admins)
{
    private readonly HashSet<string> _admins = new(admins, StringComparer.Ordinal);

    public bool IsAdmin(string account) => _admins.Contains(account);

    public bool Exists(string account) => _admins.Contains(account) || graph.Contains(account);

    /// <summary>The per-item answer for an id that does not exist.</summary>
    public static (int Code, string Info) NotFound(string account) =>
        (ErrorCodes.AccountNotFound, $"To_Account {account} does not exist");
}
