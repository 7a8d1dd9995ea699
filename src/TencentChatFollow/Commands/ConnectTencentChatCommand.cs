using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Api;
using TencentChatFollow.Endpoints;
using TencentChatFollow.Internal;
using TencentChatFollow.Session;
using TencentChatFollow.Text;

namespace TencentChatFollow.Commands;

/// <summary>
/// Connect-TencentChat: makes the default session (SDKAppID, admin, key or UserSig, endpoint), checks it with one call
/// (unless -SkipCheck) and keeps it for the process (-Scope Process, the default) or the runspace (-Scope Runspace).
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "TencentChat", DefaultParameterSetName = EnvironmentSet)]
[OutputType(typeof(TencentChatSession))]
public sealed class ConnectTencentChatCommand : PSCmdlet, IDisposable
{
    private readonly StopSignal _stop = new();

    private const string EnvironmentSet = "Environment";
    private const string SecretKeySet = "SecretKey";
    private const string CredentialSet = "Credential";
    private const string UserSigSet = "UserSig";

    /// <summary>The other ways to give the key, for the message about a plain-text -SecretKey.</summary>
    internal const string KeyAlternatives =
        "Or pass -Credential (user name = the App admin, password = the secret key), or set the environment variable " +
        ConnectionRequest.SecretKeyVariable + " and run Connect-TencentChat with neither.";

    /// <summary>The app's SDKAppID (TENCENTCHAT_SDKAPPID when omitted).</summary>
    [Parameter(Position = 0)]
    [ValidateRange(1, uint.MaxValue)]
    [SdkAppIdArgument]
    public uint SdkAppId { get; set; }

    /// <summary>The App admin account (TENCENTCHAT_IDENTIFIER, else administrator).</summary>
    [Parameter(ParameterSetName = EnvironmentSet)]
    [Parameter(ParameterSetName = SecretKeySet)]
    [Parameter(ParameterSetName = UserSigSet)]
    [ValidateNotNullOrEmpty]
    public string? Identifier { get; set; }

    /// <summary>The app's secret key; the module makes and renews UserSigs with it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SecretKeySet)]
    [ValidateNotNull]
    [SecureStringArgument("-SecretKey", KeyAlternatives)]
    public SecureString? SecretKey { get; set; }

