using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace TencentChatFollow.Api;

/// <summary>A JSON object read from an answer: its fields in the answer's order (the cmdlet layer makes a PSCustomObject of it).</summary>
internal sealed class RestJsonObject : List<KeyValuePair<string, object?>>
{
    /// <summary>The value of <paramref name="name"/> (any case), or null.</summary>
    public object? this[string name]
    {
        get
        {
            foreach (var field in this) if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase)) return field.Value;
            return null;
        }
    }
}

/// <summary>
/// Reads a REST answer into plain values, as PowerShell users expect them (ConvertFrom-Json's shapes): objects as
/// <see cref="RestJsonObject"/> (fields in order), arrays as object[], whole numbers as Int64 (Decimal beyond its
/// range, BigInteger beyond Decimal's, exactly), other numbers as Double, strings, booleans and null. Field names are matched without regard to
/// case, as PowerShell's properties are: a name that comes again (in any case) keeps its first place and takes the
/// later value, as JSON readers do.
/// </summary>
internal static class RestJson
{
    private static readonly char[] FractionOrExponent = { '.', 'e', 'E' };

    /// <summary>The answer as plain values; a FormatException when it is not JSON (or holds a string that is not text).</summary>
    public static object? Read(byte[] answer)
    {
        try
        {
            using var doc = JsonDocument.Parse(ApiProtocol.WithoutBom(answer), new JsonDocumentOptions { MaxDepth = RestBody.MaxDepth });
            return Convert(doc.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The answer is not JSON: " + ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            // JSON whose escapes make half a surrogate pair ("\uD800"): it parses, but that string is no text.
            throw new FormatException("The answer is JSON but holds a string that is not text: " + ex.Message, ex);
        }
    }

    /// <summary>The answer's text as plain values; a FormatException when it is not JSON.</summary>
    public static object? Read(string answer) => Read(System.Text.Encoding.UTF8.GetBytes(answer));

    /// <summary>One JSON value as a plain value.</summary>
    public static object? Convert(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var fields = new RestJsonObject();
                var at = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                foreach (var property in element.EnumerateObject())
                {
                    var value = Convert(property.Value);
                    if (at.TryGetValue(property.Name, out var i)) fields[i] = new KeyValuePair<string, object?>(fields[i].Key, value);
                    else
                    {
                        at[property.Name] = fields.Count;
                        fields.Add(new KeyValuePair<string, object?>(property.Name, value));
                    }
                }
                return fields;
            case JsonValueKind.Array:
                var items = new object?[element.GetArrayLength()];
                var n = 0;
                foreach (var item in element.EnumerateArray()) items[n++] = Convert(item);
                return items;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return Number(element);
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> as its exact JSON number. Through a parsed element, not WriteRawValue: that is
    /// System.Text.Json 6's, and on Windows PowerShell another module may have loaded an older copy before this one.
    /// </summary>
    internal static void WriteNumber(Utf8JsonWriter writer, BigInteger value)
    {
        using var number = JsonDocument.Parse(value.ToString(CultureInfo.InvariantCulture));
        number.RootElement.WriteTo(writer);
    }

    /// <summary>A JSON number as a plain value: Int64, Decimal for a whole number beyond it (exactly), BigInteger beyond that, Double, or its text beyond Double's range.</summary>
    internal static object Number(JsonElement element)
    {
        if (element.TryGetInt64(out var whole)) return whole;
        var text = element.GetRawText();
        var integral = text.IndexOfAny(FractionOrExponent) < 0;
        if (integral && decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big)) return big;
        // Beyond Decimal too: exact, as ConvertFrom-Json gives it, not a Double that keeps 15 to 17 digits.
        if (integral && BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var huge)) return huge;
        // Beyond Double's range (1e400): kept as the answer's text rather than made up.
        return element.TryGetDouble(out var real) && !double.IsInfinity(real) ? real : text;
    }
}
