using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// POST /v4/follow/follow_check: From_Account and To_Account (1 to 100 ids); answers ResultItem, one item per id in
/// request order with FollowType seen from From_Account: 0 none, 1 To_Account follows From_Account, 2 From_Account
/// follows To_Account, 3 both. An id that does not exist gets a per-item 30003 (and FollowType 0).
/// </summary>
internal sealed class FollowCheckEndpoint(AccountDirectory accounts, FollowGraph graph) : IRestApi
{
    public const int MaxAccounts = 100;

    private const string FollowType = "FollowType";

    private static readonly ItemFaults Faults = ItemFaults.PerId(
        extra: id => Item(id, ErrorCodes.Ok, "", 0),
        doubled: item => item.With(FollowType, ((int)item[FollowType] + 1) % 4),
        wrongTypeField: FollowType,
        negativeField: FollowType);

    public string Service => IRestApi.FollowService;

    public string Name => "follow_check";

    public ApiRequest Parse(JsonElement body) => ApiRequest.FromAndIds(body, "To_Account", MaxAccounts);

    public ApiAnswer Answer(ApiRequest request)
    {
        var from = request.From!;
        return new ApiAnswer("ResultItem", request.ToAccount!.Select(to => Check(from, to)).ToList(), Faults);
    }

    private AnswerItem Check(string from, string to)
    {
        if (!accounts.Exists(to))
        {
            var (code, info) = AccountDirectory.NotFound(to);
            return Item(to, code, info, 0);
        }
        return Item(to, ErrorCodes.Ok, "", graph.FollowTypeOf(from, to));
    }

    // The field order of Tencent's sample response.
    private static AnswerItem Item(string account, int code, string info, int followType) => AnswerItem.Of(
        (ApiAnswer.ToAccountField, account),
        ("ResultCode", code),
        ("ResultInfo", info),
        (FollowType, followType));
}
