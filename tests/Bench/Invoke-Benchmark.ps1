<#
.SYNOPSIS
Throughput and memory of Get-TencentChatFollowInfo against the emulator at 100 ms latency, with the plain
one-call-at-a-time script as the baseline in the same run, and how jobs share the app's quota as users run them.
Started by `./build.ps1 -Task Bench`.

.DESCRIPTION
Baseline runs (-Only Baseline), against an emulator with its default per-second limit: the plain script over
-BaselineIds, the module cold and warm over -ThroughputIds, and the module over each of -MemoryIds.

Slow calls (-Only SlowCalls), against an emulator with its default limit and the same latency: the module over
-SlowCallIds ids, then the same with 2% of calls answered after 3 s (Tencent's own timeout); the second must reach
75% of the first's ids/s (reported, not enforced).

CSV output (-Only CsvOutput), no emulator: Measure-CsvOutput.ps1 in a fresh pwsh writes -CsvRows of
Get-TencentChatFollow's entries with Export-Csv, and the same rows as plain objects of strings (the baseline); the
two files must be the same text.
Sharing rows, each against one emulator started with `--limit-window <LimitWindow>` and the same latency (refused
calls count), whose stats and request log are reset before each row. By name (-Only takes names and groups):
  Alone             one process over 100,000 ids, warm (one warm-up call, then a go file).
  ColdAlone         one cold process over 40,000 ids.
  TwoAtOnce         (1) two cold processes launched together, 20,000 ids each.
  ThreeAtOnce       (2) three cold processes launched together, 14,000 ids each.
  LateJoiner        (3) A, then B launched 3 s later, 21,000 ids each.
  Staggered         (4) three cold processes launched 1 s apart, 14,000 ids each.
  Neighbour         (5) one cold process over 50,000 ids beside Invoke-Neighbour.ps1, a non-adaptive client that
                    sends -NeighbourCallsPerSecond calls of 20 ids and never retries (started 1 s before).
  TwoBesideNeighbour two cold processes launched together, 20,000 ids each, beside the neighbour: this machine's jobs
                    on the quota board beside a client the board does not know (the app's backend). Not one of issue
                    18's rows; with coordination on and off.
  TwoBesideBackend  the same beside a steady 10 calls/s (an app's backend that calls the API now and then): a client
                    the board does not know that takes little. Not one of issue 18's rows; with coordination on and off.
  TwoApisPerApi     (6) one cold process, Measure-TwoApis.ps1: Get-TencentChatFollowInfo over 40,000 ids and
  TwoApisPerApp         Test-TencentChatFollow over 200,000 pairs at once (2,000 calls each), on one session; the
                    emulator counts per API (`limitScope` api), then per app (app). Skipped, with a line that says
                    so, when the emulator has no --limit-scope.
  RestMethod        one cold process, Measure-RestMethod.ps1: 2,000 account_check bodies of 100 ids through
                    Invoke-TencentChatRestMethod (issue 19). Skipped, with a line that says so, when the module has
                    no such command or the emulator does not serve account_check.
  LockstepTwo       two warm processes started by one go file, 50,000 ids each.
  LockstepThree     three of them, 34,000 ids each.
  LockstepNeighbour one warm process over 50,000 ids beside the neighbour.
Groups: Users = rows (1) to (6), TwoBesideNeighbour and TwoBesideBackend; TwoApis = both of row (6); Sharing = Alone, ColdAlone, Users and RestMethod;
Lockstep = the three lockstep rows. The default runs everything.

"Cold" is how users run jobs: each process is a fresh pwsh started on its own schedule (no warm-up call, no common
go), imports the module, then runs Connect-TencentChat and `Get-Content <file> | Get-TencentChatFollowInfo -From
<uK> | Export-Csv <file>` (-From only so that the emulator's log tells the processes apart; the counts do not
depend on it). Its clock runs from Connect-TencentChat to the end of Export-Csv. A row's launch offsets count from
its first launch; how long a pwsh takes to start is the machine's, so the printed lines show when each process
actually started its clock. The processes of a row read distinct id ranges (the same ids with -SameIds), and each
writes its own CSV. Every CSV row of every run is checked against the counts (or relations, or account statuses)
the generated graph must give, and against the input order; a wrong or missing row fails the benchmark (after the
figures are printed). A missed performance target is only reported.

Figures: "together" is all the row's ids / (last process end - first process start); "% of quota" is against
200 calls/s x 20 ids = 4,000 ids/s, less the neighbour's nominal share in the neighbour rows; "% refused" is the
emulator's refused / all calls over the row (beside the neighbour: of every call, the neighbour's included, that
arrived while the module process ran; counted from the request log; refusals are 60007 and 60011). "Share" compares
the calls a process got accepted while all the row's processes were running with an equal split of them, from
-JoinSeconds (2) after the last one's start (issue 18: a late joiner gets its share within about two seconds), and
not measured when all ran no longer than that. Row (6):
each cmdlet's ids / its pipeline's own seconds, in calls (20 ids a follow_get_info call, 100 pairs a follow_check
call), against its API's 200 calls/s; together, both in calls from the first pipeline's start to the last one's end,
against the app's 200 calls/s. RestMethod: bodies / seconds against account_check's 100 calls/s.

-Repeat N runs the chosen sharing rows N times, in rounds (each row once, then again), and ends with each row's
mean, min and max. -Coordination on,off runs rows (1) to (4) once per value, with TENCENTCHAT_COORDINATION set to it
in every process of the row (for same-machine coordination, issue 18); without it the processes inherit the
variable, and the table says which value they had. -Scale multiplies every id count (0.1 for a quick smoke run;
the launch offsets stay, so the rows overlap less and the targets mean nothing then).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [int] $LatencyMs = 100,
    [int] $ThroughputIds = 40000,
    [int] $BaselineIds = 2000,
    [int[]] $MemoryIds = @(20000, 200000),
    # SlowCalls: this many ids with no fault, then with 2% of calls taking 3 s (Tencent's own timeout).
    [int] $SlowCallIds = 60000,

    # Which rows, by name or group (see the description).
    [ValidateSet('Baseline', 'SlowCalls', 'CsvOutput', 'Sharing', 'Users', 'TwoApis', 'Lockstep',
        'Alone', 'ColdAlone', 'TwoAtOnce', 'ThreeAtOnce', 'LateJoiner', 'Staggered', 'Neighbour', 'TwoBesideNeighbour', 'TwoBesideBackend', 'TwoApisPerApi',
        'TwoApisPerApp', 'RestMethod', 'LockstepTwo', 'LockstepThree', 'LockstepNeighbour')]
    [string[]] $Only = @('Baseline', 'SlowCalls', 'CsvOutput', 'Sharing', 'Lockstep'),
    # CsvOutput: Get-TencentChatFollow entries written by Export-Csv, against plain string rows.
    [int] $CsvRows = 100000,
    # The sharing rows' emulator limit. 'calendar' is the emulator's default per-second counter and passes no option,
    # for an emulator that has no --limit-window yet.
    [ValidateSet('sliding', 'calendar')] [string] $LimitWindow = 'sliding',
    [ValidateRange(1, 1000)] [int] $NeighbourCallsPerSecond = 100,
    # TwoBesideBackend's neighbour: an app's backend that takes a little of the quota.
    [ValidateRange(1, 1000)] [int] $BackendCallsPerSecond = 10,
    # Multiplies every id count (baseline and slow calls included) and the number of account_check bodies.
    [ValidateRange(0.001, 100)] [double] $Scale = 1,
    # Runs each chosen sharing row this many times (use at least 3 for a spread) and prints mean, min and max.
    [ValidateRange(1, 100)] [int] $Repeat = 1,
    # Rows (1) to (4) once per value, with TENCENTCHAT_COORDINATION=<value> in every process of the row.
    [ValidateSet('on', 'off')] [string[]] $Coordination,
    [switch] $SameIds,
    # Shares are measured from this long after the last process's start (issue 18: a late joiner gets its share
    # within about two seconds); 0 measures from the start, as before 2026-12-08.
    [ValidateRange(0, 60)] [double] $JoinSeconds = 2
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1')
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$EmulatorPath = (Resolve-Path -LiteralPath $EmulatorPath).Path
$invariant = [cultureinfo]::InvariantCulture
$CallsPerSecondLimit = 200
$IdsPerCall = 20
$PairsPerCheckCall = 100
$AccountCheckLimit = 100
$AccountCheckBodySize = 100
$Quota = $CallsPerSecondLimit * $IdsPerCall   # 4,000 ids/s
$RefusalCodes = @(60007, 60011)   # this API's frequency; the app's frequency
$CoordinationVariable = 'TENCENTCHAT_COORDINATION'

function Get-Scaled([int] $Count, [int] $Minimum = 20) { [math]::Max($Minimum, [int][math]::Round($Count * $Scale)) }

function New-Row {
    param([string] $Name, [string] $Kind, [string] $Title, [int] $Ids, [double[]] $Launch = @(0), [int] $NeighbourCps = 0,
        [switch] $Coordinated, [string] $Scope, [int] $CheckIds = 0, [int] $Bodies = 0)
    [pscustomobject]@{
        Name = $Name; Kind = $Kind; Title = $Title; Ids = $Ids; Launch = $Launch; NeighbourCps = $NeighbourCps
        Coordinated = [bool]$Coordinated; Scope = $Scope; CheckIds = $CheckIds; Bodies = $Bodies
    }
}

# The sharing rows. Title's {0} is the ids per process ({1}: Test-TencentChatFollow's pairs), after -Scale.
$rowTable = @(
    New-Row Alone Lockstep 'Alone, warm, {0} ids' 100000
    New-Row ColdAlone Users 'Alone, cold, {0} ids' 40000
    New-Row TwoAtOnce Users '(1) Two at once, 2 x {0} ids' 20000 -Launch 0, 0 -Coordinated
    New-Row ThreeAtOnce Users '(2) Three at once, 3 x {0} ids' 14000 -Launch 0, 0, 0 -Coordinated
    New-Row LateJoiner Users '(3) B starts 3 s after A, 2 x {0} ids' 21000 -Launch 0, 3 -Coordinated
    New-Row Staggered Users '(4) Three launched 1 s apart, 3 x {0} ids' 14000 -Launch 0, 1, 2 -Coordinated
    New-Row Neighbour Users "(5) Beside a neighbour at $NeighbourCallsPerSecond calls/s, {0} ids" 50000 -NeighbourCps $NeighbourCallsPerSecond
    New-Row TwoBesideNeighbour Users "Two at once beside a neighbour at $NeighbourCallsPerSecond calls/s, 2 x {0} ids" 20000 -Launch 0, 0 -NeighbourCps $NeighbourCallsPerSecond -Coordinated
    New-Row TwoBesideBackend Users "Two at once beside a backend at $BackendCallsPerSecond calls/s, 2 x {0} ids" 20000 -Launch 0, 0 -NeighbourCps $BackendCallsPerSecond -Coordinated
    New-Row TwoApisPerApi TwoApis '(6) Get-TencentChatFollowInfo ({0} ids) and Test-TencentChatFollow ({1} pairs) at once, counted per API' 40000 -CheckIds 200000 -Scope api
    New-Row TwoApisPerApp TwoApis '(6) Get-TencentChatFollowInfo ({0} ids) and Test-TencentChatFollow ({1} pairs) at once, counted per app' 40000 -CheckIds 200000 -Scope app
    New-Row RestMethod RestMethod 'Invoke-TencentChatRestMethod account_check, {0} bodies of 100 ids' 0 -Bodies 2000
    New-Row LockstepTwo Lockstep 'Lockstep: two at once, 2 x {0} ids (warm, common go)' 50000 -Launch 0, 0
    New-Row LockstepThree Lockstep 'Lockstep: three at once, 3 x {0} ids (warm, common go)' 34000 -Launch 0, 0, 0
    New-Row LockstepNeighbour Lockstep "Lockstep: beside a neighbour at $NeighbourCallsPerSecond calls/s, {0} ids (warm)" 50000 -NeighbourCps $NeighbourCallsPerSecond
)
$usersRows = 'TwoAtOnce', 'ThreeAtOnce', 'LateJoiner', 'Staggered', 'Neighbour', 'TwoBesideNeighbour', 'TwoBesideBackend', 'TwoApisPerApi', 'TwoApisPerApp'
$groups = @{
    Users    = $usersRows
    TwoApis  = @('TwoApisPerApi', 'TwoApisPerApp')
    Sharing  = @('Alone', 'ColdAlone') + $usersRows + 'RestMethod'
    Lockstep = @('LockstepTwo', 'LockstepThree', 'LockstepNeighbour')
}
$wanted = @(foreach ($o in $Only) { if ($groups.ContainsKey($o)) { $groups[$o] } else { $o } })
$rows = @($rowTable | Where-Object { $wanted -contains $_.Name })
$baselineWanted = $Only -contains 'Baseline'
$slowWanted = $Only -contains 'SlowCalls'
$csvWanted = $Only -contains 'CsvOutput'

$ThroughputIds = Get-Scaled $ThroughputIds
$BaselineIds = Get-Scaled $BaselineIds
$MemoryIds = @($MemoryIds | ForEach-Object { Get-Scaled $_ })
$SlowCallIds = Get-Scaled $SlowCallIds
$CsvRows = Get-Scaled $CsvRows 1000
$baselineWarmUpIds = Get-Scaled 2000
$emulatorWarmUpIds = Get-Scaled 10000 2000

$work = Join-Path $PSScriptRoot '../../out/bench'
$null = New-Item -ItemType Directory -Path $work -Force
$work = (Resolve-Path -LiteralPath $work).Path

# Every id used must be in the graph: the rows' ranges, the neighbour's u1..u20 and the From accounts u1..u3.
$sizes = @(20)
if ($baselineWanted) { $sizes += $MemoryIds + $ThroughputIds + $BaselineIds }
if ($slowWanted) { $sizes += $SlowCallIds }
if ($rows) { $sizes += $emulatorWarmUpIds }
foreach ($row in $rows) {
    $sizes += switch ($row.Kind) {
        'TwoApis' { Get-Scaled $row.Ids; (Get-Scaled $row.CheckIds $PairsPerCheckCall) + 1 }
        'RestMethod' { (Get-Scaled $row.Bodies 1) * $AccountCheckBodySize }
        default { if ($SameIds) { Get-Scaled $row.Ids } else { $row.Launch.Count * (Get-Scaled $row.Ids) } }
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

function New-AccountIdsFile([int] $Count) {
    # u1 .. uCount, except that every tenth is x<i>, an account the emulator does not know (NotImported).
    $path = Join-Path $work "account-ids-$Count.txt"
    $w = [System.IO.StreamWriter]::new($path)
    try { for ($i = 1; $i -le $Count; $i++) { $w.WriteLine($(if ($i % 10 -eq 0) { "x$i" } else { "u$i" })) } } finally { $w.Dispose() }
    $path
}

# What each CSV row must say, per kind of output, for every id of an ids file: the CSV's exact header (or $null to
# only require the columns), the column that holds the id, and the columns compared with Expected[id] (their CSV
# text, quoted, joined by commas).
function New-InfoCheck([string] $IdsPath) {
    $expected = [System.Collections.Generic.Dictionary[string, string]]::new()
    foreach ($id in [System.IO.File]::ReadLines($IdsPath)) {
        $n = [int]$id.Substring(1)
        $expected[$id] = "`"$($expectedFollowers[$n])`",`"$($expectedFollowing[$n])`",`"$($expectedMutual[$n])`""
    }
    @{ Header = '"UserId","FollowerCount","FollowingCount","MutualFollowingCount"'; IdColumn = 'UserId'
        Columns = @('FollowerCount', 'FollowingCount', 'MutualFollowingCount'); Expected = $expected }
}

function New-RelationCheck([string] $IdsPath, [int] $From) {
    # Test-TencentChatFollow -From u<From>: Following when From follows the id, Follower when the id follows From.
    $expected = [System.Collections.Generic.Dictionary[string, string]]::new()
    foreach ($id in [System.IO.File]::ReadLines($IdsPath)) {
        $n = [int]$id.Substring(1)
        $following = $followsA[$From] -eq $n -or $followsB[$From] -eq $n
        $follower = $followsA[$n] -eq $From -or $followsB[$n] -eq $From
        $relation = if ($following -and $follower) { 'Mutual' } elseif ($following) { 'Following' } elseif ($follower) { 'Follower' } else { 'None' }
        $expected[$id] = "`"u$From`",`"$relation`",`"$following`",`"$follower`""
    }
    @{ Header = '"From","UserId","Relation","IsFollowing","IsFollower"'; IdColumn = 'UserId'
        Columns = @('From', 'Relation', 'IsFollowing', 'IsFollower'); Expected = $expected }
}

function New-AccountCheck([string] $IdsPath) {
    # account_check: Imported for an account of the graph, NotImported for any other.
    $expected = [System.Collections.Generic.Dictionary[string, string]]::new()
    foreach ($id in [System.IO.File]::ReadLines($IdsPath)) {
        $expected[$id] = if ($id -match '^u(\d+)$' -and [int]$Matches[1] -le $maxIds) { '"Imported"' } else { '"NotImported"' }
    }
    @{ Header = $null; IdColumn = 'UserID'; Columns = @('AccountStatus'); Expected = $expected }
}

$problems = [System.Collections.Generic.List[string]]::new()
function Test-CsvRows([string] $What, [string] $CsvPath, [string] $IdsPath, [hashtable] $Check, [int] $First = 0) {
    # Every row must be the next id of the input (the first $First ids only, when given) with the expected values.
    # A row whose id comes later in the input means the ids in between are missing: up to 1,000 ids are looked
    # ahead for it. Any other id is a wrong row (unknown, repeated or out of order), which leaves the expected id
    # for the next row; so is a row with wrong values.
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
        $header = if ($lines.MoveNext()) { $lines.Current } else { '' }
        $names = @($header.Split(',') | ForEach-Object { $_.Trim('"') })
        $idIndex = [array]::IndexOf($names, $Check.IdColumn)
        $columnIndexes = [int[]]@($Check.Columns | ForEach-Object { [array]::IndexOf($names, $_) })
        if (($Check.Header -and $header -ne $Check.Header) -or $idIndex -lt 0 -or $columnIndexes -contains -1) {
            $problems.Add("${What}: the CSV header is '$header', expected $(if ($Check.Header) { $Check.Header } else { "columns $(@($Check.IdColumn) + $Check.Columns -join ', ')" }).")
            return 0
        }
        $fieldCount = $names.Count
        $expected = $Check.Expected
        while ($lines.MoveNext()) {
            $row++
            $line = $lines.Current
            $fields = $line.Split(',')
            $rowId = if ($fields.Count -eq $fieldCount -and $fields[$idIndex].Length -ge 2) { $fields[$idIndex].Substring(1, $fields[$idIndex].Length - 2) } else { $null }
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
            $got = [string]::Join(',', $fields[$columnIndexes])
            if ($got -ne $expected[$id]) {
                $wrong++
                if ($shown -lt 5) { $problems.Add("${What}: row $row ($id) has $($Check.Columns -join ',') $got, expected $($expected[$id]).") }
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

function Add-ErrorProblem([string] $What, $Result) {
    if ($Result.Errors -gt 0) { $problems.Add("${What}: $($Result.Errors) ids failed, first: $($Result.FirstErrors -join ' | ')") }
}

function Format-N([double] $Value, [int] $Decimals = 0) { $Value.ToString("N$Decimals", $invariant) }
function Format-Offset([datetimeoffset] $At, [datetimeoffset] $Zero) { '+{0} s' -f (Format-N ($At - $Zero).TotalSeconds 2) }
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
    Add-ErrorProblem $what $r
    $check = New-InfoCheck $ids
    $null = Test-CsvRows $what $csv $ids $check
    if ($WarmUpIds -gt 0) { $null = Test-CsvRows "$what, its warm-up" "$csv.warmup" $ids $check -First $WarmUpIds }
    $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
    $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
    $r | Add-Member -NotePropertyMembers @{
        IdsPerSecond = [math]::Round($Count / $r.Seconds)
        Calls = $stats.calls
        RateLimited = $stats.rateLimited
        MaxCallsInAnySecond = $stats.maxCallsInAnySecond
    } -PassThru
}

function Start-PwshScript([string] $Script, [object[]] $Arguments, [hashtable] $Environment = @{}) {
    # A fresh pwsh running one of this folder's scripts in the background, its output read as it comes.
    $psi = [System.Diagnostics.ProcessStartInfo]::new($pwshCommand[0])
    foreach ($a in @($pwshCommand | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot $Script)) + $Arguments) {
        $psi.ArgumentList.Add([string]$a)
    }
    foreach ($name in $Environment.Keys) { $psi.Environment[$name] = [string]$Environment[$name] }
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
    # The emulator's request log: arrival instant, API, From_Account and ErrorCode of every call since the last
    # reset. The raw log is kept in $SavePath for a closer look.
    $content = (Invoke-WebRequest -Uri "$($sharingEmulator.Url)/_emulator/requests").Content
    [System.IO.File]::WriteAllText($SavePath, $content)
    foreach ($e in @($content | ConvertFrom-Json -DateKind String -NoEnumerate)[0]) {
        [pscustomobject]@{ At = ConvertTo-Instant $e.arrivedAt; Api = $e.api; From = $e.from; ErrorCode = $e.errorCode }
    }
}

function Get-Refused([object[]] $Calls) { @($Calls | Where-Object { $_.ErrorCode -in $RefusalCodes }).Count }

function New-Result([string] $Target, [bool] $Pass, [string] $Measured, [System.Collections.Specialized.OrderedDictionary] $Figures) {
    [pscustomobject]@{ Target = $Target; Pass = $Pass; Measured = $Measured; Figures = $Figures; Skipped = $null }
}

function New-Skipped([string] $Why) {
    Write-Host "  skipped: $Why"
    [pscustomobject]@{ Target = ''; Pass = $false; Measured = ''; Figures = [ordered]@{}; Skipped = $Why }
}

function Write-Verdict($Result) { Write-Host ("  target: {0}: {1}" -f $Result.Target, $(if ($Result.Pass) { 'met' } else { 'NOT MET' })) }

function Invoke-ProcessRow($Row, [string] $Label, [string] $RunDir, [string] $CoordinationValue) {
    # Rows of module processes over follow_get_info: cold as users start them, or (Kind Lockstep) warm and started by
    # one go file; with a neighbour when the row has one.
    $lockstep = $Row.Kind -eq 'Lockstep'
    $idsEach = Get-Scaled $Row.Ids
    $environment = if ($CoordinationValue) { @{ $CoordinationVariable = $CoordinationValue } } else { @{} }
    $go = Join-Path $RunDir 'go'
    $members = @(for ($k = 0; $k -lt $Row.Launch.Count; $k++) {
            $name = [string][char](65 + $k)
            $ids = New-IdsFile $idsEach $(if ($SameIds) { 0 } else { $k * $idsEach })
            [pscustomobject]@{
                Name = $name; From = "u$($k + 1)"; Launch = $Row.Launch[$k]; Ids = $ids; Csv = (Join-Path $RunDir "$name.csv")
                Ready = (Join-Path $RunDir "$name.ready"); Started = $null; Result = $null; LaunchedAt = $null
            }
        })
    $neighbour = $null; $neighbourResult = $null; $neighbourFrom = 'administrator'
    $null = Invoke-EmulatorControl -Emulator $sharingEmulator -Name reset -Method Post
    try {
        if ($Row.NeighbourCps -gt 0) {
            $stop = Join-Path $RunDir 'stop'
            $neighbourReady = Join-Path $RunDir 'neighbour.ready'
            $neighbour = Start-PwshScript 'Invoke-Neighbour.ps1' @('-ModulePath', $ModulePath, '-EmulatorUrl', $sharingEmulator.Url,
                '-CallsPerSecond', $Row.NeighbourCps, '-StopFile', $stop, '-DurationSeconds', 1800, '-ReadyFile', $neighbourReady, '-From', $neighbourFrom)
            Wait-ReadyFile $neighbourReady $neighbour
            # As users meet it: the neighbour is a steady job that runs already when the module's job starts.
            if (-not $lockstep) { Start-Sleep -Seconds 1 }
        }
        if ($lockstep) {
            foreach ($m in $members) {
                $m.Started = Start-PwshScript 'Measure-Run.ps1' @('-Kind', 'Module', '-ModulePath', $ModulePath, '-EmulatorUrl', $sharingEmulator.Url,
                    '-IdsPath', $m.Ids, '-CsvPath', $m.Csv, '-From', $m.From, '-ReadyFile', $m.Ready, '-GoFile', $go, '-WarmUpIds', 20) $environment
            }
            Wait-ReadyFile $members.Ready (@($members.Started) + @($neighbour | Where-Object { $_ }))
            # Without a neighbour the stats start at the go; with one they also hold its lead-in, so that the
            # emulator's limit keeps counting the neighbour's last second (the refusals are then taken from the log).
            if ($Row.NeighbourCps -eq 0) { $null = Invoke-EmulatorControl -Emulator $sharingEmulator -Name reset -Method Post }
            $zero = [datetimeoffset]::UtcNow
            [System.IO.File]::WriteAllText($go, 'go')
            foreach ($m in $members) { $m.LaunchedAt = $zero }
        } else {
            $zero = [datetimeoffset]::UtcNow
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            foreach ($m in $members) {
                while ($clock.Elapsed.TotalSeconds -lt $m.Launch) { Start-Sleep -Milliseconds 2 }
                $m.LaunchedAt = [datetimeoffset]::UtcNow
                $m.Started = Start-PwshScript 'Measure-Run.ps1' @('-Kind', 'Module', '-ModulePath', $ModulePath, '-EmulatorUrl', $sharingEmulator.Url,
                    '-IdsPath', $m.Ids, '-CsvPath', $m.Csv, '-From', $m.From) $environment
            }
        }
        foreach ($m in $members) {
            $m.Result = Wait-PwshScript $m.Started "$Label, process $($m.Name)"
            # Kept beside the request log: the process's clock (StartedAt, EndedAt) on the log's time line.
            [System.IO.File]::WriteAllText((Join-Path $RunDir "$($m.Name).json"), ($m.Result | ConvertTo-Json -Compress))
        }
        $stats = Invoke-EmulatorControl -Emulator $sharingEmulator -Name stats
        $log = @(Get-RequestLog (Join-Path $RunDir 'requests.json'))
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
        Add-ErrorProblem $what $m.Result
        $null = Test-CsvRows $what $m.Csv $m.Ids (New-InfoCheck $m.Ids)
    }

    $starts = @($members | ForEach-Object { ConvertTo-Instant $_.Result.StartedAt } | Sort-Object)
    $ends = @($members | ForEach-Object { ConvertTo-Instant $_.Result.EndedAt } | Sort-Object)
    $first = $starts[0]; $last = $ends[-1]
    $allFrom = $starts[-1]; $allUntil = $ends[0]
    $totalIds = ($members | ForEach-Object { $_.Result.Ids } | Measure-Object -Sum).Sum
    $together = $totalIds / ($last - $first).TotalSeconds
    $quotaLeft = $Quota - $Row.NeighbourCps * $IdsPerCall

    # Refused: the emulator's counters over the row; beside the neighbour, every call that arrived while the module ran.
    $inRun = @($log | Where-Object { $_.At -ge $first -and $_.At -le $last })
    if ($Row.NeighbourCps -gt 0) {
        $calls = $inRun.Count
        $refused = Get-Refused $inRun
    } else {
        $calls = [int]$stats.calls
        $refused = [int]$stats.rateLimited
    }
    $refusedPct = if ($calls) { 100 * $refused / $calls } else { 0 }

    # Shares: the calls each process got accepted while all of them ran, against an equal split of those calls, from
    # $JoinSeconds after the last start (issue 18: a late joiner gets its share within about two seconds; a cold
    # process's own start, Connect-TencentChat included, is not a share the others took). None when all ran no longer.
    $sharesFrom = $allFrom.AddSeconds($JoinSeconds)
    $overlap = ($allUntil - $sharesFrom).TotalSeconds
    $inOverlap = @($log | Where-Object { $_.At -ge $sharesFrom -and $_.At -le $allUntil -and $_.ErrorCode -eq 0 -and $_.From -in $members.From })
    foreach ($m in $members) {
        $mine = @($log | Where-Object From -EQ $m.From)
        $m | Add-Member -NotePropertyMembers @{
            IdsPerSecond = $m.Result.Ids / $m.Result.Seconds
            Calls        = $mine.Count
            Refused      = Get-Refused $mine
            Share        = if ($members.Count -gt 1 -and $overlap -gt 0 -and $inOverlap.Count -gt 0) { @($inOverlap | Where-Object From -EQ $m.From).Count / ($inOverlap.Count / $members.Count) } else { $null }
        }
    }
    # Not measured (all ran for no longer than the joiner's seconds): no share to miss.
    $noShares = $members.Count -gt 1 -and $overlap -le 0
    $minShare = if ($noShares) { $null }
    else { ($members | ForEach-Object { if ($null -eq $_.Share) { 0 } else { $_.Share } } | Measure-Object -Minimum).Minimum }
    $lowestShare = if ($null -eq $minShare) { $null } else { 100 * $minShare }
    $sharesMet = $null -eq $minShare -or $minShare -ge 0.6

    # The "done means" targets (issue 18); with coordination off, together >= 85% (issue 18).
    $togetherPct = 100 * $together / $quotaLeft
    $needPct = if ($CoordinationValue -eq 'off') { 85 } else { 90 }
    $figures = [ordered]@{ '% of quota' = $togetherPct; '% refused' = $refusedPct }
    switch ($Row.Name) {
        'Alone' { $target = '>= 3,800 ids/s, <= 1% refused'; $pass = $together -ge 3800 -and $refusedPct -le 1 }
        'ColdAlone' { $target = '>= 3,700 ids/s'; $pass = $together -ge 3700 }
        'LateJoiner' {
            $b = $members[1].IdsPerSecond
            $figures['B ids/s'] = $b
            $target = ">= $needPct% of 4,000 ids/s together, <= 3% refused, B >= 1,200 ids/s on average"
            $pass = $togetherPct -ge $needPct -and $refusedPct -le 3 -and $b -ge 1200
        }
        { $_ -in 'TwoAtOnce', 'ThreeAtOnce', 'Staggered' } {
            $figures['lowest share %'] = $lowestShare
            $target = ">= $needPct% of 4,000 ids/s together, <= 3% refused, each >= 60% of an equal share while all run"
            $pass = $togetherPct -ge $needPct -and $refusedPct -le 3 -and $sharesMet
        }
        { $_ -in 'TwoBesideNeighbour', 'TwoBesideBackend' } {
            # Not issue 18's: the bar of its rows without the board, for jobs beside a client the board does not know.
            $figures['lowest share %'] = $lowestShare
            $target = ">= 85% of the $(Format-N $quotaLeft) ids/s the neighbour leaves, <= 3% of all calls refused, each >= 60% of an equal share while all run"
            $pass = $togetherPct -ge 85 -and $refusedPct -le 3 -and $sharesMet
        }
        'Neighbour' {
            $target = ">= 90% of the $(Format-N $quotaLeft) ids/s the neighbour leaves, <= 2% of all calls refused"
            $pass = $togetherPct -ge 90 -and $refusedPct -le 2
        }
        { $_ -in 'LockstepTwo', 'LockstepThree' } {
            $figures['lowest share %'] = $lowestShare
            $target = '>= 3,600 ids/s together, <= 3% refused, each >= 60% of an equal share'
            $pass = $together -ge 3600 -and $refusedPct -le 3 -and $sharesMet
        }
        'LockstepNeighbour' {
            $target = ">= 90% of the $(Format-N $quotaLeft) ids/s the neighbour leaves, <= 3% of all calls refused"
            $pass = $togetherPct -ge 90 -and $refusedPct -le 3
        }
    }

    Write-Host ("  together: {0} ids from the first start to the last end, {1} s = {2} ids/s, {3}% of {4} ids/s; refused {5}% ({6} of {7} calls{8})" -f (Format-N $totalIds), (Format-N ($last - $first).TotalSeconds 2),
        (Format-N $together), (Format-N $togetherPct 1), (Format-N $quotaLeft), (Format-N $refusedPct 2), $refused, $calls,
        $(if ($Row.NeighbourCps -gt 0) { ', all clients, while the module ran' } else { '' }))
    foreach ($m in $members) {
        Write-Host ("  {0} (From {1}): {2} {3}, clock {4} to {5}: {6} ids in {7} s = {8} ids/s, peak {9} MB, CPU {10} s; {11} calls, {12} refused{13}" -f $m.Name, $m.From,
            $(if ($lockstep) { 'go' } else { 'launched' }), (Format-Offset $m.LaunchedAt $zero), (Format-Offset (ConvertTo-Instant $m.Result.StartedAt) $zero),
            (Format-Offset (ConvertTo-Instant $m.Result.EndedAt) $zero), (Format-N $m.Result.Ids), (Format-N $m.Result.Seconds 2), (Format-N $m.IdsPerSecond),
            $m.Result.PeakMemMB, (Format-N $m.Result.CpuSeconds 1), $m.Calls, $m.Refused,
            $(if ($null -ne $m.Share) { "; {0}% of an equal share of the calls accepted in the {1} s all ran" -f (Format-N (100 * $m.Share)), (Format-N $overlap 2) } else { '' }))
    }
    if ($noShares) { Write-Host "  the processes did not all run for more than $JoinSeconds s at the same time (a joiner's time to get its share): no shares" }
    if ($neighbourResult) {
        $neighbourInRun = @($inRun | Where-Object From -EQ $neighbourFrom)
        Write-Host ("  neighbour (From {0}): {1} calls/s over {2} s, sent {3}, ok {4}, refused {5}, failed {6}, resyncs {7} (skipping {10} calls); while the module ran: {8} calls = {11} calls/s, {9} refused" -f $neighbourFrom,
            $neighbourResult.CallsPerSecond, $neighbourResult.Seconds, $neighbourResult.Sent, $neighbourResult.Ok, $neighbourResult.Refused, $neighbourResult.Failed, $neighbourResult.Resyncs,
            $neighbourInRun.Count, (Get-Refused $neighbourInRun), $neighbourResult.Skipped, (Format-N ($neighbourInRun.Count / ($last - $first).TotalSeconds) 1))
    }
    Write-Host ("  emulator over the row: {0} calls, {1} refused, at most {2} calls in any 1 s" -f $stats.calls, $stats.rateLimited, $stats.maxCallsInAnySecond)

    $perProcess = ($members | ForEach-Object {
            if ($null -ne $_.Share) { '{0} {1} ids/s ({2}% of equal share)' -f $_.Name, (Format-N $_.IdsPerSecond), (Format-N (100 * $_.Share)) } else { '{0} {1} ids/s' -f $_.Name, (Format-N $_.IdsPerSecond) }
        }) -join ' / '
    if ($neighbourResult) { $perProcess += "; neighbour $(Format-N $neighbourResult.CallsPerSecond 1) calls/s" }
    $measured = '{0} ids/s together, {1}% of {2}; {3}% refused; {4}' -f (Format-N $together), (Format-N $togetherPct 1), (Format-N $quotaLeft), (Format-N $refusedPct 1), $perProcess
    New-Result $target $pass $measured $figures
}

function Invoke-TwoApisRow($Row, [string] $Label, [string] $RunDir) {
    # Row (6): both cmdlets at once in one process, the emulator counting per API or per app.
    if ($emulatorHelp -notmatch '--limit-scope') { return New-Skipped 'this emulator has no --limit-scope option (issue 18); build one that has to run row (6)' }
    $infoIds = New-IdsFile (Get-Scaled $Row.Ids)
    $checkIds = New-IdsFile (Get-Scaled $Row.CheckIds $PairsPerCheckCall) 1   # u2 on: Test-TencentChatFollow -From u1 never pairs u1 with itself
    $infoCsv = Join-Path $RunDir 'info.csv'
    $checkCsv = Join-Path $RunDir 'check.csv'
    $scopeBefore = (Invoke-EmulatorControl -Emulator $sharingEmulator -Name faults).limitScope
    try {
        $null = Invoke-EmulatorControl -Emulator $sharingEmulator -Name faults -Method Post -Body @{ limitScope = $Row.Scope }
    } catch {
        return New-Skipped "the emulator refused limitScope '$($Row.Scope)': $($_.Exception.Message)"
    }
    $started = $null
    try {
        $null = Invoke-EmulatorControl -Emulator $sharingEmulator -Name reset -Method Post
        $zero = [datetimeoffset]::UtcNow
        $started = Start-PwshScript 'Measure-TwoApis.ps1' @('-ModulePath', $ModulePath, '-EmulatorUrl', $sharingEmulator.Url,
            '-InfoIdsPath', $infoIds, '-InfoCsvPath', $infoCsv, '-CheckIdsPath', $checkIds, '-CheckCsvPath', $checkCsv, '-From', 'u1')
        $r = Wait-PwshScript $started $Label
        $log = @(Get-RequestLog (Join-Path $RunDir 'requests.json'))
    } finally {
        Stop-PwshScript $started
        $null = Invoke-EmulatorControl -Emulator $sharingEmulator -Name faults -Method Post -Body @{ limitScope = $scopeBefore }
    }

    $pipelines = @(
        [pscustomobject]@{ Cmdlet = 'Get-TencentChatFollowInfo'; Api = 'follow_get_info'; PerCall = $IdsPerCall; Unit = 'ids'; Ids = $infoIds; Csv = $infoCsv; Check = (New-InfoCheck $infoIds) }
        [pscustomobject]@{ Cmdlet = 'Test-TencentChatFollow'; Api = 'follow_check'; PerCall = $PairsPerCheckCall; Unit = 'pairs'; Ids = $checkIds; Csv = $checkCsv; Check = (New-RelationCheck $checkIds 1) }
    )
    foreach ($p in $pipelines) {
        $p | Add-Member -NotePropertyName Result -NotePropertyValue ($r.Pipelines | Where-Object Cmdlet -EQ $p.Cmdlet)
        Add-ErrorProblem "$Label, $($p.Cmdlet)" $p.Result
        $null = Test-CsvRows "$Label, $($p.Cmdlet)" $p.Csv $p.Ids $p.Check
        $apiCalls = @($log | Where-Object Api -EQ $p.Api)
        $p | Add-Member -NotePropertyMembers @{
            CallsPerSecond = $p.Result.Ids / $p.PerCall / $p.Result.Seconds
            Calls          = $apiCalls.Count
            ApiRefusals    = @($apiCalls | Where-Object ErrorCode -EQ 60007).Count
            AppRefusals    = @($apiCalls | Where-Object ErrorCode -EQ 60011).Count
        }
    }
    $first = ($pipelines | ForEach-Object { ConvertTo-Instant $_.Result.StartedAt } | Sort-Object)[0]
    $last = ($pipelines | ForEach-Object { ConvertTo-Instant $_.Result.EndedAt } | Sort-Object)[-1]
    $togetherCalls = ($pipelines | ForEach-Object { $_.Result.Ids / $_.PerCall } | Measure-Object -Sum).Sum
    $together = $togetherCalls / ($last - $first).TotalSeconds
    $refused = Get-Refused $log
    $refusedPct = if ($log.Count) { 100 * $refused / $log.Count } else { 0 }

    foreach ($p in $pipelines) {
        Write-Host ("  {0}: {1} {11}, clock {2} to {3}, {4} s = {5} calls/s, {6}% of {7}'s 200 calls/s; {7}: {8} calls, refused {9} (60007) and {10} (60011)" -f $p.Cmdlet,
            (Format-N $p.Result.Ids), (Format-Offset (ConvertTo-Instant $p.Result.StartedAt) $zero), (Format-Offset (ConvertTo-Instant $p.Result.EndedAt) $zero),
            (Format-N $p.Result.Seconds 2), (Format-N $p.CallsPerSecond 1), (Format-N (100 * $p.CallsPerSecond / $CallsPerSecondLimit) 1), $p.Api, $p.Calls, $p.ApiRefusals, $p.AppRefusals, $p.Unit)
    }
    Write-Host ("  together: {0} calls' worth in {1} s = {2} calls/s, {3}% of the app's 200 calls/s; refused {4}% ({5} of {6} calls); the process: clock {7} to {8}, peak {9} MB, CPU {10} s" -f
        (Format-N $togetherCalls), (Format-N ($last - $first).TotalSeconds 2), (Format-N $together 1), (Format-N (100 * $together / $CallsPerSecondLimit) 1), (Format-N $refusedPct 2),
        $refused, $log.Count, (Format-Offset (ConvertTo-Instant $r.StartedAt) $zero), (Format-Offset (ConvertTo-Instant $r.EndedAt) $zero), $r.PeakMemMB, (Format-N $r.CpuSeconds 1))

    $figures = [ordered]@{}
    foreach ($p in $pipelines) { $figures["$($p.Cmdlet) % of 200/s"] = 100 * $p.CallsPerSecond / $CallsPerSecondLimit }
    $figures['together % of 200/s'] = 100 * $together / $CallsPerSecondLimit
    $figures['% refused'] = $refusedPct
    if ($Row.Scope -eq 'api') {
        $target = "each cmdlet >= 85% of its own API's 200 calls/s"
        $pass = @($pipelines | Where-Object { 100 * $_.CallsPerSecond / $CallsPerSecondLimit -lt 85 }).Count -eq 0
    } else {
        $target = '>= 90% of 200 calls/s together, <= 3% refused'
        $pass = 100 * $together / $CallsPerSecondLimit -ge 90 -and $refusedPct -le 3
    }
    $measured = '{0}; together {1}% of 200 calls/s; {2}% refused' -f (($pipelines | ForEach-Object { '{0} {1}% of its 200 calls/s' -f $_.Cmdlet, (Format-N (100 * $_.CallsPerSecond / $CallsPerSecondLimit) 1) }) -join ', '),
        (Format-N (100 * $together / $CallsPerSecondLimit) 1), (Format-N $refusedPct 1)
    New-Result $target $pass $measured $figures
}

function Invoke-RestMethodRow($Row, [string] $Label, [string] $RunDir) {
    # Issue 19's row: account_check bodies through Invoke-TencentChatRestMethod.
    if ($emulatorHelp -notmatch '--account-check-rate-limit') { return New-Skipped 'this emulator does not serve account_check (issue 19); build one that does to run this row' }
    $ids = New-AccountIdsFile ((Get-Scaled $Row.Bodies 1) * $AccountCheckBodySize)
    $csv = Join-Path $RunDir 'account-check.csv'
    $null = Invoke-EmulatorControl -Emulator $sharingEmulator -Name reset -Method Post
    $started = $null
    try {
        $started = Start-PwshScript 'Measure-RestMethod.ps1' @('-ModulePath', $ModulePath, '-EmulatorUrl', $sharingEmulator.Url, '-IdsPath', $ids, '-CsvPath', $csv, '-BodySize', $AccountCheckBodySize)
        $r = Wait-PwshScript $started $Label
        $log = @(Get-RequestLog (Join-Path $RunDir 'requests.json'))
    } finally {
        Stop-PwshScript $started
    }
    if ($r.PSObject.Properties['Skipped']) { return New-Skipped $r.Skipped }

    Add-ErrorProblem $Label $r
    $null = Test-CsvRows $Label $csv $ids (New-AccountCheck $ids)
    $accountChecks = @($log | Where-Object Api -EQ 'account_check')
    $refused = Get-Refused $accountChecks
    $refusedPct = if ($accountChecks.Count) { 100 * $refused / $accountChecks.Count } else { 0 }
    $rate = $r.Bodies / $r.Seconds
    $pct = 100 * $rate / $AccountCheckLimit
    Write-Host ("  {0} bodies ({1} ids) in {2} s = {3} calls/s, {4}% of account_check's {5} calls/s; account_check: {6} calls, {7} refused ({8}%); peak {9} MB, CPU {10} s" -f
        (Format-N $r.Bodies), (Format-N $r.Ids), (Format-N $r.Seconds 2), (Format-N $rate 1), (Format-N $pct 1), $AccountCheckLimit, $accountChecks.Count, $refused,
        (Format-N $refusedPct 2), $r.PeakMemMB, (Format-N $r.CpuSeconds 1))
    New-Result ">= 90% of $AccountCheckLimit calls/s, <= 1% refused" ($pct -ge 90 -and $refusedPct -le 1) ('{0} calls/s, {1}% of {2}; {3}% refused' -f (Format-N $rate 1), (Format-N $pct 1), $AccountCheckLimit, (Format-N $refusedPct 1)) ([ordered]@{ '% of 100/s' = $pct; '% refused' = $refusedPct })
}

function Get-CoordinationText([string] $Value) {
    # What TENCENTCHAT_COORDINATION the row's processes had.
    if ($Value) { return $Value }
    $inherited = [Environment]::GetEnvironmentVariable($CoordinationVariable)
    if ($inherited) { "inherited: $inherited" } else { 'not set' }
}

# Before a long baseline, make sure the sharing rows' emulator takes the option.
$emulatorHelp = (& dotnet (Join-Path $EmulatorPath 'TencentChatFollow.Emulator.dll') --help) -join "`n"
if ($rows -and $LimitWindow -ne 'calendar' -and $emulatorHelp -notmatch '--limit-window') {
    throw "This emulator has no --limit-window option: build one that has, or pass -LimitWindow calendar."
}

$results = @()
if ($baselineWanted) {
    $emulator = Start-Emulator -EmulatorPath $EmulatorPath -ArgumentList '--graph', $graph, '--latency-ms', $LatencyMs
    try {
        Write-Host "Emulator at $($emulator.Url), $LatencyMs ms latency, 200 calls/s limit. Ceiling: 4000 ids/s."
        $results = @(
            Measure-Run PlainScript $BaselineIds
            Measure-Run Module $ThroughputIds
            Measure-Run Module $ThroughputIds -WarmUpIds $baselineWarmUpIds
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

if ($csvWanted) {
    # The output's own cost: Export-Csv of the entries Get-TencentChatFollow writes, against rows of plain strings.
    $csv = Wait-PwshScript (Start-PwshScript 'Measure-CsvOutput.ps1' @('-ModulePath', $ModulePath, '-WorkPath', $work, '-Rows', $CsvRows)) 'The CSV output row'
    if (-not $csv.Same) { $problems.Add("CSV output: the entries' CSV is not the expected text ($($csv.FirstDifference)).") }
    Write-Host ''
    Write-Host ("CSV output, {0} rows through Export-Csv: Get-TencentChatFollow's entries {1} rows/s ({2} s); the same rows as plain strings (baseline) {3} rows/s ({4} s): the entries take {5}x the baseline's time; same text: {6}." -f `
        (Format-N $csv.Rows), (Format-N $csv.EntryRowsPerSecond), $csv.EntrySeconds, (Format-N $csv.PlainRowsPerSecond), $csv.PlainSeconds, (Format-N ($csv.EntrySeconds / $csv.PlainSeconds) 1), $(if ($csv.Same) { 'yes' } else { 'NO' }))
}

if ($rows) {
    $windowArguments = if ($LimitWindow -eq 'calendar') { @() } else { @('--limit-window', $LimitWindow) }
    $sharingEmulator = Start-Emulator -EmulatorPath $EmulatorPath -ArgumentList (@('--graph', $graph, '--latency-ms', $LatencyMs) + $windowArguments)
    $sharing = [System.Collections.Generic.List[object]]::new()
    try {
        # The real service is always warm. A just-started emulator compiles its request path during its first seconds,
        # and its pauses then bunch arrivals that a sliding window refuses: its start-up, not the module's doing. So one
        # unmeasured run of 500 calls goes first, then its second of the limit is left behind and the counts reset.
        $warm = Start-PwshScript 'Measure-Run.ps1' @('-Kind', 'Module', '-ModulePath', $ModulePath, '-EmulatorUrl', $sharingEmulator.Url,
            '-IdsPath', (New-IdsFile $emulatorWarmUpIds), '-CsvPath', (Join-Path $work 'emulator-warm-up.csv'))
        $null = Wait-PwshScript $warm 'The emulator warm-up'
        Start-Sleep -Milliseconds 1100
        $null = Invoke-EmulatorControl -Emulator $sharingEmulator -Name reset -Method Post
        Write-Host ''
        Write-Host "Sharing rows: emulator at $($sharingEmulator.Url), $LatencyMs ms latency, 200 calls/s limit, $LimitWindow window. Quota: 4000 ids/s."
        if ($Scale -ne 1) { Write-Host "-Scale $Scale`: every id count scaled, launch offsets not; these figures are not comparable with the targets." }
        for ($run = 1; $run -le $Repeat; $run++) {
            foreach ($row in $rows) {
                # '' leaves the variable as the processes inherit it.
                $values = @(if ($row.Coordinated -and $Coordination) { $Coordination } else { '' })
                foreach ($value in $values) {
                    $title = $row.Title -f (Format-N $(if ($row.Kind -eq 'RestMethod') { Get-Scaled $row.Bodies 1 } else { Get-Scaled $row.Ids })), (Format-N (Get-Scaled $row.CheckIds $PairsPerCheckCall))
                    $coordinationText = Get-CoordinationText $value
                    $label = $title
                    if ($value) { $label += ", $CoordinationVariable=$value" }
                    if ($Repeat -gt 1) { $label += " (run $run of $Repeat)" }
                    $runDir = Join-Path $work ('sharing-{0}{1}{2}' -f $row.Name, $(if ($value) { "-coordination-$value" } else { '' }), $(if ($Repeat -gt 1) { "-run$run" } else { '' }))
                    if (Test-Path -LiteralPath $runDir) { Remove-Item -LiteralPath $runDir -Recurse -Force }
                    $null = New-Item -ItemType Directory -Path $runDir
                    Write-Host "$label ..."
                    $result = switch ($row.Kind) {
                        'TwoApis' { Invoke-TwoApisRow $row $label $runDir }
                        'RestMethod' { Invoke-RestMethodRow $row $label $runDir }
                        default { Invoke-ProcessRow $row $label $runDir $value }
                    }
                    if (-not $result.Skipped) { Write-Verdict $result }
                    $result | Add-Member -NotePropertyMembers @{ Row = $row.Name; Title = $title; Run = $run; Coordination = $coordinationText }
                    $sharing.Add($result)
                }
            }
        }
    } finally {
        $sharingEmulator | Stop-Emulator
    }

    $cpu = if (Test-Path -LiteralPath /proc/cpuinfo) { (Select-String -LiteralPath /proc/cpuinfo -Pattern '^model name\s*:\s*(.+)$' | Select-Object -First 1).Matches.Groups[1].Value } else { $env:PROCESSOR_IDENTIFIER }
    Write-Host ''
    Write-Host ("Measured {0:yyyy-MM-dd} on {1} x {2}, {3}, .NET {4}, PowerShell {5}; emulator --limit-window {6} --latency-ms {7}{8}{9}." -f [datetime]::UtcNow,
        [Environment]::ProcessorCount, $cpu, [System.Runtime.InteropServices.RuntimeInformation]::OSDescription, [Environment]::Version, $PSVersionTable.PSVersion, $LimitWindow, $LatencyMs,
        $(if ($SameIds) { ', the processes of a row on the same ids' } else { ', the processes of a row on distinct ids' }), $(if ($Scale -ne 1) { ", -Scale $Scale" } else { '' }))
    Write-Host ''
    Write-Host "| Row | Run | $CoordinationVariable | Target | Measured | Met |"
    Write-Host '| --- | ---: | --- | --- | --- | --- |'
    foreach ($s in $sharing) {
        if ($s.Skipped) {
            Write-Host ('| {0} | {1} | {2} | | skipped: {3} | - |' -f $s.Title, $s.Run, $s.Coordination, $s.Skipped)
        } else {
            Write-Host ('| {0} | {1} | {2} | {3} | {4} | {5} |' -f $s.Title, $s.Run, $s.Coordination, $s.Target, $s.Measured, $(if ($s.Pass) { 'yes' } else { '**no**' }))
        }
    }
    Write-Host ''
    Write-Host 'Share: the calls a process got accepted while all the processes of its row were running, against an equal split of them.'
    Write-Host "% refused: the emulator's refused / all calls over the row; beside the neighbour, of all calls (the neighbour's too) that arrived while the module process ran."

    if ($Repeat -gt 1) {
        Write-Host ''
        Write-Host "Spread over $Repeat runs (mean, min to max):"
        Write-Host ''
        Write-Host "| Row | $CoordinationVariable | Runs met | Figures |"
        Write-Host '| --- | --- | --- | --- |'
        $measuredRuns = @($sharing | Where-Object { -not $_.Skipped })
        foreach ($key in @($measuredRuns | ForEach-Object { "$($_.Row)|$($_.Coordination)" } | Select-Object -Unique)) {
            $runs = @($measuredRuns | Where-Object { "$($_.Row)|$($_.Coordination)" -eq $key })
            $spread = foreach ($name in $runs[0].Figures.Keys) {
                $values = $runs | ForEach-Object { $_.Figures[$name] } | Measure-Object -Average -Minimum -Maximum
                $decimals = if ($name -like '*ids/s') { 0 } else { 1 }
                if ($values.Count -eq 0) { '{0} not measured' -f $name; continue } # a share, in runs too short for one
                '{0} {1} ({2} to {3}){4}' -f $name, (Format-N $values.Average $decimals), (Format-N $values.Minimum $decimals), (Format-N $values.Maximum $decimals),
                    $(if ($values.Count -lt $runs.Count) { ", measured in $($values.Count) of $($runs.Count) runs" } else { '' })
            }
            Write-Host ('| {0} | {1} | {2} of {3} | {4} |' -f $runs[0].Title, $runs[0].Coordination, @($runs | Where-Object Pass).Count, $runs.Count, ($spread -join '; '))
        }
    }
}

if ($problems.Count -gt 0) {
    Write-Host ''
    $problems | ForEach-Object { Write-Host "  $_" }
    throw "$($problems.Count) problem(s) with the runs' output: see above."
}
