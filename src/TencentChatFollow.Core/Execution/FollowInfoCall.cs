using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TencentChatFollow.Api;
using TencentChatFollow.Session;

namespace TencentChatFollow.Execution;

/// <summary>follow_get_info calls of one run, as one From_Account: the engine (<see cref="BatchCall"/>) bound to its protocol.</summary>
internal sealed class FollowInfoCall
{
    private readonly BatchCall _call;
    private readonly string _from;

    public FollowInfoCall(TencentChatSession session, string from, bool collectDebug)
    {
        _call = new BatchCall(session, FollowGetInfoProtocol.Instance, collectDebug);
        _from = from;
    }

    public Task<BatchResult> ExecuteAsync(long sequence, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        => _call.ExecuteAsync(sequence, _from, ids, cancellationToken);
}
