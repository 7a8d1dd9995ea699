using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// The JSON body of a REST API call. Whatever could be read is kept for the request log; <see cref="Error"/> is the
/// first rule the body breaks, checked in the order the service checks them: JSON (60003), an account id that is a
/// number or true/false (60015), From_Account, then the API's own fields (30001 for the follow APIs, 70402 for
/// account_check).
/// </summary>
internal sealed record ApiRequest
{
    private static readonly JsonDocumentOptions ParseOptions = new() { AllowDuplicateProperties = false };

    /// <summary>From_Account when it is a string.</summary>
    public string? From { get; init; }

    /// <summary>
    /// The account ids of the call (To_Account, follow_add's FollowItem[].To_Account, account_check's CheckItem[].UserID)
    /// when well-formed, whatever their number.
    /// </summary>
    public IReadOnlyList<string>? ToAccount { get; init; }

    /// <summary>follow_get's list, when valid.</summary>
    public FollowList? List { get; init; }

    /// <summary>follow_get's FollowType as sent, when it is an integer.</summary>
    public int? FollowType { get; init; }

    /// <summary>follow_get's WantNum (100 when absent), when it is an integer.</summary>
    public int? WantNum { get; init; }

    /// <summary>follow_get's StartCursor as sent, when it is a string.</summary>
    public string? StartCursor { get; init; }

    /// <summary>follow_get's position: the last entry of the previous page, or null for the first page.</summary>
    public EdgeStamp? After { get; init; }

    public ApiError? Error { get; init; }

    /// <summary>Reads the body and hands its root to <paramref name="parse"/>, the API's own rules.</summary>
    public static async Task<ApiRequest> ReadAsync(HttpRequest request, Func<JsonElement, ApiRequest> parse, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, ParseOptions, cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Invalid(ErrorCodes.JsonParseError, "request body must be a JSON object");
            }
            return parse(document.RootElement);
        }
        catch (JsonException e)
        {
            return Invalid(ErrorCodes.JsonParseError, $"request body is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // Well-formed JSON whose string is not text (invalid UTF-8 bytes, or half a surrogate pair escaped): its
            // value cannot be read, so the body cannot be parsed (before: HTTP 500 with no body, and no log entry).
            return Invalid(ErrorCodes.JsonParseError, $"request body has a string that is not valid text: {e.Message}");
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's body size limit; the real service would not accept such a body either.
            return Invalid(ErrorCodes.JsonParseError, $"request body cannot be read: {e.Message}");
        }
    }

    /// <summary>The common shape: From_Account and an array of account ids <paramref name="name"/> of 1 to <paramref name="max"/> strings.</summary>
    public static ApiRequest FromAndIds(JsonElement root, string name, int max)
    {
        var from = FromOf(root);
        var ids = root.TryGetProperty(name, out var element) ? StringArray(element) : null;
        var problem = FromProblem(from) ?? (element.ValueKind, ids) switch
        {
            (JsonValueKind.Undefined, _) => $"{name} is required",
            (_, null) => $"{name} must be an array of strings",
            _ => CountProblem(name, ids.Count, max),
        };
        return new ApiRequest { From = from, ToAccount = ids, Error = AccountTypeError(root, name) ?? Problem(problem) };
    }

    /// <summary>
    /// 60015, "the request body's account type is wrong: make sure the account is a string" (Tencent's REST API common
    /// error codes), for the first account id of the body that is a JSON number or true/false: From_Account (when
    /// <paramref name="from"/>), an item of the array <paramref name="list"/>, or each item's <paramref name="idField"/>
    /// when the items are objects. A null, or an array or object where an id belongs, is left to the API's own rules.
    /// </summary>
    public static ApiError? AccountTypeError(JsonElement root, string? list, string? idField = null, bool from = true)
    {
        var accounts = new List<(string Where, JsonElement Value)>();
        if (from && root.TryGetProperty("From_Account", out var fromAccount))
        {
            accounts.Add(("From_Account", fromAccount));
        }
        if (list is not null && root.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                if (idField is null)
                {
                    accounts.Add(($"{list}[{index}]", item));
                }
                else if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(idField, out var id))
                {
                    accounts.Add(($"{list}[{index}].{idField}", id));
                }
                index++;
            }
        }
        foreach (var (where, value) in accounts)
        {
            if (value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                return new ApiError(ErrorCodes.AccountTypeError,
                    $"{where} is {value.GetRawText()}, not a string: an account id must be a JSON string (\"1001\", not 1001)");
            }
        }
        return null;
    }

    public static string? FromOf(JsonElement root) =>
        root.TryGetProperty("From_Account", out var from) && from.ValueKind == JsonValueKind.String ? from.GetString() : null;

    public static string? FromProblem(string? from) =>
        string.IsNullOrEmpty(from) ? "From_Account is required and must be a non-empty string" : null;

    public static string? CountProblem(string name, int count, int max) => count switch
    {
        0 => $"{name} must not be empty",
        _ when count > max => $"{name} has {count} items; at most {max} are allowed",
        _ => null,
    };

    /// <summary>
    /// The array <paramref name="name"/> of 1 to <paramref name="max"/> objects, each with a string
    /// <paramref name="idField"/> (follow_add's FollowItem[].To_Account, account_check's CheckItem[].UserID): its ids
    /// when well-formed, whatever their number, and the first rule it breaks.
    /// </summary>
    public static (List<string>? Ids, string? Problem) ObjectIds(JsonElement root, string name, string idField, int max)
    {
        var ids = root.TryGetProperty(name, out var element) ? IdsOf(element, idField) : null;
        var problem = (element.ValueKind, ids) switch
        {
            (JsonValueKind.Undefined, _) => $"{name} is required",
            (_, null) => $"{name} must be an array of objects, each with a string {idField}",
            _ => CountProblem(name, ids.Count, max),
        };
        return (ids, problem);
    }

    /// <summary>The call-level error for a body rule broken: 30001 for the follow APIs, or the API's own <paramref name="code"/>.</summary>
    public static ApiError? Problem(string? problem, int code = ErrorCodes.InvalidParameter) => problem is null ? null : new ApiError(code, problem);

    /// <summary>The <paramref name="idField"/> of each object, or null when an item is not an object with a string there.</summary>
    private static List<string>? IdsOf(JsonElement element, string idField)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var ids = new List<string>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty(idField, out var id)
                || id.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            ids.Add(id.GetString()!);
        }
        return ids;
    }

    private static List<string>? StringArray(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            return null;
        }
        return element.EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private static ApiRequest Invalid(int code, string info) => new() { Error = new ApiError(code, info) };
}
