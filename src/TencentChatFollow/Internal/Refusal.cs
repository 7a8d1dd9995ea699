using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.RegularExpressions;
using TencentChatFollow.Text;

namespace TencentChatFollow.Internal;

/// <summary>Why an input was not sent.</summary>
internal enum RefusalKind
{
    /// <summary>An object or hashtable with none of the id properties.</summary>
    NoIdProperty,
    /// <summary>An object whose id property is blank.</summary>
    BlankId,
    /// <summary>A pair (Test-, Add-, Remove-TencentChatFollow) with no From.</summary>
    NoFrom,
    /// <summary>An id longer than any Tencent user id (<see cref="UserIdInput.MaxIdBytes"/>).</summary>
    TooLong,
    /// <summary>A pair whose From is longer than any Tencent user id.</summary>
    FromTooLong,
    /// <summary>An object whose id property could not be read (its getter failed).</summary>
    Unreadable,
}

/// <summary>
/// One input that was not sent, and why. Inputs with the same problem (the same kind, and for objects the same
/// property names or type: the rows of one CSV file) make one error together: see <see cref="RefusedInputs"/>.
/// </summary>
internal sealed class Refusal
{
    private const string HashtableShape = "hashtable:";
    private const string ObjectShape = "object:";
    private static readonly Regex IdLike = new("(^|_)(id|uid|user|account|member)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private Refusal(RefusalKind kind, object? input, string shape, string? property)
    {
        Kind = kind;
        Input = input;
        Shape = shape;
        Property = property;
    }

    public RefusalKind Kind { get; }
    /// <summary>What was refused: the piped object, or the id (NoFrom, TooLong, FromTooLong).</summary>
    public object? Input { get; }
    /// <summary>What inputs with the same problem share: a custom object's property names, a hashtable's keys, a type, a From, why a property could not be read.</summary>
    public string Shape { get; }
    /// <summary>For NoIdProperty: the property that most likely holds the ids; for BlankId: the blank property.</summary>
    public string? Property { get; }
    public string Key => $"{Kind}|{Shape}|{Property}";

    /// <summary>An object (or hashtable) that has none of <see cref="UserIdTransformationAttribute.IdProperties"/>.</summary>
    public static Refusal NoIdProperty(object? input)
    {
        var value = input is PSObject ps ? ps.BaseObject : input;
        if (value is IDictionary dictionary)
        {
            var keys = dictionary.Keys.Cast<object>().Select(k => Convert.ToString(k, CultureInfo.InvariantCulture) ?? "").ToList();
            return new Refusal(RefusalKind.NoIdProperty, value, HashtableShape + string.Join(",", keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase)), null);
        }
        if (value is PSCustomObject && input is PSObject row)
        {
            var names = row.Properties.Select(p => p.Name).ToList();
            return new Refusal(RefusalKind.NoIdProperty, input, ObjectShape + string.Join(",", names), names.FirstOrDefault(n => IdLike.IsMatch(n)) ?? names.FirstOrDefault());
        }
        return new Refusal(RefusalKind.NoIdProperty, value, "type:" + value?.GetType().FullName, null);
    }

    /// <summary>An object whose id property <paramref name="property"/> is blank.</summary>
    public static Refusal BlankId(object? input, string property)
        => new(RefusalKind.BlankId, AsGiven(input), "blank", property);

    /// <summary>An object whose id property <paramref name="property"/> could not be read, for <paramref name="reason"/>.</summary>
    public static Refusal Unreadable(object? input, string property, string reason) => new(RefusalKind.Unreadable, AsGiven(input), reason, property);

    /// <summary>An object as the error holds it: a custom object as it is, any other without its PowerShell wrapper.</summary>
    private static object? AsGiven(object? input) => input is PSObject { BaseObject: not PSCustomObject } ps ? ps.BaseObject : input;

    /// <summary>An id that came without a From.</summary>
    public static Refusal NoFrom(string id) => new(RefusalKind.NoFrom, id, "", null);

