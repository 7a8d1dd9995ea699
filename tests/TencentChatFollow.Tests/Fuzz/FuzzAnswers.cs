using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TencentChatFollow.Tests.Support;

namespace TencentChatFollow.Tests.Fuzz;

/// <summary>The follow APIs as the fuzz test knows them: the path, and how an answer for some ids looks.</summary>
internal enum FuzzApi
{
    FollowGetInfo,
    FollowCheck,
    FollowAdd,
    FollowDelete,
    FollowGet,
}

/// <summary>
/// A server for one fuzz case: it reads each request (From_Account, the ids or the cursor) and answers it, with a
/// seeded share of odd answers: numbers out of range or of the wrong type, nulls, missing, extra and doubled items,
/// wrong array kinds, truncated, deeply nested or broken JSON, odd cursors, HTTP statuses, empty bodies, no answer.
/// After <see cref="MaxOddAnswers"/> odd answers it answers as Tencent documents, so a case ends unless the engine
/// loops on its own.
/// </summary>
internal sealed class FuzzAnswers
{
    public const int MaxOddAnswers = 24;

    /// <summary>Result codes Tencent documents (and the catalog knows), and some it does not.</summary>
    private static readonly int[] Codes =
    {
        30001, 30002, 30003, 30004, 30005, 30006, 30007, 32100, 32101, 32102, 32103, 60002, 60003, 60004, 60005, 60006,
        60007, 60008, 60010, 60011, 60014, 60018, 60019, 60020, 60021, 70001, 70003, 70009, 70013, 70014, 70016, 70020,
        70050, 1, -1, 99999, 30010, int.MaxValue, int.MinValue,
    };

    private static readonly int[] Statuses = { 200, 200, 201, 204, 301, 400, 401, 403, 404, 408, 413, 429, 500, 502, 503, 504, 599 };

    private readonly FuzzApi _api;
    private readonly Random _rng;
    private readonly double _oddness;
    private readonly object _gate = new();
    private int _odd;
    private string _echo = "";

    public FuzzAnswers(FuzzApi api, int seed, double oddness)
    {
        _api = api;
        _rng = new Random(seed);
        _oddness = oddness;
    }

    /// <summary>Odd answers given so far.</summary>
    public int OddAnswers => Volatile.Read(ref _odd);

    /// <summary>How many pages each user's list has when nothing odd happens (1 to 3).</summary>
    public int PagesOf(string user) => 1 + (int)((uint)StableHash(user) % 3);

    /// <summary>Gets a line per request and its answer (FuzzReplayTests).</summary>
    public Action<string>? Trace { get; set; }

    public FakeTransport.Reply Answer(RecordedRequest request, int index)
    {
        lock (_gate)
        {
            using var body = JsonDocument.Parse(request.Body);
            // Tencent does not echo the request, but a proxy or a broken server may: the sig must never reach the user.
            _echo = "usersig=" + request.Raw("usersig") + " (" + request.Query("usersig") + ")";
            var odd = _odd < MaxOddAnswers && _rng.NextDouble() < _oddness;
            if (odd) _odd++;
            var reply = odd ? Odd(body.RootElement) : FakeTransport.Reply.Ok(Whole(body.RootElement, plain: true).ToJsonString());
            Trace?.Invoke($"#{index} {request.Path} {request.Body}\n   -> {reply.Status} {(reply.Hang ? "HANG" : "")}{reply.Failure?.GetType().Name} {(reply.Body.Length > 600 ? reply.Body[..600] + "..." : reply.Body)}");
            return reply;
        }
    }

