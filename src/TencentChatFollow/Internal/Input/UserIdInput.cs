using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using TencentChatFollow.Text;

namespace TencentChatFollow.Internal;

/// <summary>
/// What every command taking -UserId does with it: trims, skips blanks, refuses inputs that carry no id (or, for
/// pairs, no From) and ids no account can have (<see cref="UserIdText"/>), and says so when no id came at all.
/// <para>
/// Refused inputs are not an error each: 300 rows of a CSV file whose column is called "user" are one problem, so
/// they make one error, written when the input ends (<see cref="WriteRefused"/>), that says how many inputs had it,
/// shows the first, names the command and what to change, and holds every one of them in TargetObject (one input:
/// the input itself), so every input still comes out once. Inputs with different problems (another kind, or objects
/// with other properties) make one error each. A run that stops before its input ends (a fatal answer) writes them
/// before its one terminating error. Under -ErrorAction Stop the first refused input is written at once
/// instead, as the error that stops the command, before anything after it is sent.
/// </para>
/// </summary>
internal static class UserIdInput
{
    private static readonly ConditionalWeakTable<Cmdlet, RefusedInputs> Refused = new();

    /// <summary>
    /// The ids to use, trimmed, blanks skipped; each refused input is kept for its command's one error per problem
    /// (<see cref="WriteRefused"/>), and <paramref name="refused"/> is counted up.
    /// </summary>
    public static IEnumerable<string> Ids(PSCmdlet cmdlet, IEnumerable<string?>? raw, Action refused)
    {
        if (raw is null) yield break;
        foreach (var item in raw)
        {
            if (UserIdTransformationAttribute.TryGetRejection(item, out var refusal))
            {
                refused();
                Refuse(cmdlet, refusal!);
                continue;
            }
            var id = item?.Trim();
            if (string.IsNullOrEmpty(id)) continue;
            if (UserIdText.TooLong(id!))
            {
                refused();
                Refuse(cmdlet, Refusal.TooLong(id!));
                continue;
            }
            var flaw = UserIdText.Flaw(id!, out _);
            if (flaw != IdFlaw.None)
            {
                refused();
                Refuse(cmdlet, Refusal.NotAnId(id!, flaw));
                continue;
            }
            yield return id!;
        }
    }

    /// <summary>
    /// The ids of a record that came without a From, or with <paramref name="badFrom"/>, a From that names no account
    /// (<see cref="Refusal.FromProblem"/>): each one becomes a refused input (NoFrom or BadFrom), except those already
    /// refused (an object that carries no id and came without a From is marked so, for its hint), and blanks, which
    /// are skipped as usual. <paramref name="blankArgument"/>: -From was given, blank, and the refusals say so.
    /// </summary>
    public static string?[] WithoutFrom(IEnumerable<string?>? raw, string? badFrom = null, bool blankArgument = false)
    {
        var marked = new List<string?>();
        if (raw is null) return marked.ToArray();
        foreach (var item in raw)
        {
            var id = item?.Trim();
            if (UserIdTransformationAttribute.TryGetRejection(item, out var refusal))
            {
                // An object with no id either: its hint sets both.
                marked.Add(badFrom is null && refusal!.Kind == RefusalKind.NoIdProperty ? UserIdTransformationAttribute.Mark(refusal.WithoutFrom()) : item);
                continue;
            }
            marked.Add(string.IsNullOrEmpty(id) ? item : UserIdTransformationAttribute.Mark(badFrom is null ? Refusal.NoFrom(id!, blankArgument) : Refusal.BadFrom(id!, badFrom)));
        }
        return marked.ToArray();
    }

    /// <summary>
    /// Writes the command's refused inputs: one error per problem, in the order the problems first came. Call when the
    /// input has ended (EndProcessing), before the run's last results, or when the run ends before its input does
    /// (<see cref="RunWriter.Ended"/>, before its terminating error). Each input is written once: the ones written
    /// are forgotten.
    /// </summary>
    public static void WriteRefused(PSCmdlet cmdlet)
    {
        if (!Refused.TryGetValue(cmdlet, out var refused)) return;
        Refused.Remove(cmdlet);
        foreach (var problem in refused.Problems) cmdlet.WriteError(ErrorFor(cmdlet, problem.First, problem.Inputs, problem.Count));
    }

    /// <summary>
    /// A run that received no id is worth a word: a warning when the pipeline brought none (an empty file), an error
    /// when -UserId was given but holds none (a mistyped variable is $null). <paramref name="outcome"/> says what did
    /// not happen, e.g. "nothing was counted".
    /// </summary>
    public static void ReportNone(PSCmdlet cmdlet, bool fromPipeline, string outcome)
        => ReportNone(cmdlet, fromPipeline, outcome, "user id", " (blank lines are skipped)", "ids", "-UserId", "($null, an empty array or blank strings)", "TencentChat.NoUserId");

