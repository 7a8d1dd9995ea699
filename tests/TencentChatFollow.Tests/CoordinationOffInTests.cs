using System.Runtime.CompilerServices;

namespace TencentChatFollow.Tests;

/// <summary>
/// The process-wide limiters (sessions on the real clock) do not coordinate through the machine's quota boards in the
/// unit tests: set before anything reads it, the switch keeps these tests off the temp folder and out of step with other
/// test runs on the machine. Coordination tests give their registries a store of their own.
/// </summary>
internal static class CoordinationOffInTests
{
    [ModuleInitializer]
    internal static void TurnOff() => Environment.SetEnvironmentVariable("TENCENTCHAT_COORDINATION", "off");
}
