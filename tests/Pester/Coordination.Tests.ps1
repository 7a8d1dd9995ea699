# Same-machine coordination (issue 18): fresh pwsh processes on one app meet on the machine's quota board (a folder of
# small files, one per process and API; docs/performance.md) and split each API's quota instead of finding it by
# refusals. Each process here is a scheduled job as users run it: a cold pwsh, Connect-TencentChat, a pipeline of ids.
# The board lives in this test's own folder (TENCENTCHAT_COORDINATION_PATH), so other runs on the machine stay apart.
# The emulator counts with the sliding 1000 ms window, refused calls included (docs/emulator.md).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 4000 -Edges 20000 -Seed 7
    $script:identity = Get-EmulatorIdentity
    $script:board = Join-Path $TestDrive 'board'

    # A job: reads its ids from a file and prints what it got; its admin account tells its calls apart in the log.
    $script:job = Join-Path $TestDrive 'job.ps1'
    Set-Content -LiteralPath $job -Value @'
$ErrorActionPreference = 'Stop'
Import-Module $env:TCF_TEST_MODULE
$key = ConvertTo-SecureString -String $env:TCF_TEST_KEY -AsPlainText -Force
Connect-TencentChat -SdkAppId $env:TCF_TEST_APP -Credential ([pscredential]::new($env:TCF_TEST_ADMIN, $key)) -Endpoint $env:TCF_TEST_URL -SkipCheck -MaxRequestsPerSecond $env:TCF_TEST_CEILING
$rows = 0
Get-Content -LiteralPath $env:TCF_TEST_IDS | Get-TencentChatFollowInfo | ForEach-Object { $rows++ }
"rows=$rows pid=$PID"
'@

    # A job's ceiling is the app's (Start-App's --rate-limit), so what the two send together is bounded by the board alone.
    function Start-BoardJob([string] $Admin, [string] $Ids, [string] $Url, [uint32] $AppId, [int] $Ceiling = 200, [string] $Coordination = 'on') {
        $pwsh = Get-PwshCommandLine
        $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $job)) { $psi.ArgumentList.Add($a) }
        $psi.Environment['TCF_TEST_MODULE'] = Get-ModuleUnderTest
        $psi.Environment['TCF_TEST_KEY'] = $identity.SecretKey
        $psi.Environment['TCF_TEST_APP'] = [string]$AppId
        $psi.Environment['TCF_TEST_ADMIN'] = $Admin
        $psi.Environment['TCF_TEST_URL'] = $Url
        $psi.Environment['TCF_TEST_IDS'] = $Ids
        $psi.Environment['TCF_TEST_CEILING'] = [string]$Ceiling
        $psi.Environment['TENCENTCHAT_COORDINATION'] = $Coordination
        $psi.Environment['TENCENTCHAT_COORDINATION_PATH'] = $board
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [System.Diagnostics.Process]::Start($psi)
        [pscustomobject]@{ Process = $p; Out = $p.StandardOutput.ReadToEndAsync(); Err = $p.StandardError.ReadToEndAsync() }
    }

    function Wait-BoardJob($Job) {
        # A hang guard only, generous for a loaded 2-core machine: no performance bound.
        if (-not $Job.Process.WaitForExit(180000)) { $Job.Process.Kill($true); throw 'a job did not end within 180 s' }
        $Job.Process.WaitForExit()
        [pscustomobject]@{ ExitCode = $Job.Process.ExitCode; Output = $Job.Out.Result; Errors = $Job.Err.Result }
    }

    function Write-Ids([string] $Name, [int] $Times) {
        $path = Join-Path $TestDrive $Name
        Set-Content -LiteralPath $path -Value @(1..$Times | ForEach-Object { $graph.Users })
        $path
    }

    # The board's folder of an API of an app (docs/performance.md): 16 hex digits of the SHA-256 of
    # "<SCHEME://HOST:PORT in upper case>|<SDKAppID>|<API>".
    function Get-BoardFolder([string] $Url, [uint32] $AppId, [string] $Api) {
        $key = ([uri]$Url).GetLeftPart([System.UriPartial]::Authority).ToUpperInvariant() + "|$AppId|$Api"
        $hash = [System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($key))
        Join-Path $board (-join ($hash[0..7] | ForEach-Object { $_.ToString('x2') }))
    }

    # A member's record as the file store writes it (docs/performance.md): "TCQ1 <UTC ticks> <used> <rate> <ceiling> <0|1> <FNV-1a>".
    function Format-Record([datetime] $At, [int] $Used, [int] $Rate, [bool] $Backlogged) {
        $body = 'TCQ1 {0:D19} {1:D6} {2:D6} {3:D6} {4}' -f $At.Ticks, $Used, $Rate, 200, [int]$Backlogged
        [uint64]$hash = 2166136261
        foreach ($c in $body.ToCharArray()) { $hash = (([uint64]($hash -bxor [uint64][int]$c)) * [uint64]16777619) % [uint64]4294967296 }
        "$body $($hash.ToString('x8'))`n"
    }

    function Start-App([uint32] $AppId, [int] $RateLimit = 200) {
        Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList @('--graph', $graph.Path, '--sdkappid', $AppId,
            '--admin', 'administrator,joba,jobb', '--limit-window', 'sliding', '--latency-ms', '20', '--rate-limit', $RateLimit)
    }
}

