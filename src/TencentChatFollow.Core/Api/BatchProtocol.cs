using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace TencentChatFollow.Api;

/// <summary>
/// What one batched API of the follow family adds to the engine (<see cref="Execution.BatchCall"/>): its path and
/// batch size, its request body for one From_Account and some ids, how one item of its answer reads, and the result
/// object an id that succeeded gives. The envelope, the per-id bookkeeping (missing, doubled, mistyped items), the
/// retries and the errors are the engine's, the same for every API.
/// </summary>
internal abstract class BatchProtocol
{
    /// <summary>
    /// The largest answer read: 100 items are a few KB, even with long ids (1,000 characters each, escaped) well under
    /// 200 KB; anything over 1 MiB is refused unread.
    /// </summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    /// <summary>The path under the endpoint, e.g. v4/follow/follow_get_info.</summary>
    public abstract string Path { get; }

    /// <summary>Tencent's limit on ids per call.</summary>
    public abstract int MaxIdsPerCall { get; }

    /// <summary>The name of the answer's array of per-id items (FollowInfo, ResultItem).</summary>
    protected abstract string ItemArrayName { get; }

    /// <summary>The request body for <paramref name="from"/> and <paramref name="ids"/>.</summary>
    public abstract byte[] WriteRequest(string from, IReadOnlyList<string> ids);

    /// <summary>
    /// Reads the API's own fields of an item whose ResultCode is 0. Returns null and says why when they are missing or
    /// of the wrong type (the id is then asked for again).
    /// </summary>
    protected abstract object? ReadPayload(string id, JsonElement item, out string? problem);

    /// <summary>The object written for an id that succeeded.</summary>
    public abstract object ResultFor(string from, string id, object? payload);

    /// <summary>What a call-level 30003 says when each call has its own From_Account (the From does not exist).</summary>
    public virtual string UnknownFrom(string from)
        => $"Tencent error 30003: the From account '{from}' does not exist in this app, so none of its pairs in this call was done. Check the From of these pairs.";

    /// <summary>How a per-id error names the id in its message (write APIs name From too).</summary>
    public virtual string DescribeId(string from, string id) => $"'{id}'";

    /// <summary>
    /// Parses an answer. Throws <see cref="FormatException"/> when the envelope is not the documented JSON
    /// (an HTML page, truncated JSON, missing or mistyped envelope fields); an item with mistyped fields lands in BadItems.
    /// </summary>
    public ApiAnswer ParseAnswer(byte[] body)
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
            var answer = new ApiAnswer();
            if (!root.TryGetProperty("ErrorCode", out var code) || code.ValueKind != JsonValueKind.Number || !code.TryGetInt32(out var errorCode))
            {
                throw new FormatException("The answer has no numeric ErrorCode.");
            }
            answer.ErrorCode = errorCode;
            if (root.TryGetProperty("ErrorInfo", out var info) && info.ValueKind == JsonValueKind.String) answer.ErrorInfo = info.GetString() ?? "";
            if (errorCode != 0) return answer;

            ReadItems(root, answer);
            return answer;
        }
    }

    /// <summary>Reads the per-id items of an OK answer into <paramref name="answer"/>; an API whose answer is not per id overrides it.</summary>
    protected virtual void ReadItems(JsonElement root, ApiAnswer answer)
    {
        if (!root.TryGetProperty(ItemArrayName, out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"The answer says OK but has no {ItemArrayName} array.");
        }
        foreach (var item in items.EnumerateArray()) ReadItem(item, answer);
    }

    private void ReadItem(JsonElement item, ApiAnswer answer)
    {
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("To_Account", out var account) || account.ValueKind != JsonValueKind.String)
        {
            return; // cannot say whose it is: the id it was for will be reported missing
        }
        var id = account.GetString()!;
        if (!TryInt(item, "ResultCode", out var resultCode))
        {
            answer.BadItems[id] = "its ResultCode is missing or not a number";
            return;
        }
        var resultInfo = item.TryGetProperty("ResultInfo", out var ri) && ri.ValueKind == JsonValueKind.String ? ri.GetString() ?? "" : "";
        object? payload = null;
        if (resultCode == 0)
        {
            payload = ReadPayload(id, item, out var problem);
            if (problem is not null)
            {
                answer.BadItems[id] = problem;
                return;
            }
        }
        if (answer.Items.ContainsKey(id) || answer.BadItems.ContainsKey(id))
        {
            answer.Items.Remove(id);
            answer.BadItems[id] = "it appears more than once";
            return;
        }
        answer.Items[id] = new AnswerItem(resultCode, resultInfo, payload);
    }

    /// <summary>{"From_Account": from, name: [ids]}: the body most of the family takes.</summary>
    protected static byte[] WriteFromAndIds(string from, string arrayName, IReadOnlyList<string> ids)
        => Write(writer =>
        {
            writer.WriteString("From_Account", from);
            writer.WriteStartArray(arrayName);
            foreach (var id in ids) writer.WriteStringValue(id);
            writer.WriteEndArray();
        }, 64 + ids.Count * 24);

    /// <summary>A JSON object written by <paramref name="body"/>.</summary>
    protected static byte[] Write(Action<Utf8JsonWriter> body, int sizeHint = 256)
    {
        using var stream = new MemoryStream(sizeHint);
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    protected static bool TryInt(JsonElement item, string name, out int value)
    {
        value = 0;
        return item.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out value);
    }

    protected static bool TryLong(JsonElement item, string name, out long value)
    {
        value = 0;
        return item.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value) && value >= 0;
    }

    private static string DescribeStart(byte[] body)
    {
        if (body.Length == 0) return " (it is empty)";
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 40)).Replace('\r', ' ').Replace('\n', ' ');
        return $" ({body.Length} bytes, starting '{text}')";
    }
}