    /// <summary>
    /// <see cref="ReportNone(PSCmdlet, bool, string)"/> for any input: <paramref name="what"/> ("body") did not come
    /// down the pipeline (<paramref name="skipped"/> says what is skipped there), or <paramref name="parameter"/>
    /// holds none (<paramref name="empty"/> says how), which is the error <paramref name="errorId"/>.
    /// </summary>
    public static void ReportNone(PSCmdlet cmdlet, bool fromPipeline, string outcome, string what, string skipped, string whats, string parameter, string empty, string errorId)
    {
        if (fromPipeline)
        {
            cmdlet.WriteWarning($"No {what} came down the pipeline{skipped}, so {outcome}. If {whats} were expected, check the input file or the command before this one.");
            return;
        }
        cmdlet.WriteError(new ErrorRecord(new ArgumentException($"{parameter} holds no {what} {empty}, so {outcome}. Check the variable you passed (a typo gives $null)."),
            errorId, ErrorCategory.InvalidArgument, null));
    }

    private static void Refuse(PSCmdlet cmdlet, Refusal refusal)
    {
        if (StopsAtFirstError(cmdlet))
        {
            // The error that ends the command: a command that writes a run's record holds it until the record is written.
            var error = ErrorFor(cmdlet, refusal);
            if (cmdlet is IErrorHolder holder) holder.Hold(error, NotSentAs(refusal.Input));
            else cmdlet.WriteError(error);
            return;
        }
        Refused.GetOrCreateValue(cmdlet).Add(refusal);
    }

    /// <summary>The error for one refused input, alone: its TargetObject is the input.</summary>
    public static ErrorRecord ErrorFor(PSCmdlet cmdlet, Refusal refusal) => ErrorFor(cmdlet, refusal, new List<object?> { refusal.Input }, 1);

    private static ErrorRecord ErrorFor(PSCmdlet cmdlet, Refusal first, List<object?> inputs, long count)
    {
        var message = first.Message(cmdlet.MyInvocation.MyCommand.Name, count, pair: cmdlet is FollowPairCmdlet);
        var errorId = first.Kind switch
        {
            RefusalKind.NoFrom => "TencentChat.NoFrom",
            RefusalKind.BadFrom => "TencentChat.InvalidFrom",
            _ => "TencentChat.NotAUserId",
        };
        return new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, inputs.Count == 1 ? inputs[0] : inputs.ToArray());
    }

    /// <summary>A refused input as the stop error's UnansweredIds lists it: the id itself, or an object's text.</summary>
    private static string NotSentAs(object? input) => input as string ?? LanguagePrimitives.ConvertTo<string>(input) ?? "";

    /// <summary>Whether this command's errors stop it (-ErrorAction Stop, or $ErrorActionPreference = 'Stop' where it runs).</summary>
    internal static bool StopsAtFirstError(PSCmdlet cmdlet)
    {
        var preference = cmdlet.MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var bound) ? bound : cmdlet.GetVariableValue("ErrorActionPreference");
        return LanguagePrimitives.TryConvertTo(preference, out ActionPreference action) && action == ActionPreference.Stop;
    }

    /// <summary>The refused inputs of one command, grouped by problem in the order the problems first came.</summary>
    private sealed class RefusedInputs
    {
        private readonly Dictionary<string, Problem> _byKey = new(StringComparer.Ordinal);

        public List<Problem> Problems { get; } = new();

        public void Add(Refusal refusal)
        {
            if (!_byKey.TryGetValue(refusal.Key, out var problem))
            {
                problem = new Problem(refusal);
                _byKey.Add(refusal.Key, problem);
                Problems.Add(problem);
            }
            problem.Count++;
            if (problem.Inputs.Count < Refusal.KeptInputs) problem.Inputs.Add(refusal.Input);
        }
    }

    private sealed class Problem
    {
        public Problem(Refusal first) => First = first;

        public Refusal First { get; }
        /// <summary>How many inputs had the problem.</summary>
        public long Count { get; set; }
        /// <summary>The first <see cref="Refusal.KeptInputs"/> of them: a file whose every row has the problem is not held whole.</summary>
        public List<object?> Inputs { get; } = new();
    }
}

/// <summary>A command that holds the error that ends it until it has written its run's record (<see cref="RunWriter"/>).</summary>
internal interface IErrorHolder
{
    /// <summary>
    /// Holds <paramref name="error"/>, a refused input's, instead of writing it: the first one ends the command; a
    /// later one (more refused inputs in the same record) is not sent, and the record lists it as <paramref name="input"/>.
    /// </summary>
    void Hold(ErrorRecord error, string input);
}