    private FakeTransport.Reply Odd(JsonElement request)
    {
        switch (_rng.Next(20))
        {
            case 0: // an HTTP status, maybe with a Retry-After, with a body or none
                {
                    var status = Statuses[_rng.Next(Statuses.Length)];
                    var retryAfter = _rng.Next(4) switch { 0 => "1", 1 => "100000", 2 => "-3", _ => null };
                    var text = _rng.Next(3) switch { 0 => "", 1 => "<html><body>Bad gateway for " + _echo + "</body></html>", _ => Whole(request, plain: true).ToJsonString() };
                    return new FakeTransport.Reply(status, text, RetryAfter: retryAfter);
                }
            case 1: // an empty or blank body, or not JSON at all
                return FakeTransport.Reply.Ok(_rng.Next(4) switch { 0 => "", 1 => "   \r\n", 2 => "null", _ => "<!DOCTYPE html><p>proxy error</p>" });
            case 2: // the answer cut short
                {
                    var text = Whole(request, plain: _rng.Next(2) == 0).ToJsonString();
                    return FakeTransport.Reply.Ok(text.Substring(0, _rng.Next(text.Length)));
                }
            case 3: // bytes that are not UTF-8, or a character cut in half
                {
                    var bytes = Encoding.UTF8.GetBytes(Whole(request, plain: true).ToJsonString().Replace("\"OK\"", "\"ÖK€\"", StringComparison.Ordinal));
                    var cut = _rng.Next(2) == 0 ? bytes.Take(bytes.Length - 1).ToArray() : bytes.Select((b, i) => i == bytes.Length / 2 ? (byte)0xC3 : b).ToArray();
                    return new FakeTransport.Reply(200, "") { Bytes = cut };
                }
            case 4: // deeply nested JSON, as a whole or in one field
                {
                    var depth = _rng.Next(2) == 0 ? 70 : 5000;
                    var nest = new string('[', depth) + new string(']', depth);
                    var envelope = Whole(request, plain: true).ToJsonString();
                    return FakeTransport.Reply.Ok(_rng.Next(2) == 0 ? nest : envelope.Insert(1, "\"Deep\":" + nest + ","));
                }
            case 5: // no answer at all, or a send that fails
                return _rng.Next(6) switch
                {
                    0 => FakeTransport.Reply.Never,
                    1 => FakeTransport.Reply.Fails(new HttpRequestException("Connection reset by peer", new IOException("reset"))),
                    2 => FakeTransport.Reply.Fails(new IOException("The response ended prematurely.")),
                    3 => FakeTransport.Reply.Fails(new TaskCanceledException("The operation was canceled.")),
                    4 => FakeTransport.Reply.Fails(new HttpRequestException("Name or service not known", new System.Net.Sockets.SocketException(11001))),
                    _ => FakeTransport.Reply.Fails(new InvalidOperationException("The handler did something unexpected.")),
                };
            case 6: // a call-level error code
                {
                    var envelope = Whole(request, plain: true);
                    var code = Codes[_rng.Next(Codes.Length)];
                    envelope["ActionStatus"] = "FAIL";
                    envelope["ErrorCode"] = code;
                    envelope["ErrorInfo"] = _rng.Next(3) == 0 ? JsonValue.Create(12) : "err " + code.ToString(CultureInfo.InvariantCulture) + " for " + _echo;
                    return FakeTransport.Reply.Ok(envelope.ToJsonString());
                }
            case 7: // the envelope's fields of the wrong type or missing
                {
                    var envelope = Whole(request, plain: true);
                    var field = _rng.Next(3) switch { 0 => "ErrorCode", 1 => "ActionStatus", _ => "ErrorInfo" };
                    if (_rng.Next(3) == 0) envelope.Remove(field);
                    else envelope[field] = OddValue(0);
                    return FakeTransport.Reply.Ok(envelope.ToJsonString());
                }
            case 8: // the item array of the wrong kind or missing
                {
                    var envelope = Whole(request, plain: true);
                    var name = ArrayName(request);
                    if (_rng.Next(3) == 0) envelope.Remove(name);
                    else envelope[name] = _rng.Next(4) switch { 0 => new JsonObject(), 1 => "[]", 2 => null, _ => JsonValue.Create(0) };
                    return FakeTransport.Reply.Ok(envelope.ToJsonString());
                }
            case 9: // a doubled field in the text (JSON parsers differ on which one wins)
                {
                    var envelope = Whole(request, plain: true).ToJsonString();
                    var extra = _rng.Next(3) switch { 0 => "\"ErrorCode\":70001,", 1 => "\"ErrorCode\":\"0\",", _ => "\"" + ArrayName(request) + "\":null," };
                    return FakeTransport.Reply.Ok(_rng.Next(2) == 0 ? envelope.Insert(1, extra) : envelope.Insert(envelope.Length - 1, "," + extra.TrimEnd(',')));
                }
            case 10: // the root of the wrong kind
                return FakeTransport.Reply.Ok(_rng.Next(4) switch { 0 => "[]", 1 => "\"OK\"", 2 => "0", _ => "[" + Whole(request, plain: true).ToJsonString() + "]" });
            case 11: // a huge answer
                if (_rng.Next(4) != 0) goto default;
                {
                    var envelope = Whole(request, plain: true);
                    envelope["Padding"] = new string('x', 1024 * 1024 + _rng.Next(1000));
                    return FakeTransport.Reply.Ok(envelope.ToJsonString());
                }
            default: // odd items in an OK answer
                return FakeTransport.Reply.Ok(Whole(request, plain: false).ToJsonString());
        }
    }

