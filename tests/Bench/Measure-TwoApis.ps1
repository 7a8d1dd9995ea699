<#
.SYNOPSIS
Benchmark row (6) in a fresh process: Get-TencentChatFollowInfo and Test-TencentChatFollow at once on one session.
Prints one JSON line.

.DESCRIPTION
What a user does to run two jobs of one app side by side in one process: Connect-TencentChat once, then two thread
jobs started together, each a pipeline of its own:
  Get-Content <InfoIdsPath>  | Get-TencentChatFollowInfo            | Export-Csv <InfoCsvPath>
  Get-Content <CheckIdsPath> | Test-TencentChatFollow -From <From>  | Export-Csv <CheckCsvPath>
Both share the process's session and whatever rate control the module keeps per SDKAppID (and per API).

The JSON line has Pipelines, one per cmdlet: Cmdlet, Ids, Rows, Seconds, StartedAt and EndedAt (its own pipeline,
after its runspace imported the module), Errors and FirstErrors; then the process's Seconds, StartedAt (before
Connect-TencentChat) and EndedAt (after the later pipeline ended), PeakMemMB and CpuSeconds (processor time,
start-up included: near 2 per second of run on two cores means the machine, not the rate limit, bound the
pipelines). The instants are UTC ISO 8601.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorUrl,
    [Parameter(Mandatory)] [string] $InfoIdsPath,
    [Parameter(Mandatory)] [string] $InfoCsvPath,
    [Parameter(Mandatory)] [string] $CheckIdsPath,
    [Parameter(Mandatory)] [string] $CheckCsvPath,
    # Test-TencentChatFollow -From: the account every pair is seen from.
    [Parameter(Mandatory)] [string] $From
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1')
. (Join-Path $PSScriptRoot 'RunRecord.ps1')
Import-Module $ModulePath
$identity = Get-EmulatorIdentity

$startedAt = [datetimeoffset]::UtcNow
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Connect-TencentChat -SdkAppId $identity.SdkAppId -Credential (Get-EmulatorCredential) -Endpoint $EmulatorUrl

$pipeline = {
    param([string] $ModulePath, [string] $RunRecordPath, [string] $Cmdlet, [string] $IdsPath, [string] $CsvPath, [hashtable] $Parameters)
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module $ModulePath
    . $RunRecordPath
    $failures = [System.Collections.ArrayList]::new()
    $started = [datetimeoffset]::UtcNow
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    Get-Content -LiteralPath $IdsPath | & $Cmdlet @Parameters -ErrorAction SilentlyContinue -ErrorVariable +failures |
        Export-Csv -LiteralPath $CsvPath -NoTypeInformation
    $clock.Stop()
    $fields = [ordered]@{ Cmdlet = $Cmdlet; Ids = @([System.IO.File]::ReadLines($IdsPath)).Count; Rows = Get-CsvRowCount $CsvPath }
    New-RunRecord -Fields $fields -StartedAt $started -EndedAt ([datetimeoffset]::UtcNow) -Elapsed $clock.Elapsed -Failures $failures -NoProcess
}
$runRecord = Join-Path $PSScriptRoot 'RunRecord.ps1'
$jobs = @(
    Start-ThreadJob -ScriptBlock $pipeline -ArgumentList $ModulePath, $runRecord, 'Get-TencentChatFollowInfo', $InfoIdsPath, $InfoCsvPath, @{}
    Start-ThreadJob -ScriptBlock $pipeline -ArgumentList $ModulePath, $runRecord, 'Test-TencentChatFollow', $CheckIdsPath, $CheckCsvPath, @{ From = $From }
)
$pipelines = @($jobs | Receive-Job -Wait -AutoRemoveJob | Select-Object Cmdlet, Ids, Rows, Seconds, StartedAt, EndedAt, Errors, FirstErrors)
$clock.Stop()

New-RunRecord -Fields ([ordered]@{ Pipelines = $pipelines }) -StartedAt $startedAt -EndedAt ([datetimeoffset]::UtcNow) -Elapsed $clock.Elapsed |
    ConvertTo-Json -Compress -Depth 4
