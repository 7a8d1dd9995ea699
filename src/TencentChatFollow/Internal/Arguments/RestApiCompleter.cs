using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using TencentChatFollow.Execution;

namespace TencentChatFollow.Internal;

/// <summary>
/// Tab completion for Invoke-TencentChatRestMethod -Api: the APIs the module knows the limits of
/// (<see cref="KnownRateLimits"/>), as service/command, whose name or command starts with what was typed (a leading
/// v4/ and quotes aside). Any other API is still taken as typed.
/// </summary>
internal sealed class RestApiCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = wordToComplete ?? "";
        var quote = word.Length > 0 && (word[0] == '\'' || word[0] == '"') ? word.Substring(0, 1) : "";
        var typed = word.Trim('\'', '"').TrimStart('/');
        if (typed.StartsWith("v4/", StringComparison.OrdinalIgnoreCase)) typed = typed.Substring(3);
        foreach (var path in KnownRateLimits.Apis.OrderBy(p => p, StringComparer.Ordinal))
        {
            var name = path.Substring("v4/".Length);
            var command = name.Substring(name.IndexOf('/') + 1);
            if (!name.StartsWith(typed, StringComparison.OrdinalIgnoreCase) && !command.StartsWith(typed, StringComparison.OrdinalIgnoreCase)) continue;
            var tip = string.Format(CultureInfo.InvariantCulture, "POST {0}, at most {1} calls/s", path, KnownRateLimits.For(path));
            yield return new CompletionResult(quote + name + quote, name, CompletionResultType.ParameterValue, tip);
        }
    }
}