    /// <summary>An id longer than any Tencent user id.</summary>
    public static Refusal TooLong(string id) => new(RefusalKind.TooLong, id, TooLongShape(id), null);

    /// <summary>The id of a pair whose From, <paramref name="from"/>, is longer than any Tencent user id.</summary>
    public static Refusal FromTooLong(string id, string from) => new(RefusalKind.FromTooLong, id, from, null);

    /// <summary>
    /// The message for <paramref name="count"/> inputs with this problem (this one the first): what is wrong, that
    /// nothing was sent for them, and what to do, with <paramref name="command"/> in the example.
    /// </summary>
    public string Message(string command, long count)
    {
        var one = count == 1;
        var names = string.Join(", ", UserIdTransformationAttribute.IdProperties.Take(UserIdTransformationAttribute.IdProperties.Length - 1)) + " or " + UserIdTransformationAttribute.IdProperties.Last();
        var all = one ? "" : $" {TargetObjectHolds(count)}";
        switch (Kind)
        {
            case RefusalKind.NoFrom:
                return (one
                        ? $"The id {UserIdText.Show((string)Input!)} came without a From, so its pair was not sent"
                        : $"{Wording.Ids(count)} (such as {UserIdText.Show((string)Input!)}) came without a From, so none of their pairs was sent") +
                    $": each pair needs the account on its From side. Pass -From <account>{(one ? "" : " for all of them")}, or give each piped object a From (or From_Account) property or hashtable key, such as a From column in the CSV file: " +
                    $"Import-Csv users.csv | Select-Object *, @{{ Name = 'From'; Expression = {{ 'official' }} }} | {command}.{all}";
            case RefusalKind.TooLong:
                return (one
                        ? $"The id {ShowLong((string)Input!)} is longer than a Tencent user id may be ({UserIdInput.MaxIdBytes} bytes), so it names no account; it was not sent."
                        : $"{Wording.Ids(count)} (such as {ShowLong((string)Input!)}) are longer than a Tencent user id may be ({UserIdInput.MaxIdBytes} bytes), so they name no account; none of them was sent.") +
                    " " + TooLongHint((string)Input!, command) + all;
            case RefusalKind.FromTooLong:
                return $"The From {ShowLong(Shape)} is longer than a Tencent user id may be ({UserIdInput.MaxIdBytes} bytes), so it names no account: " +
                    (one ? $"its pair with {UserIdText.Show((string)Input!)} was not sent." : $"none of its {Wording.Count(count, "pair", "pairs")} (such as with {UserIdText.Show((string)Input!)}) was sent.") +
                    " Check -From, or the From column of the input." + all;
            case RefusalKind.Unreadable:
                return (one
                        ? $"The {Property} property of the input object {Show(Input)} could not be read ({Shape}), so it was not sent."
                        : $"The {Property} property of {Wording.Count(count, "input object", "input objects")} (such as {Show(Input)}) could not be read ({Shape}), so none of them was sent.") +
                    $" Fix how {Property} is computed, or leave those objects out.{all}";
            case RefusalKind.BlankId:
                return (one
                        ? $"The input object {Show(Input)} has a blank {Property}, so it carries no user id; it was not sent."
                        : $"{Wording.Count(count, "input object", "input objects")} (such as {Show(Input)}) have a blank {Property}, so they carry no user id; none of them was sent.") +
                    $" Fill in {Property}, or leave those rows out: Import-Csv users.csv | Where-Object {Property} | {command}.{all}";
        }
        if (Shape.StartsWith(HashtableShape, StringComparison.Ordinal))
        {
            return (one
                    ? $"The hashtable {Show(Input)} has no {names} key, so it carries no user id; it was not sent."
                    : $"{Wording.Count(count, "hashtable", "hashtables")} with the keys {Shape.Substring(HashtableShape.Length).Replace(",", ", ")} (such as {Show(Input)}) have no {names} key, so they carry no user id; none of them was sent.") +
                $" Pass the id itself, or a hashtable with a UserId key, such as @{{ UserId = 'user001' }}.{all}";
        }
        if (Shape.StartsWith(ObjectShape, StringComparison.Ordinal))
        {
            var column = Property is null ? "Id" : Property;
            return (one
                    ? $"The input object {Show(Input)} has no {names} property, so it carries no user id; it was not sent."
                    : $"{Wording.Count(count, "input object", "input objects")} with the properties {Shape.Substring(ObjectShape.Length).Replace(",", ", ")} (such as {Show(Input)}) have no {names} property, so they carry no user id; none of them was sent.") +
                $" Name the column that holds the ids UserId, or add a UserId property on the way: Import-Csv users.csv | Select-Object *, @{{ Name = 'UserId'; Expression = {{ $_.{column} }} }} | {command}.{all}";
        }
        var type = Input?.GetType().Name ?? "null";
        return (one
                ? $"The input object {Show(Input)} has no {names} property, so it carries no user id; it was not sent."
                : $"{Wording.Count(count, "input object", "input objects")} of type {type} (such as {Show(Input)}) have no {names} property, so they carry no user id; none of them was sent.") +
            $" Pipe the ids themselves (strings), or objects with a UserId property: ... | Select-Object @{{ Name = 'UserId'; Expression = {{ $_.<the property with the id> }} }} | {command}.{all}";
    }

