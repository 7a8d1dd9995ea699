using System;
using System.Collections;
using System.Management.Automation;
using TencentChatFollow.Endpoints;
using TencentChatFollow.Text;

namespace TencentChatFollow.Internal;

/// <summary>
/// -Region takes one region by name, as TENCENTCHAT_REGION does (<see cref="EndpointResolver.TryParseRegion"/>).
/// PowerShell's own conversion to the enum would take 'Singapore,Seoul' or an array (their values ORed: Tokyo) and a
/// number (3: Tokyo), and so silently pick another region's domain. The parameter keeps its enum type, so tab
/// completion still offers the names.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class RegionArgumentAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        switch (value)
        {
            case ChatRegion region when Enum.IsDefined(typeof(ChatRegion), region):
                return region;
            case string text when EndpointResolver.TryParseRegion(text, out var named):
                return named;
            case string text:
                throw Refused($"{UnsafeText.Show(text)} is not one");
            case IEnumerable:
                throw Refused("several values were given");
            case null:
                throw Refused("none was given");
            default:
                throw Refused($"a {value.GetType().Name} ({LanguagePrimitives.ConvertTo<string>(value)}) is not one; numbers are not taken");
        }
    }

    private static ArgumentTransformationMetadataException Refused(string why)
        => new($"-Region takes one region by name ({EndpointResolver.RegionNames}): {why}. For a domain of your own, pass -Endpoint instead.");
}
