using System;
using System.Collections.Generic;

namespace TencentChatFollow.Api;

/// <summary>
/// A parsed answer of any follow API: Tencent's envelope (ErrorCode, ErrorInfo) and, when ErrorCode is 0, what the
/// API's own protocol read from it (<typeparamref name="TBody"/>: per-id items, a page).
/// </summary>
internal sealed class ApiAnswer<TBody>
    where TBody : class
{
    public ApiAnswer(int errorCode, string errorInfo, TBody? body)
    {
        ErrorCode = errorCode;
        ErrorInfo = errorInfo;
        Body = body;
    }

    public int ErrorCode { get; }
    public string ErrorInfo { get; }
    /// <summary>What the API says, when ErrorCode is 0; null otherwise.</summary>
    public TBody? Body { get; }
}

/// <summary>One item of a batched answer, for one id: Tencent's ResultCode and ResultInfo, and its result when it succeeded.</summary>
internal readonly struct AnswerItem<TResult>
    where TResult : class
{
    public AnswerItem(int resultCode, string resultInfo, TResult? result)
    {
        ResultCode = resultCode;
        ResultInfo = resultInfo;
        Result = result;
    }

    public int ResultCode { get; }
    public string ResultInfo { get; }
    /// <summary>The id's result when ResultCode is 0 (FollowInfo, FollowCheck...); null otherwise.</summary>
    public TResult? Result { get; }
}

/// <summary>The per-id items of a batched API's OK answer.</summary>
internal sealed class AnswerItems<TResult>
    where TResult : class
{
    /// <summary>Items by To_Account.</summary>
    public Dictionary<string, AnswerItem<TResult>> Items { get; } = new(StringComparer.Ordinal);
    /// <summary>Ids whose item could not be used (wrong types, doubled), with why; asked for again.</summary>
    public Dictionary<string, string> BadItems { get; } = new(StringComparer.Ordinal);
}
