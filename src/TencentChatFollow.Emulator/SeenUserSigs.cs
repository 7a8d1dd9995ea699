namespace TencentChatFollow.Emulator;

/// <summary>
/// The distinct UserSigs the API received, first seen first. Test-only: it lets a test prove that a sig the client
/// sent never shows up in the client's own output or logs. Capped, because every expiry refresh adds one.
/// </summary>
internal sealed class SeenUserSigs
{
    public const int Capacity = 1_000;

    private readonly Lock _gate = new();
    private readonly List<string> _ordered = [];
    private readonly HashSet<string> _distinct = new(StringComparer.Ordinal);

    public void Add(string userSig)
    {
        lock (_gate)
        {
            if (_ordered.Count < Capacity && _distinct.Add(userSig))
            {
                _ordered.Add(userSig);
            }
        }
    }

    public string[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _ordered];
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _ordered.Clear();
            _distinct.Clear();
        }
    }
}
