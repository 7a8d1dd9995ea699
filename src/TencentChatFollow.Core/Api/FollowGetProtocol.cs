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

/// <summary>What follow_get's OK answer gave: the page, or why it cannot be used (the page is then asked for again).</summary>
internal sealed class PageRead
{
    /// <summary>The most characters of the server's value <see cref="Describe"/> shows.</summary>
    private const int ValueShown = 40;

    /// <summary>The server's value the problem quotes (JSON as the answer wrote it), or null: shown only through <see cref="Describe"/>.</summary>
    private readonly string? _value;

    public PageRead(FollowPage? page, string? problem, string? value = null)
    {
        Page = page;
        Problem = problem;
        _value = value;
    }

    public FollowPage? Page { get; }
    /// <summary>Why the page cannot be used, without the server's value it quotes (<see cref="Describe"/> adds it).</summary>
    public string? Problem { get; }

    /// <summary>
    /// <see cref="Problem"/> with the server's value it quotes, <paramref name="secrets"/> (the call's UserSig) taken out
    /// before the value is cut: a server that echoes the request URL could put the sig there, and a cut could leave
    /// part of it that the scrub after no longer finds.
    /// </summary>
    public string? Describe(params string?[] secrets)
        => Problem is null || _value is null ? Problem : $"{Problem} ({Text.ServerText.Safe(Execution.Redactor.ScrubJson(_value, secrets), ValueShown)})";
}

