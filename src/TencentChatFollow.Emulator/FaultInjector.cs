namespace TencentChatFollow.Emulator;

/// <summary>
/// Turns a share of successful calls into faults. With a seed, the same sequence of calls gets the same faults.
/// </summary>
internal sealed class FaultInjector(int? seed)
{
    private const string ExtraAccountPrefix = "emulator_extra_";
    private const long BytesPerMb = 1024 * 1024;

    private readonly Random random = seed is { } s ? new Random(s) : new Random();
    private readonly Lock gate = new();

    /// <summary>
    /// The reply for a successful call with these items: usually the genuine one, sometimes a fault. During an outage
    /// (<paramref name="outageKind"/> set) always that fault, instead of a random pick.
    /// </summary>
    public ApiReply Reply(RuntimeSettings settings, IReadOnlyList<FollowInfoItem> items, FaultKind? outageKind = null)
    {
        var genuine = ApiReply.Success(FollowInfoJson.Success(items));
        if ((outageKind ?? Pick(settings)) is not { } fault)
        {
            return genuine;
        }
        var reply = Replacement(fault) ?? fault switch
        {
            FaultKind.Slow => genuine with { ExtraDelay = TimeSpan.FromMilliseconds(settings.SlowMs) },
            FaultKind.Truncated => ApiReply.Raw(StatusCodes.Status200OK, genuine.ContentType, genuine.Body[..(genuine.Body.Length / 2)]),
            FaultKind.Missing => ApiReply.Success(FollowInfoJson.Success(WithoutOne(items))),
            FaultKind.Extra => ApiReply.Success(FollowInfoJson.Success([.. items, ExtraItem(items)])),
            FaultKind.WrongType => ApiReply.Success(FollowInfoJson.Success(items, textFollowerCountAt: NextIndex(items.Count))),
            FaultKind.Doubled => ApiReply.Success(FollowInfoJson.Success([.. items, SecondCopy(items[NextIndex(items.Count)])])),
            FaultKind.Negative => ApiReply.Success(FollowInfoJson.Success(WithNegativeCount(items))),
            FaultKind.Oversize => genuine.PaddedTo((long)Math.Round(settings.OversizeMb * BytesPerMb)),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), fault, "unhandled fault kind"),
        };
        return reply with { Fault = fault, Outage = outageKind is not null };
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
            FaultKind.Drop => ApiReply.Dropped,
            FaultKind.InternalError => ApiReply.Fail(new ApiError(ErrorCodes.InternalError, "server internal error, please try again")),
            FaultKind.NetworkTimeout => ApiReply.Fail(new ApiError(ErrorCodes.NetworkTimeout, "network timeout, please try again later")),
            FaultKind.FrequencyLimit => ApiReply.Fail(new ApiError(ErrorCodes.FrequencyLimit, "REST API call frequency limit exceeded")),
            FaultKind.ServiceTimeout => ApiReply.Fail(new ApiError(ErrorCodes.ServiceTimeout, "service timeout, please try again")),
            FaultKind.TooManyRequests => ApiReply.Html(StatusCodes.Status429TooManyRequests,
                "<html><head><title>429 Too Many Requests</title></head><body><h1>429 Too Many Requests</h1></body></html>")
                with { RetryAfter = "1" },
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
        lock (gate)
        {
            return random.NextDouble() < settings.FaultRate ? settings.FaultKinds[random.Next(settings.FaultKinds.Count)] : null;
        }
    }

    private int NextIndex(int count)
    {
        lock (gate)
        {
            return random.Next(count);
        }
    }

    private List<FollowInfoItem> WithoutOne(IReadOnlyList<FollowInfoItem> items)
    {
        var skipped = NextIndex(items.Count);
        return items.Where((_, i) => i != skipped).ToList();
    }

    /// <summary>A second item for the same id whose counts all differ from the first's.</summary>
    private static FollowInfoItem SecondCopy(FollowInfoItem item) =>
        item with { Counts = new FollowCounts(item.Counts.Followers + 1, item.Counts.Following + 1, item.Counts.Mutual + 1) };

    /// <summary>The items with one item's FollowingCount replaced by -1.</summary>
    private List<FollowInfoItem> WithNegativeCount(IReadOnlyList<FollowInfoItem> items)
    {
        var spoiled = NextIndex(items.Count);
        return items.Select((item, i) => i == spoiled ? item with { Counts = item.Counts with { Following = -1 } } : item).ToList();
    }

    /// <summary>An item for an id nobody asked for.</summary>
    private static FollowInfoItem ExtraItem(IReadOnlyList<FollowInfoItem> items)
    {
        var suffix = 1;
        while (items.Any(item => item.ToAccount == ExtraAccountPrefix + suffix))
        {
            suffix++;
        }
        return new FollowInfoItem(ExtraAccountPrefix + suffix, ErrorCodes.Ok, "", new FollowCounts(1, 1, 0));
    }
}
