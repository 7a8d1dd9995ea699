using TencentChatFollow.Errors;

namespace TencentChatFollow.Execution;

/// <summary>The one verdict an attempt gets; <see cref="BatchCall"/>'s loop acts on it and decides nothing else about the answer.</summary>
internal enum Verdict
{
    /// <summary>An answer with ErrorCode 0: read its items.</summary>
    Success,
    /// <summary>Refused for frequency (60007 and kin, HTTP 429): the quota is shared; slow down and go again, not a failed attempt.</summary>
    Throttled,
    /// <summary>The UserSig expired (70001) and the session can make a new one: renew and go again, once.</summary>
    RenewSig,
    /// <summary>May pass (network, timeout, 5xx, an unreadable answer, 30006...): retry within -MaxRetry.</summary>
    Transient,
    /// <summary>Every later call would fail the same way (wrong key, no such From_Account, not an admin...): stop the run.</summary>
    Fatal,
    /// <summary>This call failed for a reason retrying will not fix, but other calls may work: its ids get the error.</summary>
    Failed,
}

/// <summary>Decides, once per attempt, what it means: one place for every rule that maps an answer to retry or not.</summary>
internal static class AttemptClassifier
{
    /// <param name="attempt">What one send got back.</param>
    /// <param name="canRenewSig">The session holds the key and has not renewed the sig for this call yet.</param>
    /// <param name="fromPerCall">
    /// The From_Account changes from call to call (pairs): a call-level 30003 is then that From's, and fails only its
    /// call; with one From for the whole run (the default) every call would repeat it.
    /// </param>
    public static Verdict Classify(Attempt attempt, bool canRenewSig, bool fromPerCall = false)
    {
        if (attempt.Answer is { ErrorCode: 0 }) return Verdict.Success;
        var failure = attempt.Failure!;
        var known = failure.Code is int code ? ErrorCatalog.Describe(code) : null;
        // Per id, 30003 comes in the items; for a whole call it is the From_Account, which every call carries.
        if (failure.Code == 30003) return fromPerCall ? Verdict.Failed : Verdict.Fatal;
        if (failure.Code == 70001 && canRenewSig) return Verdict.RenewSig;
        if (known?.Throttles == true || attempt.StatusCode == 429) return Verdict.Throttled;
        if (known?.IsTransient ?? attempt.Transient) return Verdict.Transient;
        if (known?.IsFatal == true || attempt.Fatal) return Verdict.Fatal;
        return Verdict.Failed;
    }
}
