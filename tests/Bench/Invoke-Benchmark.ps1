<#
.SYNOPSIS
Throughput and memory of Get-TencentChatFollowInfo against the emulator at 100 ms latency, with the plain
one-call-at-a-time script as the baseline in the same run, and how processes share the app's 200 calls/s.
Started by `./build.ps1 -Task Bench`.

.DESCRIPTION
Baseline runs (-Only Baseline), against an emulator with its default per-second limit: the plain script over
-BaselineIds, the module cold and warm over -ThroughputIds, and the module over each of -MemoryIds.

Sharing runs (-Only Sharing, or any of One, Two, Three, Neighbour), each against one emulator started with
`--limit-window <LimitWindow>` and the same latency, whose stats and request log are reset before each run:
  One        one module process over -OneIds ids;
  Two        two module processes started at the same instant, -TwoIds ids each;
  Three      three module processes started at the same instant, -ThreeIds ids each;
  Neighbour  one module process over -NeighbourModuleIds ids beside Invoke-Neighbour.ps1, a non-adaptive client
             sending -NeighbourCallsPerSecond calls of 20 ids, never retrying.
The processes of a run read distinct id ranges (the same ids with -SameIds), each writes its own CSV, and each
sends one warm-up call of 20 ids after start-up (then waits 1.1 s, and the emulator is reset) before it waits for
one go file, so they start together: cold, three pwsh processes compiling the module's first call at once on a
2-core machine left up to 0.5 s between their first calls, which measured start-up, not sharing. Every CSV row of every run is checked against the
counts the generated graph must give, and against the input order; a wrong or missing row fails the benchmark
(after the figures are printed). A missed performance target is only reported.