    private string ArrayName(JsonElement request) => _api switch
    {
        FuzzApi.FollowGetInfo => "FollowInfo",
        FuzzApi.FollowGet => "FollowItem",
        _ => "ResultItem",
    };

    /// <summary>A whole answer with ErrorCode 0: the per-id items, or for follow_get the page and its cursor.</summary>
    private JsonObject Whole(JsonElement request, bool plain)
    {
        var answer = new JsonObject { ["ActionStatus"] = "OK", ["ErrorCode"] = 0, ["ErrorInfo"] = "" };
        if (_api != FuzzApi.FollowGet)
        {
            answer[ArrayName(request)] = PerId(request, plain);
            return answer;
        }
        var (items, next, hasNext) = Page(request, plain);
        answer["FollowItem"] = items;
        if (hasNext) answer["NextCursor"] = next;
        return answer;
    }

    private JsonArray PerId(JsonElement request, bool plain)
    {
        var ids = RequestedIds(request);
        var items = new List<JsonNode?>();
        foreach (var id in ids)
        {
            if (plain || _rng.Next(3) != 0)
            {
                items.Add(Item(id, plain: true));
                continue;
            }
            switch (_rng.Next(6))
            {
                case 0: break; // missing
                case 1: // doubled, the same or different
                    items.Add(Item(id, plain: true));
                    items.Add(Item(id, plain: _rng.Next(2) == 0));
                    break;
                case 2: // not an object, or no usable To_Account
                    items.Add(_rng.Next(4) switch
                    {
                        0 => JsonValue.Create(id),
                        1 => null,
                        2 => new JsonArray(JsonValue.Create(id)),
                        _ => new JsonObject { ["To_Account"] = OddValue(0), ["ResultCode"] = 0 },
                    });
                    break;
                default:
                    items.Add(Item(id, plain: false));
                    break;
            }
        }
        if (!plain && _rng.Next(4) == 0) items.Add(Item("not-asked-" + _rng.Next(100).ToString(CultureInfo.InvariantCulture), plain: _rng.Next(2) == 0));
        if (!plain && _rng.Next(4) == 0) Shuffle(items);
        var array = new JsonArray();
        foreach (var item in items) array.Add(item?.DeepClone());
        return array;
    }

    /// <summary>One per-id item: as documented, or with odd fields.</summary>
    private JsonObject Item(string id, bool plain)
    {
        var item = new JsonObject { ["To_Account"] = id };
        var code = plain ? (_rng.Next(8) == 0 ? Codes[_rng.Next(Codes.Length)] : 0) : (_rng.Next(3) == 0 ? Codes[_rng.Next(Codes.Length)] : 0);
        item["ResultCode"] = plain || _rng.Next(4) != 0 ? code : OddValue(0);
        item["ResultInfo"] = plain || _rng.Next(4) != 0 ? (code == 0 ? "" : "why " + code.ToString(CultureInfo.InvariantCulture) + " for " + _echo) : OddValue(0);
        switch (_api)
        {
            case FuzzApi.FollowGetInfo:
                foreach (var name in new[] { "FollowerCount", "FollowingCount", "MutualFollowingCount" })
                {
                    if (plain || _rng.Next(3) != 0) item[name] = _rng.Next(1000);
                    else if (_rng.Next(4) != 0) item[name] = OddValue(_rng.Next(1000));
                }
                break;
            case FuzzApi.FollowCheck:
                if (plain || _rng.Next(3) != 0) item["FollowType"] = _rng.Next(4);
                else if (_rng.Next(4) != 0) item["FollowType"] = _rng.Next(3) == 0 ? _rng.Next(-3, 9) : OddValue(_rng.Next(4));
                break;
        }
        if (!plain && _rng.Next(5) == 0) item["Extra"] = OddValue(1);
        return item;
    }

