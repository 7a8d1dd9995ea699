namespace TencentChatFollow.Emulator;

/// <summary>
/// One object of an answer's item array: its fields in the order they are written. A value is a string, an int,
/// a long, or a list of <see cref="AnswerItem"/> (a nested array of objects, such as follow_get's ProfileItem).
/// </summary>
internal sealed class AnswerItem(IReadOnlyList<KeyValuePair<string, object>> fields)
{
    public IReadOnlyList<KeyValuePair<string, object>> Fields { get; } = fields;

    public static AnswerItem Of(params (string Name, object Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)).ToList());

    public object this[string name] => Fields.First(f => f.Key == name).Value;

    /// <summary>A copy with one field's value replaced, in the same place.</summary>
    public AnswerItem With(string name, object value) =>
        new(Fields.Select(f => f.Key == name ? KeyValuePair.Create(name, value) : f).ToList());
}

/// <summary>
/// How the item faults spoil one API's items. A null member means that fault kind does not apply to the API: a call
/// that draws it gets the genuine answer, with no fault recorded.
/// </summary>
/// <param name="Missing">Whether 'missing' may leave one item out.</param>
/// <param name="Extra">The item 'extra' adds, for an account id nobody asked for.</param>
/// <param name="Doubled">The second item 'doubled' adds for the same id, with other values.</param>
/// <param name="WrongTypeField">The numeric field 'wrongtype' writes as the string "many".</param>
/// <param name="NegativeField">The field 'negative' sets to -1.</param>
/// <param name="IdField">The field that holds each item's account id (To_Account; account_check's UserID).</param>
internal sealed record ItemFaults(
    bool Missing,
    Func<string, AnswerItem>? Extra,
    Func<AnswerItem, AnswerItem>? Doubled,
    string? WrongTypeField,
    string? NegativeField,
    string IdField = ApiAnswer.ToAccountField)
{
    /// <summary>For answers with one item per requested id, keyed by <paramref name="idField"/>.</summary>
    public static ItemFaults PerId(
        Func<string, AnswerItem> extra,
        Func<AnswerItem, AnswerItem> doubled,
        string wrongTypeField,
        string negativeField,
        string idField = ApiAnswer.ToAccountField) =>
        new(true, extra, doubled, wrongTypeField, negativeField, idField);
}

/// <summary>
/// A successful answer before it is written: the item array (written first, as in Tencent's samples), any fields
/// that follow it (follow_get's NextCursor), and how faults may spoil the items.
/// </summary>
internal sealed record ApiAnswer(
    string ItemsName,
    IReadOnlyList<AnswerItem> Items,
    ItemFaults Faults,
    IReadOnlyList<KeyValuePair<string, object>>? After = null)
{
    public const string ToAccountField = "To_Account";
}
