using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// POST /v4/follow/follow_add: From_Account and FollowItem, 1 to 20 objects with a To_Account; From_Account follows
/// each To_Account, in request order. Answers ResultItem, one item per FollowItem.
/// Following an account already followed succeeds and changes nothing (its FollowTime stays), so a write that is sent
/// again after a lost answer does no harm. Per item: 30003 when To_Account does not exist, 30001 when it is
/// From_Account itself, 32100 when From_Account already follows <see cref="FollowGraph.MaxFollowing"/> accounts.
/// </summary>
internal sealed class FollowAddEndpoint(AccountDirectory accounts, FollowGraph graph, TimeProvider clock) : IRestApi
{
    public const int MaxAccounts = 20;

    private const string Items = "FollowItem";

    public string Service => IRestApi.FollowService;

    public string Name => "follow_add";

    public ApiRequest Parse(JsonElement body)
    {
        var from = ApiRequest.FromOf(body);
        var (ids, problem) = ApiRequest.ObjectIds(body, Items, ApiAnswer.ToAccountField, MaxAccounts);
        var error = ApiRequest.AccountTypeError(body, Items, ApiAnswer.ToAccountField) ?? ApiRequest.Problem(ApiRequest.FromProblem(from) ?? problem);
        return new ApiRequest { From = from, ToAccount = ids, Error = error };
    }

    public ApiAnswer Answer(ApiRequest request)
    {
        var from = request.From!;
        var now = clock.GetUtcNow();
        return new ApiAnswer(WriteResults.ItemsName, request.ToAccount!.Select(to => Follow(from, to, now)).ToList(), WriteResults.Faults);
    }

    private AnswerItem Follow(string from, string to, DateTimeOffset now)
    {
        if (!accounts.Exists(to))
        {
            var (code, info) = AccountDirectory.NotFound(to);
            return WriteResults.Item(to, code, info);
        }
        if (to == from)
        {
            return WriteResults.Item(to, ErrorCodes.InvalidParameter, $"To_Account {to} is From_Account: an account cannot follow itself");
        }
        return graph.Follow(from, to, now) switch
        {
            FollowOutcome.FollowLimitReached => WriteResults.Item(to, ErrorCodes.FollowLimitReached,
                $"From_Account {from} already follows {FollowGraph.MaxFollowing} accounts, the most allowed: unfollow some first"),
            _ => WriteResults.Item(to, ErrorCodes.Ok, ""),
        };
    }
}
