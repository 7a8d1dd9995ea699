using System.Buffers;
using System.Text.Json;

namespace TencentChatFollow.Emulator;

/// <summary>
/// Writes response envelopes byte for byte: the answer's item array and fields first, then ActionStatus, ErrorCode,
/// ErrorInfo and ErrorDisplay, in the order of Tencent's sample responses. Written by hand rather than serialized so
/// that faults can bend exactly one field.
/// </summary>
internal static class EnvelopeJson
{
    public static byte[] Fail(int errorCode, string errorInfo) =>
        Write(writer => WriteStatus(writer, errorCode, errorInfo));

    public static byte[] Success(ApiAnswer answer) =>
        Write(writer =>
        {
            WriteItems(writer, answer.ItemsName, answer.Items);
            foreach (var (name, value) in answer.After ?? [])
            {
                WriteValue(writer, name, value);
            }
            WriteStatus(writer, ErrorCodes.Ok, "");
        });

    private static void WriteItems(Utf8JsonWriter writer, string name, IReadOnlyList<AnswerItem> items)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStartObject();
            foreach (var (field, value) in item.Fields)
            {
                WriteValue(writer, field, value);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string text:
                writer.WriteString(name, text);
                break;
            case int number:
                writer.WriteNumber(name, number);
                break;
            case long number:
                writer.WriteNumber(name, number);
                break;
            case IReadOnlyList<AnswerItem> nested:
                WriteItems(writer, name, nested);
                break;
            default:
                throw new ArgumentException($"field {name} has a value of type {value.GetType()}, which is not written", nameof(value));
        }
    }

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
