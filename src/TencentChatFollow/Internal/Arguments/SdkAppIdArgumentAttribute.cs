using System;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using TencentChatFollow.Text;

namespace TencentChatFollow.Internal;

/// <summary>
/// -SdkAppId (position 0) refuses what is not a number without repeating it: PowerShell's own conversion message
/// quotes the value, and the value most often passed there by mistake is the secret key (Connect-TencentChat $key).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SdkAppIdArgumentAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (value is SecureString)
        {
            throw new ArgumentTransformationMetadataException(
                "-SdkAppId (the first position) takes the app's SDKAppID, a number such as 1400000001, and was given a SecureString: pass the secret key as -SecretKey, as in Connect-TencentChat 1400000001 -SecretKey $key.");
        }
        if (value is string text && !LanguagePrimitives.TryConvertTo<uint>(text, CultureInfo.InvariantCulture, out _))
        {
            throw new ArgumentTransformationMetadataException(
                $"-SdkAppId (the first position) takes the app's SDKAppID, a whole number from 1 to 4294967295 such as 1400000001; it was given {UnsafeText.Show(text)}, which is not one. " +
                "Pass the secret key as -SecretKey, never by position.");
        }
        return inputData;
    }
}