    private static readonly char[] Separators = { ',', ';', ' ', '\t' };

    /// <summary>What a string longer than any id most likely is: lines of a file, ids with a separator, or something else (its hint, and its own error).</summary>
    private static string TooLongShape(string text)
        => text.IndexOf('\n') >= 0 || text.IndexOf('\r') >= 0 ? "lines" : text.IndexOfAny(Separators) >= 0 ? "separated" : "";

    /// <summary>How to pass what a string longer than any id holds instead.</summary>
    private static string TooLongHint(string text, string command)
    {
        switch (TooLongShape(text))
        {
            case "lines":
                return $"It holds several lines, as a file read whole (Get-Content -Raw) does: pass the ids one a line instead, as in Get-Content users.txt | {command}.";
            case "separated":
                var separator = text[text.IndexOfAny(Separators)];
                return $"It looks like several ids in one string: split it first, as in ($ids -split '{(separator == '\t' ? "`t" : separator.ToString())}') | {command}.";
            default:
                return "Check where the ids come from (a column or variable that holds something else, say).";
        }
    }

    /// <summary>A long string as the messages show it: its first 40 characters, line breaks as PowerShell writes them, and its length.</summary>
    private static string ShowLong(string text)
    {
        var start = text.Length > 40 ? text.Substring(0, 40) + "..." : text;
        start = start.Replace("\r", "`r").Replace("\n", "`n").Replace("\t", "`t");
        var bytes = Encoding.UTF8.GetByteCount(text);
        return $"\"{start}\" ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes{(bytes == text.Length ? "" : ", " + text.Length.ToString("N0", CultureInfo.InvariantCulture) + " characters")})";
    }

    private static string TargetObjectHolds(long count) => $"The error's TargetObject holds all {count.ToString(CultureInfo.InvariantCulture)}, in input order.";

    /// <summary>An input as the messages show it: its text (80 characters at most, invisible ones as escapes) and what it is.</summary>
    private static string Show(object? item)
    {
        var value = item is PSObject ps ? ps.BaseObject : item;
        var text = value is IDictionary dictionary ? "@{" + string.Join("; ", DictionaryPairs(dictionary)) + "}" : LanguagePrimitives.ConvertTo<string>(item) ?? "";
        if (text.Length > 80) text = text.Substring(0, 77) + "...";
        return $"'{ServerText.Safe(text, int.MaxValue)}' ({(value is PSCustomObject ? "a custom object" : "a " + value?.GetType().Name)})";
    }

    private static IEnumerable<string> DictionaryPairs(IDictionary dictionary)
    {
        // As PowerShell writes values (1.5, not 1,5 in de-DE): the message reads the same in every culture.
        foreach (DictionaryEntry entry in dictionary) yield return LanguagePrimitives.ConvertTo<string>(entry.Key) + "=" + LanguagePrimitives.ConvertTo<string>(entry.Value);
    }
}
