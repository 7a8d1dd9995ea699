<#
.SYNOPSIS
One benchmark run in a fresh process: the module's pipeline or the plain script, over an ids file. Prints one JSON line.

.DESCRIPTION
The JSON line has the run's Kind, Ids, Rows (CSV rows written, header excluded), Seconds (from Connect-TencentChat
to the end of Export-Csv), StartedAt and EndedAt (the same span as UTC ISO 8601 instants, so the runs of several
processes can be put on one time line), PeakMemMB, CpuSeconds (the process's processor time, start-up included), and
Errors with the first few error messages (Module only: a failed id is collected, not fatal, so the run goes on and
the caller sees every missing row).

Without -GoFile and -WarmUpIds the process is cold, as a user's job is: it imports the module, then the clock starts
and it runs Connect-TencentChat and the pipeline. With -GoFile, the process imports everything, creates -ReadyFile
and then waits until the GoFile exists before it starts the clock: the way several processes are started at the
same instant (the benchmark's lockstep rows).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [ValidateSet('Module', 'PlainScript')] [string] $Kind,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorUrl,
    [Parameter(Mandatory)] [string] $IdsPath,
    [Parameter(Mandatory)] [string] $CsvPath,
    # Module only: run this many ids through the same pipeline first, untimed, so the timed run starts warm
    # (JIT done, connections open), as every run after the first in a long-lived process does.
    [int] $WarmUpIds = 0,
    # Module only: the From_Account of the calls (Get-TencentChatFollowInfo -From), so the emulator's request log
    # can tell the calls of several processes apart. The counts asked for do not depend on it.
    [string] $From,
    # Start barrier: create ReadyFile once set up, then wait for GoFile (up to GoTimeoutSec) before the clock starts.
    [string] $ReadyFile,
    [string] $GoFile,
    [int] $GoTimeoutSec = 300
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1')
. (Join-Path $PSScriptRoot 'RunRecord.ps1')
Import-Module $ModulePath
$identity = Get-EmulatorIdentity

if ($Kind -eq 'Module' -and $WarmUpIds -gt 0) {
    Connect-TencentChat -SdkAppId $identity.SdkAppId -Credential (Get-EmulatorCredential) -Endpoint $EmulatorUrl
    Get-Content -LiteralPath $IdsPath -TotalCount $WarmUpIds | Get-TencentChatFollowInfo | Export-Csv -LiteralPath "$CsvPath.warmup" -NoTypeInformation
    Start-Sleep -Seconds 1.1   # leave the warm-up's second of the rate limit behind
}
$fromParameter = if ($From) { @{ From = $From } } else { @{} }
$failures = [System.Collections.ArrayList]::new()
if ($GoFile) {
    if ($ReadyFile) { [System.IO.File]::WriteAllText($ReadyFile, "$PID") }
    $deadline = [datetime]::UtcNow.AddSeconds($GoTimeoutSec)
    while (-not [System.IO.File]::Exists($GoFile)) {
        if ([datetime]::UtcNow -gt $deadline) { throw "No go file '$GoFile' within $GoTimeoutSec s." }
        [System.Threading.Thread]::Sleep(2)
    }
}
$startedAt = [datetimeoffset]::UtcNow
$clock = [System.Diagnostics.Stopwatch]::StartNew()
if ($Kind -eq 'Module') {
    Connect-TencentChat -SdkAppId $identity.SdkAppId -Credential (Get-EmulatorCredential) -Endpoint $EmulatorUrl
    Get-Content -LiteralPath $IdsPath | Get-TencentChatFollowInfo @fromParameter -ErrorAction SilentlyContinue -ErrorVariable +failures |
        Export-Csv -LiteralPath $CsvPath -NoTypeInformation
} else {
    # What a user would write without the module: one Invoke-RestMethod per 20 ids, one after another.
    $sig = New-TencentChatUserSig -SdkAppId $identity.SdkAppId -SecretKey (ConvertTo-SecureString $identity.SecretKey -AsPlainText -Force) -Identifier $identity.Identifier -AsPlainText
    $batch = [System.Collections.Generic.List[string]]::new()
    $send = {
        $uri = "$EmulatorUrl/v4/follow/follow_get_info?sdkappid=$($identity.SdkAppId)&identifier=$($identity.Identifier)&usersig=$sig&random=$(Get-Random)&contenttype=json"
        $body = @{ From_Account = $identity.Identifier; To_Account = @($batch) } | ConvertTo-Json -Compress
        $answer = Invoke-RestMethod -Method Post -Uri $uri -Body $body -ContentType 'application/json'
        foreach ($item in $answer.FollowInfo) {
            [pscustomobject]@{ UserId = $item.To_Account; FollowerCount = $item.FollowerCount; FollowingCount = $item.FollowingCount; MutualFollowingCount = $item.MutualFollowingCount }
        }
        $batch.Clear()
    }
    & {
        foreach ($line in Get-Content -LiteralPath $IdsPath) {
            $batch.Add($line)
            if ($batch.Count -eq 20) { & $send }
        }
        if ($batch.Count -gt 0) { & $send }
    } | Export-Csv -LiteralPath $CsvPath -NoTypeInformation
}
$clock.Stop()
$endedAt = [datetimeoffset]::UtcNow

$fields = [ordered]@{
    Kind = if ($WarmUpIds -gt 0) { "$Kind (warm)" } else { $Kind }
    Ids  = @([System.IO.File]::ReadLines($IdsPath)).Count
    Rows = Get-CsvRowCount $CsvPath
}
New-RunRecord -Fields $fields -StartedAt $startedAt -EndedAt $endedAt -Elapsed $clock.Elapsed -Failures $failures | ConvertTo-Json -Compress
