using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// The JSON body of a follow_get_info call. Whatever could be read is kept for the request log;
/// <see cref="Error"/> is the first rule the body breaks, checked in the order the service checks them.
/// </summary>
internal sealed class FollowGetInfoRequest
{
    public const int MaxAccounts = 20;

    private static readonly JsonDocumentOptions ParseOptions = new() { AllowDuplicateProperties = false };

    private FollowGetInfoRequest(string? from, IReadOnlyList<string>? toAccount, ApiError? error)
    {
        From = from;
        ToAccount = toAccount;
        Error = error;
    }

    /// <summary>From_Account when it is a string.</summary>
    public string? From { get; }

    /// <summary>To_Account when it is an array of strings, whatever its length.</summary>
    public IReadOnlyList<string>? ToAccount { get; }

    public ApiError? Error { get; }

    public static async Task<FollowGetInfoRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, ParseOptions, cancellationToken);
            return FromJson(document.RootElement);
        }
        catch (JsonException e)
        {
            return Invalid(ErrorCodes.JsonParseError, $"request body is not valid JSON: {e.Message}");
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's body size limit; the real service would not accept such a body either.
            return Invalid(ErrorCodes.JsonParseError, $"request body cannot be read: {e.Message}");
        }
    }

    private static FollowGetInfoRequest FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Invalid(ErrorCodes.JsonParseError, "request body must be a JSON object");
        }
        var from = root.TryGetProperty("From_Account", out var fromElement) && fromElement.ValueKind == JsonValueKind.String
            ? fromElement.GetString()
            : null;
        var toAccount = root.TryGetProperty("To_Account", out var toElement) ? StringArray(toElement) : null;
        return new FollowGetInfoRequest(from, toAccount, Validate(from, toElement.ValueKind, toAccount));
    }

    private static ApiError? Validate(string? from, JsonValueKind toKind, IReadOnlyList<string>? toAccount)
    {
        string? problem = (from, toKind, toAccount) switch
        {
            (null or "", _, _) => "From_Account is required and must be a non-empty string",
            (_, JsonValueKind.Undefined, _) => "To_Account is required",
            (_, _, null) => "To_Account must be an array of strings",
            (_, _, { Count: 0 }) => "To_Account must not be empty",
            (_, _, { Count: var count and > MaxAccounts }) => $"To_Account has {count} items; at most {MaxAccounts} are allowed",
            _ => null,
        };
        return problem is null ? null : new ApiError(ErrorCodes.InvalidParameter, problem);
    }

    private static List<string>? StringArray(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            return null;
        }
        return element.EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private static FollowGetInfoRequest Invalid(int code, string info) => new(null, null, new ApiError(code, info));
}
