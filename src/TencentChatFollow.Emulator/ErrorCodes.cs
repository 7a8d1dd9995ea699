namespace TencentChatFollow.Emulator;

/// <summary>The Tencent Cloud Chat error codes the emulator answers with.</summary>
internal static class ErrorCodes
{
    public const int Ok = 0;
    public const int InvalidParameter = 30001;
    public const int AccountNotFound = 30003;
    public const int InternalError = 30006;
    public const int NetworkTimeout = 30007;
    public const int HttpParseError = 60002;
    public const int JsonParseError = 60003;
    public const int AccountOrSignatureError = 60004;
    public const int InvalidSdkAppId = 60006;
    /// <summary>The REST API's call frequency exceeded (one API's limit).</summary>
    public const int FrequencyLimit = 60007;
    public const int ServiceTimeout = 60008;

    /// <summary>"Request resource error, check the request URL": the emulator's answer to a command it does not serve.</summary>
    public const int RequestResourceError = 60009;
    public const int AdminRequired = 60010;

    /// <summary>The SDKAppID's request frequency exceeded (the app as a whole).</summary>
    public const int AppFrequencyLimit = 60011;

    /// <summary>"A REST API call must carry the SDKAppID: check the SDKAppID in the request URL" (REST API common error codes).</summary>
    public const int SdkAppIdMissing = 60012;

    /// <summary>"The request body's account type is wrong: make sure the account is a string" (REST API common error codes).</summary>
    public const int AccountTypeError = 60015;
    public const int UserSigExpired = 70001;
    public const int UserSigUnparsable = 70003;
    public const int UserSigKeyMismatch = 70009;
    public const int UserSigIdentifierMismatch = 70013;
    public const int UserSigSdkAppIdMismatch = 70014;
    public const int UnknownSdkAppId = 70016;

    /// <summary>The account APIs' (im_open_login_svc) "invalid parameter": a required field missing or malformed.</summary>
    public const int AccountInvalidParameter = 70402;

    /// <summary>follow_add, per item: From_Account already follows <see cref="FollowGraph.MaxFollowing"/> accounts.</summary>
    public const int FollowLimitReached = 32100;
}

/// <summary>A call-level failure: the envelope's ErrorCode and ErrorInfo.</summary>
internal readonly record struct ApiError(int Code, string Info);
