using System.Management.Automation;

namespace TencentChatFollow.Internal;

/// <summary>Reads a property of a piped object whose getter may fail (a ScriptProperty that throws).</summary>
internal static class PropertyReader
{
    /// <summary>
    /// The property's value, or false with the getter's error in <paramref name="reason"/>: the caller refuses that
    /// input alone instead of ending the command. Ctrl+C during a getter still stops the pipeline.
    /// </summary>
    public static bool TryRead(PSPropertyInfo property, out object? value, out string reason)
    {
        try
        {
            value = property.Value;
            reason = "";
            return true;
        }
        catch (GetValueException ex) when (ex.InnerException is not PipelineStoppedException)
        {
            value = null;
            reason = ex.Message;
            return false;
        }
    }
}
