using System;
using System.Management.Automation;

namespace TencentChatFollow.Internal;

/// <summary>
/// A parameter that names one account (Get-TencentChatFollowInfo -From): not blank, and one a Tencent user id can be
/// (<see cref="Refusal.FromProblem"/>: no longer than <see cref="Text.UserIdText.MaxBytes"/>, no control character).
/// Checked when the parameter binds, so a wrong value stops the command before any call, instead of every id failing
/// on its own for it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ValidateAccountIdAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var text = (arguments is PSObject ps ? ps.BaseObject : arguments) as string;
        if (text is null) return;
        if (string.IsNullOrWhiteSpace(text))
            throw new ValidationMetadataException("The argument is blank. Pass an account id, or leave the parameter out to use the default.");
        if (Refusal.FromProblem(text.Trim(), out var hint) is { } problem)
            throw new ValidationMetadataException($"{problem}. Pass one account id.{(hint.Length == 0 ? "" : " " + hint)}");
    }
}
