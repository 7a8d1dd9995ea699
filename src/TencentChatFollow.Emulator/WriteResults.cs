namespace TencentChatFollow.Emulator;

/// <summary>The ResultItem of follow_add and follow_delete: To_Account, ResultCode and ResultInfo per id.</summary>
internal static class WriteResults
{
    public const string ItemsName = "ResultItem";

    private const string Code = "ResultCode";
    private const string Info = "ResultInfo";
    private const string SecondCopyInfo = "server internal error, please try again";

    /// <summary>
    /// 'doubled' adds a second item for the id with the opposite outcome (a failure for a success, a success for a
    /// failure); 'wrongtype' writes one ResultCode as the string "many"; 'negative' makes one ResultCode -1.
    /// </summary>
    public static readonly ItemFaults Faults = ItemFaults.PerId(
        extra: id => Item(id, ErrorCodes.Ok, ""),
        doubled: item => (int)item[Code] == ErrorCodes.Ok
            ? item.With(Code, ErrorCodes.InternalError).With(Info, SecondCopyInfo)
            : item.With(Code, ErrorCodes.Ok).With(Info, ""),
        wrongTypeField: Code,
        negativeField: Code);

    public static AnswerItem Item(string account, int code, string info) => AnswerItem.Of(
        (ApiAnswer.ToAccountField, account),
        (Code, code),
        (Info, info));
}
