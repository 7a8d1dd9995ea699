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

    /// <summary>
    /// The request was sent and no usable answer came back for this id (a timeout or a dropped connection after
    /// sending, an HTTP 5xx, a transient Tencent code such as 30006 after every retry, an answer cut short, or an
    /// answer without this id's item): the service may have done it. False when the service said no, or nothing
    /// reached it (connection refused, a name that does not resolve, a TLS failure, a refusal for frequency).
    /// </summary>
    public bool OutcomeUnknown { get; private set; }

    /// <summary>The same error, about one id of the call.</summary>
    public TencentChatException ForUser(string userId) => Copy(Message, userId, OutcomeUnknown);

    /// <summary>The same error with another message (same id, kind, code, user and <see cref="OutcomeUnknown"/>).</summary>
    public TencentChatException WithMessage(string message) => Copy(message, UserId, OutcomeUnknown);

    /// <summary>
    /// The same error for an id whose outcome is not known (<see cref="OutcomeUnknown"/>), its message followed by
    /// <paramref name="advice"/> when there is one (a write's: how to see whether it was done), as a sentence of its
    /// own: a message that ends without a full stop (.NET's "Connection reset by peer") gets one first.
    /// </summary>
    internal TencentChatException Unknown(string? advice)
        => Copy(advice is null ? Message : Text.Wording.Sentence(Message) + " " + advice, UserId, unknown: true);

    /// <summary>This error (id, kind, code, inner exception) with <paramref name="message"/>, for <paramref name="userId"/>.</summary>
    private TencentChatException Copy(string message, string? userId, bool unknown)
        => new(ErrorId, Kind, message, Code, userId, InnerException) { OutcomeUnknown = unknown };
}
