using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TencentChatFollow.Errors;
using TencentChatFollow.Text;

namespace TencentChatFollow.Api;

/// <summary>
/// The JSON body of one REST call, made from what the caller gave: a dictionary (hashtable, ordered dictionary) or
/// an object with properties, written with System.Text.Json, or a JSON text, checked and sent as it is. Either way
/// it must be a JSON object no larger than <see cref="MaxBytes"/>; otherwise a TencentChat.InvalidBody or
/// TencentChat.BodyTooLarge error, before anything is sent.
/// <para>Values: null (and DBNull) as null; strings and chars; booleans; every .NET number type (NaN and infinities
/// refused), BigInteger (as ConvertFrom-Json gives a whole number past Int64) included; dates (DateTime, DateTimeOffset) as Unix time in whole seconds, the form Tencent's APIs use for times
/// (a DateTime without a time zone is local time, as PowerShell's Get-Date and [datetime] give); enums as their
/// number; Guids as strings; dictionaries as objects (keys as invariant text, a key twice refused); any other
/// sequence as an array. Nesting deeper than <see cref="MaxDepth"/> (a loop) and any other type are refused.</para>
/// </summary>
internal static class RestBody
{
    /// <summary>The largest body sent: 1 MiB. Tencent's bodies are a few KB (100 ids are about 3 KB).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The deepest nesting of objects and arrays written.</summary>
    public const int MaxDepth = 64;

