<#
.SYNOPSIS
Benchmark row of issue 19 in a fresh process: account_check through Invoke-TencentChatRestMethod, bodies of 100 ids
from a file. Prints one JSON line.

.DESCRIPTION
What a user does to learn which ids exist before a bulk follow:
  Connect-TencentChat ...
  Get-Content <IdsPath> -ReadCount 100 | ForEach-Object { @{ CheckItem = @(foreach ($id in $_) { @{ UserID = $id } }) } } |
      Invoke-TencentChatRestMethod -Api im_open_login_svc/account_check | ForEach-Object { $_.ResultItem } |
      Export-Csv <CsvPath>
so the CSV has one row per id (the answer's ResultItem fields: UserID, ResultCode, ResultInfo, AccountStatus).

When the module has no Invoke-TencentChatRestMethod the JSON line is {"Skipped": "<why>"} and nothing is sent.
Otherwise it has Bodies, Ids, Rows, Seconds (from Connect-TencentChat to the end of Export-Csv), StartedAt and
EndedAt (UTC ISO 8601), PeakMemMB, CpuSeconds, Errors and FirstErrors.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorUrl,
    [Parameter(Mandatory)] [string] $IdsPath,
    [Parameter(Mandatory)] [string] $CsvPath,
    [ValidateRange(1, 100)] [int] $BodySize = 100
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1')
. (Join-Path $PSScriptRoot 'RunRecord.ps1')
Import-Module $ModulePath
if (-not (Get-Command -Name Invoke-TencentChatRestMethod -Module TencentChatFollow -ErrorAction Ignore)) {
    [pscustomobject]@{ Skipped = "the module at $ModulePath has no Invoke-TencentChatRestMethod yet (issue 19)" } | ConvertTo-Json -Compress
    return
}
$identity = Get-EmulatorIdentity

$failures = [System.Collections.ArrayList]::new()
$startedAt = [datetimeoffset]::UtcNow
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Connect-TencentChat -SdkAppId $identity.SdkAppId -Credential (Get-EmulatorCredential) -Endpoint $EmulatorUrl
Get-Content -LiteralPath $IdsPath -ReadCount $BodySize | ForEach-Object { @{ CheckItem = @(foreach ($id in $_) { @{ UserID = $id } }) } } |
    Invoke-TencentChatRestMethod -Api im_open_login_svc/account_check -ErrorAction SilentlyContinue -ErrorVariable +failures |
    ForEach-Object { $_.ResultItem } |
    Export-Csv -LiteralPath $CsvPath -NoTypeInformation
$clock.Stop()
$endedAt = [datetimeoffset]::UtcNow

$ids = @([System.IO.File]::ReadLines($IdsPath)).Count
$fields = [ordered]@{
    Bodies = [math]::Ceiling($ids / $BodySize)
    Ids    = $ids
    Rows   = Get-CsvRowCount $CsvPath
}
New-RunRecord -Fields $fields -StartedAt $startedAt -EndedAt $endedAt -Elapsed $clock.Elapsed -Failures $failures | ConvertTo-Json -Compress
