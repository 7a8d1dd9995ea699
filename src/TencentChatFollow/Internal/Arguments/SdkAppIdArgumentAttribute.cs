using System;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using TencentChatFollow.Text;

namespace TencentChatFollow.Internal;

/// <summary>
/// -SdkAppId (position 0) refuses what is not a number without repeating it: PowerShell's own conversion message
/// quotes the value, and the value most often passed there by mistake is the secret key (Connect-TencentChat $key).
/// It refuses a number that is not whole, or text that is not written in digits ('1400000000.7', '1.4e9'), too:
/// PowerShell would round it to another app's SDKAppID. A whole double (1400000001.0) is the same app and is taken.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SdkAppIdArgumentAttribute : ArgumentTransformationAttribute
{
    private const string WasGiven = "takes the app's SDKAppID, a whole number from 1 to 4294967295 such as 1400000001; it was given ";

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (value is SecureString)
        {
            throw new ArgumentTransformationMetadataException(
                "-SdkAppId (the first position) takes the app's SDKAppID, a number such as 1400000001, and was given a SecureString: pass the secret key as -SecretKey, as in Connect-TencentChat 1400000001 -SecretKey $key.");
        }
        if (value is string text)
        {
            if (!LanguagePrimitives.TryConvertTo<uint>(text, CultureInfo.InvariantCulture, out _))
            {
                throw new ArgumentTransformationMetadataException(
                    $"-SdkAppId (the first position) {WasGiven}{UnsafeText.Show(text)}, which is not one. " +
                    "Pass the secret key as -SecretKey, never by position.");
            }
            // Digits only, as TENCENTCHAT_SDKAPPID is read: PowerShell also reads '1400000000.7', '1.4e9' and '0x10'.
            if (!uint.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _)) throw NotWhole(UnsafeText.Show(text));
        }
        else if (value is double d && Math.Floor(d) != d) throw NotWhole(d.ToString("R", CultureInfo.InvariantCulture));
        else if (value is float f && Math.Floor(f) != f) throw NotWhole(f.ToString("R", CultureInfo.InvariantCulture));
        else if (value is decimal m && decimal.Floor(m) != m) throw NotWhole(m.ToString(CultureInfo.InvariantCulture));
        return inputData;
    }

    private static ArgumentTransformationMetadataException NotWhole(string shown)
        => new($"-SdkAppId {WasGiven}{shown}, which is not a whole number in digits (PowerShell rounds a fraction, which would make it another app's SDKAppID). " +
            "Pass the whole SDKAppID, digits only, as the Chat console shows it.");
}
