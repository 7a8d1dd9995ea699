using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using TencentChatFollow.Execution;

namespace TencentChatFollow.Session;

/// <summary>What the check call found: the admin's own counts, or the error that stops Connect-TencentChat.</summary>
internal sealed class ConnectionCheckResult
{
    internal ConnectionCheckResult(FollowInfo? admin, TencentChatException? error, IReadOnlyList<string> verbose)
    {
        Admin = admin;
        Error = error;
        Verbose = verbose;
    }

    /// <summary>True when the service answered the check call with the admin's counts.</summary>
    public bool Passed => Error is null;
    /// <summary>The admin account's own counts, when the check passed.</summary>
    public FollowInfo? Admin { get; }
    /// <summary>Why the session cannot work, as the module says it for a run (same error id and code), naming the endpoint.</summary>
    public TencentChatException? Error { get; }
    /// <summary>The call's verbose lines (URL without its query, status, time, retries, outcome).</summary>
    public IReadOnlyList<string> Verbose { get; }
}

/// <summary>
/// The one call Connect-TencentChat makes before it keeps a session: follow_get_info for the admin identifier itself,
/// as the admin. It proves the SDKAppID, the key or UserSig, the admin account and the endpoint (region) in one call,
/// with the session's own retries, rate limiter and error wording, so a wrong one fails at Connect and not at the
/// first run.
/// </summary>
internal static class ConnectionCheck
{
    /// <summary>Makes the check call. Cancelling the token throws OperationCanceledException.</summary>
    /// <param name="session">The session to check.</param>
    /// <param name="liveVerbose">Gets each -Verbose line as it is written (each retry as it happens), on the call's thread; the result has them all too.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    public static async Task<ConnectionCheckResult> RunAsync(TencentChatSession session, Action<string>? liveVerbose, CancellationToken cancellationToken)
    {
        if (session is null) throw new ArgumentNullException(nameof(session));
        var call = new BatchCall<FollowInfo>(session, FollowGetInfoProtocol.Instance, collectDebug: false) { Name = "connection check", LiveVerbose = liveVerbose };
        var result = await call.ExecuteAsync(0, session.Identifier, new[] { session.Identifier }, cancellationToken).ConfigureAwait(false);
        var outcome = result.Outcomes[0];
        if (outcome.Result is { } info) return new ConnectionCheckResult(info, null, result.Verbose);
        var failure = outcome.Error ?? result.Fatal
            ?? new TencentChatException("TencentChat.InvalidResponse", ErrorKind.InvalidResponse, "The service's answer had no result for the admin account.");
        return new ConnectionCheckResult(null, Explain(session, failure), result.Verbose);
    }

    /// <summary>The failure as Connect-TencentChat reports it: what was checked, where, what came back, and that nothing was kept.</summary>
    internal static TencentChatException Explain(TencentChatSession session, TencentChatException failure)
    {
        var where = session.Endpoint.GetLeftPart(UriPartial.Authority);
        var offline = failure.Kind is ErrorKind.ConnectionError or ErrorKind.Timeout
            ? " To set up a session without calling the service (offline), pass -SkipCheck."
            : "";
        var message = $"Connect-TencentChat checked the connection with one follow_get_info call for the admin {Text.UserIdText.Show(session.Identifier)} of app {session.SdkAppId} at {where}, and it failed: {failure.Message.TrimEnd()} The session was not kept.{offline}";
        return new TencentChatException(failure.ErrorId, failure.Kind, message, failure.Code, inner: failure);
    }
}
