using System.Collections;
using System.Collections.Specialized;
using System.Text;
using TencentChatFollow.Api;
using TencentChatFollow.Errors;
using Xunit;

namespace TencentChatFollow.Tests.Api;

public class RestBodyTests
{
    private enum Relation
    {
        Fans = 1,
        Follows = 2,
    }

    private static string Text(object? body) => Encoding.UTF8.GetString(RestBody.From(body));

    private static TencentChatException Refused(object? body) => Assert.Throws<TencentChatException>(() => RestBody.From(body));

    [Fact]
    public void A_dictionary_is_an_object_with_nested_objects_arrays_and_every_value_kind()
    {
        var body = new OrderedDictionary
        {
            ["CheckItem"] = new object[] { new Hashtable { ["UserID"] = "user001" }, new Hashtable { ["UserID"] = "用户" } },
            ["Int"] = 42,
            ["Long"] = 4294967296L,
            ["UInt64"] = ulong.MaxValue,
            ["Double"] = 0.5,
            ["Decimal"] = 1.25m,
            ["True"] = true,
            ["False"] = false,
            ["Null"] = null,
            ["Char"] = 'x',
            ["Enum"] = Relation.Follows,
            ["Guid"] = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
            ["Empty"] = new Hashtable(),
            ["List"] = new List<int> { 1, 2 },
        };
        Assert.Equal(
            "{\"CheckItem\":[{\"UserID\":\"user001\"},{\"UserID\":\"用户\"}],\"Int\":42,\"Long\":4294967296,\"UInt64\":18446744073709551615,\"Double\":0.5,\"Decimal\":1.25," +
            "\"True\":true,\"False\":false,\"Null\":null,\"Char\":\"x\",\"Enum\":2,\"Guid\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"Empty\":{},\"List\":[1,2]}",
            Text(body));
    }

