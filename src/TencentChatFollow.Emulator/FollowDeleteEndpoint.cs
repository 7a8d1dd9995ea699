using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// POST /v4/follow/follow_delete: From_Account and To_Account (1 to 20 ids); From_Account stops following each
/// To_Account, in request order. Answers ResultItem, one item per id. Unfollowing an account that is not followed
/// (From_Account itself included) succeeds and changes nothing, so a write sent again after a lost answer does no
/// harm. Per item: 30003 when To_Account does not exist.
/// </summary>
internal sealed class FollowDeleteEndpoint(AccountDirectory accounts, FollowGraph graph) : IRestApi
{
    public const int MaxAccounts = 20;

    public string Service => IRestApi.FollowService;

    public string Name => "follow_delete";

    public ApiRequest Parse(JsonElement body) => ApiRequest.FromAndIds(body, "To_Account", MaxAccounts);

    public ApiAnswer Answer(ApiRequest request)
    {
        var from = request.From!;
        return new ApiAnswer(WriteResults.ItemsName, request.ToAccount!.Select(to => Unfollow(from, to)).ToList(), WriteResults.Faults);
    }

    private AnswerItem Unfollow(string from, string to)
    {
        if (!accounts.Exists(to))
        {
            var (code, info) = AccountDirectory.NotFound(to);
            return WriteResults.Item(to, code, info);
        }
        graph.Unfollow(from, to);
        return WriteResults.Item(to, ErrorCodes.Ok, "");
    }
}
