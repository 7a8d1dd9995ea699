using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;

namespace TencentChatFollow.Internal;

/// <summary>
/// Turns a FollowEntry or FollowProfile that crossed a process boundary (Start-Job, Invoke-Command,
/// Export-Clixml/Import-Clixml) back into the live object, in a process where the module is loaded.
/// TencentChatFollow.Types.ps1xml names FollowEntry and FollowProfile as the TargetTypeForDeserialization of their
/// <c>Deserialized.*</c> copies and this class as their TypeConverter: PowerShell's deserializer then calls it (and
/// keeps the deserialized copy if it fails). Without it FollowTime arrives as text, or as a property bag under
/// Export-Clixml's default depth, neither of which compares with a date, and Profile as a Hashtable, whose text in
/// Export-Csv is "System.Collections.Hashtable" instead of the JSON object.
/// </summary>
public sealed class DeserializedOutputConverter : PSTypeConverter
{
    private const string Prefix = "Deserialized.";

    public override bool CanConvertFrom(PSObject sourceValue, Type destinationType)
        => sourceValue is not null && (destinationType == typeof(FollowEntry) || destinationType == typeof(FollowProfile))
           && sourceValue.TypeNames.Count > 0 && sourceValue.TypeNames[0] == Prefix + destinationType.FullName;

    public override object ConvertFrom(PSObject sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
    {
        if (!CanConvertFrom(sourceValue, destinationType)) throw new PSInvalidCastException($"Not a deserialized {destinationType.FullName}.");
        return destinationType == typeof(FollowProfile) ? Profile(sourceValue) : Entry(sourceValue);
    }

    public override bool CanConvertFrom(object sourceValue, Type destinationType) => false;

    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
        => throw new PSInvalidCastException($"Only a deserialized {destinationType.FullName} converts to it here.");

    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
        => throw new PSInvalidCastException($"{sourceValue?.GetType().FullName} does not convert to {destinationType.FullName}.");

    private static FollowEntry Entry(PSObject copy)
        => new(
            Text(copy, nameof(FollowEntry.UserId)),
            Text(copy, nameof(FollowEntry.OfUserId)),
            LanguagePrimitives.ConvertTo<FollowRelation>(Value(copy, nameof(FollowEntry.Relation))),
            Time(Value(copy, nameof(FollowEntry.FollowTime))),
            (string?)Value(copy, nameof(FollowEntry.Nick)),
            Value(copy, nameof(FollowEntry.Profile)) switch
            {
                FollowProfile profile => profile,
                null => FollowProfile.Empty,
                var other => Profile(PSObject.AsPSObject(other)),
            });

    private static FollowProfile Profile(PSObject copy)
    {
        if (copy.BaseObject is not IDictionary tags) throw new PSInvalidCastException("A deserialized FollowProfile holds a dictionary.");
        var copied = new List<KeyValuePair<string, object?>>(tags.Count);
        foreach (DictionaryEntry tag in tags) copied.Add(new KeyValuePair<string, object?>((string)tag.Key, Unwrap(tag.Value)));
        return new FollowProfile(copied);
    }

    /// <summary>FollowTime as it arrives: text (ISO 8601) at depth 1, a property bag at depth 2 or more, or nothing.</summary>
    private static DateTimeOffset? Time(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case DateTimeOffset time:
                return time;
            case string text:
                return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.None);
        }
        var bag = PSObject.AsPSObject(value);
        var utcTicks = LanguagePrimitives.ConvertTo<long>(bag.Properties["UtcTicks"]?.Value);
        var offset = LanguagePrimitives.ConvertTo<TimeSpan>(bag.Properties["Offset"]?.Value);
        return new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(offset);
    }

    private static object? Value(PSObject copy, string name) => Unwrap(copy.Properties[name]?.Value);

    private static string Text(PSObject copy, string name)
        => Value(copy, name) as string ?? throw new PSInvalidCastException($"A deserialized FollowEntry has its {name}.");

    private static object? Unwrap(object? value) => value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : value;
}
