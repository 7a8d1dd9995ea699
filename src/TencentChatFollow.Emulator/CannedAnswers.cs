using System.Text;
using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// Answers a test sets for one API (POST /_emulator/answers): the next calls of that API that pass every check and
/// are not refused get the given text, byte for byte, as an HTTP 200 <c>application/json</c> body in place of the
/// genuine answer, which the API still makes (a write is made, as with the faults that strike after handling). Each
/// API has a queue: an entry serves its number of calls, then the next entry its own, then the genuine answers resume.
/// The text need not be JSON, so a test can send any answer a server might: out-of-range numbers, nulls, truncated or
/// deeply nested JSON, odd cursors.
/// </summary>
internal sealed class CannedAnswers
{
    /// <summary>The request log's <c>fault</c> for a call that got a canned answer.</summary>
    public const string FaultName = "answer";

    /// <summary>The most calls one entry may serve, and the longest body it may hold.</summary>
    public const int MaxCalls = 1_000_000;
    public const int MaxBodyChars = 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<Entry>> _byApi = new(StringComparer.Ordinal);

    /// <summary>
    /// Queues <c>{"api":"follow_get","body":"...","calls":3}</c> (calls 1 by default) after the API's other entries;
    /// <c>{"api":"follow_get","calls":0}</c> empties its queue. Returns the error, or null when queued.
    /// </summary>
    public string? TryAdd(JsonElement request, IReadOnlyCollection<string> apis)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            return "expected a JSON object such as {\"api\":\"follow_get\",\"body\":\"{}\",\"calls\":1}";
        }
        foreach (var property in request.EnumerateObject())
        {
            if (property.Name is not ("api" or "body" or "calls"))
            {
                return $"unknown field '{property.Name}' (known: api, body, calls)";
            }
        }
        if (!request.TryGetProperty("api", out var apiElement) || apiElement.ValueKind != JsonValueKind.String
            || !apis.Contains(apiElement.GetString()!))
        {
            return $"'api' must name a served API: {string.Join(", ", apis)}";
        }
        var calls = 1;
        if (request.TryGetProperty("calls", out var callsElement)
            && !(callsElement.ValueKind == JsonValueKind.Number && callsElement.TryGetInt32(out calls) && calls is >= 0 and <= MaxCalls))
        {
            return $"'calls' must be an integer from 0 to {MaxCalls}";
        }
        var api = apiElement.GetString()!;
        if (calls == 0)
        {
            lock (_gate)
            {
                _byApi.Remove(api);
            }
            return null;
        }
        if (!request.TryGetProperty("body", out var bodyElement) || bodyElement.ValueKind != JsonValueKind.String
            || bodyElement.GetString()!.Length > MaxBodyChars)
        {
            return $"'body' must be a string of at most {MaxBodyChars} characters: the answer's text, sent as it is";
        }
        var entry = new Entry(Encoding.UTF8.GetBytes(bodyElement.GetString()!), calls);
        lock (_gate)
        {
            if (!_byApi.TryGetValue(api, out var queue))
            {
                _byApi[api] = queue = new Queue<Entry>();
            }
            queue.Enqueue(entry);
        }
        return null;
    }

    /// <summary>The body for this call of <paramref name="api"/>, counting it; null when none is queued.</summary>
    public byte[]? Take(string api)
    {
        lock (_gate)
        {
            if (!_byApi.TryGetValue(api, out var queue))
            {
                return null;
            }
            var entry = queue.Peek();
            if (--entry.CallsLeft == 0)
            {
                queue.Dequeue();
                if (queue.Count == 0)
                {
                    _byApi.Remove(api);
                }
            }
            return entry.Body;
        }
    }

    /// <summary>The calls each API's queued answers still serve, by API (GET /_emulator/answers).</summary>
    public SortedDictionary<string, int> Snapshot()
    {
        lock (_gate)
        {
            return new SortedDictionary<string, int>(
                _byApi.ToDictionary(p => p.Key, p => p.Value.Sum(e => e.CallsLeft)), StringComparer.Ordinal);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _byApi.Clear();
        }
    }

    private sealed class Entry(byte[] body, int calls)
    {
        public byte[] Body { get; } = body;
        public int CallsLeft { get; set; } = calls;
    }
}
