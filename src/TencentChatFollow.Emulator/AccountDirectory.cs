namespace TencentChatFollow.Emulator;

/// <summary>The accounts that exist in the emulated app: every id in the follow graph plus the App admins.</summary>
internal sealed class AccountDirectory(FollowGraph graph, IReadOnlyList<string> admins)
{
    private readonly HashSet<string> admins = new(admins, StringComparer.Ordinal);

    public bool IsAdmin(string account) => admins.Contains(account);

    public bool Exists(string account) => graph.Contains(account) || admins.Contains(account);

    /// <summary>The FollowInfo item for one requested id: its counts, or a per-item 30003 when it does not exist.</summary>
    public FollowInfoItem Describe(string account) => Exists(account)
        ? new FollowInfoItem(account, ErrorCodes.Ok, "", graph.CountsOf(account))
        : new FollowInfoItem(account, ErrorCodes.AccountNotFound, $"To_Account {account} does not exist", default);
}
