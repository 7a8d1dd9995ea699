using System;

namespace TencentChatFollow.Api;

/// <summary>
/// A Tencent Cloud Chat REST API named as <c>service/command</c> (im_open_login_svc/account_check), the way
/// Invoke-TencentChatRestMethod -Api takes it: a leading <c>v4/</c> (or <c>/v4/</c>) is accepted; a host, a query
/// string, a fragment or any other shape is refused with a message that shows the right form. Names are
/// case-sensitive, as Tencent's are, and kept as given.
/// </summary>
internal sealed class RestApiName
{
    /// <summary>The form -Api takes, for messages.</summary>
    public const string Form = "'service/command', as in 'im_open_login_svc/account_check' (a leading 'v4/' is accepted)";

    private static readonly char[] QueryStart = { '?', '#' };

    private RestApiName(string service, string command)
    {
        Service = service;
        Command = command;
    }

    /// <summary>The service: im_open_login_svc, follow, profile...</summary>
    public string Service { get; }

    /// <summary>The command: account_check, follow_get_info, portrait_get...</summary>
    public string Command { get; }

    /// <summary>service/command, as -Api takes it and the verbose lines name it.</summary>
    public string Name => Service + "/" + Command;

    /// <summary>The path under the endpoint: v4/service/command.</summary>
    public string Path => "v4/" + Name;

    public override string ToString() => Name;

    /// <summary>The API <paramref name="text"/> names; an <see cref="ArgumentException"/> saying what is wrong and the right form otherwise.</summary>
    public static RestApiName Parse(string? text)
        => TryParse(text, out var name, out var problem) ? name! : throw new ArgumentException(problem);

    /// <summary>
    /// Reads <paramref name="text"/>; false with <paramref name="problem"/> (which never repeats a query string,
    /// where a UserSig may be) when it is not service/command.
    /// </summary>
    public static bool TryParse(string? text, out RestApiName? name, out string problem)
    {
        name = null;
        var given = (text ?? "").Trim();
        if (given.Length == 0)
        {
            problem = $"-Api is empty. It takes {Form}.";
            return false;
        }
        var query = given.IndexOfAny(QueryStart);
        var path = query >= 0 ? given.Substring(0, query) : given;
        var scheme = path.IndexOf("://", StringComparison.Ordinal);
        var host = "";
        if (scheme >= 0)
        {
            var rest = path.Substring(scheme + 3);
            var slash = rest.IndexOf('/');
            host = slash >= 0 ? path.Substring(0, scheme + 3 + slash) : path;
            path = slash >= 0 ? rest.Substring(slash) : "";
        }
        var suggestion = Split(path) is { } found ? $" Use -Api '{found.Name}'." : "";
        if (host.Length > 0)
        {
            problem = $"-Api '{path.TrimStart('/')}' must not hold a host ('{host}'): the endpoint comes from the session (Connect-TencentChat -Region or -Endpoint). It takes {Form}.{suggestion}";
            return false;
        }
        if (query >= 0)
        {
            // The query is never repeated: a copied URL carries the usersig.
            problem = $"-Api '{path}' must not hold a query string ('{given[query]}...'): the module adds sdkappid, identifier, usersig, random and contenttype itself. It takes {Form}.{suggestion}";
            return false;
        }
        name = Split(path);
        problem = name is null ? $"-Api '{given}' is not a REST API name. It takes {Form}: two names of letters, digits, '_' or '-' joined by one '/'." : "";
        return name is not null;
    }

    /// <summary>service/command out of a path (v4/ and slashes around it allowed); null when it is not that shape.</summary>
    private static RestApiName? Split(string path)
    {
        var p = path.Trim('/');
        if (p.StartsWith("v4/", StringComparison.Ordinal)) p = p.Substring(3);
        var parts = p.Split('/');
        if (parts.Length != 2 || !IsName(parts[0]) || !IsName(parts[1])) return null;
        return new RestApiName(parts[0], parts[1]);
    }

    private static bool IsName(string part)
    {
        if (part.Length == 0 || part.Length > 64) return false;
        foreach (var c in part)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-')) return false;
        }
        return true;
    }
}
