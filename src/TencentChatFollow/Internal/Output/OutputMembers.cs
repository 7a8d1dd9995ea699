using System;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;

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

    /// <summary>The getter of FollowEntry's FollowTime code property.</summary>
    public static object? FollowTime(PSObject instance)
        => Entry(instance).FollowTime is { } time ? Iso(time) : null;

    /// <summary>
    /// The text of a time wrapped by <see cref="Iso"/>, with the overloads of DateTimeOffset.ToString:
    /// no argument gives ISO 8601; a format, a format provider, or both give what the DateTimeOffset gives.
    /// A format provider with no format (or an empty one) is how PowerShell asks for an object's plain text
    /// (PSObject.ToString(format, provider), which the -f operator and the formatter reach), so it is ISO 8601 too.
    /// </summary>
    private static string IsoText(DateTimeOffset time, object?[]? arguments)
    {
        // $t.ToString($null) binds the null to the params array itself: one null argument, as for DateTimeOffset.
        var args = arguments ?? [null];
        switch (args.Length)
        {
            case 0:
                return time.ToString(IsoFormat, CultureInfo.InvariantCulture);
            case 1 when Unwrap(args[0]) is IFormatProvider provider:
                return time.ToString(provider);
            case 1:
                return time.ToString(FormatArgument(args[0]), CultureInfo.CurrentCulture);
            case 2:
                var format = FormatArgument(args[0]);
                var formatProvider = Unwrap(args[1]) switch
                {
                    null => null,
                    IFormatProvider given => given,
                    var other => throw new ArgumentException(
                        $"The second argument of ToString must be a format provider (such as [cultureinfo]::InvariantCulture), not {other.GetType().FullName}."),
                };
                return string.IsNullOrEmpty(format) && formatProvider is not null
                    ? time.ToString(IsoFormat, CultureInfo.InvariantCulture)
                    : time.ToString(format, formatProvider);
            default:
                throw new ArgumentException(
                    $"ToString takes at most two arguments (a format and a format provider), not {args.Length}.");
        }
    }

    private static string? FormatArgument(object? argument)
        => Unwrap(argument) is { } value ? LanguagePrimitives.ConvertTo<string>(value) : null;

    private static object? Unwrap(object? argument) => argument is PSObject wrapped ? wrapped.BaseObject : argument;

    private static FollowEntry Entry(PSObject instance) => (FollowEntry)instance.BaseObject;

    /// <summary><paramref name="time"/>, whose text (Export-Csv, tables, lists, .ToString()) is ISO 8601 in every culture; "$x" and [string]$x skip ToString() and give the invariant culture's text.</summary>
    internal static PSObject Iso(DateTimeOffset time)
    {
        var wrapped = new PSObject(time);
        wrapped.Methods.Add(new IsoToStringMethod(time));
        return wrapped;
    }

    /// <summary>
    /// The ToString method of <see cref="Iso"/>: <see cref="IsoText"/>, listed with the four overloads of
    /// DateTimeOffset.ToString. PowerShell passes a format and a format provider to an object's ToString member
    /// (the -f operator's '{0:yyyy-MM-dd}', PSObject.ToString(format, provider)) only when the member has more than
    /// one overload, in Windows PowerShell 5.1 as in PowerShell 7, so this one names the overloads itself. Calls
    /// such as $t.ToString('yyyy-MM-dd') reach its Invoke, as for any instance method.
    /// <para>
    /// A method of its own, not a PSCodeMethod: PowerShell builds a code method's invoker (emitted IL) the first time
    /// each instance is called, about 250 microseconds, and every FollowTime read is a new instance: Export-Csv of
    /// Get-TencentChatFollow's entries ran at about 5,000 rows a second on that alone.
    /// </para>
    /// </summary>
    private sealed class IsoToStringMethod : PSMethodInfo
    {
        private static readonly string[] Overloads =
        [
            "string ToString()",
            "string ToString(string format)",
            "string ToString(System.IFormatProvider formatProvider)",
            "string ToString(string format, System.IFormatProvider formatProvider)",
        ];

        private readonly DateTimeOffset _time;

        public IsoToStringMethod(DateTimeOffset time)
        {
            _time = time;
            SetMemberName("ToString");
        }

        public override object Invoke(params object?[]? arguments) => IsoText(_time, arguments);

        public override Collection<string> OverloadDefinitions => new([.. Overloads]);

        public override PSMemberTypes MemberType => PSMemberTypes.CodeMethod;

        public override string TypeNameOfValue => typeof(string).FullName!;

        public override PSMemberInfo Copy() => new IsoToStringMethod(_time);

        /// <summary>The member's definition (Get-Member): its overloads.</summary>
        public override string ToString() => string.Join(", ", Overloads);
    }
}
