using System.Management.Automation;
using TencentChatFollow.Api;

namespace TencentChatFollow.Internal;

/// <summary>
/// A REST answer read by <see cref="RestJson"/> as PowerShell objects: each JSON object a PSCustomObject with its
/// fields as note properties, in order; arrays, numbers, strings, booleans and null as RestJson gives them. A field
/// named "" (valid JSON) is a <see cref="System.FormatException"/>: no PowerShell property can have that name
/// (ConvertFrom-Json refuses it too), and the caller makes it that answer's error, not the command's end.
/// </summary>
internal static class JsonToPSObject
{
    public static object? Convert(object? value)
    {
        switch (value)
        {
            case RestJsonObject fields:
                var o = new PSObject();
                // The names are unique (RestJson merged repeats, in any case): added pre-validated, without a search each.
                foreach (var field in fields)
                {
                    if (field.Key.Length == 0) throw new System.FormatException("it has a field named '', which a PowerShell object cannot hold; -Raw writes the answer as its JSON text");
                    o.Properties.Add(new PSNoteProperty(field.Key, Convert(field.Value)), preValidated: true);
                }
                return o;
            case object?[] items:
                var converted = new object?[items.Length];
                for (var i = 0; i < items.Length; i++) converted[i] = Convert(items[i]);
                return converted;
            default:
                return value;
        }
    }

    /// <summary>What stands for a PowerShell value in a request body (<see cref="RestBody"/>'s adapter).</summary>
    public static object? Unwrap(object value)
    {
        if (value is not PSObject wrapped) return value;
        if (wrapped.BaseObject is not PSCustomObject) return wrapped.BaseObject;
        var fields = new System.Collections.Specialized.OrderedDictionary();
        // A property whose getter fails stands as RestBody.Unreadable: that body alone is refused, not the command ended.
        foreach (var property in wrapped.Properties)
            fields[property.Name] = PropertyReader.TryRead(property, out var read, out var reason) ? read : new RestBody.Unreadable(reason);
        return fields;
    }
}
