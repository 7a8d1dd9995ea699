using System;
using System.Management.Automation;
using TencentChatFollow.Errors;

namespace TencentChatFollow.Internal;

/// <summary>Turns core failures into PowerShell error records.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(TencentChatException ex, object? target = null)
        => new(ex, ex.ErrorId, Category(ex.Kind), target ?? ex.UserId);

    public static ErrorRecord InvalidArgument(ArgumentException ex, string errorId, object? target = null)
        => new(ex, errorId, ErrorCategory.InvalidArgument, target);

    public static ErrorRecord NotConnected()
        => new(new InvalidOperationException("Not connected to Tencent Cloud Chat. Run Connect-TencentChat first, or pass -Session."),
            "TencentChat.NotConnected", ErrorCategory.ConnectionError, null);

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
