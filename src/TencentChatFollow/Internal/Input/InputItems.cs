using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace TencentChatFollow.Internal;

/// <summary>
/// The items of a value bound to a parameter that takes several (-UserId, -Body), as PowerShell binds a collection to
/// an array parameter: any IEnumerable but a string, a dictionary or an XML node (a hashtable's Keys, a HashSet, a
/// List), and the items of a collection among them (-UserId $a, $b) one level deep, as piping $a, $b gives them.
/// </summary>
internal static class InputItems
{
    /// <summary>The items of <paramref name="value"/>, a collection among them opened one level deep (a list can hold itself); null for a single value.</summary>
    public static IEnumerable<object?>? Of(object? value) => Items(Unwrap(value)) is { } items ? Flatten(items) : null;

    /// <summary>The items of <paramref name="value"/> when it is a collection (not opened further); null for a single value.</summary>
    public static IEnumerable? Items(object? value) => value is null or IDictionary ? null : LanguagePrimitives.GetEnumerable(value);

    private static IEnumerable<object?> Flatten(IEnumerable items)
    {
        foreach (var item in items)
        {
            if (Items(Unwrap(item)) is { } inner)
            {
                foreach (var one in inner) yield return one;
            }
            else
            {
                yield return item;
            }
        }
    }

    /// <summary>What a PowerShell wrapper stands for: its base object, except a [pscustomobject], which is its properties.</summary>
    public static object? Unwrap(object? value) => value is PSObject ps && ps.BaseObject is not PSCustomObject ? ps.BaseObject : value;
}
