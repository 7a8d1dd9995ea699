using System.Collections.Generic;
using System.Text.Json;
using TencentChatFollow.Text;

namespace TencentChatFollow.Api;

/// <summary>
/// What one batched API of the follow family adds to the engine (<see cref="Execution.BatchCall{TResult}"/>): its
/// batch size, its request body for one From_Account and some ids, and how one item of its answer reads into the
/// result an id that succeeded gives (<typeparamref name="TResult"/>). The envelope, the per-id bookkeeping (missing,
/// doubled, mistyped items), the retries and the errors are the engine's, the same for every API.
/// </summary>
internal abstract class BatchProtocol<TResult> : ApiProtocol
    where TResult : class
{
    /// <summary>Tencent's limit on ids per call.</summary>
    public abstract int MaxIdsPerCall { get; }

    /// <summary>The name of the answer's array of per-id items (FollowInfo, ResultItem).</summary>
    protected abstract string ItemArrayName { get; }

    /// <summary>The request body for <paramref name="from"/> and <paramref name="ids"/>.</summary>
    public abstract byte[] WriteRequest(string from, IReadOnlyList<string> ids);

    /// <summary>
    /// The result of an item whose ResultCode is 0, from the API's own fields. Returns null and says why when they
    /// are missing or of the wrong type (the id is then asked for again).
    /// </summary>
    protected abstract TResult? ReadResult(string from, string id, JsonElement item, out string? problem);

    /// <summary>How a per-id error names the id in its message (write APIs name From too).</summary>
    public virtual string DescribeId(string from, string id) => UserIdText.Show(id);

    /// <summary>
    /// Parses an answer to a call as <paramref name="from"/>. Throws <see cref="System.FormatException"/> when the
    /// envelope is not the documented JSON; an item with mistyped fields, a negative ResultCode or a name given twice
    /// lands in BadItems (one that gives To_Account twice is no account's: its ids are missing).
    /// </summary>
    public ApiAnswer<AnswerItems<TResult>> ParseAnswer(byte[] body, string from)
        => ParseEnvelope(body, root =>
        {
            var answer = new AnswerItems<TResult>();
            foreach (var item in RequiredArray(root, ItemArrayName)) ReadItem(from, item, answer);
            return answer;
        });

    private void ReadItem(string from, JsonElement item, AnswerItems<TResult> answer)
    {
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("To_Account", out var account) || account.ValueKind != JsonValueKind.String)
        {
            return; // cannot say whose it is: the id it was for will be reported missing
        }
        var id = account.GetString()!;
        if (DoubledName(item) is { } twice)
        {
            // Two To_Account values: the item is no one account's, and each id it names is reported missing. The name is
            // not shown: it is the server's text, and no UserSig is at hand here to take out of it before it is cut.
            if (twice != "To_Account") answer.BadItems[id] = "it gives a field twice, and the service may mean either value";
            return;
        }
        if (!TryInt(item, "ResultCode", out var resultCode))
        {
            answer.BadItems[id] = "its ResultCode is missing or not a number";
            return;
        }
        if (resultCode < 0)
        {
            // No Tencent result code is negative: this is no word of Tencent's on the id, but a spoiled item.
            answer.BadItems[id] = "its ResultCode is negative";
            return;
        }
        var resultInfo = item.TryGetProperty("ResultInfo", out var ri) && ri.ValueKind == JsonValueKind.String ? ri.GetString() ?? "" : "";
        TResult? result = null;
        if (resultCode == 0)
        {
            result = ReadResult(from, id, item, out var problem);
            if (problem is not null || result is null)
            {
                answer.BadItems[id] = problem ?? "it could not be read";
                return;
            }
        }
        if (answer.Items.ContainsKey(id) || answer.BadItems.ContainsKey(id))
        {
            answer.Items.Remove(id);
            answer.BadItems[id] = "it appears more than once";
            return;
        }
        answer.Items[id] = new AnswerItem<TResult>(resultCode, resultInfo, result);
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
}
