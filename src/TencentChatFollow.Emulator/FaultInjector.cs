namespace TencentChatFollow.Emulator;

/// <summary>
/// Turns a share of successful calls into faults. With a seed, the same sequence of calls gets the same faults.
/// </summary>
internal sealed class FaultInjector(int? seed)
{
    private const string ExtraAccountPrefix = "emulator_extra_";
    private const long BytesPerMb = 1024 * 1024;

    private const string TooManyRequestsPage =
        "<html><head><title>429 Too Many Requests</title></head><body><h1>429 Too Many Requests</h1></body></html>";

    private readonly Random _random = seed is { } s ? new Random(s) : new Random();
    private readonly Lock _gate = new();

    /// <summary>
    /// The fault a call that passed every check gets: the outage's kind during an outage, otherwise a random pick at
    /// the fault rate, or null for none.
    /// </summary>
    public FaultKind? Pick(RuntimeSettings settings, FaultKind? outageKind) => outageKind ?? Pick(settings);

    /// <summary>
    /// True for the kinds that refuse a call before the service handles it (60007, 429, 408, 70009): a write that draws one is
    /// not made. Every other kind strikes after the call was handled, so a write that draws it is made and only its answer
    /// is spoiled or lost, as when a connection fails after the service has acted.
    /// </summary>
    public static bool RefusesBeforeHandling(FaultKind kind) => kind is FaultKind.FrequencyLimit or FaultKind.TooManyRequests or FaultKind.RequestTimeout or FaultKind.WrongKey;

