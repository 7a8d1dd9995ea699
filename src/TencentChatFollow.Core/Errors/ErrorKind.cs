namespace TencentChatFollow.Errors;

/// <summary>What kind of failure an error is; the PowerShell layer maps it to an ErrorCategory.</summary>
public enum ErrorKind
{
    /// <summary>The account does not exist.</summary>
    NotFound,
    /// <summary>Something the caller passed is invalid.</summary>
    InvalidArgument,
    /// <summary>The UserSig, key, identifier or SDKAppID was refused.</summary>
    Authentication,
    /// <summary>The identifier is not an App admin, or the app may not use the feature.</summary>
    PermissionDenied,
    /// <summary>The service refused for load reasons.</summary>
    LimitsExceeded,
    /// <summary>The service or network failed.</summary>
    ConnectionError,
    /// <summary>The call took too long.</summary>
    Timeout,
    /// <summary>The answer was not what the API documents.</summary>
    InvalidResponse,
    /// <summary>The service reported an error without a better kind.</summary>
    ServiceError,
}
