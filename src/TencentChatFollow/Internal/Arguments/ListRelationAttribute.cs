using System;
using System.Management.Automation;

namespace TencentChatFollow.Internal;

/// <summary>
/// Get-TencentChatFollow -Relation: a list is Follower, Following or Mutual, never None. Without this, a wrong value
/// fails PowerShell's conversion to <see cref="FollowRelation"/> before the ValidateSet is asked, and that message
/// offers every name of the enum, None included, which the command then refuses. This turns the three names (any
/// case, or the enum values themselves) into the enum and refuses anything else with a message that lists only them.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ListRelationAttribute : ArgumentTransformationAttribute
{
    /// <summary>The values -Relation takes, in the order the help lists them.</summary>
    public static readonly string[] Names = { nameof(FollowRelation.Follower), nameof(FollowRelation.Following), nameof(FollowRelation.Mutual) };

    public override object Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        var text = value switch
        {
            FollowRelation relation => relation.ToString(),
            string s => s.Trim(),
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        };
        foreach (var name in Names)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase)) return (FollowRelation)Enum.Parse(typeof(FollowRelation), name);
        }
        throw new ArgumentTransformationMetadataException(
            $"-Relation takes Follower (the user's fans, the default), Following (the accounts the user follows) or Mutual, not '{text}'.");
    }
}
