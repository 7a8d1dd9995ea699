using System.Text;
using TencentChatFollow.Errors;

namespace TencentChatFollow.Api;

/// <summary>
/// Any Tencent Cloud Chat REST API, by name (<see cref="RestApiName"/>): the envelope is read as for every API
/// (ErrorCode, ErrorInfo), and an OK answer is kept whole, as its JSON text, for the caller. Nothing of the API's own
/// fields is read: per-item ResultCodes are the caller's.
/// </summary>
internal sealed class RestProtocol : ApiProtocol
{
    public RestProtocol(RestApiName api) => Api = api;

    public RestApiName Api { get; }

    public override string Path => Api.Path;

    /// <summary>Sent without a usable answer: the service may have done what the body asks (a write may be in place).</summary>
    public override string UnknownOutcome(string from, string id)
        => "The body was sent, so the service may have done what it asks before its answer was lost: check before sending it again, unless the API is safe to repeat.";

    /// <summary>
    /// The catalog's reading, except where the body is the caller's: 60003 (the service could not parse the JSON) is
    /// the module's own bug for the follow commands (the run stops) and here this body's error (the run goes on), as is
    /// 60015 (an account id of the body is not a string: a number, as a hashtable of numeric ids gives);
    /// 30001's advice speaks of the body, not of ids.
    /// </summary>
    public override ErrorDescription Describe(int code) => code switch
    {
        60003 => Invalid(code, "The service could not parse the body as JSON (60003): check its text and its encoding (UTF-8)."),
        60015 => Invalid(code, "An account id in the body is not a string (60015): Tencent takes ids as JSON strings (\"1001\", not 1001); quote them in the body (UserID = '1001') or cast them ([string]$id)."),
        30001 => Invalid(code, "The request was refused as invalid: check the body's fields against the API's page."),
        _ => base.Describe(code),
    };

    private static ErrorDescription Invalid(int code, string advice)
        => new(code, "TencentChat.InvalidRequest", ErrorKind.InvalidArgument, CodeMeaning.FailsItsCall, advice);

    /// <summary>A call-level 30003 names an account of the body (there is no From_Account of the module's): this call fails, the run goes on.</summary>
    public override string UnknownFrom(string from)
        => "Tencent error 30003: an account in the body does not exist in this app. Check the body's accounts.";

    /// <summary>The answer: its envelope, and when ErrorCode is 0 its whole text. A FormatException when it is not the envelope's JSON.</summary>
    public static ApiAnswer<string> ParseAnswer(byte[] body) => ParseEnvelope(body, _ => Encoding.UTF8.GetString(body, BomLength(body), body.Length - BomLength(body)));
}
