using System;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;

namespace TencentChatFollow.Internal;

/// <summary>
/// The members TencentChatFollow.Types.ps1xml puts on the output types so that they survive Export-Csv and
/// Import-Csv on a machine with another culture. Export-Csv writes a value's ToString(), which for a date is in the
/// current culture (14.11.2023 22:13:20 on de-DE) and does not read back elsewhere. FollowEntry.FollowTime is
/// therefore shown through <see cref="FollowTime"/>: the same DateTimeOffset, wrapped with a ToString that writes
/// ISO 8601 (2023-11-14T22:13:20+00:00), which <c>[datetimeoffset]$row.FollowTime</c> reads in any culture. In the
/// pipeline it still compares, sorts and formats as a DateTimeOffset.
/// <para>
/// PowerShell lists type-data members before the .NET ones, so FollowTime alone would become the first CSV column.
/// The types file therefore gives every FollowEntry property its getter here, in the class's order.
/// </para>
/// </summary>
public static class OutputMembers
{
    public static string UserId(PSObject instance) => Entry(instance).UserId;

    public static string OfUserId(PSObject instance) => Entry(instance).OfUserId;

    public static FollowRelation Relation(PSObject instance) => Entry(instance).Relation;

    public static string? Nick(PSObject instance) => Entry(instance).Nick;

    public static FollowProfile Profile(PSObject instance) => Entry(instance).Profile;

    private const string IsoFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFzzz";
    private static readonly MethodInfo IsoTextMethod = typeof(OutputMembers).GetMethod(nameof(IsoText))!;

    /// <summary>The getter of FollowEntry's FollowTime code property.</summary>
    public static object? FollowTime(PSObject instance)
        => Entry(instance).FollowTime is { } time ? Iso(time) : null;

    /// <summary>The ToString of a time wrapped by <see cref="Iso"/>.</summary>
    public static string IsoText(PSObject instance)
        => instance?.BaseObject is DateTimeOffset time ? time.ToString(IsoFormat, CultureInfo.InvariantCulture) : instance?.BaseObject?.ToString() ?? "";

    private static FollowEntry Entry(PSObject instance) => (FollowEntry)instance.BaseObject;

    /// <summary><paramref name="time"/>, whose text (Export-Csv, tables, lists, .ToString()) is ISO 8601 in every culture; "$x" and [string]$x skip ToString() and give the invariant culture's text.</summary>
    internal static PSObject Iso(DateTimeOffset time)
    {
        var wrapped = new PSObject(time);
        wrapped.Methods.Add(new PSCodeMethod("ToString", IsoTextMethod));
        return wrapped;
    }
}
