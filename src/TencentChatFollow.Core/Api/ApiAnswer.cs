using System;
using System.Collections.Generic;

namespace TencentChatFollow.Api;

/// <summary>One item of an answer, for one id: Tencent's ResultCode and ResultInfo, and the API's own fields when it succeeded.</summary>
internal readonly struct AnswerItem
{
    public AnswerItem(int resultCode, string resultInfo, object? payload)
    {
        ResultCode = resultCode;
        ResultInfo = resultInfo;
        Payload = payload;
    }

    public int ResultCode { get; }
    public string ResultInfo { get; }
    /// <summary>What the API says about the id when ResultCode is 0 (the protocol's own item type); null otherwise.</summary>
    public object? Payload { get; }
}

/// <summary>A parsed answer of any follow API: the envelope, and its per-id items where the API has them.</summary>
internal sealed class ApiAnswer
{
    public int ErrorCode { get; set; }
    public string ErrorInfo { get; set; } = "";
    /// <summary>Items by To_Account.</summary>
    public Dictionary<string, AnswerItem> Items { get; } = new(StringComparer.Ordinal);
    /// <summary>Ids whose item could not be used (wrong types, doubled), with why; asked for again.</summary>
    public Dictionary<string, string> BadItems { get; } = new(StringComparer.Ordinal);
}
