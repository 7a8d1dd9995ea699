using System;

namespace TencentChatFollow.Errors;

/// <summary>
/// A failure for one user id or one call. Its message never holds a UserSig, a secret key or a URL with a query.
/// </summary>
public class TencentChatException : Exception
{
    public TencentChatException(string errorId, ErrorKind kind, string message, int? code = null, string? userId = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Code = code;
        UserId = userId;
    }

    /// <summary>Stable id, e.g. TencentChat.UserNotFound.</summary>
    public string ErrorId { get; }
    public ErrorKind Kind { get; }
    /// <summary>Tencent's ErrorCode or ResultCode, when the service gave one.</summary>
    public int? Code { get; }
    /// <summary>The user id the error is about, when it is about one.</summary>
    public string? UserId { get; }

    /// <summary>The same error, about one id of the call.</summary>
    public TencentChatException ForUser(string userId) => new(ErrorId, Kind, Message, Code, userId, InnerException);
}
