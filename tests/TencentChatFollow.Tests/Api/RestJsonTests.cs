using System.Text;
using TencentChatFollow.Api;
using Xunit;

namespace TencentChatFollow.Tests.Api;

public class RestJsonTests
{
    private static object? Read(string json) => RestJson.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void The_account_check_answer_keeps_its_envelope_and_items_in_order()
    {
        var answer = Assert.IsType<RestJsonObject>(Read(
            "{\"ResultItem\":[{\"UserID\":\"a\",\"ResultCode\":0,\"ResultInfo\":\"\",\"AccountStatus\":\"Imported\"},{\"UserID\":\"b\",\"ResultCode\":0,\"ResultInfo\":\"\",\"AccountStatus\":\"NotImported\"}]," +
            "\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"ErrorDisplay\":\"\"}"));
        Assert.Equal(new[] { "ResultItem", "ActionStatus", "ErrorCode", "ErrorInfo", "ErrorDisplay" }, answer.Select(f => f.Key));
        Assert.Equal("OK", answer["ActionStatus"]);
        Assert.Equal(0L, answer["errorcode"]);
        var items = Assert.IsType<object?[]>(answer["ResultItem"]);
        Assert.Equal(new[] { "Imported", "NotImported" }, items.Cast<RestJsonObject>().Select(i => i["AccountStatus"]));
    }

    [Fact]
    public void An_answer_after_a_UTF8_byte_order_mark_is_read_and_its_raw_text_has_no_mark()
    {
        const string json = "{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}";
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(json)).ToArray();
        Assert.Equal("OK", Assert.IsType<RestJsonObject>(RestJson.Read(bytes))["ActionStatus"]);
        Assert.Equal(json, RestProtocol.ParseAnswer(bytes).Body);
    }

    [Theory]
    [InlineData("1", 1L)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("0.5", 0.5)]
    [InlineData("1e3", 1000.0)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("\"s\"", "s")]
    public void Numbers_are_Int64_or_Double_and_the_rest_as_they_are(string json, object expected)
    {
        var value = Assert.IsType<RestJsonObject>(Read("{\"v\":" + json + "}"))["v"];
        Assert.Equal(expected, value);
        Assert.Equal(expected.GetType(), value!.GetType());
    }

    [Fact]
    public void Whole_numbers_past_Int64_stay_exact_and_null_is_null()
    {
        var answer = Assert.IsType<RestJsonObject>(Read("{\"big\":18446744073709551615,\"huge\":1e400,\"none\":null,\"empty\":[]}"));
        Assert.Equal(18446744073709551615m, answer["big"]);
        Assert.Equal("1e400", answer["huge"]);
        Assert.Null(answer["none"]);
        Assert.Empty(Assert.IsType<object?[]>(answer["empty"]));
    }

    [Fact]
    public void Whole_numbers_past_Decimal_stay_exact_as_BigInteger_as_ConvertFrom_Json_gives_them()
    {
        // 30 and 40 digits: beyond Decimal (about 7.9e28), where a Double would keep only the first 15 to 17.
        var answer = Assert.IsType<RestJsonObject>(Read("{\"big\":123456789012345678901234567890,\"negative\":-1234567890123456789012345678901234567890}"));
        Assert.Equal(System.Numerics.BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture), Assert.IsType<System.Numerics.BigInteger>(answer["big"]));
        Assert.Equal(System.Numerics.BigInteger.Parse("-1234567890123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture), Assert.IsType<System.Numerics.BigInteger>(answer["negative"]));
    }

    [Fact]
    public void A_name_again_in_any_case_keeps_its_place_and_takes_the_later_value()
    {
        var answer = Assert.IsType<RestJsonObject>(Read("{\"a\":1,\"b\":2,\"A\":3}"));
        Assert.Equal(new[] { "a", "b" }, answer.Select(f => f.Key));
        Assert.Equal(3L, answer["a"]);
    }

    [Fact]
    public void Not_JSON_is_a_FormatException()
        => Assert.Throws<FormatException>(() => Read("<html>"));

    [Fact]
    public void JSON_with_half_a_surrogate_pair_in_a_string_is_a_FormatException_too()
    {
        // It parses (the envelope was read), but the string stands for no text: the caller's one kind of failure, not another.
        var ex = Assert.Throws<FormatException>(() => Read("""{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Note":"\uD800"}"""));
        Assert.Contains("not text", ex.Message, StringComparison.Ordinal);
    }
}
