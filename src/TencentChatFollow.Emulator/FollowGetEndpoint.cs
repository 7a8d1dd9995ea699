using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// POST /v4/follow/follow_get: one page of From_Account's fans (FollowType 1), follows (2) or mutual follows (3),
/// newest first: FollowItem[] {To_Account, FollowTime, ProfileItem[] {Tag, Value}} and NextCursor, which is "" after
/// the last page. StartCursor is "" (or absent) for the first page, then the previous page's NextCursor; WantNum is
/// 1 to 1000, 100 when absent. A cursor this emulator did not issue for this From_Account and FollowType is 30001.
/// </summary>
internal sealed class FollowGetEndpoint(FollowGraph graph, FollowCursor cursors) : IRestApi
{
    public const int MaxWantNum = 1000;
    public const int DefaultWantNum = 100;
    public const string NickTag = "Tag_Profile_IM_Nick";

    private const string FollowTime = "FollowTime";

    // A page's entries are not answers to requested ids, so 'missing', 'extra' and 'doubled' would be silent data
    // changes no client could notice: they do not apply. 'wrongtype' and 'negative' spoil one entry's FollowTime.
    private static readonly ItemFaults Faults = new(Missing: false, Extra: null, Doubled: null, WrongTypeField: FollowTime, NegativeField: FollowTime);

    public string Service => IRestApi.FollowService;

    public string Name => "follow_get";

    public ApiRequest Parse(JsonElement body)
    {
        var from = ApiRequest.FromOf(body);
        var followType = IntOf(body, "FollowType", out var followTypeKind);
        var wantNum = body.TryGetProperty("WantNum", out _) ? IntOf(body, "WantNum", out _) : DefaultWantNum;
        var startCursor = body.TryGetProperty("StartCursor", out var cursorElement) && cursorElement.ValueKind == JsonValueKind.String
            ? cursorElement.GetString()
            : null;
        var request = new ApiRequest { From = from, FollowType = followType, WantNum = wantNum, StartCursor = startCursor };

        var problem = ApiRequest.FromProblem(from) ?? (followTypeKind, followType) switch
        {
            (JsonValueKind.Undefined, _) => "FollowType is required: 1 for fans, 2 for follows, 3 for mutual follows",
            (_, not (1 or 2 or 3)) => "FollowType must be 1 (fans), 2 (follows) or 3 (mutual follows)",
            _ => null,
        };
        problem ??= wantNum is >= 1 and <= MaxWantNum ? null : $"WantNum must be an integer from 1 to {MaxWantNum}";
        problem ??= cursorElement.ValueKind is JsonValueKind.Undefined or JsonValueKind.String
            ? null
            : "StartCursor must be a string: \"\" for the first page, then the NextCursor of the previous page";
        if ((ApiRequest.AccountTypeError(body, list: null) ?? ApiRequest.Problem(problem)) is { } error)
        {
            return request with { Error = error };
        }

        var list = (FollowList)followType!.Value;
        request = request with { List = list };
        if (string.IsNullOrEmpty(startCursor))
        {
            return request;
        }
        return cursors.Read(startCursor, from!, list) is { } after
            ? request with { After = after }
            : request with
            {
                Error = ApiRequest.Problem(
                    "StartCursor was not issued for this From_Account and FollowType: send \"\" for the first page, then each answer's NextCursor as it is"),
            };
    }

    public ApiAnswer Answer(ApiRequest request)
    {
        var (from, list) = (request.From!, request.List!.Value);
        var (entries, more) = graph.Page(from, list, request.After, request.WantNum!.Value);
        var items = entries.Select(Item).ToList();
        var next = more ? cursors.Issue(from, list, entries[^1].Stamp) : "";
        return new ApiAnswer("FollowItem", items, Faults, [KeyValuePair.Create("NextCursor", (object)next)]);
    }

    private AnswerItem Item(FollowEntry entry)
    {
        IReadOnlyList<AnswerItem> profile = graph.NickOf(entry.Account) is { } nick
            ? [AnswerItem.Of(("Tag", NickTag), ("Value", nick))]
            : [];
        return AnswerItem.Of((ApiAnswer.ToAccountField, entry.Account), (FollowTime, entry.Stamp.FollowTime), ("ProfileItem", profile));
    }

    /// <summary>The property as an int when it is a whole number that fits; <paramref name="kind"/> is its JSON kind (Undefined when absent).</summary>
    private static int? IntOf(JsonElement body, string name, out JsonValueKind kind)
    {
        if (!body.TryGetProperty(name, out var element))
        {
            kind = JsonValueKind.Undefined;
            return null;
        }
        kind = element.ValueKind;
        return kind == JsonValueKind.Number && element.TryGetInt32(out var value) ? value : null;
    }
}
