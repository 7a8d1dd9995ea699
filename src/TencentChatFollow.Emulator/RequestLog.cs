namespace TencentChatFollow.Emulator;

/// <summary>
/// One API call as GET /_emulator/requests shows it. It never holds the UserSig.
/// Api is the command (follow_get_info, follow_add, account_check, ...), or service/command for a command the emulator
/// does not serve. ToAccount is the call's account ids (follow_add's FollowItem[].To_Account, account_check's
/// CheckItem[].UserID); FollowType, WantNum and StartCursor are follow_get's, null for the other APIs.
/// HttpStatus is null when no response was sent (a 'drop' fault, or the client went away);
/// ErrorCode is null when no readable envelope was sent. Outage is true when Fault is the timed outage's.
/// </summary>
internal sealed record RequestLogEntry(
    long Seq,
    string ArrivedAt,
    string Api,
    uint? SdkAppId,
    string? Identifier,
    string? From,
    IReadOnlyList<string>? ToAccount,
    int? FollowType,
    int? WantNum,
    string? StartCursor,
    int? HttpStatus,
    int? ErrorCode,
    string? Fault,
    bool Outage,
    long DurationMs);

/// <summary>The answered API calls, newest last, capped so a long benchmark cannot exhaust memory.</summary>
internal sealed class RequestLog
{
    public const int Capacity = 200_000;

    private readonly Lock _gate = new();
    private readonly Queue<RequestLogEntry> _entries = new();
    private long _lastSeq;

    /// <summary>The number for a call that has just arrived.</summary>
    public long NextSeq() => Interlocked.Increment(ref _lastSeq);

    /// <summary>Adds a finished call, dropping the oldest entry when full.</summary>
    public void Add(RequestLogEntry entry)
    {
        lock (_gate)
        {
            if (_entries.Count == Capacity)
            {
                _entries.Dequeue();
            }
            _entries.Enqueue(entry);
        }
    }

    /// <summary>The entries in arrival order (calls finish out of order when they run concurrently).</summary>
    public RequestLogEntry[] Snapshot()
    {
        RequestLogEntry[] copy;
        lock (_gate)
        {
            copy = _entries.ToArray();
        }
        Array.Sort(copy, (a, b) => a.Seq.CompareTo(b.Seq));
        return copy;
    }

    public void Reset()
    {
        lock (_gate)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _lastSeq, 0);
        }
    }
}