    /// <summary>What an empty body is sent as (no -Body and no input).</summary>
    public static readonly byte[] Empty = Encoding.UTF8.GetBytes("{}");

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    /// <summary>
    /// The body for <paramref name="value"/>: a JSON text as it is (checked), anything else serialized.
    /// <paramref name="adapt"/> sees every value first and may give what stands for it (the cmdlet layer turns its
    /// PowerShell wrappers into dictionaries and their base objects); by default values are taken as they are.
    /// </summary>
    public static byte[] From(object? value, Func<object, object?>? adapt = null)
    {
        adapt ??= v => v;
        var top = value is null ? null : adapt(value);
        if (top is string json) return FromJson(json);
        if (top is not IDictionary)
        {
            throw Invalid($"The body must be a JSON object: a hashtable, an ordered dictionary, a [pscustomobject] (as Import-Csv and ConvertFrom-Json give), or a JSON text such as '{{\"CheckItem\":[{{\"UserID\":\"user001\"}}]}}'; {Describe(top)} is not one."
                + (top is null or string or IEnumerable || top.GetType().IsPrimitive ? "" : " To send an object's properties, pick them first: $object | Select-Object Name1, Name2."));
        }
        using var stream = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            Write(writer, top, adapt, depth: 0, where: "the body");
        }
        return Capped(stream.ToArray());
    }

    /// <summary>
    /// A JSON text sent as it is, once checked: text (no half of a surrogate pair, raw or escaped), well-formed, one
    /// JSON object with each name once in every object, within the cap.
    /// </summary>
    public static byte[] FromJson(string json)
    {
        if (Utf16Text.LoneSurrogate(json) is int half) throw NotText("The body", half, json[half]);
        var bytes = Capped(Encoding.UTF8.GetBytes(json));
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Invalid($"The body is JSON but not a JSON object ({doc.RootElement.ValueKind.ToString().ToLowerInvariant()}); Tencent's REST APIs take an object, such as '{{\"CheckItem\":[{{\"UserID\":\"user001\"}}]}}'.{LineHint(json)}");
            Check(doc.RootElement, "the body");
        }
        catch (JsonException ex)
        {
            var at = ex.BytePositionInLine is long b ? string.Format(CultureInfo.InvariantCulture, " at line {0}, byte {1}", (ex.LineNumber ?? 0) + 1, b + 1) : "";
            throw Invalid($"The body is not valid JSON{at}: {FirstSentence(ex.Message)} Pass a hashtable or an object instead, or fix the text; nothing was sent.{LineHint(json)}");
        }
        return bytes;
    }

    /// <summary>
    /// Walks a parsed JSON text as <see cref="Write"/> walks a dictionary: a name twice in one object is refused (the
    /// service may keep either value), and so is a string whose escapes make half a surrogate pair ("\uD800"), which
    /// is no text (reading it throws), as the answers' side refuses it.
    /// </summary>
    private static void Check(JsonElement element, string where)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var name = ReadText(() => property.Name, $"A name in {where}");
                    if (!names.Add(name)) throw Twice(name, where);
                    Check(property.Value, Inside(where, name));
                }
                return;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) Check(item, $"{where}[{i++}]");
                return;
            case JsonValueKind.String:
                ReadText(element.GetString, $"The string at {where}");
                return;
        }
    }

    private static string ReadText(Func<string?> read, string what)
    {
        try
        {
            return read() ?? "";
        }
        catch (InvalidOperationException)
        {
            throw Invalid($"{what} is not valid text: an escape in it stands for half of a UTF-16 surrogate pair (such as \\uD800), which is no character. The body was not sent; fix or remove that escape.");
        }
    }

    private static byte[] Capped(byte[] body)
        => body.Length <= MaxBytes ? body : throw new TencentChatException("TencentChat.BodyTooLarge", ErrorKind.InvalidArgument, string.Format(CultureInfo.InvariantCulture,
            "The body is {0:N0} bytes, over the {1:N0} bytes (1 MiB) the module sends in one call; it was not sent. Tencent's calls take a few KB: split the items over several bodies (account_check takes 100 accounts a call).",
            body.Length, MaxBytes));

    private static void Write(Utf8JsonWriter writer, object? raw, Func<object, object?> adapt, int depth, string where)
    {
        var value = raw is null ? null : adapt(raw);
        if (depth > MaxDepth) throw Invalid($"The body nests deeper than {MaxDepth} levels at {where}; does an object hold itself?");
        switch (value)
        {
            case null or DBNull: writer.WriteNullValue(); return;
            case Unreadable u: throw Invalid($"The property at {where} could not be read ({u.Reason}); the body was not sent. Fix that property or leave it out.");
            case string s: writer.WriteStringValue(Text(s, $"The string at {where}")); return;
            case char c: writer.WriteStringValue(Text(c.ToString(), $"The character at {where}")); return;
            case bool b: writer.WriteBooleanValue(b); return;
            case DateTimeOffset dto: writer.WriteNumberValue(UnixSeconds(dto)); return;
            case DateTime dt: writer.WriteNumberValue(UnixSeconds(dt.Kind == DateTimeKind.Utc ? new DateTimeOffset(dt) : new DateTimeOffset(dt.ToUniversalTime()))); return;
            case Guid g: writer.WriteStringValue(g.ToString("D")); return;
            case Enum e: WriteNumber(writer, Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), CultureInfo.InvariantCulture), where); return;
            case IDictionary dictionary: WriteObject(writer, dictionary, adapt, depth, where); return;
            case IEnumerable sequence:
                writer.WriteStartArray();
                var i = 0;
                foreach (var item in sequence) Write(writer, item, adapt, depth + 1, $"{where}[{i++}]");
                writer.WriteEndArray();
                return;
            default:
                if (!WriteNumber(writer, value, where)) throw Invalid($"{Describe(value)} at {where} cannot be a JSON value. Use a hashtable or [pscustomobject] for an object, an array, a string, a number, a boolean, a date or $null.");
                return;
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, IDictionary dictionary, Func<object, object?> adapt, int depth, string where)
    {
        writer.WriteStartObject();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in dictionary)
        {
            var key = adapt(entry.Key);
            var name = Text(key as string ?? Convert.ToString(key, CultureInfo.InvariantCulture) ?? "", $"A key in {where}");
            if (!names.Add(name)) throw Twice(name, where);
            writer.WritePropertyName(name);
            Write(writer, entry.Value, adapt, depth + 1, Inside(where, name));
        }
        writer.WriteEndObject();
    }

    private static bool WriteNumber(Utf8JsonWriter writer, object value, string where)
    {
        switch (value)
        {
            case int v: writer.WriteNumberValue(v); return true;
            case long v: writer.WriteNumberValue(v); return true;
            case uint v: writer.WriteNumberValue(v); return true;
            case ulong v: writer.WriteNumberValue(v); return true;
            case short v: writer.WriteNumberValue(v); return true;
            case ushort v: writer.WriteNumberValue(v); return true;
            case byte v: writer.WriteNumberValue(v); return true;
            case sbyte v: writer.WriteNumberValue(v); return true;
            case decimal v: writer.WriteNumberValue(v); return true;
            case BigInteger v: RestJson.WriteNumber(writer, v); return true;
            case double v when double.IsNaN(v) || double.IsInfinity(v):
            case float f when float.IsNaN(f) || float.IsInfinity(f):
                throw Invalid($"The number at {where} is {Convert.ToString(value, CultureInfo.InvariantCulture)}, which JSON cannot hold.");
            case double v: writer.WriteNumberValue(v); return true;
            case float v: writer.WriteNumberValue(v); return true;
            default: return false;
        }
    }

    /// <summary>Where a property is: its name at the top, else after its object's place.</summary>
    private static string Inside(string where, string name) => where == "the body" ? name : where + "." + name;

    private static TencentChatException Twice(string name, string where) => Invalid($"The key '{name}' appears twice in {where}; a JSON object holds each name once.");

    /// <summary><paramref name="text"/> when it is text; refused when it holds half of a surrogate pair, which UTF-8 cannot carry (it would go as U+FFFD, another value).</summary>
    private static string Text(string text, string what) => Utf16Text.LoneSurrogate(text) is int at ? throw NotText(what, at, text[at]) : text;

    private static TencentChatException NotText(string what, int at, char half) => Invalid(string.Format(CultureInfo.InvariantCulture,
        "{0} is not valid text: character {1} is half of a UTF-16 surrogate pair (U+{2:X4}) without its other half, which no character is; sent, it would become U+FFFD. The body was not sent.",
        what, at + 1, (int)half));

    private static long UnixSeconds(DateTimeOffset time) => time.ToUnixTimeSeconds();

    /// <summary>
    /// For a JSON text of one line that is no body: the hint that a JSON file piped from Get-Content comes a line at a
    /// time (each line a body), and how to read it whole.
    /// </summary>
    private static string LineHint(string json)
        => json.IndexOf('\n') >= 0 || json.Trim().Length == 0 ? ""
            : " If it is a line of a JSON file, read the file whole: Get-Content -Raw body.json (without -Raw each line is a body of its own).";

    private static string Describe(object? value) => value is null ? "$null" : $"a [{value.GetType().FullName}]";

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message.Substring(0, cut + 1) : message;
    }

    private static TencentChatException Invalid(string message) => new("TencentChat.InvalidBody", ErrorKind.InvalidArgument, message);

    /// <summary>
    /// What an adapter gives for a value it could not read (a property whose getter failed): the body is refused
    /// with TencentChat.InvalidBody, naming where the value is and <see cref="Reason"/>, and the run goes on.
    /// </summary>
    public sealed class Unreadable
    {
        public Unreadable(string reason) => Reason = reason;

        /// <summary>What went wrong, such as the getter's error message.</summary>
        public string Reason { get; }
    }
}
