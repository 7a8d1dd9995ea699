using System.Text;

namespace TencentChatFollow.Emulator;

/// <summary>
/// What the emulator sends back for one API call: a JSON envelope, another HTTP body, or nothing at all
/// (a dropped connection). <see cref="ErrorCode"/> is set only when a readable envelope is sent.
/// </summary>
internal sealed record ApiReply(int? StatusCode, string ContentType, byte[] Body, int? ErrorCode)
{
    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>The injected fault, or null for a genuine answer.</summary>
    public FaultKind? Fault { get; init; }

    /// <summary>True when <see cref="Fault"/> is the timed outage's, not a random pick.</summary>
    public bool Outage { get; init; }

    /// <summary>Delay on top of the configured latency (the 'slow' fault).</summary>
    public TimeSpan ExtraDelay { get; init; }

    /// <summary>Value of a Retry-After header, when one is sent.</summary>
    public string? RetryAfter { get; init; }

    public static ApiReply Fail(ApiError error) =>
        new(StatusCodes.Status200OK, JsonContentType, FollowInfoJson.Fail(error.Code, error.Info), error.Code);

    public static ApiReply Success(byte[] envelope) =>
        new(StatusCodes.Status200OK, JsonContentType, envelope, ErrorCodes.Ok);

    /// <summary>A body that is not an envelope: a JSON fragment or an HTML page.</summary>
    public static ApiReply Raw(int statusCode, string contentType, byte[] body) => new(statusCode, contentType, body, null);

    public static ApiReply Html(int statusCode, string html) =>
        Raw(statusCode, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html));

    public static ApiReply Dropped { get; } = new(null, "", [], null);

    public async Task WriteAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (StatusCode is not { } status)
        {
            context.Abort();
            return;
        }
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = Body.Length;
        if (RetryAfter is not null)
        {
            response.Headers.RetryAfter = RetryAfter;
        }
        await response.Body.WriteAsync(Body, cancellationToken);
    }
}
