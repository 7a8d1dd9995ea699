using System.Text;

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

    /// <summary>A call-level 30003 names an account of the body (there is no From_Account of the module's): this call fails, the run goes on.</summary>
    public override string UnknownFrom(string from)
        => "Tencent error 30003: an account in the body does not exist in this app. Check the body's accounts.";

    /// <summary>The answer: its envelope, and when ErrorCode is 0 its whole text. A FormatException when it is not the envelope's JSON.</summary>
    public ApiAnswer<string> ParseAnswer(byte[] body) => ParseEnvelope(body, _ => Encoding.UTF8.GetString(body));
}
