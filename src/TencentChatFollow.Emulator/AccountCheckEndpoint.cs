using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// POST /v4/im_open_login_svc/account_check: CheckItem, 1 to 100 objects with a UserID, and no From_Account. Answers
/// ResultItem, one item per UserID in request order: UserID as sent, ResultCode 0, ResultInfo "", and AccountStatus
/// "Imported" for an account that exists here (in the graph file, or an admin) or "NotImported" for any other. A bad
/// body is 70402, the account APIs' "invalid parameter". Its own limit: 100 calls per second
/// (<see cref="RuntimeSettings.AccountCheckRateLimit"/>).
/// </summary>
internal sealed class AccountCheckEndpoint(AccountDirectory accounts) : IRestApi
{
    public const int MaxAccounts = 100;
    public const string Imported = "Imported";
    public const string NotImported = "NotImported";

    private const string Items = "CheckItem";
    private const string IdField = "UserID";
    private const string Code = "ResultCode";
    private const string Status = "AccountStatus";

    // 'doubled' repeats an item with the other status; 'wrongtype' and 'negative' spoil its ResultCode, the only number.
    private static readonly ItemFaults Faults = ItemFaults.PerId(
        extra: id => Item(id, NotImported),
        doubled: item => item.With(Status, (string)item[Status] == Imported ? NotImported : Imported),
        wrongTypeField: Code,
        negativeField: Code,
        idField: IdField);

    public string Service => "im_open_login_svc";

    public string Name => "account_check";

    public int RateLimit(RuntimeSettings settings) => settings.AccountCheckRateLimit;

    public ApiRequest Parse(JsonElement body)
    {
        var (ids, problem) = ApiRequest.ObjectIds(body, Items, IdField, MaxAccounts);
        return new ApiRequest
        {
            ToAccount = ids,
            Error = ApiRequest.AccountTypeError(body, Items, IdField, from: false) ?? ApiRequest.Problem(problem, ErrorCodes.AccountInvalidParameter),
        };
    }

    public ApiAnswer Answer(ApiRequest request) =>
        new("ResultItem", request.ToAccount!.Select(id => Item(id, accounts.Exists(id) ? Imported : NotImported)).ToList(), Faults);

    // The field order of Tencent's sample response.
    private static AnswerItem Item(string id, string status) => AnswerItem.Of(
        (IdField, id),
        (Code, ErrorCodes.Ok),
        ("ResultInfo", ""),
        (Status, status));
}
