# Source manifest. build.ps1 copies it into out/TencentChatFollow/ and puts the version from
# Directory.Build.props in place of the ModuleVersion token.
@{
    RootModule           = 'TencentChatFollow.dll'
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = 'bec8bcab-bbb0-486d-8de0-d1d703e631d4'
    Author               = 'TencentChatFollow contributors'
    CompanyName          = 'TencentChatFollow contributors'
    Copyright            = '(c) TencentChatFollow contributors. MIT License.'
    Description          = 'Tencent Cloud Chat (IM) follows for admins. Get-TencentChatFollowInfo counts fans and follows, Get-TencentChatFollow lists fans, follows or mutual follows, Test-TencentChatFollow checks pairs, Add- and Remove-TencentChatFollow follow and unfollow in bulk, and Invoke-TencentChatRestMethod calls any other Chat REST API on the same session. Ids are batched at the service''s limits and rate and stream out one flat object per id, in input order; every id comes out once, as a result or a TencentChat.* error. Connect-TencentChat makes and renews the UserSig itself (Get-TencentChatContext, Disconnect-TencentChat; New-TencentChatUserSig for other accounts).'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('TencentChatFollow.Format.ps1xml')
    TypesToProcess       = @('TencentChatFollow.Types.ps1xml')
    CmdletsToExport      = @(
        'Add-TencentChatFollow'
        'Connect-TencentChat'
        'Disconnect-TencentChat'
        'Get-TencentChatContext'
        'Get-TencentChatFollow'
        'Get-TencentChatFollowInfo'
        'Invoke-TencentChatRestMethod'
        'New-TencentChatUserSig'
        'Remove-TencentChatFollow'
        'Test-TencentChatFollow'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('TencentCloud', 'TencentChat', 'IM', 'Follow', 'REST', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/TencentChatFollow/TencentChatFollow'
            LicenseUri   = 'https://github.com/TencentChatFollow/TencentChatFollow/blob/main/LICENSE'
            ReleaseNotes = @'
0.1.0, the first release:
- Connect-TencentChat: secret key, PSCredential, ready UserSig or TENCENTCHAT_* environment variables; regions or
  an endpoint; -MaxRequestsPerSecond, -MaxRetry, -TimeoutSec, -RetryTimeoutSec, -Proxy. Get-TencentChatContext,
  Disconnect-TencentChat. New-TencentChatUserSig: TLSSigAPIv2 UserSigs for any account.
- Get-TencentChatFollowInfo (follow_get_info): batches of 20, many calls in flight, output in input order, one
  result or one error per id, retries with back-off, progress, Ctrl+C.
- Get-TencentChatFollow (follow_get): fans, follows or mutual follows of each user, page after page, several lists
  at once, output in input order. A FollowTime is read as seconds, or as milliseconds when plainly so, up to 2100;
  any other (negative, fraction, later), a NextCursor that is not a string, or a repeated cursor is that user's
  TencentChat.InvalidResponse, never a silent end of the list.
- Test-TencentChatFollow (follow_check, 100 ids a call), Add-TencentChatFollow and Remove-TencentChatFollow
  (follow_add and follow_delete, 20 ids a call, -WhatIf/-Confirm, -PassThru): pairs of -From and -UserId, or
  Import-Csv rows with From and UserId columns. A write run that stops still reports every pair it made: the
  terminating error (TencentChatRunEndedException) lists Done, FailedIds and UnansweredIds.
- Invoke-TencentChatRestMethod: any Tencent Chat REST API (service/command) on the same session, with its signing,
  pacing, retries and TencentChat.* errors; bodies in bulk in input order; -Raw for the JSON text.
- One rate limiter per endpoint, app and API in a process, shared by every command and runspace: it slows down when
  Tencent refuses calls for frequency and grows back as room returns.
- No answer a server sends (out-of-range or mistyped numbers, nulls, missing or doubled items, truncated or deeply
  nested JSON, odd cursors) makes a command wait without end or fail with a foreign error.
- Messages and output are the same in every culture (invariant numbers and dates, ordinal id comparison).
- Connections are recycled after 5 minutes, so a long-lived process follows a DNS change of the endpoint.
- Windows PowerShell 5.1 and PowerShell 7.4+ on Windows, Linux and macOS.
'@
        }
    }
}