    [Fact]
    public void A_BigInteger_is_its_exact_number_as_ConvertFrom_Json_and_the_answers_give_it()
    {
        // ConvertFrom-Json gives a BigInteger for a whole number past Int64 (18446744073709551615, a uint64 id), and so
        // does an answer past Decimal: sent back, each is the same number.
        var body = new OrderedDictionary
        {
            ["UInt64"] = System.Numerics.BigInteger.Parse("18446744073709551615", System.Globalization.CultureInfo.InvariantCulture),
            ["Huge"] = System.Numerics.BigInteger.Parse("-123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.Equal("{\"UInt64\":18446744073709551615,\"Huge\":-123456789012345678901234567890}", Text(body));
    }

    [Fact]
    public void Dates_are_Unix_seconds_as_Tencent_takes_times()
    {
        var utc = new DateTime(2026, 12, 4, 6, 0, 0, 900, DateTimeKind.Utc);
        var offset = new DateTimeOffset(2026, 12, 4, 14, 0, 0, TimeSpan.FromHours(8));
        var local = new DateTime(2026, 12, 4, 6, 0, 0, DateTimeKind.Unspecified);
        var expected = new DateTimeOffset(utc.AddMilliseconds(-900)).ToUnixTimeSeconds();
        Assert.Equal($"{{\"Utc\":{expected},\"Offset\":{expected},\"Local\":{new DateTimeOffset(local.ToUniversalTime()).ToUnixTimeSeconds()}}}",
            Text(new OrderedDictionary { ["Utc"] = utc, ["Offset"] = offset, ["Local"] = local }));
    }

    [Fact]
    public void The_adapter_sees_every_value_and_key_first()
    {
        var wrapped = new Wrapper(new OrderedDictionary { [new Wrapper("From_Account")] = new Wrapper("user001"), ["To_Account"] = new object[] { new Wrapper("user002") } });
        var bytes = RestBody.From(wrapped, v => v is Wrapper w ? w.Value : v);
        Assert.Equal("{\"From_Account\":\"user001\",\"To_Account\":[\"user002\"]}", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void A_JSON_text_is_sent_as_it_is_once_checked()
    {
        const string json = "{ \"CheckItem\" : [ {\"UserID\":\"a\"} ] }";
        Assert.Equal(json, Text(json));
        Assert.Equal(json, Encoding.UTF8.GetString(RestBody.From(new Wrapper(json), v => v is Wrapper w ? w.Value : v)));
    }

    [Theory]
    [InlineData("{\"CheckItem\":[", "not valid JSON at line 1")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "not a JSON object (array)")]
    [InlineData("\"text\"", "not a JSON object (string)")]
    [InlineData("", "not valid JSON")]
    public void A_bad_JSON_text_is_refused(string json, string why)
    {
        var e = Refused(json);
        Assert.Equal("TencentChat.InvalidBody", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("  \"CheckItem\": [")]
    [InlineData("  ]")]
    [InlineData("  \"From_Account\": \"admin\"")]
    public void A_line_of_a_JSON_file_read_line_by_line_is_refused_with_how_to_read_the_file_whole(string line)
    {
        // Get-Content body.json | Invoke-TencentChatRestMethod sends each line of a pretty-printed file as a body.
        Assert.Contains("Get-Content -Raw", Refused(line).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_JSON_text_of_several_lines_that_does_not_parse_gets_no_hint_to_read_it_whole()
    {
        Assert.DoesNotContain("Get-Content -Raw", Refused("{\n  \"CheckItem\": [\n}").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void What_is_not_an_object_at_the_top_is_refused()
    {
        Assert.Contains("must be a JSON object", Refused(null).Message, StringComparison.Ordinal);
        Assert.Contains("must be a JSON object", Refused(new object[] { 1 }).Message, StringComparison.Ordinal);
        Assert.Contains("[System.Int32] is not one", Refused(5).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_object_of_a_class_is_refused_with_how_to_pass_its_properties()
    {
        // A PowerShell class instance or any .NET object has properties too: the message must not say that "an object
        // with properties" is wanted and that this one is not one, but which objects are taken and how to make one.
        var message = Refused(new Version(1, 2)).Message;
        Assert.Contains("[System.Version] is not one", message, StringComparison.Ordinal);
        Assert.DoesNotContain("an object with properties", message, StringComparison.Ordinal);
        Assert.Contains("[pscustomobject]", message, StringComparison.Ordinal);
        Assert.Contains("Select-Object", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_JSON_cannot_hold_are_refused_with_where_they_are()
    {
        Assert.Contains("at Items[1].Value", Refused(new Hashtable { ["Items"] = new object[] { 1, new Hashtable { ["Value"] = new System.IO.MemoryStream() } } }).Message, StringComparison.Ordinal);
        Assert.Contains("NaN", Refused(new Hashtable { ["N"] = double.NaN }).Message, StringComparison.Ordinal);
        Assert.Contains("Infinity", Refused(new Hashtable { ["N"] = float.PositiveInfinity }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_twice_and_a_loop_are_refused()
    {
        Assert.Contains("'1' appears twice", Refused(Twice()).Message, StringComparison.Ordinal);
        var loop = new Hashtable();
        loop["Self"] = loop;
        Assert.Contains($"deeper than {RestBody.MaxDepth} levels", Refused(loop).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"CheckItem\":[],\"CheckItem\":[]}", "'CheckItem' appears twice in the body")]
    [InlineData("{\"CheckItem\":[{\"UserID\":\"a\"},{\"UserID\":\"b\",\"UserID\":\"c\"}]}", "'UserID' appears twice in CheckItem[1]")]
    [InlineData("{\"A\":{\"B\":{\"x\":1,\"x\":1}}}", "'x' appears twice in A.B")]
    public void A_JSON_text_with_a_name_twice_in_one_object_is_refused_with_where(string json, string why)
    {
        var e = Refused(json);
        Assert.Equal("TencentChat.InvalidBody", e.ErrorId);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_JSON_text_with_the_same_name_in_other_objects_or_in_another_case_is_sent()
    {
        const string json = "{\"CheckItem\":[{\"UserID\":\"a\"},{\"UserID\":\"b\"}],\"userid\":1,\"UserID\":2}";
        Assert.Equal(json, Text(json));
    }

    [Fact]
    public void Half_a_surrogate_pair_in_a_dictionary_is_refused_as_not_text_with_where()
    {
        // Built here, not as theory data: xunit carries theory data through UTF-8, which would replace half a pair.
        foreach (var (id, at) in new[] { ("a" + '\uD800' + "b", 2), ("ab" + '\uDC00', 3), ("" + '\uDC00' + '\uD800', 1), ("ok" + '\uD83D', 3) })
        {
            var e = Refused(new Hashtable { ["CheckItem"] = new object[] { new Hashtable { ["UserID"] = id } } });
            Assert.Equal("TencentChat.InvalidBody", e.ErrorId);
            Assert.StartsWith($"The string at CheckItem[0].UserID is not valid text: character {at} is half of a UTF-16 surrogate pair", e.Message, StringComparison.Ordinal);
            Assert.StartsWith($"A key in CheckItem[0] is not valid text: character {at}", Refused(new Hashtable { ["CheckItem"] = new object[] { new Hashtable { [id] = "x" } } }).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Half_a_surrogate_pair_alone_or_in_a_JSON_text_is_refused_as_not_text_raw_or_escaped()
    {
        Assert.StartsWith("The character at C is not valid text", Refused(new Hashtable { ["C"] = '\uD800' }).Message, StringComparison.Ordinal);
        Assert.StartsWith("The body is not valid text: character 27 is half of a UTF-16 surrogate pair (U+D800)", Refused("{\"CheckItem\":[{\"UserID\":\"a" + '\uD800' + "b\"}]}").Message, StringComparison.Ordinal);
        Assert.StartsWith("The string at CheckItem[0].UserID is not valid text: an escape", Refused("{\"CheckItem\":[{\"UserID\":\"a\\ud800b\"}]}").Message, StringComparison.Ordinal);
        Assert.StartsWith("A name in CheckItem[0] is not valid text", Refused("{\"CheckItem\":[{\"Use\\udc00rID\":\"a\"}]}").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_surrogate_pair_is_text_and_is_sent()
    {
        const string pair = "a\uD83D\uDE00b";
        using var sent = System.Text.Json.JsonDocument.Parse(RestBody.From(new Hashtable { ["UserID"] = pair }));
        Assert.Equal(pair, sent.RootElement.GetProperty("UserID").GetString());
        var json = "{\"UserID\":\"" + pair + "\",\"E\":\"\\ud83d\\ude00\"}";
        Assert.Equal(json, Text(json));
    }

    [Fact]
    public void A_value_the_adapter_could_not_read_refuses_the_body_naming_where_and_why()
    {
        var body = new OrderedDictionary { ["CheckItem"] = new object[] { new Hashtable { ["Nick"] = new RestBody.Unreadable("Exception getting \"Nick\": \"kaboom\"") } } };
        var e = Refused(body);
        Assert.Equal("TencentChat.InvalidBody", e.ErrorId);
        Assert.StartsWith("The property at CheckItem[0].Nick could not be read (Exception getting \"Nick\": \"kaboom\"); the body was not sent.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cap_is_1_MiB_of_UTF8_and_is_checked_before_sending()
    {
        var fits = "{\"a\":\"" + new string('x', RestBody.MaxBytes - 8) + "\"}";
        Assert.Equal(RestBody.MaxBytes, RestBody.From(fits).Length);
        var over = new Hashtable { ["a"] = new string('é', RestBody.MaxBytes / 2) };
        var e = Refused(over);
        Assert.Equal("TencentChat.BodyTooLarge", e.ErrorId);
        Assert.Contains("1,048,584 bytes, over the 1,048,576 bytes (1 MiB)", e.Message, StringComparison.Ordinal);
        Assert.Equal("TencentChat.BodyTooLarge", Refused(fits.Replace("\"a\"", "\"ab\"", StringComparison.Ordinal)).ErrorId);
    }

    private static OrderedDictionary Twice()
    {
        var d = new OrderedDictionary();
        d.Add(1, "a");
        d.Add("1", "b");
        return d;
    }

    private sealed class Wrapper(object value)
    {
        public object Value { get; } = value;
    }
}