    /// <summary>User name = admin identifier, password = secret key (what Get-AutomationPSCredential returns).</summary>
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [ValidateNotNull]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>A ready-made UserSig; it cannot be renewed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UserSigSet)]
    [ValidateNotNull]
    [SecureStringArgument("-UserSig", "New-TencentChatUserSig makes a UserSig as a SecureString; with the secret key, pass -SecretKey or -Credential instead, and the module makes and renews the UserSig itself.")]
    public SecureString? UserSig { get; set; }

    /// <summary>The app's data-centre region (TENCENTCHAT_REGION, else China).</summary>
    [Parameter]
    [RegionArgument]
    public ChatRegion Region { get; set; }

    /// <summary>A base URI that overrides -Region (TENCENTCHAT_ENDPOINT), e.g. the emulator's http://127.0.0.1:5080.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? Endpoint { get; set; }

    /// <summary>Most calls per second this process sends for the app (Tencent allows 200).</summary>
    [Parameter]
    [ValidateRange(1, TencentChatSession.MaxRequestsPerSecondCeiling)]
    public int MaxRequestsPerSecond { get; set; } = Execution.RateLimiter.DefaultLimit;

    /// <summary>Retries of a call that failed for a transient reason.</summary>
    [Parameter]
    [ValidateRange(0, 20)]
    public int MaxRetry { get; set; } = TencentChatSession.DefaultMaxRetry;

    /// <summary>Seconds to wait for one answer; must exceed the service's own 3 s.</summary>
    [Parameter]
    [ValidateRange(4, 600)]
    public int TimeoutSec { get; set; } = (int)TencentChatSession.DefaultTimeout.TotalSeconds;

    /// <summary>Seconds a run waits out a service that refuses every call (the app's quota used up elsewhere) before the waiting ids fail.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int RetryTimeoutSec { get; set; } = (int)TencentChatSession.DefaultRetryTimeout.TotalSeconds;

    /// <summary>An HTTP proxy for the calls; without it the system's or the environment's proxy settings apply.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? Proxy { get; set; }

    /// <summary>The user for -Proxy.</summary>
    [Parameter]
    [ValidateNotNull]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>Authenticate to -Proxy as the current user (Windows integrated authentication).</summary>
    [Parameter]
    public SwitchParameter ProxyUseDefaultCredentials { get; set; }

    /// <summary>Where to keep the session: for the whole process (default) or for this runspace only.</summary>
    [Parameter]
    public SessionScope Scope { get; set; } = SessionScope.Process;

    /// <summary>Keep the session without the check call (offline set-up).</summary>
    [Parameter]
    public SwitchParameter SkipCheck { get; set; }

    /// <summary>Also write the session to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        // With -Scope Runspace the caller asked this runspace to use another app. When the new session is not kept (a
        // refused request, a failed check, a warning that stops the command, Ctrl+C), the runspace's earlier session
        // must not stay in its place: a reused runspace (ForEach-Object -Parallel, a RunspacePool) would run the next
        // tenant's commands on the previous tenant's session. The process session stays as it was on failure.
        // Kept once stored: a -PassThru that the pipeline stops after the session was stored (Select-Object -First 1
        // throws out of WriteObject) must not take the stored session away again.
        try
        {
            Connect();
        }
        finally
        {
            if (!_stored && Scope == SessionScope.Runspace) SessionStore.Set(SessionScope.Runspace, null);
        }
    }

    /// <summary>The new session was stored: the command succeeded, whatever the pipeline does with -PassThru's output.</summary>
    private bool _stored;

    private void Connect()
    {
        var bound = MyInvocation.BoundParameters;
        var request = new ConnectionRequest
        {
            SdkAppId = bound.ContainsKey(nameof(SdkAppId)) ? SdkAppId : null,
            // [pscredential]::Empty has neither a user name nor a password: the request says so.
            Identifier = Credential is not null ? Credential.UserName?.TrimStart('\\') : Identifier,
            SecretKey = SecretKey is not null ? SecretText.ToUtf8(SecretKey) : Credential?.Password is { } password ? SecretText.ToUtf8(password) : null,
            FromCredential = Credential is not null,
            UserSig = UserSig is not null ? System.Text.Encoding.UTF8.GetString(SecretText.ToUtf8(UserSig)) : null,
            Region = bound.ContainsKey(nameof(Region)) ? Region : null,
            Endpoint = Endpoint,
            MaxRequestsPerSecond = bound.ContainsKey(nameof(MaxRequestsPerSecond)) ? MaxRequestsPerSecond : null,
            MaxRetry = MaxRetry,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            RetryTimeout = TimeSpan.FromSeconds(RetryTimeoutSec),
        };

        TencentChatSession session;
        try
        {
            if (Proxy is not null)
            {
                request.Proxy = new ProxySettings(Proxy, ProxyCredential?.GetNetworkCredential(), ProxyUseDefaultCredentials);
            }
            else if (ProxyCredential is not null || ProxyUseDefaultCredentials)
            {
                throw new ArgumentException("-ProxyCredential and -ProxyUseDefaultCredentials go with -Proxy: pass the proxy's URI too.");
            }
            session = request.Connect(Environment.GetEnvironmentVariable, DateTimeOffset.UtcNow);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(ErrorRecords.InvalidArgument(new ArgumentException(Wording.UserMessage(ex) + RunspaceSessionRemoved()), "TencentChat.InvalidConnection"));
            return;
        }

        foreach (var warning in request.Warnings) WriteWarning(warning);
        if (SkipCheck) WriteVerbose("Not checked (-SkipCheck): a wrong key, SDKAppID, admin or endpoint shows up at the first call.");
        else Check(session);
        // Everything is written before the session is stored: a warning can end the command (-WarningAction Stop, Halt
        // at an Inquire prompt), and then the previous session must stay as it was.
        if (Scope == SessionScope.Process && SessionStore.Get(SessionScope.Runspace) is { } own)
        {
            WriteWarning($"This runspace has its own session ({own}, Connect-TencentChat -Scope Runspace), which still wins here over the process-wide one just made. Run Disconnect-TencentChat -Scope Runspace to use the process-wide session here.");
        }
        if (Scope == SessionScope.Process && SessionStore.Get(SessionScope.Process) is { } replaced && !SameApp(replaced, session) && SessionStore.OtherLiveMaker() is { } maker)
        {
            WriteWarning($"This replaces the process-wide session ({replaced}), which another runspace (id {maker.Id}) made and may still be using: every runspace of this process without a session of its own (parallel iterations, thread jobs, pooled runspaces, and the one that made it) now uses {session}. " +
                         "To connect one runspace to its own app, use Connect-TencentChat -Scope Runspace (and Disconnect-TencentChat -Scope Runspace when it is done), or pass -Session to each command.");
        }
        if (session.AuthenticationMode == "UserSig")
        {
            WriteWarning(session.UserSigExpiresAt is { } at
                ? $"The UserSig you passed cannot be renewed by the module: it expires at {Wording.LocalTime(at)}. Connect with -SecretKey or -Credential for unattended runs."
                : "The UserSig you passed could not be read, so its expiry is unknown, and the module cannot renew it. Connect with -SecretKey or -Credential for unattended runs.");
        }
        WriteVerbose($"Connected for the {(Scope == SessionScope.Process ? "process (every runspace)" : "current runspace only")}: {session}. {DescribeSig(session)}");
        SessionStore.Set(Scope, session);
        _stored = true;
        if (PassThru) WriteObject(session);
    }

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>
    /// For -Scope Runspace (empty otherwise): what the failure does to this runspace's session (EndProcessing removes it
    /// as the command fails): that the runspace has no session of its own then, and which session the commands here
    /// would use instead.
    /// </summary>
    private string RunspaceSessionRemoved()
    {
        if (Scope != SessionScope.Runspace) return "";
        var removed = SessionStore.Get(SessionScope.Runspace);
        var own = removed is null
            ? "This runspace has no session of its own"
            : $"This runspace's own session ({removed}) was removed, because this Connect-TencentChat -Scope Runspace was to replace it and failed; the runspace has no session of its own now";
        var next = SessionStore.Get(SessionScope.Process) is { } process
            ? $"commands here without -Session use the process-wide session ({process})."
            : "commands here without -Session fail with TencentChat.NotConnected.";
        return $" {own}: {next}";
    }

    /// <summary>Whether two sessions call the same app as the same admin at the same endpoint.</summary>
    private static bool SameApp(TencentChatSession a, TencentChatSession b)
        => a.SdkAppId == b.SdkAppId && a.Identifier == b.Identifier && a.Endpoint == b.Endpoint;

    /// <summary>The check call: a terminating error, and no session kept, when it fails.</summary>
    private void Check(TencentChatSession session)
    {
        ConnectionCheckResult result;
        // Off the pipeline thread: the call is async all the way down. This thread writes its -Verbose lines as they
        // come (each retry of an endpoint that does not answer, not a minute of silence), until the call ends.
        var verbose = new ConcurrentQueue<string>();
        try
        {
            var call = Task.Run(() => ConnectionCheck.RunAsync(session, verbose.Enqueue, _stop.Token));
            while (Task.WaitAny(new Task[] { call }, VerbosePollMilliseconds, _stop.Token) < 0) WriteQueued(verbose);
            WriteQueued(verbose);
            result = call.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        if (result.Error is { } error) ThrowTerminatingError(ErrorRecords.From(error.WithMessage(error.Message + RunspaceSessionRemoved()), session.Endpoint));
        WriteVerbose($"Checked with one call: the service at {session.Endpoint.GetLeftPart(UriPartial.Authority)} answered for the admin {Text.UserIdText.Show(session.Identifier)}.");
    }

    /// <summary>How often the pipeline thread writes the check call's new -Verbose lines while it waits.</summary>
    private const int VerbosePollMilliseconds = 100;

    private void WriteQueued(ConcurrentQueue<string> lines)
    {
        while (lines.TryDequeue(out var line)) WriteVerbose(line);
    }

    /// <summary>Cancels the check call when the command ends early.</summary>
    public void Dispose() => _stop.Dispose();

    private static string DescribeSig(TencentChatSession session)
        => session.AuthenticationMode == "SecretKey"
            ? $"UserSigs are made from the secret key and renewed automatically (current one expires {Wording.LocalTime(session.UserSigExpiresAt!.Value)})."
            : "Using the UserSig given.";
}
