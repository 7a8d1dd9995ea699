using System.Globalization;
using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// What every REST API shares: checks a call in the order the Chat service does (URL, app, UserSig, admin,
/// frequency, body, From_Account), lets the API answer, maybe injects a fault or a test's canned answer
/// (<see cref="CannedAnswers"/>), applies the latency, and records the
/// call in the log and the stats. During the timed outage a call that passed the admin check gets the outage's fault
/// instead. A command the emulator does not serve gets 60009 once it passed the admin check. The frequency limits are
/// <see cref="FrequencyLimiter"/>'s.
/// </summary>
internal sealed class RestApiPipeline(
    EmulatorOptions options,
    AccountDirectory accounts,
    UserSigVerifier verifier,
    FrequencyLimiter rateLimiter,
    FaultInjector faults,
    CannedAnswers canned,
    RuntimeSettingsStore settings,
    RequestLog log,
    EmulatorStats stats,
    SeenUserSigs userSigs,
    OutageClock outage,
    TimeProvider clock,
    IHostApplicationLifetime lifetime)
{
    /// <summary>The route of any REST call: POST /v4/{service}/{command}. The served APIs' literal paths take precedence.</summary>
    public const string AnyCommandRoute = "/v4/{service}/{command}";

    /// <summary>The path an API is served at.</summary>
    public static string PathOf(IRestApi api) => $"/v4/{api.Service}/{api.Name}";

    /// <summary>
    /// A call to <paramref name="api"/>'s route. Routing ignores case, the emulator does not: a path that differs from
    /// the API's in case (/v4/follow/Follow_Get_Info) names no API here, as parameter names are case-sensitive too.
    /// </summary>
    public Task HandleAsync(HttpContext context, IRestApi api) =>
        context.Request.Path.Value == PathOf(api) ? RunAsync(context, api) : HandleUnknownAsync(context, api.Service, api.Name);

    /// <summary>A call to a command the emulator does not serve: logged as service/command, answered 60009.</summary>
    public Task HandleUnknownAsync(HttpContext context, string service, string command)
    {
        // The path as sent (routing matched it ignoring case), for the log and the error.
        var sent = context.Request.Path.Value!.Split('/');
        return RunAsync(context, new UnknownCommand(sent.Length == 4 ? sent[2] : service, sent.Length == 4 ? sent[3] : command));
    }

    private async Task RunAsync(HttpContext context, IRestApi api)
    {
        var started = clock.GetTimestamp();
        var seq = log.NextSeq();
        var arrivedAt = clock.GetUtcNow();
        var current = settings.Current;
        var call = new CallFacts { InOutage = outage.Covers(arrivedAt, current) };
        ApiReply? reply = null;
        var answered = false;
        var recorded = false;
        // Stopping the emulator cancels pending delays, so Ctrl+C does not wait for a 'slow' fault.
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            reply = await DecideAsync(context, api, current, call, cancellation.Token);
            var delay = TimeSpan.FromMilliseconds(current.LatencyMs) + reply.ExtraDelay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, clock, cancellation.Token);
            }
            if (reply.StatusCode is null)
            {
                // A dropped connection: record the call before the client sees the connection close, so that a client
                // reading the log right after its failed call finds it there.
                Record(sent: false);
                recorded = true;
            }
            await reply.WriteAsync(context, clock, cancellation.Token);
            answered = true;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away or the emulator is stopping: nothing more can be answered.
            context.Abort();
        }

        if (!recorded)
        {
            Record(answered);
        }

        void Record(bool sent)
        {
            var entry = new RequestLogEntry(
                seq,
                arrivedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                api.Name,
                call.SdkAppId,
                call.Identifier,
                call.Body?.From,
                call.Body?.ToAccount,
                call.Body?.FollowType,
                call.Body?.WantNum,
                call.Body?.StartCursor,
                sent ? reply!.StatusCode : null,
                sent ? reply!.ErrorCode : null,
                reply?.Fault?.Name() ?? (reply?.Canned == true ? CannedAnswers.FaultName : null),
                reply?.Outage ?? false,
                (long)clock.GetElapsedTime(started).TotalMilliseconds);
            log.Add(entry);
            stats.Record(entry);
        }
    }

    private async Task<ApiReply> DecideAsync(HttpContext context, IRestApi api, RuntimeSettings current, CallFacts call, CancellationToken cancellationToken)
    {
        var query = new RestQuery(context.Request.QueryString);
        call.Identifier = query["identifier"];
        if (query["usersig"] is { Length: > 0 } sent)
        {
            userSigs.Add(sent);
        }
        // Read the body before checking anything, so that the log shows what every call asked for.
        var body = call.Body = await ApiRequest.ReadAsync(context.Request, api.Parse, cancellationToken);

        if (CheckQuery(query, call) is { } queryError)
        {
            return ApiReply.Fail(queryError);
        }
        var (sdkAppId, identifier, userSig) = (call.SdkAppId!.Value, call.Identifier!, query["usersig"]!);
        if (sdkAppId != options.SdkAppId)
        {
            return ApiReply.Fail(new ApiError(ErrorCodes.UnknownSdkAppId,
                $"SDKAppID {sdkAppId} is unknown at this endpoint: it is usually served by another region's domain"));
        }
        if (verifier.Verify(userSig, sdkAppId, identifier) is { } sigError)
        {
            return ApiReply.Fail(sigError);
        }
        if (!accounts.IsAdmin(identifier))
        {
            return ApiReply.Fail(new ApiError(ErrorCodes.AdminRequired, $"identifier {identifier} is not an App admin"));
        }
        if (api is UnknownCommand unknown)
        {
            return ApiReply.Fail(unknown.Error);
        }
        // The service is down: no rate limit, no body check. Kinds that bend a genuine answer are applied at the end.
        if (call.InOutage && FaultInjector.OutageReply(current.OutageKind) is { } down)
        {
            return down;
        }
        if (rateLimiter.Admit(api.Name, api.RateLimit(current), current) is { } refused)
        {
            return ApiReply.Fail(refused);
        }
        // Parse made From_Account required for the APIs that have one; account_check has none.
        var bodyRefusal = body.Error ?? (body.From is { } from && !accounts.Exists(from)
            ? new ApiError(ErrorCodes.AccountNotFound, $"From_Account {from} does not exist")
            : (ApiError?)null);
        if (canned.Take(api.Name) is { } text)
        {
            // A test's answer, whatever the body asked (so a client can follow a canned cursor); a valid call is
            // still handled (a write is made).
            if (bodyRefusal is null)
            {
                api.Answer(body);
            }
            return ApiReply.CannedJson(text) with { Outage = call.InOutage };
        }
        if (bodyRefusal is { } problem)
        {
            return ApiReply.Fail(problem);
        }
        var fault = faults.Pick(current, call.InOutage ? current.OutageKind : null);
        if (fault is { } refusal && FaultInjector.RefusesBeforeHandling(refusal))
        {
            return FaultInjector.Refusal(refusal, call.InOutage);
        }
        return faults.Reply(current, api.Answer(body), fault, call.InOutage);
    }

    /// <summary>The URL parameter rules, in the service's order. Sets the parsed SDKAppID on success.</summary>
    private static ApiError? CheckQuery(RestQuery query, CallFacts call)
    {
        if (string.IsNullOrEmpty(query["sdkappid"]))
        {
            return new ApiError(ErrorCodes.SdkAppIdMissing, "sdkappid is required in the URL");
        }
        if (!uint.TryParse(query["sdkappid"], NumberStyles.None, CultureInfo.InvariantCulture, out var sdkAppId))
        {
            return new ApiError(ErrorCodes.InvalidSdkAppId, "sdkappid is not a 32-bit unsigned integer");
        }
        call.SdkAppId = sdkAppId;
        if (string.IsNullOrEmpty(query["identifier"]) || string.IsNullOrEmpty(query["usersig"]))
        {
            return new ApiError(ErrorCodes.AccountOrSignatureError, "identifier and usersig are required in the URL");
        }
        if (!uint.TryParse(query["random"], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return new ApiError(ErrorCodes.HttpParseError, "random is missing or not an integer from 0 to 4294967295");
        }
        if (query["contenttype"] != "json")
        {
            return new ApiError(ErrorCodes.HttpParseError, "contenttype must be 'json'");
        }
        return null;
    }

    /// <summary>What has been learned about a call so far, for its log entry.</summary>
    private sealed class CallFacts
    {
        public uint? SdkAppId { get; set; }
        public string? Identifier { get; set; }
        public ApiRequest? Body { get; set; }

        /// <summary>Whether the call arrived during the timed outage.</summary>
        public bool InOutage { get; init; }
    }
}

/// <summary>
/// A command the emulator does not serve, at /v4/{service}/{command}. Tencent answers a URL it has no API for with
/// 60009 ("request resource error, check the request URL", from the REST API common error codes); the emulator does
/// the same once the call passed the URL, app, UserSig and admin checks. Its body is read for nothing.
/// </summary>
internal sealed class UnknownCommand(string service, string command) : IRestApi
{
    public string Service => service;

    /// <summary>service/command, as the log and the stats name it (served APIs go by their command alone).</summary>
    public string Name => $"{service}/{command}";

    public ApiError Error => new(ErrorCodes.RequestResourceError,
        $"no REST API at v4/{service}/{command}: check the service name and command in the request URL");

    public ApiRequest Parse(JsonElement body) => new();

    public ApiAnswer Answer(ApiRequest request) => throw new InvalidOperationException($"{Name} is not served");
}
