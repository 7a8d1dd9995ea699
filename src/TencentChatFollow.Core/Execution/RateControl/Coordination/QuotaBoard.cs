using System;
using System.Collections.Generic;
using System.IO;

namespace TencentChatFollow.Execution;

/// <summary>
/// Where the processes of one machine that call the same API of the same app say how much of its quota they use
/// (<see cref="QuotaMember"/>): one board per endpoint, SDKAppID and API. Each member writes its own record and reads
/// the others'. Implementations: a folder of small files (<see cref="FileQuotaStore"/>, the real one) and memory
/// (<see cref="MemoryQuotaStore"/>, tests and the simulation).
/// </summary>
internal abstract class QuotaBoard
{
    /// <summary>A new member's id on the board (nothing written yet).</summary>
    public abstract string Join();

    /// <summary>Writes <paramref name="member"/>'s record (<see cref="QuotaRecord"/>), stamped now.</summary>
    public abstract void Publish(string member, int used, int rate, int ceiling, bool backlogged);

    /// <summary>The other members' records that are not yet forgotten, and the time they were read at (UTC).</summary>
    public abstract QuotaReading Read(string member);

    /// <summary>Removes <paramref name="member"/>'s record (it stopped using the quota).</summary>
    public abstract void Leave(string member);
}

/// <summary>What a member read on its board: the others' records, and when.</summary>
internal sealed class QuotaReading(IReadOnlyList<QuotaRecord> others, DateTime at)
{
    public IReadOnlyList<QuotaRecord> Others { get; } = others;
    public DateTime At { get; } = at;

    /// <summary>What a member may use under <paramref name="ceiling"/> (<see cref="QuotaShare.Split"/>).</summary>
    public QuotaSplit Split(int ceiling) => QuotaShare.Split(ceiling, Others, At);
}

/// <summary>The boards of one machine (or of one test), by key.</summary>
internal abstract class QuotaStore
{
    /// <summary>The environment variable that turns coordination off ("off", "0", "false", "no"); on by default.</summary>
    public const string SwitchVariable = "TENCENTCHAT_COORDINATION";

    /// <summary>The environment variable that names the folder of the boards (default: the user's temp folder).</summary>
    public const string PathVariable = "TENCENTCHAT_COORDINATION_PATH";

    /// <summary>
    /// Members publish on a timer of their own (true: the file store, real time), or the owner steps them
    /// (<see cref="QuotaMember.Tick"/>: the simulation).
    /// </summary>
    public abstract bool SelfDriven { get; }

    /// <summary>The board of <paramref name="key"/> (endpoint, SDKAppID and API). Does no I/O.</summary>
    public abstract QuotaBoard Board(string key);

    /// <summary>The machine's store as the environment says: null when coordination is turned off.</summary>
    public static QuotaStore? FromEnvironment()
    {
        var setting = (Environment.GetEnvironmentVariable(SwitchVariable) ?? string.Empty).Trim();
        foreach (var off in new[] { "off", "0", "false", "no" })
            if (string.Equals(setting, off, StringComparison.OrdinalIgnoreCase)) return null;
        var path = Environment.GetEnvironmentVariable(PathVariable);
        return string.IsNullOrWhiteSpace(path) ? new FileQuotaStore(DefaultPath(), userOwn: true) : new FileQuotaStore(path!);
    }

    /// <summary>
    /// A folder of the user's own: under XDG_RUNTIME_DIR where there is one (Linux: private to the user), else under
    /// the temp folder (per user on Windows and macOS), named for the user.
    /// </summary>
    private static string DefaultPath()
    {
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrWhiteSpace(runtime) && Directory.Exists(runtime)) return Path.Combine(runtime!, "TencentChatFollow-quota");
        var user = new System.Text.StringBuilder();
        foreach (var c in Environment.UserName ?? string.Empty)
            if (user.Length < 32 && (char.IsLetterOrDigit(c) || c == '-' || c == '_') && c < 128) user.Append(c);
        return Path.Combine(Path.GetTempPath(), "TencentChatFollow-quota-" + (user.Length > 0 ? user.ToString() : "user"));
    }
}
