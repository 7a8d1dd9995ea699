using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace TencentChatFollow.Internal;

/// <summary>What every command taking -UserId does with it: trims, skips blanks, refuses objects that carry no id, and says so when no id came at all.</summary>
internal static class UserIdInput
{
    /// <summary>The ids to use, trimmed, blanks skipped; each refused object gets its own error, and <paramref name="refused"/> is counted up.</summary>
    public static IEnumerable<string> Ids(Cmdlet cmdlet, IEnumerable<string?>? raw, Action refused)
    {
        if (raw is null) yield break;
        foreach (var item in raw)
        {
            if (UserIdTransformationAttribute.TryGetRejection(item, out var error))
            {
                refused();
                cmdlet.WriteError(error!);
                continue;
            }
            var id = item?.Trim();
            if (!string.IsNullOrEmpty(id)) yield return id!;
        }
    }

    /// <summary>
    /// A run that received no id is worth a word: a warning when the pipeline brought none (an empty file), an error
    /// when -UserId was given but holds none (a mistyped variable is $null). <paramref name="outcome"/> says what did
    /// not happen, e.g. "nothing was counted".
    /// </summary>
    public static void ReportNone(PSCmdlet cmdlet, bool fromPipeline, string outcome)
    {
        if (fromPipeline)
        {
            cmdlet.WriteWarning($"No user id came down the pipeline (blank lines are skipped), so {outcome}. Check the input file or command.");
            return;
        }
        cmdlet.WriteError(new ErrorRecord(new ArgumentException($"-UserId holds no user id ($null, an empty array or blank strings), so {outcome}. Check the variable you passed (a typo gives $null)."),
            "TencentChat.NoUserId", ErrorCategory.InvalidArgument, null));
    }
}
