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
    /// <summary>An id longer than any Tencent user id (<see cref="UserIdText.MaxBytes"/>).</summary>
    TooLong,
    /// <summary>An id that holds what no Tencent user id can: half a surrogate pair, a control character (<see cref="UserIdText.Flaw"/>).</summary>
    NotAnId,
    /// <summary>A pair whose From is longer than any Tencent user id, or holds what none can.</summary>
    BadFrom,
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

    private Refusal(RefusalKind kind, object? input, string shape, string? property, IReadOnlyList<string>? idNames = null, IReadOnlyList<string>? columns = null)
    {
        Kind = kind;
        Input = input;
        Shape = shape;
        Property = property;
        IdNames = idNames ?? UserIdTransformationAttribute.IdProperties;
        Columns = columns;
    }

    public RefusalKind Kind { get; }
    /// <summary>What was refused: the piped object, or the id (NoFrom, TooLong, NotAnId, BadFrom).</summary>
    public object? Input { get; }
    /// <summary>What inputs with the same problem share: a custom object's property names, a hashtable's keys, a type, a From, why a property could not be read.</summary>
    public string Shape { get; }
    /// <summary>For NoIdProperty: the property that most likely holds the ids; for BlankId: the blank property.</summary>
    public string? Property { get; }
    /// <summary>For NoIdProperty: the properties (or keys) that would have carried the id, in the order they were looked for.</summary>
    public IReadOnlyList<string> IdNames { get; }
    /// <summary>For NoIdProperty of a custom object: its property names, in order.</summary>
    private IReadOnlyList<string>? Columns { get; }
    /// <summary>For NoIdProperty: the input of a pair command came without a From too (no From property or key, no -From).</summary>
    private bool LacksFrom { get; set; }
    public string Key => $"{Kind}|{Shape}|{Property}" + (LacksFrom ? "|no From" : "");

    /// <summary>An object (or hashtable) that has none of <paramref name="idNames"/>, the properties its parameter reads.</summary>
    public static Refusal NoIdProperty(object? input, IReadOnlyList<string> idNames)
    {
        var value = input is PSObject ps ? ps.BaseObject : input;
        if (value is IDictionary dictionary)
        {
            var keys = dictionary.Keys.Cast<object>().Select(k => Convert.ToString(k, CultureInfo.InvariantCulture) ?? "").ToList();
            return new Refusal(RefusalKind.NoIdProperty, value, HashtableShape + string.Join(",", keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase)), null, idNames);
        }
        if (value is PSCustomObject && input is PSObject row)
        {
            var names = row.Properties.Select(p => p.Name).ToList();
            return new Refusal(RefusalKind.NoIdProperty, input, ObjectShape + string.Join(",", names), IdColumn(names), idNames, names);
        }
        return new Refusal(RefusalKind.NoIdProperty, value, "type:" + value?.GetType().FullName, null, idNames);
    }

    /// <summary>This refusal, for an input of a pair command that came without a From too: its hint sets both.</summary>
    public Refusal WithoutFrom() => new(Kind, Input, Shape, Property, IdNames, Columns) { LacksFrom = true };

    /// <summary>The column of <paramref name="names"/> that most likely holds the ids: the first id-like name, else the first.</summary>
    private static string? IdColumn(IEnumerable<string> names) => names.FirstOrDefault(n => IdLike.IsMatch(n)) ?? names.FirstOrDefault();

    /// <summary>An object whose id property <paramref name="property"/> is blank.</summary>
    public static Refusal BlankId(object? input, string property)
        => new(RefusalKind.BlankId, AsGiven(input), "blank", property);

    /// <summary>An object whose id property <paramref name="property"/> could not be read, for <paramref name="reason"/>.</summary>
    public static Refusal Unreadable(object? input, string property, string reason) => new(RefusalKind.Unreadable, AsGiven(input), reason, property);

    /// <summary>An object as the error holds it: a custom object as it is, any other without its PowerShell wrapper.</summary>
    private static object? AsGiven(object? input) => input is PSObject { BaseObject: not PSCustomObject } ps ? ps.BaseObject : input;

    /// <summary>An id that came without a From, or (<paramref name="blankArgument"/>) with -From given blank.</summary>
    public static Refusal NoFrom(string id, bool blankArgument = false) => new(RefusalKind.NoFrom, id, blankArgument ? BlankFromShape : "", null);

    private const string BlankFromShape = "blank -From";

    /// <summary>An id longer than any Tencent user id.</summary>
    public static Refusal TooLong(string id) => new(RefusalKind.TooLong, id, HintShape(id), null);

    /// <summary>An id that holds what no Tencent user id can (<paramref name="flaw"/>).</summary>
    public static Refusal NotAnId(string id, IdFlaw flaw) => new(RefusalKind.NotAnId, id, flaw + "|" + HintShape(id), null);

    /// <summary>The id of a pair whose From, <paramref name="from"/>, names no account (<see cref="FromProblem"/>).</summary>
    public static Refusal BadFrom(string id, string from) => new(RefusalKind.BadFrom, id, from, null);

    /// <summary>
    /// Why <paramref name="from"/> names no account ("The From "xxx..." (40 bytes) is longer than a Tencent user id may
    /// be (32 bytes), so it names no account"), with what to do about it when the text says (read with another
    /// encoding) in <paramref name="hint"/>; null when it may name one. Shared by the pair commands and
    /// Get-TencentChatFollowInfo -From.
    /// </summary>
    public static string? FromProblem(string from, out string hint)
    {
        var problem = UserIdText.NoAccount("The From", from);
        hint = problem is null ? "" : Hint(from, UserIdText.Flaw(from, out _), command: null);
        return problem;
    }

    /// <summary>
    /// The message for <paramref name="count"/> inputs with this problem (this one the first): what is wrong, that
    /// nothing was sent for them, and what to do, with <paramref name="command"/> in the example; <paramref name="pair"/>
    /// for Test-, Add- and Remove-TencentChatFollow, whose From columns are never the ids.
    /// </summary>
    public string Message(string command, long count, bool pair = false)
    {
        var one = count == 1;
        var names = string.Join(", ", IdNames.Take(IdNames.Count - 1)) + " or " + IdNames[IdNames.Count - 1];
        var all = one ? "" : $" {TargetObjectHolds(count)}";
        switch (Kind)
        {
            case RefusalKind.NoFrom when Shape == BlankFromShape:
                return (one
                        ? $"-From was given blank (empty or only white space), so the pair with {UserIdText.Show((string)Input!)} was not sent"
                        : $"-From was given blank (empty or only white space), so none of the pairs of {Wording.Ids(count)} (such as {UserIdText.Show((string)Input!)}) was sent") +
                    ": each pair needs the account on its From side. Pass the account itself, as in -From <account> (a variable or a field that holds none gives a blank -From), " +
                    $"or leave -From out and give each piped object a From (or From_Account) property or hashtable key.{all}";
            case RefusalKind.NoFrom:
                return (one
                        ? $"The id {UserIdText.Show((string)Input!)} came without a From, so its pair was not sent"
                        : $"{Wording.Ids(count)} (such as {UserIdText.Show((string)Input!)}) came without a From, so none of their pairs was sent") +
                    $": each pair needs the account on its From side. Pass -From <account>{(one ? "" : " for all of them")}, or give each piped object a From (or From_Account) property or hashtable key, such as a From column in the CSV file: " +
                    $"Import-Csv users.csv | Select-Object *, @{{ Name = 'From'; Expression = {{ 'official' }} }} | {command}.{all}";
            case RefusalKind.TooLong:
                return (one
                        ? $"The id {UserIdText.ShowLong((string)Input!)} is longer than a Tencent user id may be ({UserIdText.MaxBytes} bytes), so it names no account; it was not sent."
                        : $"{Wording.Ids(count)} (such as {UserIdText.ShowLong((string)Input!)}) are longer than a Tencent user id may be ({UserIdText.MaxBytes} bytes), so they name no account; none of them was sent.") +
                    " " + Hint((string)Input!, IdFlaw.None, command) + all;
            case RefusalKind.NotAnId:
                var id = (string)Input!;
                var flaw = UserIdText.Flaw(id, out var at);
                return (one
                        ? $"The id {UserIdText.Show(id)} {UserIdText.Holds(flaw, id, at, one: true)}, so it names no account; it was not sent."
                        : $"{Wording.Ids(count)} (such as {UserIdText.Show(id)}) {UserIdText.Holds(flaw, id, at, one: false)}, so they name no account; none of them was sent.") +
                    " " + Hint(id, flaw, command) + all;
            case RefusalKind.BadFrom:
                return FromProblem(Shape, out var fromHint) + ": " +
                    (one ? $"its pair with {UserIdText.Show((string)Input!)} was not sent." : $"none of its {Wording.Count(count, "pair", "pairs")} (such as with {UserIdText.Show((string)Input!)}) was sent.") +
                    " Check -From, or the From column of the input." + (fromHint.Length == 0 ? "" : " " + fromHint) + all;
            case RefusalKind.Unreadable:
                return (one
                        ? $"The {Property} property of the input object {Show(Input)} could not be read ({Shape}), so it was not sent."
                        : $"The {Property} property of {Wording.Count(count, "input object", "input objects")} (such as {Show(Input)}) could not be read ({Shape}), so none of them was sent.") +
                    $" Fix how {Property} is computed, or leave those objects out.{all}";
            case RefusalKind.BlankId:
                return (one
                        ? $"The input object {Show(Input)} has a blank {Property}, so it carries no user id; it was not sent."
                        : $"{Wording.Count(count, "input object", "input objects")} (such as {Show(Input)}) have a blank {Property}, so they carry no user id; none of them was sent.") +
                    $" Fill in {Property}, or leave those rows out: Import-Csv users.csv | Where-Object {PowerShellText.Member(Property!)} | {command}.{all}";
        }
        if (Shape.StartsWith(HashtableShape, StringComparison.Ordinal))
        {
            return (one
                    ? $"The hashtable {Show(Input)} has no {names} key, so it carries no user id; it was not sent."
                    : $"{Wording.Count(count, "hashtable", "hashtables")} with the keys {Shape.Substring(HashtableShape.Length).Replace(",", ", ")} (such as {Show(Input)}) have no {names} key, so they carry no user id; none of them was sent.") +
                $" Pass the id itself, or a hashtable with a UserId key, such as @{{ {(LacksFrom ? "From = 'official'; " : "")}UserId = 'user001' }}.{all}";
        }
        if (Shape.StartsWith(ObjectShape, StringComparison.Ordinal))
        {
            var properties = Shape.Substring(ObjectShape.Length);
            return (one
                    ? $"The input object {Show(Input)} has no {names} property, so it carries no user id; it was not sent."
                    : $"{Wording.Count(count, "input object", "input objects")} with the properties {ServerText.Safe(properties.Replace(",", ", "))} (such as {Show(Input)}) have no {names} property, so they carry no user id; none of them was sent.") +
                (properties == Property && Delimiter(Property) is { } delimiter
                    ? $" The one property holds the delimiter {delimiter}: the file was written with it (Export-Csv -UseCulture writes the culture's list separator) and read with a comma. Read it with the same one, as in Import-Csv users.csv -Delimiter {delimiter} | {command} (or Import-Csv users.csv -UseCulture where the list separator is {delimiter}).{all}"
                    : ColumnHint(command, pair) + all);
        }
        var type = Input?.GetType().Name ?? "null";
        return (one
                ? $"The input object {Show(Input)} has no {names} property, so it carries no user id; it was not sent."
                : $"{Wording.Count(count, "input object", "input objects")} of type {type} (such as {Show(Input)}) have no {names} property, so they carry no user id; none of them was sent.") +
            $" Pipe the ids themselves (strings), or objects with a UserId property: ... | Select-Object @{{ Name = 'UserId'; Expression = {{ $_.<the property with the id> }} }} | {command}.{all}";
    }

    /// <summary>
    /// How to give objects with these columns a UserId. A pair command never takes it from a column that binds to -From
    /// (From, From_Account), which would pair each account with itself; rows that came with no From at all get a
    /// Select-Object that sets both, From from the first column and UserId from the second (a pairs file's order).
    /// </summary>
    private string ColumnHint(string command, bool pair)
    {
        var columns = Columns ?? Array.Empty<string>();
        var others = pair ? columns.Where(c => !UserIdTransformationAttribute.FromKeys.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList() : columns.ToList();
        if (!pair || !LacksFrom || others.Count < columns.Count)
        {
            return $" Name the column that holds the ids UserId, or add a UserId property on the way: Import-Csv users.csv | Select-Object *, @{{ Name = 'UserId'; Expression = {{ $_.{PowerShellText.Member(IdColumn(others) ?? "Id")} }} }} | {command}.";
        }
        // One id-like column (id,Name) is a list of users that lacks its From; none or several (follower,followee) a pairs file.
        var idLike = others.Where(c => IdLike.IsMatch(c)).ToList();
        var two = others.Count >= 2 && idLike.Count != 1;
        var from = two ? "$_." + PowerShellText.Member(others[0]) : "'official'";
        var id = two ? others[1] : IdColumn(others) ?? "Id";
        return $" Each pair needs a From and a UserId: {(two ? "name the columns so, or set both on the way (here From from the first column and UserId from the second)" : "pass -From, or set both on the way (with the From account in place of 'official')")}: " +
            $"Import-Csv {(two ? "pairs" : "users")}.csv | Select-Object @{{ Name = 'From'; Expression = {{ {from} }} }}, @{{ Name = 'UserId'; Expression = {{ $_.{PowerShellText.Member(id)} }} }} | {command}.";
    }

    /// <summary>For an id the service does not know: how to read a file whose UTF-8 text it looks like, read as ANSI ("JosÃ©"); null for any other id.</summary>
    public static string? MisreadHint(string id) => UserIdText.LooksMisread(id) ? Hint(id, IdFlaw.None, command: null) : null;

    /// <summary>
    /// The CSV delimiter in the one property name of an Import-Csv row read with the wrong delimiter
    /// (UserId;"FollowerCount";...), as a PowerShell literal: ';', '|' or "`t"; null when it holds none.
    /// </summary>
    private static string? Delimiter(string name)
        => name.IndexOf(';') > 0 ? "';'" : name.IndexOf('\t') > 0 ? "\"`t\"" : name.IndexOf('|') > 0 ? "'|'" : null;

    /// <summary>What a string that is no id most likely is, for its hint (and its own error): lines of a file, UTF-8 read as ANSI, ids with a separator, or something else.</summary>
    private static string HintShape(string text)
        => text.IndexOf('\n') >= 0 || text.IndexOf('\r') >= 0 ? "lines" : UserIdText.LooksMisread(text) ? "ansi" : UserIdText.Separator(text) is not null ? "separated" : "";

    /// <summary>
    /// What to do with <paramref name="text"/>, which is no id for <paramref name="flaw"/> (or its length), with
    /// <paramref name="command"/> in the example; for a -From (<paramref name="command"/> null) only what its text
    /// shows (an encoding), else "".
    /// </summary>
    private static string Hint(string text, IdFlaw flaw, string? command)
    {
        var example = command is null ? "" : ", as in Get-Content users.txt -Encoding {0} | " + command;
        switch (flaw)
        {
            case IdFlaw.Utf16:
            case IdFlaw.Utf16BlankLine:
                return "It looks like a UTF-16 (Unicode) file without a byte order mark read as UTF-8: read the file with -Encoding Unicode" + string.Format(CultureInfo.InvariantCulture, example, "Unicode") + ".";
            case IdFlaw.HalfSurrogate:
                return "Text cut inside a character (Substring through an emoji, say) or a JSON escape such as \\uD83D without its pair gives this: check where the ids come from.";
        }
        switch (HintShape(text))
        {
            case "ansi":
                return "It looks like UTF-8 text read as ANSI or Latin-1, as Windows PowerShell 5.1's Get-Content and Import-Csv read a file without a byte order mark: read the file with -Encoding UTF8" + string.Format(CultureInfo.InvariantCulture, example, "UTF8") + ".";
            case "lines" when command is not null:
                return $"It holds several lines, as a file read whole (Get-Content -Raw) does: pass the ids one a line instead, as in Get-Content users.txt | {command}.";
            case "separated" when command is not null:
                return $"It looks like several ids in one string: split it first, as in ($ids -split {PowerShellText.Quote(UserIdText.SplitPattern(UserIdText.Separator(text)!.Value))}) | {command}.";
            default:
                return command is null ? "" : "Check where the ids come from (a column or variable that holds something else, say).";
        }
    }

    /// <summary>The inputs one problem's error holds at most: a million rows with the same wrong column are not all kept.</summary>
    internal const int KeptInputs = 1000;

    private static string TargetObjectHolds(long count) => count <= KeptInputs
        ? $"The error's TargetObject holds all {count.ToString(CultureInfo.InvariantCulture)}, in input order."
        : $"The error's TargetObject holds the first {KeptInputs.ToString(CultureInfo.InvariantCulture)}, in input order.";

    /// <summary>An input as the messages show it: its text (80 characters at most, invisible ones as escapes) and what it is.</summary>
    private static string Show(object? item)
    {
        var value = item is PSObject ps ? ps.BaseObject : item;
        var text = value is IDictionary dictionary ? "@{" + string.Join("; ", DictionaryPairs(dictionary)) + "}" : LanguagePrimitives.ConvertTo<string>(item) ?? "";
        if (UserIdText.Characters(text) > 80) text = UserIdText.Cut(text, 77);
        return $"'{ServerText.Safe(text, int.MaxValue)}' ({(value is PSCustomObject ? "a custom object" : "a " + value?.GetType().Name)})";
    }

    private static IEnumerable<string> DictionaryPairs(IDictionary dictionary)
    {
        // As PowerShell writes values (1.5, not 1,5 in de-DE): the message reads the same in every culture.
        foreach (DictionaryEntry entry in dictionary) yield return LanguagePrimitives.ConvertTo<string>(entry.Key) + "=" + LanguagePrimitives.ConvertTo<string>(entry.Value);
    }
}
