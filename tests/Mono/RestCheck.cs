using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;

namespace TencentChatFollow.MonoCheck;

/// <summary>
/// Invoke-TencentChatRestMethod's body and answer code on a .NET Framework runtime (issue 19 on Windows PowerShell
/// 5.1): a body with nested objects and arrays, a long, a double, a boolean, null and a date serialized by the module's
/// System.Text.Json, then an answer read back into plain values (one after a UTF-8 byte order mark). Prints
/// "rest-body JSON" and "rest-read NAME=TYPE:VALUE ..." for the Pester test to compare.
/// </summary>
internal static class RestCheck
{
    public static IEnumerable<string> Run(Assembly core)
    {
        var restBody = core.GetType("TencentChatFollow.Api.RestBody", throwOnError: true)!;
        var from = restBody.GetMethod("From", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["CheckItem"] = new object[] { new Dictionary<string, object?> { ["UserID"] = "user001" }, new Dictionary<string, object?> { ["UserID"] = "ghost" } },
            ["Count"] = 3L,
            ["Ratio"] = 0.5,
            ["On"] = true,
            ["Nothing"] = null,
            ["At"] = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
        };
        var bytes = (byte[])from.Invoke(null, new object?[] { body, null })!;
        yield return "rest-body " + Encoding.UTF8.GetString(bytes);

        var restJson = core.GetType("TencentChatFollow.Api.RestJson", throwOnError: true)!;
        var read = restJson.GetMethod("Read", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, null, new[] { typeof(byte[]) }, null)!;
        var answer = Encoding.UTF8.GetBytes("{\"ResultItem\":[{\"UserID\":\"user001\"}],\"Big\":9223372036854775807,\"Half\":0.5,\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"}");
        var withMark = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(answer).ToArray();
        var fields = (IEnumerable<KeyValuePair<string, object?>>)read.Invoke(null, new object[] { withMark })!;
        yield return "rest-read " + string.Join(" ", fields.Select(f => f.Key + "=" + Describe(f.Value)));
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        IList list when value is not string => value.GetType().Name + "[" + list.Count + "]",
        IFormattable number => value.GetType().Name + ":" + number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.GetType().Name + ":" + value,
    };
}