Describe 'Two jobs launched together on one machine' {
    BeforeAll {
        $script:appId = [uint32]1400000401
        # A quota of 100 calls/s, the jobs' ceiling too: half the calls of Tencent's 200 make the same split, with less
        # of the processor, so a busy CI machine starves neither job (a job that cannot send its share leaves it).
        $script:emulator = Start-App $appId -RateLimit 100
    }
    AfterAll { $emulator | Stop-Emulator }

    It 'split the quota with next to no refusals, and leave no file on the board' {
        # 8,000 ids each: 400 calls, a few seconds at half the quota, so they overlap however their starts fall.
        $ids = Write-Ids 'ids-8k.txt' 2
        $a = Start-BoardJob 'joba' $ids $emulator.Url $appId -Ceiling 100
        $b = Start-BoardJob 'jobb' $ids $emulator.Url $appId -Ceiling 100
        $ra = Wait-BoardJob $a
        $rb = Wait-BoardJob $b

        $ra.Errors | Should -BeNullOrEmpty
        $rb.Errors | Should -BeNullOrEmpty
        $ra.ExitCode | Should -Be 0
        $rb.ExitCode | Should -Be 0
        $ra.Output | Should -Match 'rows=8000 '
        $rb.Output | Should -Match 'rows=8000 '

        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.accepted | Should -Be 800
        # Without the board two cold jobs meet in a full window and lose about 3% of their calls to refusals.
        $stats.rateLimited | Should -BeLessOrEqual ([math]::Floor(0.01 * $stats.calls)) -Because "they split the quota before sending ($($stats.rateLimited) of $($stats.calls) refused)"
        # While both sent, each had at least 60% of an equal share (issue 18's bar for every job); evenly, about half.
        $log = @(Invoke-EmulatorControl -Emulator $emulator -Name requests)
        $ofA = @($log | Where-Object identifier -EQ 'joba')
        $ofB = @($log | Where-Object identifier -EQ 'jobb')
        $from = @($ofA[0].arrivedAt, $ofB[0].arrivedAt) | Sort-Object | Select-Object -Last 1
        $to = @($ofA[-1].arrivedAt, $ofB[-1].arrivedAt) | Sort-Object | Select-Object -First 1
        $inA = @($ofA | Where-Object { $_.arrivedAt -ge $from -and $_.arrivedAt -le $to }).Count
        $inB = @($ofB | Where-Object { $_.arrivedAt -ge $from -and $_.arrivedAt -le $to }).Count
        ($inA + $inB) | Should -BeGreaterThan 100 -Because 'they ran side by side for a while'
        [math]::Min($inA, $inB) | Should -BeGreaterOrEqual (0.3 * ($inA + $inB)) -Because "the board splits evenly ($inA and $inB calls while both ran)"

        # Each deleted its file when it ended, and the last one the board's folder.
        @(Get-ChildItem -LiteralPath $board -Recurse -Force -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }
}

Describe 'A job beside the record of one that crashed' {
    BeforeAll {
        $script:appId = [uint32]1400000402
        $script:emulator = Start-App $appId
    }
    AfterAll { $emulator | Stop-Emulator }

    It 'runs at about the full ceiling, and deletes a record long forgotten' {
        $folder = Get-BoardFolder $emulator.Url $appId 'v4/follow/follow_get_info'
        $null = New-Item -ItemType Directory -Path $folder -Force
        # A job that crashed a moment ago while it used the whole quota (stale within a second), and one long ago.
        $recent = Join-Path $folder '999999-0000dead.quota'
        $old = Join-Path $folder '999998-0000dead.quota'
        [System.IO.File]::WriteAllText($recent, (Format-Record ([datetime]::UtcNow.AddSeconds(-2)) 200 200 $true))
        [System.IO.File]::WriteAllText($old, (Format-Record ([datetime]::UtcNow.AddHours(-1)) 200 200 $true))

        $ids = Write-Ids 'ids-16k.txt' 4
        $r = Wait-BoardJob (Start-BoardJob 'joba' $ids $emulator.Url $appId)

        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -Match 'rows=16000 '
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.accepted | Should -Be 800
        $stats.rateLimited | Should -BeLessOrEqual ([math]::Floor(0.02 * $stats.calls)) -Because "a stale record holds no one back ($($stats.rateLimited) of $($stats.calls) refused)"
        # About the full ceiling of 200 calls/s in its busiest second: it did not give half to the crashed job.
        $stats.maxCallsInAnySecond | Should -BeGreaterOrEqual 180
        Test-Path -LiteralPath $old | Should -BeFalse -Because 'a record long forgotten is deleted by the next reader'
        # Its own file is gone (and the folder too, once the crashed job's files were deleted as well).
        @(Get-ChildItem -LiteralPath $folder -Filter "$($r.Output -replace '(?s).*pid=(\d+).*', '$1')-*" -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }
}
