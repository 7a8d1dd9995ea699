using System.Text;

namespace TencentChatFollow.Emulator;

/// <summary>
/// What the emulator sends back for one API call: a JSON envelope, another HTTP body, or nothing at all
/// (a dropped connection). <see cref="ErrorCode"/> is set only when a readable envelope is sent.
/// </summary>
internal sealed record ApiReply(int? StatusCode, string ContentType, byte[] Body, int? ErrorCode)
{
    /// <summary>The string field that <see cref="PaddedTo"/> appends to a JSON envelope.</summary>
    public const string PaddingField = "EmulatorPadding";

    private const string JsonContentType = "application/json; charset=utf-8";
    private const byte Filler = (byte)'x';

    private static readonly byte[] PaddingOpen = Encoding.UTF8.GetBytes($",\"{PaddingField}\":\"");
    private static readonly byte[] PaddingClose = "\"}"u8.ToArray();

    // The filler is written from this one block again and again, so a padded body costs no more memory than this.
    private static readonly byte[] FillerChunk = CreateFillerChunk();

    private static readonly TimeSpan CutDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>The injected fault, or null for a genuine answer.</summary>
    public FaultKind? Fault { get; init; }

    /// <summary>True when the body is a test's canned answer (<see cref="CannedAnswers"/>), not the genuine one.</summary>
    public bool Canned { get; init; }

    /// <summary>True when <see cref="Fault"/> is the timed outage's, not a random pick.</summary>
    public bool Outage { get; init; }

    /// <summary>Delay on top of the configured latency (the 'slow' fault).</summary>
    public TimeSpan ExtraDelay { get; init; }

    /// <summary>
    /// When set, the headers (with the whole body's Content-Length) and the first half of the body are sent at once,
    /// and the rest after this pause (the 'stall-body' fault).
    /// </summary>
    public TimeSpan? BodyPause { get; init; }

    /// <summary>
    /// When set, the headers (with the whole body's Content-Length) and the first half of the body are sent, then the
    /// connection is closed, 100 ms later (the 'cut-body' fault).
    /// </summary>
    public bool CutHalfway { get; init; }

    /// <summary>Value of a Retry-After header, when one is sent.</summary>
    public string? RetryAfter { get; init; }

    /// <summary>
    /// When set, Body is a JSON object that is sent with one more string field, <see cref="PaddingField"/>, holding
    /// this many filler characters, written in chunks (the 'oversize' fault).
    /// </summary>
    public long? PaddingLength { get; init; }

    /// <summary>The bytes sent, padding included.</summary>
    public long ContentLength => PaddingLength is { } padding
        ? Body.Length - 1 + PaddingOpen.Length + padding + PaddingClose.Length
        : Body.Length;

    /// <summary>
    /// This JSON envelope padded with filler to <paramref name="totalBytes"/> in all (with an empty padding field when
    /// the envelope alone is already that long).
    /// </summary>
    public ApiReply PaddedTo(long totalBytes) =>
        this with { PaddingLength = Math.Max(0, totalBytes - (Body.Length - 1 + PaddingOpen.Length + PaddingClose.Length)) };

    public static ApiReply Fail(ApiError error) =>
        new(StatusCodes.Status200OK, JsonContentType, EnvelopeJson.Fail(error.Code, error.Info), error.Code);

    public static ApiReply Success(byte[] envelope) =>
        new(StatusCodes.Status200OK, JsonContentType, envelope, ErrorCodes.Ok);

    /// <summary>A body that is not an envelope: a JSON fragment or an HTML page.</summary>
    public static ApiReply Raw(int statusCode, string contentType, byte[] body) => new(statusCode, contentType, body, null);

    /// <summary>A test's canned answer: HTTP 200, JSON content type, the text as it was given (valid JSON or not).</summary>
    public static ApiReply CannedJson(byte[] body) => Raw(StatusCodes.Status200OK, JsonContentType, body) with { Canned = true };

    public static ApiReply Html(int statusCode, string html) =>
        Raw(statusCode, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html));

    public static ApiReply Dropped { get; } = new(null, "", [], null);

    /// <param name="context">The call's context.</param>
    /// <param name="clock">The emulator's clock, which times <see cref="BodyPause"/>.</param>
    /// <param name="cancellationToken">Ends the writing (and a pause) when the client goes away or the emulator stops.</param>
    public async Task WriteAsync(HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (StatusCode is not { } status)
        {
            context.Abort();
            return;
        }
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = ContentLength;
        if (RetryAfter is not null)
        {
            response.Headers.RetryAfter = RetryAfter;
        }
        if (CutHalfway)
        {
            await response.Body.WriteAsync(Body.AsMemory(0, Body.Length / 2), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            // Kestrel's abort drops what it has not sent yet: give the flushed bytes time to leave first.
            await Task.Delay(CutDelay, cancellationToken);
            context.Abort();
            return;
        }
        if (BodyPause is { } pause)
        {
            var half = Body.Length / 2;
            await response.Body.WriteAsync(Body.AsMemory(0, half), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            await Task.Delay(pause, clock, cancellationToken);
            await response.Body.WriteAsync(Body.AsMemory(half), cancellationToken);
            return;
        }
        if (PaddingLength is not { } padding)
        {
            await response.Body.WriteAsync(Body, cancellationToken);
            return;
        }
        // The envelope without its closing brace, the padding field, then the brace again.
        await response.Body.WriteAsync(Body.AsMemory(0, Body.Length - 1), cancellationToken);
        await response.Body.WriteAsync(PaddingOpen, cancellationToken);
        for (var left = padding; left > 0; left -= FillerChunk.Length)
        {
            // Each write waits until Kestrel has room, so a slow reader holds the emulator back instead of filling memory.
            await response.Body.WriteAsync(FillerChunk.AsMemory(0, (int)Math.Min(left, FillerChunk.Length)), cancellationToken);
        }
        await response.Body.WriteAsync(PaddingClose, cancellationToken);
    }

    private static byte[] CreateFillerChunk()
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, Filler);
        return chunk;
    }
}
