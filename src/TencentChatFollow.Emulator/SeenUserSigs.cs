namespace TencentChatFollow.Emulator;

/// <summary>
/// The distinct UserSigs the API received, first seen first. Test-only: it lets a test prove that a sig the client
/// sent never shows up in the client's own output or logs. Capped, because every expiry refresh adds one.
/// </summary>
internal sealed class SeenUserSigs
{
    public const int Capacity = 1_000;

    private readonly Lock gate = new();
    private readonly List<string> ordered = [];
    private readonly HashSet<string> distinct = new(StringComparer.Ordinal);

    public void Add(string userSig)
    {
        lock (gate)
        {
            if (ordered.Count < Capacity && distinct.Add(userSig))
            {
                ordered.Add(userSig);
            }
        }
    }

    public string[] Snapshot()
    {
        lock (gate)
        {
            return [.. ordered];
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            ordered.Clear();
            distinct.Clear();
        }
    }
}
