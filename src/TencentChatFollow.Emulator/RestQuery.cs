using System.Net;

namespace TencentChatFollow.Emulator;

/// <summary>
/// The URL query of a REST call with case-sensitive names, as the Chat service reads it.
/// ASP.NET Core's own query collection ignores case, which would hide a client sending 'SdkAppId'.
/// When a name repeats, the first value counts.
/// </summary>
internal sealed class RestQuery
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public RestQuery(QueryString query)
    {
        var text = query.Value ?? "";
        foreach (var pair in text.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = WebUtility.UrlDecode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : WebUtility.UrlDecode(pair[(equals + 1)..]);
            _values.TryAdd(name, value);
        }
    }

    /// <summary>The decoded value, or null when the parameter is absent.</summary>
    public string? this[string name] => _values.GetValueOrDefault(name);
}
