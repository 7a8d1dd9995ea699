<#
.SYNOPSIS
Throughput and memory of Get-TencentChatFollowInfo against the emulator at 100 ms latency, with the plain
one-call-at-a-time script as the baseline in the same run. Started by `./build.ps1 -Task Bench`.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [int] $LatencyMs = 100,
    [int] $ThroughputIds = 40000,
    [int] $BaselineIds = 2000,
    [int[]] $MemoryIds = @(20000, 200000)
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1')

$work = Join-Path $PSScriptRoot '../../out/bench'
$null = New-Item -ItemType Directory -Path $work -Force
$maxIds = ($MemoryIds + $ThroughputIds + $BaselineIds | Measure-Object -Maximum).Maximum

# A follow graph over every id used: each user follows the next two, so counts are not all zero.
$graph = Join-Path $work 'graph.csv'
$writer = [System.IO.StreamWriter]::new($graph)
try { for ($i = 1; $i -le $maxIds; $i++) { $writer.WriteLine("u$i,u$($i % $maxIds + 1)"); $writer.WriteLine("u$i,u$(($i + 1) % $maxIds + 1)") } } finally { $writer.Dispose() }

function New-IdsFile([int] $Count) {
    $path = Join-Path $work "ids-$Count.txt"
    [System.IO.File]::WriteAllLines($path, [string[]](1..$Count | ForEach-Object { "u$_" }))
    $path
}

$pwshCommand = Get-PwshCommandLine
function Measure-Run([string] $Kind, [int] $Count, [int] $WarmUpIds = 0) {
    $ids = New-IdsFile $Count
    $out = & $pwshCommand[0] @($pwshCommand | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Measure-Run.ps1') `
        -Kind $Kind -ModulePath $ModulePath -EmulatorUrl $emulator.Url -IdsPath $ids -CsvPath (Join-Path $work "$Kind-$Count.csv") -WarmUpIds $WarmUpIds
    if ($LASTEXITCODE -ne 0) { throw "The $Kind run over $Count ids failed: $out" }
    $r = @($out)[-1] | ConvertFrom-Json
    if ($r.Rows -ne $Count) { throw "The $Kind run over $Count ids produced $($r.Rows) rows." }
    $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
    $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
    $r | Add-Member -NotePropertyMembers @{
        IdsPerSecond = [math]::Round($Count / $r.Seconds)
        Calls = $stats.calls
        RateLimited = $stats.rateLimited
        MaxCallsInAnySecond = $stats.maxCallsInAnySecond
    } -PassThru
}

$emulator = Start-Emulator -EmulatorPath $EmulatorPath -ArgumentList '--graph', $graph, '--latency-ms', $LatencyMs
try {
    Write-Host "Emulator at $($emulator.Url), $LatencyMs ms latency, 200 calls/s limit. Ceiling: 4000 ids/s."
    $results = @(
        Measure-Run PlainScript $BaselineIds
        Measure-Run Module $ThroughputIds
        Measure-Run Module $ThroughputIds -WarmUpIds 2000
        foreach ($n in $MemoryIds) { Measure-Run Module $n }
    )
} finally {
    $emulator | Stop-Emulator
}

$results | Format-Table Kind, Ids, Seconds, IdsPerSecond, @{ n = '% of 4000'; e = { [math]::Round($_.IdsPerSecond / 40, 1) } }, PeakMemMB, Calls, RateLimited, MaxCallsInAnySecond -AutoSize | Out-String -Width 160 | Write-Host
$baseline = $results | Where-Object Kind -EQ 'PlainScript'
foreach ($kind in 'Module', 'Module (warm)') {
    $module = $results | Where-Object { $_.Kind -eq $kind -and $_.Ids -eq $ThroughputIds } | Select-Object -First 1
    Write-Host ("{0}: {1} ids/s = {2:0.0}x the plain script ({3} ids/s), {4:0.0}% of the 4000 ids/s ceiling." -f $kind, $module.IdsPerSecond, ($module.IdsPerSecond / $baseline.IdsPerSecond), $baseline.IdsPerSecond, ($module.IdsPerSecond / 40))
}