    /// <summary>A follow_get page for the request's cursor: pages "c1", "c2"... then an empty cursor; odd ones too.</summary>
    private (JsonArray Items, JsonNode? Next, bool HasNext) Page(JsonElement request, bool plain)
    {
        var user = request.GetProperty("From_Account").GetString()!;
        var cursor = request.GetProperty("StartCursor").GetString()!;
        var page = cursor.StartsWith('c') && int.TryParse(cursor.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var last = page + 1 >= PagesOf(user);
        var items = new JsonArray();
        var count = _rng.Next(4);
        for (var i = 0; i < count; i++)
        {
            var entry = new JsonObject
            {
                ["To_Account"] = user + "-p" + page.ToString(CultureInfo.InvariantCulture) + "-" + i.ToString(CultureInfo.InvariantCulture),
                ["FollowTime"] = 1_700_000_000 + i,
                ["ProfileItem"] = new JsonArray(new JsonObject { ["Tag"] = "Tag_Profile_IM_Nick", ["Value"] = "nick" + i.ToString(CultureInfo.InvariantCulture) }),
            };
            if (!plain && _rng.Next(2) == 0) OddEntry(entry);
            items.Add(entry);
        }
        if (!plain && _rng.Next(5) == 0) items.Add(_rng.Next(3) switch { 0 => null, 1 => JsonValue.Create("x"), _ => new JsonObject() });
        var next = last ? "" : "c" + (page + 1).ToString(CultureInfo.InvariantCulture);
        JsonNode? nextNode = next;
        var hasNext = true;
        if (!plain && _rng.Next(2) == 0)
        {
            switch (_rng.Next(8))
            {
                case 0: nextNode = cursor; break; // the same cursor again
                case 1: nextNode = OddValue(page + 1); break; // not a string
                case 2: hasNext = false; break;
                case 3: nextNode = ""; break; // the end, early
                case 4: nextNode = page > 0 ? "c" + (page - 1).ToString(CultureInfo.InvariantCulture) : "c1"; break; // backwards
                case 5: nextNode = new string('c', 5000); break;
                case 6: nextNode = "c" + (page + 1).ToString(CultureInfo.InvariantCulture) + "\u0000\u2028"; break;
                default: nextNode = "c9999"; break;
            }
        }
        return (items, nextNode, hasNext);
    }

    private void OddEntry(JsonObject entry)
    {
        switch (_rng.Next(6))
        {
            case 0: entry["FollowTime"] = _rng.Next(3) switch { 0 => 1_700_000_000_000L, 1 => -1, _ => long.MaxValue }; break;
            case 1: entry["FollowTime"] = OddValue(1_700_000_000); break;
            case 2: entry.Remove("FollowTime"); break;
            case 3: entry["To_Account"] = OddValue(0); break;
            case 4: entry["ProfileItem"] = _rng.Next(3) switch { 0 => new JsonObject(), 1 => null, _ => new JsonArray(JsonValue.Create(1), new JsonObject { ["Tag"] = 5, ["Value"] = "v" }, new JsonObject { ["Tag"] = "Tag_Profile_IM_Nick", ["Value"] = OddValue(0) }) }; break;
            default: entry["ProfileItem"] = new JsonArray(new JsonObject { ["Tag"] = "Tag_Profile_Custom_Deep", ["Value"] = JsonNode.Parse(new string('[', 40) + new string(']', 40)) }); break;
        }
    }

    /// <summary>A value where a number (or a string) belongs that is not what the documentation says.</summary>
    private JsonNode? OddValue(long valid) => _rng.Next(18) switch
    {
        0 => -1,
        1 => long.MaxValue,
        2 => 1.5,
        3 => valid.ToString(CultureInfo.InvariantCulture),
        4 => null,
        5 => true,
        6 => new JsonArray(),
        7 => new JsonObject(),
        8 => 1_700_000_000_000L,
        9 => JsonNode.Parse("9223372036854775808"),
        10 => JsonNode.Parse("1e3"),
        11 => int.MinValue,
        12 => JsonNode.Parse("-0"),
        13 => JsonNode.Parse(valid.ToString(CultureInfo.InvariantCulture) + ".0"),
        14 => JsonNode.Parse("1e400"),
        15 => (long)int.MaxValue + 1,
        16 => "",
        _ => valid,
    };

    private static List<string> RequestedIds(JsonElement request)
    {
        var ids = new List<string>();
        if (request.TryGetProperty("To_Account", out var to))
        {
            foreach (var id in to.EnumerateArray()) ids.Add(id.GetString()!);
        }
        else if (request.TryGetProperty("FollowItem", out var follow))
        {
            foreach (var item in follow.EnumerateArray()) ids.Add(item.GetProperty("To_Account").GetString()!);
        }
        return ids;
    }

    private void Shuffle(List<JsonNode?> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static int StableHash(string text)
    {
        var h = 17;
        foreach (var c in text) h = unchecked(h * 31 + c);
        return h;
    }
}
