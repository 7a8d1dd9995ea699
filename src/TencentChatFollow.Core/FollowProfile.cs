using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TencentChatFollow;

/// <summary>
/// The profile tags of a <see cref="FollowEntry"/>: tag name to value, read-only, names compared without case. As text
/// it is one JSON object (<c>{"Tag_Profile_IM_Nick":"Nick of user002"}</c>), so Export-Csv writes a readable cell
/// that ConvertFrom-Json reads back; in PowerShell it stays a dictionary (<c>$_.Profile.Tag_Profile_IM_Nick</c>,
/// <c>$_.Profile['Tag_Profile_IM_Nick']</c>).
/// </summary>
public sealed class FollowProfile : ReadOnlyDictionary<string, object?>
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A profile with no tags.</summary>
    public static readonly FollowProfile Empty = new(new Dictionary<string, object?>());

    /// <summary>A copy of <paramref name="tags"/>; of two names that differ only in case, the later one's value stays.</summary>
    public FollowProfile(IEnumerable<KeyValuePair<string, object?>> tags)
        : base(Copy(tags))
    {
    }

    /// <summary>The tags as one JSON object, in the order the service gave them; numbers in invariant form.</summary>
    public override string ToString()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            foreach (var tag in this)
            {
                writer.WritePropertyName(tag.Key);
                WriteValue(writer, tag.Value);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Dictionary<string, object?> Copy(IEnumerable<KeyValuePair<string, object?>> tags)
    {
        if (tags is null) throw new ArgumentNullException(nameof(tags));
        var copy = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        return copy;
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long n:
                writer.WriteNumberValue(n);
                break;
            case int n:
                writer.WriteNumberValue(n);
                break;
            case double d when !double.IsNaN(d) && !double.IsInfinity(d):
                writer.WriteNumberValue(d);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case BigInteger big:
                Api.RestJson.WriteNumber(writer, big);
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