Slow calls (-Only SlowCalls), against an emulator with its default limit and the same latency: the module over
-SlowCallIds ids, then the same with 2% of calls answered after 3 s (Tencent's own timeout); the second must reach
75% of the first's ids/s (reported, not enforced).

Figures: "together" is all the run's ids / (last process end - first process start); "per process" is a process's
ids / its own seconds; "% of quota" is against 200 calls/s x 20 ids = 4,000 ids/s, less the neighbour's share in
the neighbour run; "% refused" is the emulator's rateLimited / calls over the run (in the neighbour run: of every
call, the neighbour's included, that arrived while the module process ran, from the request log). "Share" compares
the calls a process got accepted while all the run's processes were running with an equal split of them.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [int] $LatencyMs = 100,
    [int] $ThroughputIds = 40000,
    [int] $BaselineIds = 2000,
    [int[]] $MemoryIds = @(20000, 200000),

    # Which runs: Baseline, Sharing (= One, Two, Three, Neighbour), or any of those four alone.
    [ValidateSet('Baseline', 'Sharing', 'One', 'Two', 'Three', 'Neighbour', 'SlowCalls')]
    [string[]] $Only = @('Baseline', 'Sharing', 'SlowCalls'),
    # SlowCalls: this many ids with no fault, then with 2% of calls taking 3 s (Tencent's own timeout).
    [int] $SlowCallIds = 60000,
    # The sharing runs' emulator limit. 'calendar' is the emulator's default per-second counter and passes no option,
    # for an emulator that has no --limit-window yet.
    [ValidateSet('sliding', 'calendar')] [string] $LimitWindow = 'sliding',
    [int] $OneIds = 100000,
    [int] $TwoIds = 50000,
    [int] $ThreeIds = 34000,
    [int] $NeighbourModuleIds = 50000,
    [int] $NeighbourCallsPerSecond = 100,
    [switch] $SameIds
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1')
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$EmulatorPath = (Resolve-Path -LiteralPath $EmulatorPath).Path
$invariant = [cultureinfo]::InvariantCulture
$CallsPerSecondLimit = 200
$IdsPerCall = 20
$Quota = $CallsPerSecondLimit * $IdsPerCall   # 4,000 ids/s

$baselineWanted = $Only -contains 'Baseline'
$slowWanted = $Only -contains 'SlowCalls'
$sharingRuns = @('One', 'Two', 'Three', 'Neighbour' | Where-Object { $Only -contains $_ -or $Only -contains 'Sharing' })

$work = Join-Path $PSScriptRoot '../../out/bench'
$null = New-Item -ItemType Directory -Path $work -Force
$work = (Resolve-Path -LiteralPath $work).Path

# Every id used must be in the graph: the runs' ranges, the neighbour's u1..u20 and the From accounts u1..u3.
$sizes = @(20)
if ($baselineWanted) { $sizes += $MemoryIds + $ThroughputIds + $BaselineIds }
if ($slowWanted) { $sizes += $SlowCallIds }
foreach ($run in $sharingRuns) {
    $sizes += switch ($run) {
        'One' { $OneIds }
        'Two' { if ($SameIds) { $TwoIds } else { 2 * $TwoIds } }
        'Three' { if ($SameIds) { $ThreeIds } else { 3 * $ThreeIds } }
        'Neighbour' { $NeighbourModuleIds }
    }
}
$maxIds = ($sizes | Measure-Object -Maximum).Maximum

# A follow graph over every id used: each user follows the next two, so counts are not all zero.
$graph = Join-Path $work 'graph.csv'
$writer = [System.IO.StreamWriter]::new($graph)
try { for ($i = 1; $i -le $maxIds; $i++) { $writer.WriteLine("u$i,u$($i % $maxIds + 1)"); $writer.WriteLine("u$i,u$(($i + 1) % $maxIds + 1)") } } finally { $writer.Dispose() }

# The counts that graph must give, worked out from the rule above (not read back from the emulator): uI follows
# the two accounts after it, wrapping round; a self-edge is ignored and a repeated edge counts once.
$followsA = [int[]]::new($maxIds + 1); $followsB = [int[]]::new($maxIds + 1)
for ($i = 1; $i -le $maxIds; $i++) {
    $a = $i % $maxIds + 1; $b = ($i + 1) % $maxIds + 1
    if ($a -eq $i) { $a = 0 }
    if ($b -eq $i -or $b -eq $a) { $b = 0 }
    $followsA[$i] = $a; $followsB[$i] = $b
}
$expectedFollowers = [int[]]::new($maxIds + 1); $expectedFollowing = [int[]]::new($maxIds + 1); $expectedMutual = [int[]]::new($maxIds + 1)
for ($i = 1; $i -le $maxIds; $i++) {
    foreach ($v in $followsA[$i], $followsB[$i]) {
        if ($v -eq 0) { continue }
        $expectedFollowing[$i]++
        $expectedFollowers[$v]++
        if ($followsA[$v] -eq $i -or $followsB[$v] -eq $i) { $expectedMutual[$i]++ }
    }
}

function New-IdsFile([int] $Count, [int] $Offset = 0) {
    # u(Offset+1) .. u(Offset+Count), one per line.
    $path = if ($Offset -eq 0) { Join-Path $work "ids-$Count.txt" } else { Join-Path $work "ids-$($Offset + 1)-$($Offset + $Count).txt" }
    $w = [System.IO.StreamWriter]::new($path)
    try { for ($i = $Offset + 1; $i -le $Offset + $Count; $i++) { $w.WriteLine("u$i") } } finally { $w.Dispose() }
    $path
}

$problems = [System.Collections.Generic.List[string]]::new()
function Test-CsvRows([string] $What, [string] $CsvPath, [string] $IdsPath, [int] $First = 0) {
    # Every row must be the next id of the input (the first $First ids only, when given) with the expected counts.
    # A row whose id comes later in the input means the ids in between are missing: up to 1,000 ids are looked
    # ahead for it. Any other id is a wrong row (unknown, repeated or out of order), which leaves the expected id
    # for the next row; so is a row with wrong counts.
    # Returns the number of CSV rows read; adds what is wrong to $problems.
    $wrong = 0; $shown = 0; $row = 0; $missing = 0; $extra = 0
    if (-not (Test-Path -LiteralPath $CsvPath)) { $problems.Add("${What}: no CSV at $CsvPath."); return 0 }
    $ids = [System.IO.File]::ReadLines($IdsPath).GetEnumerator()
    $lines = [System.IO.File]::ReadLines($CsvPath).GetEnumerator()
    $state = @{ Ahead = [System.Collections.Generic.Queue[string]]::new(); Taken = 0; Ids = $ids; First = $First }
    function Read-NextId($State) {
        # The next input id, from the ids read ahead first; $null at the end.
        if ($State.Ahead.Count -gt 0) { return $State.Ahead.Dequeue() }
        if (($State.First -gt 0 -and $State.Taken -ge $State.First) -or -not $State.Ids.MoveNext()) { return $null }
        $State.Taken++
        $State.Ids.Current
    }
    try {
        if (-not $lines.MoveNext() -or $lines.Current -ne '"UserId","FollowerCount","FollowingCount","MutualFollowingCount"') {
            $problems.Add("${What}: the CSV header is not UserId,FollowerCount,FollowingCount,MutualFollowingCount.")
            return 0
        }
        while ($lines.MoveNext()) {
            $row++
            $line = $lines.Current
            $fields = $line.Split(',')
            $rowId = if ($fields.Count -eq 4 -and $fields[0].Length -ge 2) { $fields[0].Substring(1, $fields[0].Length - 2) } else { $null }
            # The next input id (Read-NextId inline: this runs for every row).
            $id = if ($state.Ahead.Count -gt 0) { $state.Ahead.Dequeue() }
            elseif (($First -le 0 -or $state.Taken -lt $First) -and $ids.MoveNext()) { $state.Taken++; $ids.Current }
            else { $null }
            if ($null -eq $id) { $extra++; continue }
            if ($rowId -ne $id) {
                $skipped = [System.Collections.Generic.List[string]]::new()
                $found = $false
                while ($skipped.Count -lt 1000) {
                    $next = Read-NextId $state
                    if ($null -eq $next) { break }
                    if ($next -eq $rowId) { $found = $true; break }
                    $skipped.Add($next)
                }
                if ($found) {
                    $missing += 1 + $skipped.Count
                    if ($shown -lt 5) { $problems.Add("${What}: row $row is '$rowId': $(1 + $skipped.Count) ids from '$id' on have no row.") }
                    $shown++
                    $id = $rowId
                } else {
                    # Not ahead: this row is wrong, and the ids looked at are expected again from the next row on.
                    $rest = @($state.Ahead)
                    $state.Ahead.Clear()
                    $state.Ahead.Enqueue($id)
                    foreach ($s in $skipped) { $state.Ahead.Enqueue($s) }
                    foreach ($s in $rest) { $state.Ahead.Enqueue($s) }
                    $wrong++
                    if ($shown -lt 5) { $problems.Add("${What}: row $row is '$line', expected id '$id' (input order).") }
                    $shown++
                    continue
                }
            }
            $n = 0
            if (-not ($id -match '^u(\d+)$' -and [int]::TryParse($Matches[1], [ref]$n)) -or $n -lt 1 -or $n -gt $maxIds) {
                $wrong++
                if ($shown -lt 5) { $problems.Add("${What}: row $row has id '$id', which is not in the graph.") }
                $shown++
                continue
            }
            $expected = "`"$($expectedFollowers[$n])`",`"$($expectedFollowing[$n])`",`"$($expectedMutual[$n])`""
            $got = "$($fields[1]),$($fields[2]),$($fields[3])"
            if ($got -ne $expected) {
                $wrong++
                if ($shown -lt 5) { $problems.Add("${What}: row $row ($id) has counts $got, expected $expected.") }
                $shown++
            }
        }
        while ($null -ne (Read-NextId $state)) { $missing++ }
    } finally {
        $ids.Dispose(); $lines.Dispose()
    }
    if ($wrong -gt 0) { $problems.Add("${What}: $wrong wrong rows.") }
    if ($missing -gt 0) { $problems.Add("${What}: $missing rows missing.") }
    if ($extra -gt 0) { $problems.Add("${What}: $extra rows more than ids.") }
    $row
}

function Format-N([double] $Value, [int] $Decimals = 0) { $Value.ToString("N$Decimals", $invariant) }
function ConvertTo-Instant([string] $Text) { [datetimeoffset]::Parse($Text, $invariant, [System.Globalization.DateTimeStyles]::RoundtripKind) }

$pwshCommand = Get-PwshCommandLine
function Measure-Run([string] $Kind, [int] $Count, [int] $WarmUpIds = 0) {
    $ids = New-IdsFile $Count
    $csv = Join-Path $work "$Kind-$Count.csv"
    $out = & $pwshCommand[0] @($pwshCommand | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Measure-Run.ps1') `
        -Kind $Kind -ModulePath $ModulePath -EmulatorUrl $emulator.Url -IdsPath $ids -CsvPath $csv -WarmUpIds $WarmUpIds
    if ($LASTEXITCODE -ne 0) { throw "The $Kind run over $Count ids failed: $out" }
    $r = @($out)[-1] | ConvertFrom-Json -DateKind String
    $what = "$($r.Kind) over $Count ids"
    if ($r.Errors -gt 0) { $problems.Add("${what}: $($r.Errors) ids failed, first: $($r.FirstErrors -join ' | ')") }
    $null = Test-CsvRows $what $csv $ids
    if ($WarmUpIds -gt 0) { $null = Test-CsvRows "$what, its warm-up" "$csv.warmup" $ids -First $WarmUpIds }
    $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
    $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
    $r | Add-Member -NotePropertyMembers @{
        IdsPerSecond = [math]::Round($Count / $r.Seconds)
        Calls = $stats.calls
        RateLimited = $stats.rateLimited
        MaxCallsInAnySecond = $stats.maxCallsInAnySecond
    } -PassThru
}

function Start-PwshScript([string] $Script, [object[]] $Arguments) {
    # A fresh pwsh running one of this folder's scripts in the background, its output read as it comes.
    $psi = [System.Diagnostics.ProcessStartInfo]::new($pwshCommand[0])
    foreach ($a in @($pwshCommand | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot $Script)) + $Arguments) {
        $psi.ArgumentList.Add([string]$a)
    }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    [pscustomobject]@{ Process = $process; StdOut = $process.StandardOutput.ReadToEndAsync(); StdErr = $process.StandardError.ReadToEndAsync() }
}

function Wait-PwshScript([pscustomobject] $Started, [string] $What) {
    # Waits for the process to end and returns its last output line as an object.
    $Started.Process.WaitForExit()
    $out = $Started.StdOut.GetAwaiter().GetResult()
    $err = $Started.StdErr.GetAwaiter().GetResult()
    $code = $Started.Process.ExitCode
    if ($code -ne 0) { throw "$What failed with exit code ${code}: $err $out" }
    $last = @($out -split '\r?\n' | Where-Object { $_.Trim() }) | Select-Object -Last 1
    if (-not $last) { throw "$What printed nothing. $err" }
    $last | ConvertFrom-Json -DateKind String
}

function Stop-PwshScript([pscustomobject] $Started) {
    # Ends a process this script started, if it still runs (after a failure).
    if ($Started -and -not $Started.Process.HasExited) { $Started.Process.Kill(); $null = $Started.Process.WaitForExit(10000) }
}

function Wait-ReadyFile([string[]] $Path, [pscustomobject[]] $Started, [int] $TimeoutSec = 180) {
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSec)
    while (@($Path | Where-Object { -not [System.IO.File]::Exists($_) }).Count -gt 0) {
        foreach ($s in $Started) {
            if ($s.Process.HasExited) { throw "A process ended before it was ready (exit code $($s.Process.ExitCode)): $($s.StdErr.GetAwaiter().GetResult()) $($s.StdOut.GetAwaiter().GetResult())" }
        }
        if ([datetime]::UtcNow -gt $deadline) { throw "Processes not ready within $TimeoutSec s." }
        Start-Sleep -Milliseconds 50
    }
}

