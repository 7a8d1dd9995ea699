using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// POST /v4/follow/follow_get_info: From_Account and To_Account (1 to 20 ids); answers FollowInfo, one item per id
/// in request order with the three counts, or a per-item 30003 for an id that does not exist.
/// </summary>
internal sealed class FollowGetInfoEndpoint(AccountDirectory accounts, FollowGraph graph) : IRestApi
{
    public const int MaxAccounts = 20;

    private const string Followers = "FollowerCount";
    private const string Following = "FollowingCount";
    private const string Mutual = "MutualFollowingCount";

    private static readonly ItemFaults Faults = ItemFaults.PerId(
        extra: id => Item(id, ErrorCodes.Ok, "", new FollowCounts(1, 1, 0)),
        doubled: item => item.With(Followers, (int)item[Followers] + 1).With(Following, (int)item[Following] + 1).With(Mutual, (int)item[Mutual] + 1),
        wrongTypeField: Followers,
        negativeField: Following);

    public string Service => IRestApi.FollowService;

    public string Name => "follow_get_info";

    public ApiRequest Parse(JsonElement body) => ApiRequest.FromAndIds(body, "To_Account", MaxAccounts);

    public ApiAnswer Answer(ApiRequest request) => new("FollowInfo", request.ToAccount!.Select(Describe).ToList(), Faults);

    private AnswerItem Describe(string account)
    {
        if (!accounts.Exists(account))
        {
            var (code, info) = AccountDirectory.NotFound(account);
            return Item(account, code, info, default);
        }
        return Item(account, ErrorCodes.Ok, "", graph.CountsOf(account));
    }

    private static AnswerItem Item(string account, int code, string info, FollowCounts counts) => AnswerItem.Of(
        (ApiAnswer.ToAccountField, account),
        ("ResultCode", code),
        ("ResultInfo", info),
        (Followers, counts.Followers),
        (Following, counts.Following),
        (Mutual, counts.Mutual));
}
