using System;
using System.Management.Automation;

namespace TencentChatFollow.Internal;

/// <summary>
/// A parameter that names one account (Get-TencentChatFollowInfo -From): not blank, and no longer than a Tencent user
/// id may be (<see cref="UserIdInput.MaxIdBytes"/>). Checked when the parameter binds, so a wrong value stops the
/// command before any call, instead of every id failing on its own for it.
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
        if (UserIdInput.TooLong(text.Trim()))
            throw new ValidationMetadataException($"The argument is longer than a Tencent user id may be ({UserIdInput.MaxIdBytes} bytes), so it names no account. Pass one account id.");
    }
}