function Get-RequestLog([string] $SavePath) {
    # The emulator's request log: arrival instant, From_Account and ErrorCode of every call since the last reset.
    # The raw log is kept in $SavePath for a closer look.
    $content = (Invoke-WebRequest -Uri "$($sharingEmulator.Url)/_emulator/requests").Content
    [System.IO.File]::WriteAllText($SavePath, $content)
    foreach ($e in @($content | ConvertFrom-Json -DateKind String -NoEnumerate)[0]) {
        [pscustomobject]@{ At = ConvertTo-Instant $e.arrivedAt; From = $e.from; ErrorCode = $e.errorCode }
    }
}

function Invoke-SharingRun([string] $Name, [string] $Label, [int] $Processes, [int] $IdsEach, [int] $NeighbourCps = 0) {
    $runDir = Join-Path $work "sharing-$Name"
    if (Test-Path -LiteralPath $runDir) { Remove-Item -LiteralPath $runDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $runDir
    $go = Join-Path $runDir 'go'
    $members = @(for ($k = 1; $k -le $Processes; $k++) {
            $offset = if ($SameIds) { 0 } else { ($k - 1) * $IdsEach }
            [pscustomobject]@{
                Name = "p$k"; From = "u$k"; Ids = (New-IdsFile $IdsEach $offset); Csv = (Join-Path $runDir "p$k.csv")
                Ready = (Join-Path $runDir "p$k.ready"); Started = $null; Result = $null
            }
        })
    $neighbour = $null; $neighbourResult = $null; $neighbourFrom = 'administrator'
    Write-Host "$Label ..."
    $null = Invoke-EmulatorControl -Emulator $sharingEmulator -Name reset -Method Post
    try {
        if ($NeighbourCps -gt 0) {
            $stop = Join-Path $runDir 'stop'
            $neighbourReady = Join-Path $runDir 'neighbour.ready'
            $neighbour = Start-PwshScript 'Invoke-Neighbour.ps1' @('-ModulePath', $ModulePath, '-EmulatorUrl', $sharingEmulator.Url,
                '-CallsPerSecond', $NeighbourCps, '-StopFile', $stop, '-DurationSeconds', 1800, '-ReadyFile', $neighbourReady, '-From', $neighbourFrom)
            Wait-ReadyFile $neighbourReady $neighbour
        }
        foreach ($m in $members) {
            $m.Started = Start-PwshScript 'Measure-Run.ps1' @('-Kind', 'Module', '-ModulePath', $ModulePath, '-EmulatorUrl', $sharingEmulator.Url,
                '-IdsPath', $m.Ids, '-CsvPath', $m.Csv, '-From', $m.From, '-ReadyFile', $m.Ready, '-GoFile', $go, '-WarmUpIds', 20)
        }
        Wait-ReadyFile $members.Ready (@($members.Started) + @($neighbour | Where-Object { $_ }))
        # Without a neighbour the stats start at the go; with one they also hold its lead-in, so that the
        # emulator's limit keeps counting the neighbour's last second (the refusals are then taken from the log).
        if ($NeighbourCps -eq 0) { $null = Invoke-EmulatorControl -Emulator $sharingEmulator -Name reset -Method Post }
        [System.IO.File]::WriteAllText($go, 'go')
        foreach ($m in $members) { $m.Result = Wait-PwshScript $m.Started "$Label, process $($m.Name)" }
        $stats = Invoke-EmulatorControl -Emulator $sharingEmulator -Name stats
        $log = @(Get-RequestLog (Join-Path $runDir 'requests.json'))
        if ($neighbour) {
            [System.IO.File]::WriteAllText($stop, 'stop')
            $neighbourResult = Wait-PwshScript $neighbour "$Label, the neighbour"
        }
    } finally {
        foreach ($m in $members) { Stop-PwshScript $m.Started }
        Stop-PwshScript $neighbour
    }

    foreach ($m in $members) {
        $what = "$Label, process $($m.Name)"
        if ($m.Result.Errors -gt 0) { $problems.Add("${what}: $($m.Result.Errors) ids failed, first: $($m.Result.FirstErrors -join ' | ')") }
        $null = Test-CsvRows $what $m.Csv $m.Ids
    }

    $first = $members | ForEach-Object { ConvertTo-Instant $_.Result.StartedAt } | Sort-Object | Select-Object -First 1
    $last = $members | ForEach-Object { ConvertTo-Instant $_.Result.EndedAt } | Sort-Object | Select-Object -Last 1
    $allFrom = $members | ForEach-Object { ConvertTo-Instant $_.Result.StartedAt } | Sort-Object | Select-Object -Last 1
    $allUntil = $members | ForEach-Object { ConvertTo-Instant $_.Result.EndedAt } | Sort-Object | Select-Object -First 1
    $totalIds = ($members | ForEach-Object { $_.Result.Ids } | Measure-Object -Sum).Sum
    $together = $totalIds / ($last - $first).TotalSeconds
    $quotaLeft = $Quota - $NeighbourCps * $IdsPerCall

    # Refused: the emulator's counters over the run; beside the neighbour, every call that arrived while the module ran.
    $inRun = @($log | Where-Object { $_.At -ge $first -and $_.At -le $last })
    if ($NeighbourCps -gt 0) {
        $calls = $inRun.Count
        $refused = @($inRun | Where-Object ErrorCode -EQ 60007).Count
    } else {
        $calls = [int]$stats.calls
        $refused = [int]$stats.rateLimited
    }
    $refusedPct = if ($calls) { 100 * $refused / $calls } else { 0 }

    # Shares: the calls each process got accepted while all of them ran, against an equal split of those calls.
    $overlap = ($allUntil - $allFrom).TotalSeconds
    $inOverlap = @($log | Where-Object { $_.At -ge $allFrom -and $_.At -le $allUntil -and $_.ErrorCode -eq 0 })
    $overlapTotal = @($inOverlap | Where-Object { $_.From -in $members.From }).Count
    foreach ($m in $members) {
        $mine = @($log | Where-Object From -EQ $m.From)
        $accepted = @($inOverlap | Where-Object From -EQ $m.From).Count
        $m | Add-Member -NotePropertyMembers @{
            IdsPerSecond = $m.Result.Ids / $m.Result.Seconds
            Calls        = $mine.Count
            Refused      = @($mine | Where-Object ErrorCode -EQ 60007).Count
            Share        = if ($Processes -gt 1 -and $overlap -gt 0 -and $overlapTotal -gt 0) { $accepted / ($overlapTotal / $Processes) } else { $null }
        }
    }

    # The "done means" targets.
    $checks = switch ($Name) {
        'One' { @{ Text = '>=3,800 ids/s, <=1% refused'; Pass = ($together -ge 3800 -and $refusedPct -le 1) } }
        { $_ -in 'Two', 'Three' } {
            $minShare = ($members | ForEach-Object { if ($null -eq $_.Share) { 0 } else { $_.Share } } | Measure-Object -Minimum).Minimum
            @{ Text = '>=3,600 ids/s together, <=3% refused, each >=60% of an equal share'; Pass = ($together -ge 3600 -and $refusedPct -le 3 -and $minShare -ge 0.6) }
        }
        'Neighbour' {
            $target = 0.9 * $quotaLeft
            @{ Text = ">=$(Format-N $target) ids/s, <=3% of all calls refused"; Pass = ($members[0].IdsPerSecond -ge $target -and $refusedPct -le 3) }
        }
    }

    Write-Host ("  together: {0} ids in {1} s = {2} ids/s, {3}% of {4} ids/s; refused {5}% ({6} of {7} calls{8})" -f (Format-N $totalIds), (Format-N ($last - $first).TotalSeconds 2),
        (Format-N $together), (Format-N (100 * $together / $quotaLeft) 1), (Format-N $quotaLeft), (Format-N $refusedPct 2), $refused, $calls,
        $(if ($NeighbourCps -gt 0) { ', all clients, while the module ran' } else { '' }))
    foreach ($m in $members) {
        Write-Host ("  {0} (From {1}): {2} ids in {3} s = {4} ids/s, peak {5} MB; {6} calls, {7} refused{8}" -f $m.Name, $m.From, (Format-N $m.Result.Ids), (Format-N $m.Result.Seconds 2),
            (Format-N $m.IdsPerSecond), $m.Result.PeakMemMB, $m.Calls, $m.Refused,
            $(if ($null -ne $m.Share) { "; share of the accepted calls in the {0} s all ran: {1}% of equal" -f (Format-N $overlap 2), (Format-N (100 * $m.Share)) } else { '' }))
    }
    if ($neighbourResult) {
        $neighbourInRun = @($inRun | Where-Object From -EQ $neighbourFrom)
        Write-Host ("  neighbour (From {0}): {1} calls/s over {2} s, sent {3}, ok {4}, refused {5}, failed {6}, resyncs {7} (skipping {10} calls); while the module ran: {8} calls = {11} calls/s, {9} refused" -f $neighbourFrom,
            $neighbourResult.CallsPerSecond, $neighbourResult.Seconds, $neighbourResult.Sent, $neighbourResult.Ok, $neighbourResult.Refused, $neighbourResult.Failed, $neighbourResult.Resyncs,
            $neighbourInRun.Count, @($neighbourInRun | Where-Object ErrorCode -EQ 60007).Count, $neighbourResult.Skipped, (Format-N ($neighbourInRun.Count / ($last - $first).TotalSeconds) 1))
    }
    Write-Host ("  emulator over the run: {0} calls, {1} refused, at most {2} calls in any 1 s" -f $stats.calls, $stats.rateLimited, $stats.maxCallsInAnySecond)
    Write-Host ("  target: {0}: {1}" -f $checks.Text, $(if ($checks.Pass) { 'pass' } else { 'FAIL' }))

    [pscustomobject]@{
        Label      = $Label
        Together   = $together
        Members    = $members
        QuotaLeft  = $quotaLeft
        RefusedPct = $refusedPct
        Neighbour  = $neighbourResult
        Target     = $checks.Text
        Pass       = $checks.Pass
    }
}

# Before a long baseline, make sure the sharing runs' emulator takes the option.
if ($sharingRuns -and $LimitWindow -ne 'calendar') {
    $help = & dotnet (Join-Path $EmulatorPath 'TencentChatFollow.Emulator.dll') --help
    if (-not ($help -match '--limit-window')) { throw "This emulator has no --limit-window option: build one that has, or pass -LimitWindow calendar." }
}

$results = @()
if ($baselineWanted) {
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
}

if ($slowWanted) {
    # Slow calls must not hold up the others: the same run with and without 2% of calls answered after 3 s.
    $emulator = Start-Emulator -EmulatorPath $EmulatorPath -ArgumentList '--graph', $graph, '--latency-ms', $LatencyMs, '--seed', '5'
    try {
        Write-Host "Slow calls: emulator at $($emulator.Url), $LatencyMs ms latency; $SlowCallIds ids without faults, then with 2% of calls taking 3 s."
        $plain = Measure-Run Module $SlowCallIds
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0.02; kinds = @('slow'); slowMs = 3000 }
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $slow = Measure-Run Module $SlowCallIds
    } finally {
        $emulator | Stop-Emulator
    }
    $ratio = $slow.IdsPerSecond / $plain.IdsPerSecond
    Write-Host ''
    Write-Host '| Run | Ids | Seconds | Ids/s | % of 4,000 | Peak memory |'
    Write-Host '| --- | ---: | ---: | ---: | ---: | ---: |'
    foreach ($r in @(@{ n = 'No slow calls'; r = $plain }, @{ n = '2% of calls take 3 s'; r = $slow })) {
        Write-Host ("| {0} | {1} | {2} | {3} | {4}% | {5} MB |" -f $r.n, (Format-N $SlowCallIds), $r.r.Seconds, (Format-N $r.r.IdsPerSecond), (Format-N ($r.r.IdsPerSecond * 100 / $Quota) 1), $r.r.PeakMemMB)
    }
    Write-Host ("With slow calls: {0}% of the same run without (target: >= 75%): {1}" -f (Format-N ($ratio * 100) 1), $(if ($ratio -ge 0.75) { 'pass' } else { 'FAIL' }))
}

