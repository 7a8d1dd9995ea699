namespace TencentChatFollow.Endpoints;

/// <summary>The data-centre regions of Tencent Cloud Chat's REST API.</summary>
public enum ChatRegion
{
    China,
    Singapore,
    Seoul,
    Tokyo,
    Frankfurt,
    Mumbai,
    SiliconValley,
    Jakarta,
}
