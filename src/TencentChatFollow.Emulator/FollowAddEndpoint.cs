using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// POST /v4/follow/follow_add: From_Account and FollowItem, 1 to 20 objects with a To_Account; From_Account follows
/// each To_Account, in request order. Answers ResultItem, one item per FollowItem.
/// Following an account already followed succeeds and changes nothing (its FollowTime stays), so a write that is sent
/// again after a lost answer does no harm. Per item: 30003 when To_Account does not exist, 30001 when it is
/// From_Account itself, 32100 when From_Account already follows <see cref="FollowGraph.MaxFollowing"/> accounts.
/// </summary>
internal sealed class FollowAddEndpoint(AccountDirectory accounts, FollowGraph graph, TimeProvider clock) : IFollowApi
{
    public const int MaxAccounts = 20;

    private const string Items = "FollowItem";

    public string Name => "follow_add";

    public FollowRequest Parse(JsonElement body)
    {
        var from = FollowRequest.FromOf(body);
        var ids = body.TryGetProperty(Items, out var element) ? AccountsOf(element) : null;
        var problem = FollowRequest.FromProblem(from) ?? (element.ValueKind, ids) switch
        {
            (JsonValueKind.Undefined, _) => $"{Items} is required",
            (_, null) => $"{Items} must be an array of objects, each with a string To_Account",
            _ => FollowRequest.CountProblem(Items, ids.Count, MaxAccounts),
        };
        return new FollowRequest { From = from, ToAccount = ids, Error = FollowRequest.Problem(problem) };
    }

    public ApiAnswer Answer(FollowRequest request)
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

    /// <summary>The To_Account of each FollowItem, or null when an item is not an object with a string To_Account.</summary>
    private static List<string>? AccountsOf(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var ids = new List<string>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty(ApiAnswer.IdField, out var to)
                || to.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            ids.Add(to.GetString()!);
        }
        return ids;
    }
}