if ($sharingRuns) {
    $windowArguments = if ($LimitWindow -eq 'calendar') { @() } else { @('--limit-window', $LimitWindow) }
    $sharingEmulator = Start-Emulator -EmulatorPath $EmulatorPath -ArgumentList (@('--graph', $graph, '--latency-ms', $LatencyMs) + $windowArguments)
    $sharing = @()
    try {
        # The real service is always warm. A just-started emulator compiles its request path during its first seconds,
        # and its pauses then bunch arrivals that a sliding window refuses: its start-up, not the module's doing. So one
        # unmeasured run of 500 calls goes first, then its second of the limit is left behind and the counts reset.
        $warm = Start-PwshScript 'Measure-Run.ps1' @('-Kind', 'Module', '-ModulePath', $ModulePath, '-EmulatorUrl', $sharingEmulator.Url,
            '-IdsPath', (New-IdsFile 10000), '-CsvPath', (Join-Path $work 'emulator-warm-up.csv'))
        $null = Wait-PwshScript $warm 'The emulator warm-up'
        Start-Sleep -Milliseconds 1100
        $null = Invoke-EmulatorControl -Emulator $sharingEmulator -Name reset -Method Post
        Write-Host ''
        Write-Host "Sharing runs: emulator at $($sharingEmulator.Url), $LatencyMs ms latency, 200 calls/s limit, $LimitWindow window. Quota: 4000 ids/s."
        $sharing = @(foreach ($run in $sharingRuns) {
                switch ($run) {
                    'One' { Invoke-SharingRun One "One process, $(Format-N $OneIds) ids" 1 $OneIds }
                    'Two' { Invoke-SharingRun Two "Two at once, 2 x $(Format-N $TwoIds) ids" 2 $TwoIds }
                    'Three' { Invoke-SharingRun Three "Three at once, 3 x $(Format-N $ThreeIds) ids" 3 $ThreeIds }
                    'Neighbour' { Invoke-SharingRun Neighbour "Beside a neighbour at $NeighbourCallsPerSecond calls/s, $(Format-N $NeighbourModuleIds) ids" 1 $NeighbourModuleIds $NeighbourCallsPerSecond }
                }
            })
    } finally {
        $sharingEmulator | Stop-Emulator
    }

    $cpu = if (Test-Path -LiteralPath /proc/cpuinfo) { (Select-String -LiteralPath /proc/cpuinfo -Pattern '^model name\s*:\s*(.+)$' | Select-Object -First 1).Matches.Groups[1].Value } else { $env:PROCESSOR_IDENTIFIER }
    Write-Host ''
    Write-Host ("Measured {0:yyyy-MM-dd} on {1} x {2}, {3}, .NET {4}, PowerShell {5}; emulator --limit-window {6} --latency-ms {7}{8}." -f [datetime]::UtcNow,
        [Environment]::ProcessorCount, $cpu, [System.Runtime.InteropServices.RuntimeInformation]::OSDescription, [Environment]::Version, $PSVersionTable.PSVersion, $LimitWindow, $LatencyMs,
        $(if ($SameIds) { ', the processes of a run on the same ids' } else { ', the processes of a run on distinct ids' }))
    Write-Host ''
    Write-Host '| Run | Ids/s together | Per process | % of quota | % refused | Target | Met |'
    Write-Host '| --- | ---: | --- | ---: | ---: | --- | --- |'
    foreach ($s in $sharing) {
        $perProcess = ($s.Members | ForEach-Object {
                if ($null -ne $_.Share) { '{0} ({1}% of equal share)' -f (Format-N $_.IdsPerSecond), (Format-N (100 * $_.Share)) } else { Format-N $_.IdsPerSecond }
            }) -join ' / '
        if ($s.Neighbour) { $perProcess += "; neighbour $(Format-N $s.Neighbour.CallsPerSecond 1) calls/s" }
        Write-Host ('| {0} | {1} | {2} | {3}% of {4} | {5}% | {6} | {7} |' -f $s.Label, (Format-N $s.Together), $perProcess, (Format-N (100 * $s.Together / $s.QuotaLeft) 1),
            (Format-N $s.QuotaLeft), (Format-N $s.RefusedPct 1), $s.Target, $(if ($s.Pass) { 'yes' } else { '**no**' }))
    }
    Write-Host ''
    Write-Host 'Share: the calls a process got accepted while all the processes of its run were running, against an equal split of them.'
    Write-Host "% refused: the emulator's refused / all calls over the run; beside the neighbour, of all calls (the neighbour's too) that arrived while the module process ran."
}

if ($problems.Count -gt 0) {
    Write-Host ''
    $problems | ForEach-Object { Write-Host "  $_" }
    throw "$($problems.Count) problem(s) with the runs' output: see above."
}