    /// <summary>The reply for a refusing kind (see <see cref="RefusesBeforeHandling"/>).</summary>
    public static ApiReply Refusal(FaultKind kind, bool outage) =>
        (Replacement(kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a refusing kind")) with { Fault = kind, Outage = outage };

    /// <summary>
    /// The reply for a successful call with this answer and <paramref name="fault"/> (from <see cref="Pick(RuntimeSettings, FaultKind?)"/>):
    /// the genuine answer when there is no fault, or when an item fault does not apply to this answer (no items, or
    /// a kind the API's <see cref="ItemFaults"/> leaves out); then no fault is recorded.
    /// </summary>
    public ApiReply Reply(RuntimeSettings settings, ApiAnswer answer, FaultKind? fault, bool outage)
    {
        var genuine = ApiReply.Success(EnvelopeJson.Success(answer));
        if (fault is not { } kind)
        {
            return genuine;
        }
        var reply = Replacement(kind) ?? kind switch
        {
            FaultKind.Slow => genuine with { ExtraDelay = TimeSpan.FromMilliseconds(settings.SlowMs) },
            FaultKind.StallBody => genuine with { BodyPause = TimeSpan.FromMilliseconds(settings.SlowMs) },
            FaultKind.CutBody => ApiReply.Raw(StatusCodes.Status200OK, genuine.ContentType, genuine.Body) with { CutHalfway = true },
            FaultKind.Truncated => ApiReply.Raw(StatusCodes.Status200OK, genuine.ContentType, genuine.Body[..(genuine.Body.Length / 2)]),
            FaultKind.Oversize => genuine.PaddedTo((long)Math.Round(settings.OversizeMb * BytesPerMb)),
            FaultKind.Missing or FaultKind.Extra or FaultKind.WrongType or FaultKind.Doubled or FaultKind.Negative =>
                Spoil(answer, kind) is { } spoiled ? ApiReply.Success(EnvelopeJson.Success(spoiled)) : null,
            _ => throw new ArgumentOutOfRangeException(nameof(fault), kind, "unhandled fault kind"),
        };
        return reply is null ? genuine : reply with { Fault = kind, Outage = outage };
    }

    /// <summary>
    /// The outage's answer to a call that passed checks 1 to 4, when <paramref name="kind"/> replaces the answer whatever
    /// it would have been (an HTTP error, a FAIL envelope, HTML, a dropped connection). Null for the kinds that bend a
    /// genuine answer: such calls go on through the remaining checks and get the kind from <see cref="Reply"/>.
    /// </summary>
    public static ApiReply? OutageReply(FaultKind kind) =>
        Replacement(kind) is { } reply ? reply with { Fault = kind, Outage = true } : null;

    /// <summary>The reply for a fault that replaces the answer whatever it would have been; null for kinds that bend it.</summary>
    private static ApiReply? Replacement(FaultKind fault) =>
        fault switch
        {
            FaultKind.BadGateway => ApiReply.Html(StatusCodes.Status502BadGateway,
                "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"),
            FaultKind.RequestTimeout => ApiReply.Html(StatusCodes.Status408RequestTimeout,
                "<html><head><title>408 Request Time-out</title></head><body><center><h1>408 Request Time-out</h1></center></body></html>"),
            FaultKind.Drop => ApiReply.Dropped,
            FaultKind.InternalError => ApiReply.Fail(new ApiError(ErrorCodes.InternalError, "server internal error, please try again")),
            FaultKind.NetworkTimeout => ApiReply.Fail(new ApiError(ErrorCodes.NetworkTimeout, "network timeout, please try again later")),
            FaultKind.FrequencyLimit => ApiReply.Fail(new ApiError(ErrorCodes.FrequencyLimit, "REST API call frequency limit exceeded")),
            FaultKind.ServiceTimeout => ApiReply.Fail(new ApiError(ErrorCodes.ServiceTimeout, "service timeout, please try again")),
            FaultKind.WrongKey => ApiReply.Fail(new ApiError(ErrorCodes.UserSigKeyMismatch, "UserSig signature check failed: it was made with another key")),
            FaultKind.TooManyRequests => ApiReply.Html(StatusCodes.Status429TooManyRequests, TooManyRequestsPage) with { RetryAfter = "1" },
            FaultKind.Html => ApiReply.Html(StatusCodes.Status200OK,
                "<html><body><h1>Service temporarily unavailable</h1></body></html>"),
            _ => null,
        };

    private FaultKind? Pick(RuntimeSettings settings)
    {
        if (settings.FaultRate <= 0 || settings.FaultKinds.Count == 0)
        {
            return null;
        }
        lock (_gate)
        {
            return _random.NextDouble() < settings.FaultRate ? settings.FaultKinds[_random.Next(settings.FaultKinds.Count)] : null;
        }
    }

    private int NextIndex(int count)
    {
        lock (_gate)
        {
            return _random.Next(count);
        }
    }

    /// <summary>The answer with one item spoiled the way <paramref name="kind"/> says, or null when it does not apply.</summary>
    private ApiAnswer? Spoil(ApiAnswer answer, FaultKind kind)
    {
        var (items, how) = (answer.Items, answer.Faults);
        if (kind == FaultKind.Extra)
        {
            return how.Extra is { } extra ? answer with { Items = [.. items, extra(ExtraId(items, how.IdField))] } : null;
        }
        var applies = items.Count > 0 && kind switch
        {
            FaultKind.Missing => how.Missing,
            FaultKind.Doubled => how.Doubled is not null,
            FaultKind.WrongType => how.WrongTypeField is not null,
            FaultKind.Negative => how.NegativeField is not null,
            _ => false,
        };
        if (!applies)
        {
            return null;
        }
        var index = NextIndex(items.Count);
        return kind switch
        {
            FaultKind.Missing => answer with { Items = items.Where((_, i) => i != index).ToList() },
            FaultKind.Doubled => answer with { Items = [.. items, how.Doubled!(items[index])] },
            FaultKind.WrongType => answer with { Items = Replace(items, index, items[index].With(how.WrongTypeField!, "many")) },
            _ => answer with { Items = Replace(items, index, items[index].With(how.NegativeField!, -1)) },
        };
    }

    private static List<AnswerItem> Replace(IReadOnlyList<AnswerItem> items, int index, AnswerItem replacement) =>
        items.Select((item, i) => i == index ? replacement : item).ToList();

    /// <summary>An account id that no item has.</summary>
    private static string ExtraId(IReadOnlyList<AnswerItem> items, string idField)
    {
        var suffix = 1;
        while (items.Any(item => item.Fields.Any(f => f.Key == idField && (f.Value as string) == ExtraAccountPrefix + suffix)))
        {
            suffix++;
        }
        return ExtraAccountPrefix + suffix;
    }
}
