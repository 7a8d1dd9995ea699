<#
.SYNOPSIS
The README's main job against the local emulator: users.txt in, counts.csv out.

.DESCRIPTION
Started by `./build.ps1 -Task Demo`. Starts the emulator with the sample follow graph, connects with the
emulator's well-known app id and key, runs
    Get-Content users.txt | Get-TencentChatFollowInfo | Export-Csv counts.csv
prints the table and the ids that failed, then lists user001's fans (Get-TencentChatFollow) and checks a few
pairs (Test-TencentChatFollow), and stops the emulator.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [Parameter(Mandatory)] [string] $OutputPath
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

Import-Module (Join-Path $PSScriptRoot '../../tests/Support/Emulator.psm1')
Import-Module $ModulePath

$graph = Join-Path $PSScriptRoot 'graph.csv'
$users = Join-Path $PSScriptRoot 'users.txt'
$null = New-Item -ItemType Directory -Path $OutputPath -Force
$csv = Join-Path $OutputPath 'counts.csv'

$emulator = Start-Emulator -EmulatorPath $EmulatorPath -ArgumentList '--graph', $graph
try {
    Write-Host "Emulator at $($emulator.Url) with the follow graph $graph"
    Connect-TencentChat -SdkAppId (Get-EmulatorIdentity).SdkAppId -Credential (Get-EmulatorCredential) -Endpoint $emulator.Url

    # The design card's line. Unknown ids come out as errors; collect them instead of stopping.
    Get-Content $users | Get-TencentChatFollowInfo -ErrorVariable failed -ErrorAction SilentlyContinue |
        Export-Csv $csv -NoTypeInformation

    $rows = @(Import-Csv $csv)
    Write-Host "`n$csv ($($rows.Count) users):"
    $rows | Format-Table -AutoSize | Out-String -Width 120 | Write-Host
    if ($failed) {
        Write-Host "$($failed.Count) ids failed:"
        foreach ($e in $failed) { Write-Host "  $($e.TargetObject): $($e.FullyQualifiedErrorId.Split(',')[0]): $($e.Exception.Message)" }
    }
    # The rest of the family: one user's fans, newest first, and a few pairs.
    $fans = @(Get-TencentChatFollow -UserId user001)
    Write-Host "`nuser001 has $($fans.Count) fans; the newest five:"
    $fans | Select-Object -First 5 | Format-Table -AutoSize | Out-String -Width 120 | Write-Host
    Write-Host 'A few pairs:'
    Test-TencentChatFollow -From user001 -UserId user002, user003 | Format-Table -AutoSize | Out-String -Width 120 | Write-Host
    if ($fans.Count -eq 0) { throw 'The demo listed no fans.' }

    $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
    Write-Host "`nEmulator: $($stats.calls) calls, largest batch $($stats.maxBatchSize) ids."
    if ($rows.Count -eq 0) { throw 'The demo produced no rows.' }
} finally {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}
