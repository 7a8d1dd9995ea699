using System;
using System.Collections.Generic;
using System.Text.Json;

namespace TencentChatFollow.Api;

/// <summary>One page of a user's list, as follow_get answers it.</summary>
internal sealed class FollowPage
{
    public FollowPage(IReadOnlyList<FollowEntry> entries, string nextCursor)
    {
        Entries = entries;
        NextCursor = nextCursor;
    }

    public IReadOnlyList<FollowEntry> Entries { get; }
    /// <summary>Empty when the list is done.</summary>
    public string NextCursor { get; }
}

/// <summary>
/// v4/follow/follow_get: one page of a user's fans, follows or mutual follows (From_Account is the user; WantNum up
/// to 1000; StartCursor "" then the NextCursor of the page before). One instance pages one list: set
/// <see cref="Cursor"/> before each call, one call at a time.
/// </summary>
internal sealed class FollowGetProtocol : BatchProtocol
{
    public const int MaxPageSize = 1000;
    private const string NickTag = "Tag_Profile_IM_Nick";

    private readonly FollowRelation _relation;
    private readonly int _pageSize;

    public FollowGetProtocol(FollowRelation relation, int pageSize)
    {
        if (relation == FollowRelation.None) throw new ArgumentOutOfRangeException(nameof(relation));
        if (pageSize < 1 || pageSize > MaxPageSize) throw new ArgumentOutOfRangeException(nameof(pageSize));
        _relation = relation;
        _pageSize = pageSize;
    }

    /// <summary>The StartCursor of the next call: "" for the first page.</summary>
    public string Cursor { get; set; } = "";

    public override string Path => "v4/follow/follow_get";
    /// <summary>A call is about one user (the From_Account).</summary>
    public override int MaxIdsPerCall => 1;
    protected override string ItemArrayName => "FollowItem";

    /// <summary>The body for the list of <paramref name="from"/> (the ids are that same user).</summary>
    public override byte[] WriteRequest(string from, IReadOnlyList<string> ids)
        => Write(writer =>
        {
            writer.WriteString("From_Account", from);
            writer.WriteNumber("FollowType", (int)_relation);
            writer.WriteString("StartCursor", Cursor);
            writer.WriteNumber("WantNum", _pageSize);
        });

    /// <summary>
    /// The whole answer is one item for the user asked about: the page. A page the module cannot use whole (an entry
    /// without a To_Account string, a FollowTime that is not whole seconds a date holds, a NextCursor that is missing or
    /// not a string, which cannot say whether the list goes on) is that user's spoiled item, as a per-id API's mistyped
    /// item is: asked for again, then the user's TencentChat.InvalidResponse. Never a silent end or a made-up time.
    /// </summary>
    protected override void ReadItems(JsonElement root, ApiAnswer answer)
    {
        if (!root.TryGetProperty(ItemArrayName, out var items) || items.ValueKind != JsonValueKind.Array)
            throw new FormatException("The answer says OK but has no FollowItem array.");
        if (ReadPage(root, items, out var page) is { } problem) answer.BadItems[PendingUser] = problem;
        else answer.Items[PendingUser] = new AnswerItem(0, "", page);
    }

    /// <summary>The page, or why it cannot be used.</summary>
    private static string? ReadPage(JsonElement root, JsonElement items, out RawPage? page)
    {
        page = null;
        if (!root.TryGetProperty("NextCursor", out var c) || c.ValueKind != JsonValueKind.String)
            return "its NextCursor is missing or not a string, so it does not say whether the list goes on";
        var entries = new List<(string Id, DateTimeOffset? Time, string? Nick, Dictionary<string, object?> Profile)>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("To_Account", out var account) || account.ValueKind != JsonValueKind.String)
                return "a FollowItem has no To_Account string";
            if (FollowTimeProblem(item, out var time) is { } why) return why;
            var profile = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (item.TryGetProperty("ProfileItem", out var tags) && tags.ValueKind == JsonValueKind.Array)
            {
                foreach (var tag in tags.EnumerateArray())
                {
                    if (tag.ValueKind == JsonValueKind.Object && tag.TryGetProperty("Tag", out var name) && name.ValueKind == JsonValueKind.String && tag.TryGetProperty("Value", out var value))
                        profile[name.GetString()!] = Plain(value);
                }
            }
            entries.Add((account.GetString()!, time, profile.TryGetValue(NickTag, out var nick) ? nick as string : null, profile));
        }
        page = new RawPage(entries, c.GetString() ?? "");
        return null;
    }

    /// <summary>
    /// An entry's FollowTime; null when the answer has none. Whole seconds since 1970 up to the start of 2100 are read as
    /// seconds. Whole numbers from 10^12 up to the start of 2100 in milliseconds (1700000000000, a common mistake in JSON
    /// APIs) cannot be seconds of any date a follow has, so they are read as milliseconds. Anything else (negative,
    /// between the two ranges, past 2100, a fraction, text) says why the page cannot be used.
    /// </summary>
    private static string? FollowTimeProblem(JsonElement item, out DateTimeOffset? time)
    {
        time = null;
        if (!item.TryGetProperty("FollowTime", out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            if (number >= 0 && number <= Year2100Seconds) time = DateTimeOffset.FromUnixTimeSeconds(number);
            else if (number >= MinMilliseconds && number <= Year2100Seconds * 1000) time = DateTimeOffset.FromUnixTimeMilliseconds(number);
            if (time is not null) return null;
        }
        var text = value.GetRawText();
        return $"a FollowItem's FollowTime is neither seconds nor milliseconds since 1970 before 2100 ({(text.Length > 40 ? text.Substring(0, 40) + "..." : text)})";
    }

    /// <summary>2100-01-01T00:00:00Z in seconds since 1970: no follow is later, in seconds or in milliseconds.</summary>
    internal const long Year2100Seconds = 4_102_444_800;

    /// <summary>The smallest FollowTime read as milliseconds (2001-09-09 in milliseconds; in seconds, the year 33658).</summary>
    internal const long MinMilliseconds = 1_000_000_000_000;

    /// <summary>The user the next call is about (the key its one item is filed under).</summary>
    public string PendingUser { get; set; } = "";

    public override string UnknownFrom(string from) => $"Tencent error 30003: the account '{from}' does not exist in this app, so it has no list to read. Check the id.";

    protected override object? ReadPayload(string id, JsonElement item, out string? problem)
    {
        problem = null;
        return null;
    }

    public override object ResultFor(string from, string id, object? payload)
    {
        var raw = (RawPage)payload!;
        var entries = new List<FollowEntry>(raw.Entries.Count);
        foreach (var (entryId, time, nick, profile) in raw.Entries)
            entries.Add(new FollowEntry(entryId, from, _relation, time, nick, profile));
        return new FollowPage(entries, raw.NextCursor);
    }

    private static object? Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var n) ? n : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };

    private sealed class RawPage
    {
        public RawPage(List<(string Id, DateTimeOffset? Time, string? Nick, Dictionary<string, object?> Profile)> entries, string nextCursor)
        {
            Entries = entries;
            NextCursor = nextCursor;
        }

        public List<(string Id, DateTimeOffset? Time, string? Nick, Dictionary<string, object?> Profile)> Entries { get; }
        public string NextCursor { get; }
    }
}
