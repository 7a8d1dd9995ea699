# Source manifest. build.ps1 copies it into out/TencentChatFollow/ and puts the version from
# Directory.Build.props in place of the ModuleVersion token.
@{
    RootModule           = 'TencentChatFollow.dll'
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = 'bec8bcab-bbb0-486d-8de0-d1d703e631d4'
    Author               = 'TencentChatFollow contributors'
    CompanyName          = 'TencentChatFollow contributors'
    Copyright            = '(c) TencentChatFollow contributors. MIT License.'
    Description          = 'Tencent Cloud Chat (IM) follows for admins: Get-TencentChatFollowInfo counts fans and follows, Test-TencentChatFollow checks pairs, Add- and Remove-TencentChatFollow follow and unfollow in bulk. Ids are batched at the service''s limits and rate and stream out one flat object per id, in input order. Connect-TencentChat makes and renews the UserSig itself.'
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
0.1.0
- Connect-TencentChat: secret key, PSCredential, ready UserSig or TENCENTCHAT_* environment variables; regions or
  an endpoint; -MaxRequestsPerSecond, -MaxRetry, -TimeoutSec, -Proxy. Get-TencentChatContext, Disconnect-TencentChat.
- Get-TencentChatFollowInfo: batches of 20, up to 64 calls in flight under one 200 calls/s limiter per app and
  process, output in input order, one result or one error per id, retries with back-off, progress, Ctrl+C.
- Test-TencentChatFollow (follow_check, 100 ids a call), Add-TencentChatFollow and Remove-TencentChatFollow
  (follow_add and follow_delete, 20 ids a call, -WhatIf/-Confirm, -PassThru): pairs of -From and -UserId, or
  Import-Csv rows with From and UserId columns, on the same engine as Get-TencentChatFollowInfo.
- New-TencentChatUserSig: TLSSigAPIv2 UserSigs for any account.
- Windows PowerShell 5.1 and PowerShell 7.4+ on Windows, Linux and macOS.
'@
        }
    }
}
