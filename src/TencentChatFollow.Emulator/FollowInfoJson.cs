using System.Buffers;
using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>One element of the response's FollowInfo array.</summary>
internal sealed record FollowInfoItem(string ToAccount, int ResultCode, string ResultInfo, FollowCounts Counts);

/// <summary>
/// Writes follow_get_info response envelopes byte for byte, in the field order of Tencent's sample response.
/// Written by hand rather than serialized so that faults can bend exactly one field.
/// </summary>
internal static class FollowInfoJson
{
    public static byte[] Fail(int errorCode, string errorInfo) =>
        Write(writer => WriteStatus(writer, errorCode, errorInfo));

    /// <param name="items">The FollowInfo items, in request order.</param>
    /// <param name="textFollowerCountAt">Index of an item whose FollowerCount is written as the string "many" (the 'wrongtype' fault), or -1.</param>
    public static byte[] Success(IReadOnlyList<FollowInfoItem> items, int textFollowerCountAt = -1) =>
        Write(writer =>
        {
            writer.WriteStartArray("FollowInfo");
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                writer.WriteStartObject();
                writer.WriteString("To_Account", item.ToAccount);
                writer.WriteNumber("ResultCode", item.ResultCode);
                writer.WriteString("ResultInfo", item.ResultInfo);
                if (i == textFollowerCountAt)
                {
                    writer.WriteString("FollowerCount", "many");
                }
                else
                {
                    writer.WriteNumber("FollowerCount", item.Counts.Followers);
                }
                writer.WriteNumber("FollowingCount", item.Counts.Following);
                writer.WriteNumber("MutualFollowingCount", item.Counts.Mutual);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            WriteStatus(writer, ErrorCodes.Ok, "");
        });

    private static void WriteStatus(Utf8JsonWriter writer, int errorCode, string errorInfo)
    {
        writer.WriteString("ActionStatus", errorCode == ErrorCodes.Ok ? "OK" : "FAIL");
        writer.WriteNumber("ErrorCode", errorCode);
        writer.WriteString("ErrorInfo", errorInfo);
        writer.WriteString("ErrorDisplay", "");
    }

    private static byte[] Write(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