/// <summary>
/// v4/follow/follow_get: one page of a user's fans, follows or mutual follows (From_Account is the user; WantNum up
/// to 1000; StartCursor "" then the NextCursor of the page before). Not a batched API: one call is one page of one
/// user's list, and the caller (<see cref="Execution.FollowPageCall"/>) keeps the cursor. Immutable: one instance
/// serves every list of a run.
/// </summary>
internal sealed class FollowGetProtocol : ApiProtocol
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

    public override string Path => "v4/follow/follow_get";

    public override string UnknownFrom(string from) => $"Tencent error 30003: the account {Text.UserIdText.Show(from)} does not exist in this app, so it has no list to read. Check the id.";

    /// <summary>The body for the page of <paramref name="user"/>'s list that starts at <paramref name="cursor"/> ("" for the first).</summary>
    public byte[] WriteRequest(string user, string cursor)
        => Write(writer =>
        {
            writer.WriteString("From_Account", user);
            writer.WriteNumber("FollowType", (int)_relation);
            writer.WriteString("StartCursor", cursor);
            writer.WriteNumber("WantNum", _pageSize);
        });

    /// <summary>
    /// Parses an answer for <paramref name="user"/>'s list. A page the module cannot use whole (an entry without a
    /// To_Account string or with an empty or blank one, an entry that gives a field twice, a FollowTime that is no time it can trust, a NextCursor that is missing or not a string,
    /// which cannot say whether the list goes on, unless the page has no entries at all) is a <see cref="PageRead"/> with its problem, as a per-id API's
    /// mistyped item is: asked for again, then the user's TencentChat.InvalidResponse. Never a silent end or a made-up time.
    /// </summary>
    public ApiAnswer<PageRead> ParseAnswer(byte[] body, string user)
        => ParseEnvelope(body, root => NoEntries(root) ? EmptyPage(root) : ReadPage(user, root, RequiredArray(root, "FollowItem")));

    /// <summary>
    /// True when the OK answer's FollowItem is an empty list, null or left out (what a writer of JSON from protobuf does
    /// with an empty list; Tencent's own web SDK reads a follow_get answer without it as an empty list).
    /// </summary>
    private static bool NoEntries(JsonElement root)
        => !root.TryGetProperty("FollowItem", out var items) || items.ValueKind == JsonValueKind.Null
           || (items.ValueKind == JsonValueKind.Array && items.GetArrayLength() == 0);

    /// <summary>
    /// A page without entries, so a user with no fans is an empty list, not a failure. With the NextCursor left out too,
    /// the list ends (an empty string is left out as an empty list is: nothing can be lost); a NextCursor that is there
    /// must be a string, as on any page.
    /// </summary>
    private static PageRead EmptyPage(JsonElement root)
    {
        var cursor = !root.TryGetProperty("NextCursor", out var c) ? "" : c.ValueKind == JsonValueKind.String ? c.GetString() ?? "" : null;
        return cursor is null
            ? Unusable("its NextCursor is not a string, so it does not say whether the list goes on")
            : new PageRead(new FollowPage(Array.Empty<FollowEntry>(), cursor), null);
    }

    /// <summary>The page, or why it cannot be used.</summary>
    private PageRead ReadPage(string user, JsonElement root, JsonElement.ArrayEnumerator items)
    {
        if (!root.TryGetProperty("NextCursor", out var c) || c.ValueKind != JsonValueKind.String)
            return Unusable("its NextCursor is missing or not a string, so it does not say whether the list goes on");
        var entries = new List<FollowEntry>();
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("To_Account", out var account) || account.ValueKind != JsonValueKind.String)
                return Unusable("a FollowItem has no To_Account string");
            if (string.IsNullOrWhiteSpace(account.GetString()))
                return Unusable("a FollowItem's To_Account is empty or blank, so the entry names no account");
            if (DoubledName(item) is not null) return Unusable("a FollowItem gives a field twice, and the service may mean either value");
            if (BadFollowTime(item, out var time) is { } written) return new PageRead(null, "a FollowItem's FollowTime is neither seconds nor milliseconds since 1970 before 2100", written);
            var profile = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (item.TryGetProperty("ProfileItem", out var tags) && tags.ValueKind == JsonValueKind.Array)
            {
                foreach (var tag in tags.EnumerateArray())
                {
                    if (tag.ValueKind == JsonValueKind.Object && tag.TryGetProperty("Tag", out var name) && name.ValueKind == JsonValueKind.String && tag.TryGetProperty("Value", out var value))
                        profile[name.GetString()!] = Plain(value);
                }
            }
            entries.Add(new FollowEntry(account.GetString()!, user, _relation, time, profile.TryGetValue(NickTag, out var nick) ? nick as string : null, profile));
        }
        return new PageRead(new FollowPage(entries, c.GetString() ?? ""), null);
    }

    private static PageRead Unusable(string problem) => new(null, problem);

    /// <summary>
    /// An entry's FollowTime; null when the answer has none. Whole seconds since 1970 up to the start of 2100 are read as
    /// seconds. Whole numbers from 10^12 up to the start of 2100 in milliseconds (1700000000000, a common mistake in JSON
    /// APIs) cannot be seconds of any date a follow has, so they are read as milliseconds. Anything else (negative,
    /// between the two ranges, past 2100, a fraction, text) cannot be used: it is returned as the answer wrote it, else null.
    /// </summary>
    private static string? BadFollowTime(JsonElement item, out DateTimeOffset? time)
    {
        time = null;
        if (!item.TryGetProperty("FollowTime", out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            if (number >= 0 && number <= Year2100Seconds) time = DateTimeOffset.FromUnixTimeSeconds(number);
            else if (number >= MinMilliseconds && number <= Year2100Seconds * 1000) time = DateTimeOffset.FromUnixTimeMilliseconds(number);
            if (time is not null) return null;
        }
        return value.GetRawText();
    }

    /// <summary>2100-01-01T00:00:00Z in seconds since 1970: no follow is later, in seconds or in milliseconds.</summary>
    internal const long Year2100Seconds = 4_102_444_800;

    /// <summary>The smallest FollowTime read as milliseconds (2001-09-09 in milliseconds; in seconds, the year 33658).</summary>
    internal const long MinMilliseconds = 1_000_000_000_000;

    private static object? Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => RestJson.Number(value),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };
}
