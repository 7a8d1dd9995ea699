using System;
using System.Collections.Generic;

namespace TencentChatFollow.Errors;

/// <summary>What a Tencent error code means for the call that got it; only <see cref="Execution.AttemptClassifier"/> acts on it.</summary>
internal enum CodeMeaning
{
    /// <summary>This call (or, in an item, this id) failed; retrying will not fix it, but other calls may work.</summary>
    FailsItsCall,
    /// <summary>A retry may succeed.</summary>
    Transient,
    /// <summary>The service says we call too often: slow the rate limiter down and go again.</summary>
    Throttles,
    /// <summary>Every later call of this session will fail the same way: stop the run.</summary>
    StopsTheRun,
}

/// <summary>What the module knows about one Tencent error code.</summary>
internal sealed class ErrorDescription
{
    internal ErrorDescription(int code, string errorId, ErrorKind kind, CodeMeaning meaning, string advice)
    {
        Code = code;
        ErrorId = errorId;
        Kind = kind;
        Meaning = meaning;
        Advice = advice;
    }

    /// <summary>Tencent's ErrorCode.</summary>
    public int Code { get; }
    /// <summary>Stable id for FullyQualifiedErrorId, e.g. TencentChat.UserSigRejected.</summary>
    public string ErrorId { get; }
    public ErrorKind Kind { get; }
    /// <summary>What the code means for a whole call; <see cref="Execution.AttemptClassifier"/> decides from it.</summary>
    public CodeMeaning Meaning { get; }
    /// <summary>What the user should do, in one sentence.</summary>
    public string Advice { get; }
}

/// <summary>
/// The Tencent Cloud Chat error codes the follow APIs (follow_get_info, follow_check, follow_add, follow_delete,
/// follow_get) and the REST envelope can return, in a call's ErrorCode or an item's ResultCode: the module's error id,
/// its kind, what it means for the call and the advice to give.
/// </summary>
internal static class ErrorCatalog
{
    private static readonly Dictionary<int, ErrorDescription> Codes = new();

    static ErrorCatalog()
    {
        Add(30001, "TencentChat.InvalidRequest", ErrorKind.InvalidArgument, "The request was refused as invalid; check the ids passed.");
        Add(30002, "TencentChat.SdkAppIdMismatch", ErrorKind.Authentication, "The SDKAppID does not match; check -SdkAppId.", fatal: true);
        Add(30003, "TencentChat.UserNotFound", ErrorKind.NotFound, "The account does not exist in this app; check the id.");
        Add(32100, "TencentChat.FollowLimit", ErrorKind.LimitsExceeded, "The From account already follows the most accounts Tencent allows (5,000); remove some follows first.");
        Add(32101, "TencentChat.FollowLimit", ErrorKind.LimitsExceeded, "A follow limit of the app was reached for this pair (fans or follows); see the Chat console's follow settings.");
        Add(32102, "TencentChat.FollowLimit", ErrorKind.LimitsExceeded, "A mutual-follow limit was reached for this pair; remove some follows first.");
        Add(32103, "TencentChat.FollowLimit", ErrorKind.LimitsExceeded, "A follow limit was reached for this pair; remove some follows first.");
        Add(30004, "TencentChat.NotAdmin", ErrorKind.PermissionDenied, "The identifier is not an App admin; connect with an App admin account (Connect-TencentChat -Identifier).", fatal: true);
        Add(30005, "TencentChat.FollowNotEnabled", ErrorKind.PermissionDenied, "The follow feature is not enabled for this app: it needs the Pro, Pro-plus or Enterprise edition and the follow switch in the Chat console.", fatal: true);
        Add(30006, "TencentChat.ServiceError", ErrorKind.ServiceError, "Tencent reported an internal error; try again later.", transient: true);
        Add(30007, "TencentChat.ServiceTimeout", ErrorKind.Timeout, "Tencent reported a network timeout; try again later.", transient: true);
        Add(60002, "TencentChat.InvalidRequest", ErrorKind.InvalidArgument, "The service could not parse the HTTP request; this is a module bug, please report it.", fatal: true);
        Add(60003, "TencentChat.InvalidRequest", ErrorKind.InvalidArgument, "The service could not parse the request JSON; this is a module bug, please report it.", fatal: true);
        Add(60015, "TencentChat.InvalidRequest", ErrorKind.InvalidArgument, "The service read an account in the request as not a string; this is a module bug, please report it.", fatal: true);
        Add(60004, "TencentChat.UserSigRejected", ErrorKind.Authentication, "The account or signature in the request was refused; check -Identifier and the secret key.", fatal: true);
        Add(60005, "TencentChat.UserSigRejected", ErrorKind.Authentication, "The account or signature in the request was refused; check -Identifier and the secret key.", fatal: true);
        Add(60006, "TencentChat.InvalidSdkAppId", ErrorKind.Authentication, "The SDKAppID is invalid; check -SdkAppId.", fatal: true);
        Add(60007, "TencentChat.Throttled", ErrorKind.LimitsExceeded, "The REST call frequency limit was exceeded: the app's quota for this API is shared with other jobs; the module slows down to its share and sends the call again.", transient: true, throttles: true);
        Add(60008, "TencentChat.ServiceTimeout", ErrorKind.Timeout, "The service timed out; try again later.", transient: true);
        Add(60009, "TencentChat.UnknownApi", ErrorKind.InvalidArgument, "There is no REST API at this path: check the service and command (case-sensitive) against Tencent's list of REST APIs.", fatal: true);
        Add(60010, "TencentChat.NotAdmin", ErrorKind.PermissionDenied, "The identifier is not an App admin; connect with an App admin account (Connect-TencentChat -Identifier).", fatal: true);
        Add(60011, "TencentChat.Throttled", ErrorKind.LimitsExceeded, "The app's request frequency limit was exceeded: the app's quota is shared with other jobs; the module slows down to its share and sends the call again.", transient: true, throttles: true);
        Add(60014, "TencentChat.ServiceTimeout", ErrorKind.Timeout, "Account switching timed out; try again later.", transient: true);
        Add(60016, "TencentChat.AppDisabled", ErrorKind.PermissionDenied, "The SDKAppID is disabled (60016 is not a frequency limit); check the app's status in the Chat console.", fatal: true);
        Add(60018, "TencentChat.Throttled", ErrorKind.LimitsExceeded, "Too many requests; try again later.", transient: true, throttles: true);
        Add(60019, "TencentChat.Throttled", ErrorKind.LimitsExceeded, "Too many requests; try again later.", transient: true, throttles: true);
        Add(60020, "TencentChat.EditionExpired", ErrorKind.PermissionDenied, "The app's Pro edition has expired; renew it in the Chat console.", fatal: true);
        Add(60021, "TencentChat.IpNotAllowed", ErrorKind.PermissionDenied, "This machine's IP address is not allowed to call the app's REST API; add it in the Chat console.", fatal: true);
        Add(70001, "TencentChat.UserSigExpired", ErrorKind.Authentication, "The UserSig has expired; connect again with -SecretKey or -Credential so the module can renew it, or pass a new -UserSig.", fatal: true);
        Add(70003, "TencentChat.UserSigRejected", ErrorKind.Authentication, "The UserSig could not be parsed (often a truncated copy); check the secret key or the -UserSig you passed.", fatal: true);
        Add(70009, "TencentChat.UserSigRejected", ErrorKind.Authentication, "The UserSig was made with another key; check the secret key for this SDKAppID in the Chat console.", fatal: true);
        Add(70013, "TencentChat.UserSigMismatch", ErrorKind.Authentication, "The identifier does not match the UserSig; pass the -Identifier the UserSig was made for.", fatal: true);
        Add(70014, "TencentChat.UserSigMismatch", ErrorKind.Authentication, "The SDKAppID does not match the UserSig; pass the -SdkAppId the UserSig was made for.", fatal: true);
        Add(70016, "TencentChat.WrongRegion", ErrorKind.Authentication, "The SDKAppID or its key is not known at this endpoint: probably the wrong -Region (or -Endpoint); check -SdkAppId too.", fatal: true);
        Add(70020, "TencentChat.WrongRegion", ErrorKind.Authentication, "The SDKAppID is not known at this endpoint: probably the wrong -Region (or -Endpoint); check -SdkAppId too.", fatal: true);
        Add(70402, "TencentChat.InvalidRequest", ErrorKind.InvalidArgument, "The request was refused as invalid (a required field missing or malformed); check the body.");
        Add(70050, "TencentChat.UserSigLockout", ErrorKind.LimitsExceeded, "Too many UserSig failures; fix the credentials, then wait a minute before trying again.", fatal: true);
    }

