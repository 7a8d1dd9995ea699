using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using TencentChatFollow.Execution;

namespace TencentChatFollow.Api;

/// <summary>
/// What every follow API shares: a path under the endpoint, Tencent's JSON envelope (ErrorCode, ErrorInfo) around
/// the API's own fields, and the JSON helpers its request bodies and answers are written and read with.
/// </summary>
internal abstract class ApiProtocol
{
    /// <summary>
    /// The largest answer read: 100 items or a page of 1,000 entries are well under it, even with long ids; anything
    /// over 1 MiB is refused unread.
    /// </summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    /// <summary>The path under the endpoint, e.g. v4/follow/follow_get_info.</summary>
    public abstract string Path { get; }

    /// <summary>The API's name: the last part of its path (follow_get_info).</summary>
    public string Name => Path.Substring(Path.LastIndexOf('/') + 1);

    /// <summary>What a call-level ErrorCode means for this API (<see cref="Errors.ErrorCatalog"/>'s entry unless the API reads it otherwise).</summary>
    public virtual Errors.ErrorDescription Describe(int code) => Errors.ErrorCatalog.Describe(code);

    /// <summary>What a call-level 30003 says when each call has its own From_Account (the From does not exist).</summary>
    public virtual string UnknownFrom(string from)
        => $"Tencent error 30003: the From account {Text.UserIdText.Show(from)} does not exist in this app, so none of its pairs in this call went through. Check the From of these pairs.";

    /// <summary>
    /// What an error adds for an id whose outcome is unknown (sent, no usable answer: the service may have done it): a
    /// write's way to see whether it was done. Null for a read, whose outcome changes nothing.
    /// </summary>
    public virtual string? UnknownOutcome(string from, string id) => null;

    /// <summary>
    /// Parses an answer: the envelope, then, when ErrorCode is 0, the API's own fields by <paramref name="readOk"/>.
    /// Throws <see cref="FormatException"/> when the envelope is not the documented JSON (an HTML page, truncated
    /// JSON, missing or mistyped envelope fields) or <paramref name="readOk"/> finds no body it can read.
    /// </summary>
    protected static ApiAnswer<TBody> ParseEnvelope<TBody>(byte[] body, Func<JsonElement, TBody> readOk)
        where TBody : class
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(WithoutBom(body));
        }
        catch (JsonException ex)
        {
            throw new NotJsonException(body, ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("The answer is JSON but not an object.");
            if (!root.TryGetProperty("ErrorCode", out var code) || code.ValueKind != JsonValueKind.Number || !code.TryGetInt32(out var errorCode))
            {
                throw new FormatException("The answer has no numeric ErrorCode.");
            }
            try
            {
                Contradiction(root, errorCode);
                var errorInfo = root.TryGetProperty("ErrorInfo", out var info) && info.ValueKind == JsonValueKind.String ? info.GetString() ?? "" : "";
                return new ApiAnswer<TBody>(errorCode, errorInfo, errorCode == 0 ? readOk(root) : null);
            }
            catch (InvalidOperationException ex)
            {
                // Valid JSON can escape half a surrogate pair ("\uD800"), which is no text: reading such a string throws.
                throw new FormatException("The answer holds a string that is not text: " + ex.Message, ex);
            }
        }
    }

    /// <summary>
    /// Throws a <see cref="FormatException"/> when the envelope says two things at once, so neither can be trusted: a
    /// name given twice at its top ("ErrorCode":70009,"ErrorCode":0; JSON readers differ on which one wins, this one
    /// keeps the last), or ActionStatus FAIL with ErrorCode 0 (a failure that says it succeeded). ActionStatus OK with
    /// a non-zero ErrorCode is no contradiction to refuse: the ErrorCode is Tencent's documented word and is read.
    /// </summary>
    private static void Contradiction(JsonElement root, int errorCode)
    {
        if (DoubledName(root) is { } twice)
        {
            // A name is shown whole or not at all: cut, it could keep part of a UserSig that the scrub after no longer finds.
            var name = twice.Length <= 40 ? "'" + Text.ServerText.Safe(twice, int.MaxValue) + "'" : FormattableString.Invariant($"a name of {twice.Length} characters");
            throw new FormatException($"The answer contradicts itself: it gives {name} twice, and the service may mean either value.");
        }
        if (errorCode == 0 && root.TryGetProperty("ActionStatus", out var status) && status.ValueKind == JsonValueKind.String
            && string.Equals(status.GetString(), "FAIL", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException("The answer contradicts itself: its ActionStatus is FAIL but its ErrorCode is 0 (success).");
        }
    }

    /// <summary>
    /// The first name <paramref name="obj"/> (a JSON object) gives twice, or null: such an object says two things at
    /// once (JSON readers differ on which value wins; this one keeps the last), so neither value can be trusted.
    /// </summary>
    protected static string? DoubledName(JsonElement obj)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in obj.EnumerateObject())
        {
            if (!names.Add(field.Name)) return field.Name;
        }
        return null;
    }

    /// <summary>
    /// The answer's JSON without a UTF-8 byte order mark before it: some proxies and servers add one, and JSON readers
    /// (System.Text.Json's among them) that read bytes refuse it, though the answer is otherwise whole.
    /// </summary>
    internal static ReadOnlyMemory<byte> WithoutBom(byte[] body)
        => new(body, BomLength(body), body.Length - BomLength(body));

    /// <summary>3 when <paramref name="body"/> starts with a UTF-8 byte order mark, else 0.</summary>
    internal static int BomLength(byte[] body)
        => body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? 3 : 0;

    /// <summary>The array <paramref name="name"/> of an OK answer; a FormatException when it is missing or not an array.</summary>
    protected static JsonElement.ArrayEnumerator RequiredArray(JsonElement root, string name)
        => root.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray()
            : throw new FormatException($"The answer says OK but has no {name} array.");

    /// <summary>A JSON object written by <paramref name="body"/>.</summary>
    protected static byte[] Write(Action<Utf8JsonWriter> body, int sizeHint = 256)
    {
        using var stream = new MemoryStream(sizeHint);
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    protected static bool TryInt(JsonElement item, string name, out int value)
    {
        value = 0;
        return item.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out value);
    }

    protected static bool TryLong(JsonElement item, string name, out long value)
    {
        value = 0;
        return item.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value) && value >= 0;
    }

}

/// <summary>
/// An answer that is not JSON at all (an HTML page, a proxy's text, a cut body). Its message tells how the answer
/// starts only through <see cref="Describe"/>, given the secrets of the call: a server may echo the request's UserSig,
/// and the first characters of a body cut before the secrets are taken out could hold part of it.
/// </summary>
internal sealed class NotJsonException : FormatException
{
    private const int StartShown = 40;
    private readonly byte[] _body;

    public NotJsonException(byte[] body, JsonException inner)
        : base("The answer is not JSON: " + inner.Message, inner)
        => _body = body;

    /// <summary>"The answer is not JSON (N bytes, starting '...'): why", without <paramref name="secrets"/>.</summary>
    public string Describe(params string?[] secrets)
    {
        var start = _body.Length == 0
            ? " (it is empty)"
            : FormattableString.Invariant($" ({_body.Length} bytes, starting '{Text.ServerText.Safe(Redactor.ScrubbedStart(_body, StartShown, secrets))}')");
        return "The answer is not JSON" + start + ": " + Text.ServerText.Safe(InnerException!.Message);
    }
}
