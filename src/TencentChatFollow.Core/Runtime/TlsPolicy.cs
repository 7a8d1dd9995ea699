using System;
using System.Security.Authentication;

namespace TencentChatFollow.Runtime;

/// <summary>
/// Which TLS versions the module's own HTTP handler asks for. Windows PowerShell 5.1 (.NET Framework) may still
/// default to TLS 1.0 through ServicePointManager; the module sets TLS 1.2 (and 1.3 where the framework knows it)
/// on its own handler only, and leaves the process-wide ServicePointManager alone. On .NET the system default is
/// already TLS 1.2 or newer, and is left as it is.
/// </summary>
internal static class TlsPolicy
{
    private const int Tls13 = 12288; // SslProtocols.Tls13, missing from netstandard2.0 and .NET Framework 4.7.x

    /// <summary>The protocols to set on the handler, or null to keep the system default.</summary>
    public static SslProtocols? ProtocolsFor(string frameworkDescription, Func<int, bool>? isDefined = null)
    {
        if (!DependencyResolver.AppliesTo(frameworkDescription)) return null;
        isDefined ??= value => Enum.IsDefined(typeof(SslProtocols), value);
        return isDefined(Tls13) ? SslProtocols.Tls12 | (SslProtocols)Tls13 : SslProtocols.Tls12;
    }
}
