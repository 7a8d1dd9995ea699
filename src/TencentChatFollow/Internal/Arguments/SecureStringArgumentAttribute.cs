using System;
using System.Management.Automation;
using System.Security;

namespace TencentChatFollow.Internal;

/// <summary>
/// On a SecureString parameter (-SecretKey, -UserSig): plain text given there is refused with a message that says how
/// to make a SecureString and what else to pass, instead of PowerShell's bare "Cannot convert the "..." value of type
/// "System.String" to type "System.Security.SecureString"", which also repeats the secret itself. The message never
/// holds the value.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SecureStringArgumentAttribute : ArgumentTransformationAttribute
{
    public SecureStringArgumentAttribute(string parameter, string alternatives)
    {
        Parameter = parameter;
        Alternatives = alternatives;
    }

    /// <summary>The parameter's name, as the message shows it (-SecretKey).</summary>
    public string Parameter { get; }

    /// <summary>What else the user can pass, as the end of the message.</summary>
    public string Alternatives { get; }

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (value is string)
        {
            throw new ArgumentTransformationMetadataException(
                $"{Parameter} takes a SecureString, not plain text, so that the secret stays out of the command line and its history. " +
                $"Type it at a prompt with $secret = Read-Host -AsSecureString -Prompt '{Parameter.TrimStart('-')}', or turn text you already hold into one with " +
                $"$secret = ConvertTo-SecureString $text -AsPlainText -Force, then pass {Parameter} $secret. {Alternatives}");
        }
        return inputData;
    }
}
