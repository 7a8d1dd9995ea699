using System;
using System.Collections;
using System.Collections.Generic;
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
/// recognises, so the cmdlet writes one error for that object and sends nothing for it. The transformation runs
/// before PowerShell's own binding by property name, so the property lookup here replaces it.
/// </para>
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class UserIdTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>The properties (or hashtable keys) that carry an id, in the order they are looked for.</summary>
    public static readonly string[] IdProperties = { "UserId", "To_Account", "Account" };

    /// <summary>Markers made for refused objects, by reference (each marker is a new string instance).</summary>
    private static readonly ConditionalWeakTable<string, Rejection> Rejections = new();

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

    /// <summary>True when <paramref name="id"/> is the marker of an object that carried no id; gives the error to write.</summary>
    public static bool TryGetRejection(string? id, out ErrorRecord? error)
    {
        error = null;
        if (id is null || !Rejections.TryGetValue(id, out var rejection)) return false;
        error = new ErrorRecord(new ArgumentException(rejection.Message), "TencentChat.NotAUserId", ErrorCategory.InvalidArgument, rejection.Input);
        return true;
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
            return Reject(item, $"The hashtable {Show(item)} has no {Names()} key, so it carries no user id; it was not sent. Pass the id itself, or a hashtable with a UserId key.");
        }
        var psObject = item as PSObject ?? PSObject.AsPSObject(value);
        foreach (var name in IdProperties)
        {
            if (psObject.Properties[name] is { } property) return IdFromProperty(item, property.Name, property.Value);
        }
        return Reject(item, $"The input object {Show(item)} has no {Names()} property, so it carries no user id; it was not sent. Pipe the ids themselves, or rename the column, e.g. Import-Csv users.csv | Select-Object @{{ Name = 'UserId'; Expression = {{ $_.Id }} }} | Get-TencentChatFollowInfo.");
    }

    private static string? IdFromProperty(object? item, string name, object? raw)
    {
        var value = Unwrap(raw);
        var id = value is null ? null : LanguagePrimitives.ConvertTo<string>(value);
        if (string.IsNullOrWhiteSpace(id))
            return Reject(item, $"The input object {Show(item)} has a blank {name}, so it carries no user id; it was not sent. Fill in {name} or leave the row out.");
        return id;
    }

    private static string Reject(object? input, string message)
    {
        // A new instance every time: the marker is found by reference, never by its text.
        var marker = new string('\u0000', 1);
        Rejections.Add(marker, new Rejection(Unwrap(input), message));
        return marker;
    }

    private static object? Unwrap(object? value) => value is PSObject ps && ps.BaseObject is not PSCustomObject ? ps.BaseObject : value;

    private static string Names() => "UserId, To_Account or Account";

    private static string Show(object? item)
    {
        var value = item is PSObject ps ? ps.BaseObject : item;
        var text = value is IDictionary dictionary ? "@{" + string.Join("; ", DictionaryPairs(dictionary)) + "}" : LanguagePrimitives.ConvertTo<string>(item) ?? "";
        if (text.Length > 80) text = text.Substring(0, 77) + "...";
        return $"'{text}' ({(value is PSCustomObject ? "a custom object" : "a " + value?.GetType().Name)})";
    }

    private static IEnumerable<string> DictionaryPairs(IDictionary dictionary)
    {
        foreach (DictionaryEntry entry in dictionary) yield return $"{entry.Key}={entry.Value}";
    }

    private sealed class Rejection
    {
        public Rejection(object? input, string message)
        {
            Input = input;
            Message = message;
        }

        public object? Input { get; }
        public string Message { get; }
    }
}