    private static void Add(int code, string errorId, ErrorKind kind, string advice, bool transient = false, bool fatal = false, bool throttles = false)
        => Codes[code] = new ErrorDescription(code, errorId, kind,
            throttles ? CodeMeaning.Throttles : transient ? CodeMeaning.Transient : fatal ? CodeMeaning.StopsTheRun : CodeMeaning.FailsItsCall, advice);

    /// <summary>Where the key is copied from, after "copy the (current) secret key".</summary>
    private static string CopyKeyFrom(uint app)
        => FormattableString.Invariant($" of SDKAppID {app} from the Chat console (Applications > the app > Basic configuration) and connect again.");

    /// <summary>
    /// The advice for a whole-call error. <paramref name="keyAppId"/> is the SDKAppID when the module made the UserSig
    /// from a secret key: then a sig that cannot be parsed (70003) or was made with another key (70009) means the key
    /// is not this app's, not that a copied UserSig was cut short. <paramref name="acceptedBefore"/>: the service took a
    /// call of this session before, so the key (or the sig made with it) was right then: it was changed since.
    /// </summary>
    public static string AdviceFor(int code, uint? keyAppId, ErrorDescription? described = null, bool acceptedBefore = false)
        => (keyAppId, code, acceptedBefore) switch
        {
            (uint app, 70003 or 70009, true) => "The secret key was accepted earlier in this session and is refused now: it was probably changed (reset) in the Chat console. Copy the current secret key" + CopyKeyFrom(app),
            (null, 70009, true) => "The UserSig was accepted earlier in this session and is refused now as made with another key: the app's secret key was probably changed (reset) in the Chat console. Connect again with a UserSig made from the current key, or with -SecretKey or -Credential so the module makes and renews it.",
            (uint app, 70003 or 70009, _) => FormattableString.Invariant($"The secret key does not belong to SDKAppID {app}: copy the secret key") + CopyKeyFrom(app),
            // The module made the sig from the key and renewed it once already: a fresh sig refused as expired means this
            // machine's clock (the sig's TLS.time) is far behind the service's.
            (uint, 70001, _) => "A UserSig the module had just made from the secret key was refused as expired: this machine's clock is probably wrong (the UserSig's time comes from it). Set the clock right (or sync it with NTP) and run again.",
            _ => (described ?? Describe(code)).Advice,
        };

    /// <summary>The description of a code; codes the module does not know are non-transient service errors.</summary>
    public static ErrorDescription Describe(int code)
        => Codes.TryGetValue(code, out var d)
            ? d
            : new ErrorDescription(code, "TencentChat.ServiceError", ErrorKind.ServiceError, CodeMeaning.FailsItsCall,
                "Tencent returned an error the module does not know; see Tencent Cloud Chat's error code list.");
}
