using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace TencentChatFollow.Internal;

/// <summary>
/// Turns what is bound to a -UserId parameter into id strings, and marks what is not an id instead of letting
/// PowerShell make a string of it ("@{Id=u1; Name=a}", "System.Collections.Hashtable") that would be sent to Tencent.
/// <para>
/// Ids are strings, numbers, and objects or hashtables with a <see cref="IdProperties"/> property (the first one
/// present is the id; blank is refused), or with a property the parameter names first (New-TencentChatUserSig's
/// Identifier). Anything else becomes a marker string that <see cref="TryGetRejection"/>
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

    /// <summary>The keys of a hashtable that carry the From of a pair, in the order they are looked for (as the From parameter and its alias).</summary>
    public static readonly string[] FromKeys = { "From", "From_Account" };

    /// <summary>The properties (or keys) this parameter reads, in the order they are looked for.</summary>
    private readonly string[] _properties;

    /// <summary>Reads <see cref="IdProperties"/>, after <paramref name="firstProperties"/> (a parameter's own name, such as Identifier).</summary>
    public UserIdTransformationAttribute(params string[] firstProperties) => _properties = firstProperties.Concat(IdProperties).ToArray();

    /// <summary>Markers made for refused objects, by reference (each marker is a new string instance).</summary>
    private static readonly ConditionalWeakTable<string, Refusal> Rejections = new();

    /// <summary>The From key of a hashtable bound whole, by the ids array made of it (found by reference).</summary>
    private static readonly ConditionalWeakTable<string?[], string> Froms = new();

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = InputItems.Unwrap(inputData);
        if (value is null || value is string) return value;
        var ids = new List<string?>();
        if (InputItems.Of(value) is { } items)
        {
            foreach (var item in items) AddIds(ids, item);
        }
        else
        {
            AddIds(ids, inputData);
        }
        var result = ids.ToArray();
        if (value is IDictionary hashtable && KeyedFrom(hashtable) is { } from) Froms.Add(result, from);
        return result;
    }

    /// <summary>
    /// The From or From_Account key of the hashtable whose ids <paramref name="ids"/> are (one piped hashtable, or a
    /// -UserId that is one hashtable): PowerShell binds a piped object's From property to -From, but not a hashtable's
    /// key, so the pair cmdlets read it here, as the UserId key is read. Null when there is none (or it is blank).
    /// </summary>
    public static string? HashtableFrom(string?[]? ids) => ids is not null && Froms.TryGetValue(ids, out var from) ? from : null;

    private static string? KeyedFrom(IDictionary dictionary)
    {
        foreach (var name in FromKeys)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (entry.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    var value = InputItems.Unwrap(entry.Value);
                    var from = ScalarId(value, out var scalar) ? scalar : LanguagePrimitives.ConvertTo<string>(value);
                    return string.IsNullOrWhiteSpace(from) ? null : from;
                }
            }
        }
        return null;
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

    /// <summary>Adds the id <paramref name="item"/> carries, or the marker of its refusal; an id property that holds a list adds each of its ids.</summary>
    private void AddIds(List<string?> ids, object? item, bool nested = false)
    {
        var value = InputItems.Unwrap(item);
        if (ScalarId(value, out var id))
        {
            ids.Add(id);
            return;
        }
        if (value is IDictionary dictionary)
        {
            foreach (var name in _properties)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (entry.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                    {
                        AddIdsFromProperty(ids, item, name, entry.Value, nested);
                        return;
                    }
                }
            }
            ids.Add(Mark(Refusal.NoIdProperty(item, _properties)));
            return;
        }
        var psObject = item as PSObject ?? PSObject.AsPSObject(value);
        foreach (var name in _properties)
        {
            if (psObject.Properties[name] is { } property)
            {
                // A getter that fails (a ScriptProperty that throws): this input is refused, the run goes on.
                if (PropertyReader.TryRead(property, out var raw, out var reason)) AddIdsFromProperty(ids, item, property.Name, raw, nested);
                else ids.Add(Mark(Refusal.Unreadable(item, property.Name, reason)));
                return;
            }
        }
        ids.Add(Mark(Refusal.NoIdProperty(item, _properties)));
    }

    /// <summary>A string, char or number is an id as it is (null: none).</summary>
    private static bool ScalarId(object? value, out string? id)
    {
        switch (value)
        {
            case null:
                id = null;
                return true;
            case string s:
                id = s;
                return true;
            case char c:
                id = c.ToString();
                return true;
            case byte or sbyte or short or ushort or int or uint or long or ulong or decimal or float or double or System.Numerics.BigInteger:
                id = Convert.ToString(value, CultureInfo.InvariantCulture);
                return true;
        }
        id = null;
        return false;
    }

    /// <summary>
    /// The ids in the property <paramref name="name"/> of <paramref name="item"/>: one, or each of a list (as
    /// ConvertFrom-Json gives for "UserId": ["a", "b"]), not the list joined into one string; blanks in a list are
    /// skipped as in -UserId. An object there gives its own id (or its refusal), one level deep only: an object can
    /// hold itself. A property with no id at all is refused.
    /// </summary>
    private void AddIdsFromProperty(List<string?> ids, object? item, string name, object? raw, bool nested)
    {
        var value = InputItems.Unwrap(raw);
        var before = ids.Count;
        if (InputItems.Items(value) is { } list)
        {
            foreach (var element in list) AddPropertyValue(ids, element, nested);
        }
        else if (value is not null)
        {
            AddPropertyValue(ids, raw, nested);
        }
        if (ids.Count == before) ids.Add(Mark(Refusal.BlankId(item, name)));
    }

    /// <summary>
    /// One value of an id property: a custom object or hashtable gives its own id (one level deep); anything else is
    /// the id as PowerShell writes it (a number, a Guid).
    /// </summary>
    private void AddPropertyValue(List<string?> ids, object? element, bool nested)
    {
        var value = InputItems.Unwrap(element);
        if (value is IDictionary or PSObject)
        {
            if (nested) ids.Add(Mark(Refusal.NoIdProperty(element, _properties)));
            else AddIds(ids, element, nested: true);
            return;
        }
        var one = ScalarId(value, out var scalar) ? scalar : LanguagePrimitives.ConvertTo<string>(value);
        if (!string.IsNullOrWhiteSpace(one)) ids.Add(one);
    }
}
