using System;
using System.Management.Automation;
using TencentChatFollow.Errors;
using TencentChatFollow.Text;

namespace TencentChatFollow.Internal;

/// <summary>Turns core failures into PowerShell error records.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(TencentChatException ex, object? target = null)
    {
        target ??= ex.UserId;
        // The hint is for an id (not for a body that holds commas, as Invoke-TencentChatRestMethod's targets do).
        if (ex.ErrorId == "TencentChat.UserNotFound" && target is string id && (ex.UserId is null || ex.UserId == id) && (Refusal.MisreadHint(id) ?? SeveralIdsHint(id)) is { } hint)
            ex = ex.WithMessage(ex.Message + " " + hint);
        return new ErrorRecord(ex, ex.ErrorId, Category(ex.Kind), target);
    }

    /// <summary>
    /// For an id that does not exist and holds a separator between two names ('user001,user002', a full-width or
    /// ideographic comma, white space: <see cref="UserIdText.Separator"/>): it looks like several ids in one string, as
    /// -UserId 'a,b' or a line of a comma-separated file gives, and says how to split it. Null for any other id.
    /// </summary>
    public static string? SeveralIdsHint(string id)
    {
        if (UserIdText.Separator(id) is not char sep) return null;
        var parts = sep == ' ' ? id.Split((char[]?)null) : id.Split(sep);
        var named = 0;
        foreach (var part in parts) if (!string.IsNullOrWhiteSpace(part)) named++;
        if (named < 2) return null;
        var pattern = PowerShellText.Quote(UserIdText.SplitPattern(sep));
        return $"{UserIdText.Show(id)} looks like several ids in one string: -UserId takes an array, so split the string first, as in -UserId ({PowerShellText.Quote(id)} -split {pattern}), " +
               $"or pipe the lines of a file through ForEach-Object {{ $_ -split {pattern} }} first.";
    }

    public static ErrorRecord InvalidArgument(ArgumentException ex, string errorId, object? target = null)
        => new(ex, errorId, ErrorCategory.InvalidArgument, target);

    /// <summary>
    /// No session anywhere the commands look: says which scopes were searched (this runspace, then the process) and
    /// what to do, including for a job or remote command that runs in another process.
    /// </summary>
    public static ErrorRecord NotConnectedInScopes()
        => new(new InvalidOperationException(
                "Not connected to Tencent Cloud Chat: searched this runspace (Connect-TencentChat -Scope Runspace) and this process (Connect-TencentChat, whose -Scope is Process by default), and found no session. " +
                "Run Connect-TencentChat in this process first, or pass -Session. A Start-Job job or a remote command runs in another process, which does not share sessions: connect there, " +
                $"for example with Connect-TencentChat and no parameters after setting {Session.ConnectionRequest.SdkAppIdVariable} and {Session.ConnectionRequest.SecretKeyVariable} (and {Session.ConnectionRequest.RegionVariable} or {Session.ConnectionRequest.EndpointVariable})."),
            "TencentChat.NotConnected", ErrorCategory.ConnectionError, null);

    /// <summary>The message for a session that arrived deserialized from another process (Start-Job, Invoke-Command, Import-Clixml).</summary>
    public static string SessionCrossedProcess(string typeName)
        => $"The -Session is a copy ({typeName}) of a session from another process, such as a Start-Job job, Invoke-Command or Import-Clixml gives: " +
           "a session cannot cross processes, because its secret key and UserSig never leave the process that made it. " +
           $"Connect in the process that runs the command instead. Unattended, set {Session.ConnectionRequest.SdkAppIdVariable}, {Session.ConnectionRequest.SecretKeyVariable} and, as needed, " +
           $"{Session.ConnectionRequest.IdentifierVariable}, {Session.ConnectionRequest.RegionVariable} or {Session.ConnectionRequest.EndpointVariable} there (a job inherits the environment of the process that starts it), " +
           "then run Connect-TencentChat with no parameters in the job; or pass -Credential to Connect-TencentChat there.";

    public static ErrorCategory Category(ErrorKind kind) => kind switch
    {
        ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.Authentication => ErrorCategory.AuthenticationError,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        ErrorKind.Timeout => ErrorCategory.OperationTimeout,
        ErrorKind.InvalidResponse => ErrorCategory.InvalidResult,
        _ => ErrorCategory.NotSpecified,
    };
}
