using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TencentChatFollow.Emulator;

/// <summary>
/// follow_get's NextCursor: the position of a page's last entry (its FollowTime and edge number) for one From_Account
/// and FollowType, signed with a key made when the emulator starts and Base64url-encoded. A client cannot make one,
/// and one made for another user, another list or by another emulator run is refused.
/// </summary>
internal sealed class FollowCursor
{
    private const string Version = "c1";
    private const int MacLength = 16;
    private const int MaxCursorLength = 4096;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Issue(string from, FollowList list, EdgeStamp last)
    {
        var payload = Encoding.UTF8.GetBytes(string.Join('\n',
            Version,
            ((int)list).ToString(CultureInfo.InvariantCulture),
            last.FollowTime.ToString(CultureInfo.InvariantCulture),
            last.Seq.ToString(CultureInfo.InvariantCulture),
            from));
        return Base64Url.EncodeToString([.. payload, .. Mac(payload)]);
    }

    /// <summary>The position in <paramref name="cursor"/>, or null when this emulator did not issue it for this user and list.</summary>
    public EdgeStamp? Read(string cursor, string from, FollowList list)
    {
        if (cursor.Length > MaxCursorLength)
        {
            return null;
        }
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            return null;
        }
        if (bytes.Length <= MacLength)
        {
            return null;
        }
        var payload = bytes.AsSpan(0, bytes.Length - MacLength);
        if (!CryptographicOperations.FixedTimeEquals(Mac(payload), bytes.AsSpan(bytes.Length - MacLength)))
        {
            return null;
        }
        var fields = Encoding.UTF8.GetString(payload).Split('\n', 5);
        return fields is [Version, var type, var time, var seq, var user]
               && type == ((int)list).ToString(CultureInfo.InvariantCulture)
               && user == from
               && long.TryParse(time, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var followTime)
               && long.TryParse(seq, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? new EdgeStamp(followTime, number)
            : null;
    }

    private byte[] Mac(ReadOnlySpan<byte> payload) => HMACSHA256.HashData(_key, payload)[..MacLength];
}
