using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using TencentChatFollow.Errors;

namespace TencentChatFollow.Api;

/// <summary>One FollowInfo item of an answer, already checked for types.</summary>
internal readonly struct FollowInfoItem
{
    public FollowInfoItem(string toAccount, int resultCode, string resultInfo, long followers, long following, long mutual)
    {
        ToAccount = toAccount;
        ResultCode = resultCode;
        ResultInfo = resultInfo;
        Followers = followers;
        Following = following;
        Mutual = mutual;
    }

    public string ToAccount { get; }
    public int ResultCode { get; }
    public string ResultInfo { get; }
    public long Followers { get; }
    public long Following { get; }
    public long Mutual { get; }
}

/// <summary>A parsed follow_get_info answer.</summary>
internal sealed class FollowGetInfoResponse
{
    public int ErrorCode { get; set; }
    public string ErrorInfo { get; set; } = "";
    /// <summary>Items by To_Account; an item whose fields had the wrong types is kept as an error for that account.</summary>
    public Dictionary<string, FollowInfoItem> Items { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> BadItems { get; } = new(StringComparer.Ordinal);
}

/// <summary>The wire format of v4/follow/follow_get_info: request body and answer.</summary>
internal static class FollowGetInfoProtocol
{
    public const string Path = "v4/follow/follow_get_info";

    /// <summary>Tencent's limit on To_Account per call.</summary>
    public const int MaxIdsPerCall = 20;

    /// <summary>
    /// The largest answer read: 20 items are about 3 KB, even with long ids (1,000 characters each, escaped) well under
    /// 200 KB; anything over 1 MiB is refused unread.
    /// </summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    public static byte[] WriteRequest(string fromAccount, IReadOnlyList<string> toAccounts)
    {
        using var stream = new MemoryStream(64 + toAccounts.Count * 24);
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("From_Account", fromAccount);
            writer.WriteStartArray("To_Account");
            foreach (var id in toAccounts) writer.WriteStringValue(id);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Parses an answer. Throws <see cref="FormatException"/> when the envelope is not the documented JSON
    /// (an HTML page, truncated JSON, missing or mistyped envelope fields); an item with mistyped fields lands in BadItems.
    /// </summary>
    public static FollowGetInfoResponse ParseResponse(byte[] body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The answer is not JSON" + DescribeStart(body) + ": " + ex.Message, ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("The answer is JSON but not an object.");
            var response = new FollowGetInfoResponse();
            if (!root.TryGetProperty("ErrorCode", out var code) || code.ValueKind != JsonValueKind.Number || !code.TryGetInt32(out var errorCode))
            {
                throw new FormatException("The answer has no numeric ErrorCode.");
            }
            response.ErrorCode = errorCode;
            if (root.TryGetProperty("ErrorInfo", out var info) && info.ValueKind == JsonValueKind.String) response.ErrorInfo = info.GetString() ?? "";
            if (errorCode != 0) return response;

            if (!root.TryGetProperty("FollowInfo", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("The answer says OK but has no FollowInfo array.");
            }
            foreach (var item in items.EnumerateArray())
            {
                ReadItem(item, response);
            }
            return response;
        }
    }

    private static void ReadItem(JsonElement item, FollowGetInfoResponse response)
    {
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("To_Account", out var account) || account.ValueKind != JsonValueKind.String)
        {
            return; // cannot say whose it is: the id it was for will be reported missing
        }
        var id = account.GetString()!;
        if (!TryInt(item, "ResultCode", out var resultCode))
        {
            response.BadItems[id] = "its ResultCode is missing or not a number";
            return;
        }
        var resultInfo = item.TryGetProperty("ResultInfo", out var ri) && ri.ValueKind == JsonValueKind.String ? ri.GetString() ?? "" : "";
        long followers = 0, following = 0, mutual = 0;
        if (resultCode == 0
            && !(TryLong(item, "FollowerCount", out followers) && TryLong(item, "FollowingCount", out following) && TryLong(item, "MutualFollowingCount", out mutual)))
        {
            response.BadItems[id] = "its counts are missing, negative or not whole numbers";
            return;
        }
        if (response.Items.ContainsKey(id) || response.BadItems.ContainsKey(id))
        {
            response.Items.Remove(id);
            response.BadItems[id] = "it appears more than once";
            return;
        }
        response.Items[id] = new FollowInfoItem(id, resultCode, resultInfo, followers, following, mutual);
    }

    private static bool TryInt(JsonElement item, string name, out int value)
    {
        value = 0;
        return item.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out value);
    }

    private static bool TryLong(JsonElement item, string name, out long value)
    {
        value = 0;
        return item.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value) && value >= 0;
    }

    private static string DescribeStart(byte[] body)
    {
        if (body.Length == 0) return " (it is empty)";
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 40)).Replace('\r', ' ').Replace('\n', ' ');
        return $" ({body.Length} bytes, starting '{text}')";
    }
}
