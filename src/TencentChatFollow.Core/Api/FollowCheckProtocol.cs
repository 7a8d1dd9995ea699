using System.Collections.Generic;
using System.Text.Json;
using TencentChatFollow.Text;

namespace TencentChatFollow.Api;

/// <summary>v4/follow/follow_check: how From_Account and each of up to 100 ids relate (ResultItem[].FollowType).</summary>
internal sealed class FollowCheckProtocol : BatchProtocol<FollowCheck>
{
    public const int MaxIds = 100;

    public static FollowCheckProtocol Instance { get; } = new();

    public override string Path => "v4/follow/follow_check";
    public override int MaxIdsPerCall => MaxIds;
    protected override string ItemArrayName => "ResultItem";

    public override byte[] WriteRequest(string from, IReadOnlyList<string> ids) => WriteFromAndIds(from, "To_Account", ids);

    protected override FollowCheck? ReadResult(string from, string id, JsonElement item, out string? problem)
    {
        if (TryInt(item, "FollowType", out var type) && type is >= 0 and <= 3)
        {
            problem = null;
            return new FollowCheck(from, id, (FollowRelation)type);
        }
        problem = "its FollowType is missing or not 0 to 3";
        return null;
    }

    public override string DescribeId(string from, string id) => $"{UserIdText.Show(id)} (checked from {UserIdText.Show(from)})";
}

/// <summary>v4/follow/follow_add and v4/follow/follow_delete: From_Account follows, or stops following, up to 20 ids.</summary>
internal sealed class FollowChangeProtocol : BatchProtocol<FollowChange>
{
    public const int MaxIds = 20;

    public static FollowChangeProtocol Add { get; } = new("v4/follow/follow_add", "Added", "follow");
    public static FollowChangeProtocol Delete { get; } = new("v4/follow/follow_delete", "Removed", "unfollow");

    private readonly string _action;
    private readonly string _verb;

    private FollowChangeProtocol(string path, string action, string verb)
    {
        Path = path;
        _action = action;
        _verb = verb;
    }

    public override string Path { get; }
    public override int MaxIdsPerCall => MaxIds;
    protected override string ItemArrayName => "ResultItem";

    /// <summary>follow_add takes FollowItem: [{To_Account}]; follow_delete takes To_Account: [ids].</summary>
    public override byte[] WriteRequest(string from, IReadOnlyList<string> ids)
    {
        if (ReferenceEquals(this, Delete)) return WriteFromAndIds(from, "To_Account", ids);
        return Write(writer =>
        {
            writer.WriteString("From_Account", from);
            writer.WriteStartArray("FollowItem");
            foreach (var id in ids)
            {
                writer.WriteStartObject();
                writer.WriteString("To_Account", id);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }, 64 + ids.Count * 40);
    }

    protected override FollowChange? ReadResult(string from, string id, JsonElement item, out string? problem)
    {
        problem = null;
        return new FollowChange(from, id, _action);
    }

    public override string DescribeId(string from, string id) => $"{UserIdText.Show(id)} ({UserIdText.Show(from)} could not {_verb} it)";

    /// <summary>Sent without a usable answer: the service may have made the change; Test-TencentChatFollow shows whether it did.</summary>
    public override string UnknownOutcome(string from, string id)
        => ReferenceEquals(this, Delete)
            ? $"The request was sent and no usable answer came back, so {UserIdText.Show(from)} may no longer follow {UserIdText.Show(id)}: Test-TencentChatFollow -From {PowerShellText.Quote(from)} -UserId {PowerShellText.Quote(id)} shows whether it still does."
            : $"The request was sent and no usable answer came back, so {UserIdText.Show(from)} may follow {UserIdText.Show(id)} now: Test-TencentChatFollow -From {PowerShellText.Quote(from)} -UserId {PowerShellText.Quote(id)} shows whether it does.";
}
