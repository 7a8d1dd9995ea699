using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace TencentChatFollow.Internal;

/// <summary>
/// Turns what is bound to a -UserId parameter into id strings, and marks what is not an id instead of letting
/// PowerShell make a string of it ("@{Id=u1; Name=a}", "System.Collections.Hashtable") that would be sent to Tencent.
/// <para>
/// Ids are strings, numbers, and objects or hashtables with a <see cref="IdProperties"/> property (the first one
/// present is the id; blank is refused). Anything else becomes a marker string that <see cref="TryGetRejection"/>
/// recognises, with the <see cref="Refusal"/> that says why, so the cmdlet sends nothing for that object and
/// <see cref="UserIdInput"/> reports it (one error per kind of problem). The transformation runs before PowerShell's
/// own binding by property name, so the property lookup here replaces it.
/// </para>
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class UserIdTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>The properties (or hashtable keys) that carry an id, in the order they are looked for.</summary>
    public static readonly string[] IdProperties = { "UserId", "To_Account", "Account" };

    /// <summary>Markers made for refused objects, by reference (each marker is a new string instance).</summary>
    private static readonly ConditionalWeakTable<string, Refusal> Rejections = new();

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = Unwrap(inputData);
        if (value is null || value is string) return value;
        if (value is IList list && value is not IDictionary)
        {
            var ids = new string?[list.Count];
            for (var i = 0; i < list.Count; i++) ids[i] = ToId(list[i]);
            return ids;
        }
        return new[] { ToId(inputData) };
    }

    /// <summary>True when <paramref name="id"/> is the marker of an input that is not sent; gives the reason.</summary>
    public static bool TryGetRejection(string? id, out Refusal? refusal)
    {
        refusal = null;
        return id is not null && Rejections.TryGetValue(id, out refusal);
    }

    /// <summary>A marker for <paramref name="refusal"/>: a new string instance, found by reference, never by its text.</summary>
    public static string Mark(Refusal refusal)
    {
        var marker = new string('\u0000', 1);
        Rejections.Add(marker, refusal);
        return marker;
    }

    private static string? ToId(object? item)
    {
        var value = Unwrap(item);
        switch (value)
        {
            case null:
                return null;
            case string s:
                return s;
            case char c:
                return c.ToString();
            case byte or sbyte or short or ushort or int or uint or long or ulong or decimal or float or double or System.Numerics.BigInteger:
                return Convert.ToString(value, CultureInfo.InvariantCulture);
        }
        if (value is IDictionary dictionary)
        {
            foreach (var name in IdProperties)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (entry.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                        return IdFromProperty(item, name, entry.Value);
                }
            }
            return Mark(Refusal.NoIdProperty(item));
        }
        var psObject = item as PSObject ?? PSObject.AsPSObject(value);
        foreach (var name in IdProperties)
        {
            if (psObject.Properties[name] is { } property) return IdFromProperty(item, property.Name, property.Value);
        }
        return Mark(Refusal.NoIdProperty(item));
    }

    private static string? IdFromProperty(object? item, string name, object? raw)
    {
        var value = Unwrap(raw);
        var id = value is null ? null : LanguagePrimitives.ConvertTo<string>(value);
        if (string.IsNullOrWhiteSpace(id))
            return Mark(Refusal.BlankId(item, name));
        return id;
    }

    private static object? Unwrap(object? value) => value is PSObject ps && ps.BaseObject is not PSCustomObject ? ps.BaseObject : value;
}
