namespace TencentChatFollow.Tests.Support;

/// <summary>A request as a test's stand-in for Tencent's endpoint got it (<see cref="FakeTransport"/>, the local HTTP server).</summary>
internal class RecordedRequest
{
    public required string Method { get; init; }
    public required string Path { get; init; }
    /// <summary>Query parameters as sent (still percent-encoded), in order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> RawQuery { get; init; }
    public required string Body { get; init; }
    public string? ContentType { get; init; }
    public DateTime At { get; init; }

    public string Raw(string name) => RawQuery.Single(p => p.Key == name).Value;
    public string Query(string name) => Uri.UnescapeDataString(Raw(name));

    /// <summary>The query of a request URI ("?a=1&amp;b") as name/value pairs, values still percent-encoded.</summary>
    public static List<KeyValuePair<string, string>> ParseQuery(string query)
        => query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            return eq < 0 ? new KeyValuePair<string, string>(p, "") : new KeyValuePair<string, string>(p[..eq], p[(eq + 1)..]);
        }).ToList();
}
