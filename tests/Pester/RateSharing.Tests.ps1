# Sharing the app's quota: the adaptive rate limiter next to a neighbour that uses part of the quota, against a
# service that refuses every call, and through refusals injected at random.
# The emulators count with the sliding 1000 ms window (docs/emulator.md), the strict reading of Tencent's limit: a
# client that keeps sending into a full window stays refused, only one that slows down gets through.
# The module keeps one rate limiter per endpoint, SDKAppID and API for the whole process; each Describe has an
# emulator of its own (its own port, so its own limiters) and its own SDKAppID, so what a limiter learned here (a cut
# rate, a service that refuses) does not carry over to another test.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 4000 -Edges 20000 -Seed 7
    $script:expected = Get-ExpectedCount -Path $graph.Path
    $script:cred = Get-EmulatorCredential

    function Start-App([uint32] $AppId, [string[]] $More = @()) {
        Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList (@('--graph', $graph.Path, '--sdkappid', $AppId,
                '--limit-window', 'sliding', '--latency-ms', '20') + $More)
    }

}

AfterAll {
    Disconnect-TencentChat
}

# Connect-TencentChat -SkipCheck: these tests count the run's calls; the check call is Connect.Tests.ps1's.
Describe 'Next to a neighbour that uses part of the quota' {
    BeforeAll {
        $script:appId = [uint32]1400000301
        $script:emulator = Start-App $appId
    }
    AfterAll { $emulator | Stop-Emulator }

    It 'slows to its share, once per refusal episode, and still answers every id in order' {
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -SkipCheck
        $sig = New-TencentChatUserSig -SdkAppId $appId -SecretKey $cred.Password -Identifier $cred.UserName -AsPlainText
        # The neighbour: another job on the same app, sending raw calls at a steady 100 calls/s from its own runspace,
        # whatever the answers, until told to stop (at most 60 s). It calls From_Account u0001 to tell its calls apart.
        $control = [hashtable]::Synchronized(@{ Stop = $false })
        $neighbour = [powershell]::Create()
        $null = $neighbour.AddScript({
                param($Url, $AppId, $Identifier, $Sig, $Control, $CallsPerSecond, $MaxSeconds)
                $client = [System.Net.Http.HttpClient]::new()
                $query = "sdkappid=$AppId&identifier=$Identifier&usersig=$([uri]::EscapeDataString($Sig))&contenttype=json&random="
                $body = '{"From_Account":"u0001","To_Account":["u0002","u0003"]}'
                $sent = [System.Collections.Generic.List[System.Threading.Tasks.Task]]::new()
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $n = 0
                while (-not $Control.Stop -and $clock.Elapsed.TotalSeconds -lt $MaxSeconds) {
                    $wait = $n * 1000 / $CallsPerSecond - $clock.Elapsed.TotalMilliseconds
                    if ($wait -gt 0) { Start-Sleep -Milliseconds ([math]::Ceiling($wait)); continue }
                    $content = [System.Net.Http.StringContent]::new($body, [System.Text.Encoding]::UTF8, 'application/json')
                    $sent.Add($client.PostAsync("$Url/v4/follow/follow_get_info?$query$n", $content))
                    $n++
                }
                try { $null = [System.Threading.Tasks.Task]::WaitAll($sent.ToArray(), 10000) } catch { }
                $client.Dispose()
                $n
            }).AddParameters(@{ Url = $emulator.Url; AppId = $appId; Identifier = $cred.UserName; Sig = $sig; Control = $control; CallsPerSecond = 100; MaxSeconds = 60 })
        $handle = $neighbour.BeginInvoke()
        try {
            Start-Sleep -Milliseconds 1500   # the neighbour fills its half of the service's window first
            $ids = @($graph.Users)
            $out = @($ids | Get-TencentChatFollowInfo -ErrorVariable errs -Verbose 4>&1)
        } finally {
            $control.Stop = $true
            $neighbourCalls = $neighbour.EndInvoke($handle)
            $neighbour.Dispose()
        }

        $rows = @($out | Where-Object { $_ -is [TencentChatFollow.FollowInfo] })
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $errs.Count | Should -Be 0 -Because 'a refused call waits its turn and goes again; it is not a failure'
        Assert-Exact $rows $ids $expected

        $log = @(Invoke-EmulatorControl -Emulator $emulator -Name requests)
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $ours = @($log | Where-Object from -EQ $cred.UserName)
        $ourRefused = @($ours | Where-Object errorCode -EQ 60007).Count
        $theirs = @($log | Where-Object from -EQ 'u0001')
        $theirs.Count | Should -BeGreaterThan 100 -Because "the neighbour kept sending while the run lasted ($($neighbourCalls) calls)"
        $ourRefused | Should -BeGreaterThan 0 -Because 'the neighbour and the ceiling of 200 calls/s together are more than the quota'
        $stats.rateLimited | Should -BeGreaterOrEqual $ourRefused

        $slowing = @($verbose | Where-Object Message -Match 'The service refused a call \(60007\): the app''s follow_get_info quota is shared; slowing from \d+ to \d+ calls/s\.')
        $slowing.Count | Should -BeGreaterThan 0 -Because 'a refusal cuts the rate and says so'
        $slowing.Count | Should -BeLessThan $ourRefused -Because "the rate is cut once per refusal episode, not once per refused call ($ourRefused refused, $($stats.rateLimited) in all)"
        @($ours | Where-Object errorCode -EQ 0).Count | Should -Be 200 -Because '4,000 ids are 200 calls of 20, each accepted once'
    }
}

Describe 'A service that refuses every call' {
    BeforeAll {
        $script:appId = [uint32]1400000302
        $script:emulator = Start-App $appId
        # Every call that passes the checks is refused for frequency, as when other jobs use up the app's quota.
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 1; kinds = @('60007') }
    }
    AfterAll { $emulator | Stop-Emulator }

    It 'fails the waiting ids with TencentChat.QuotaExhausted after -RetryTimeoutSec, having sent few calls' {
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -RetryTimeoutSec 2 -SkipCheck
        $ids = @($graph.Users | Select-Object -First 45)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $rows = @($ids | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)
        $clock.Stop()

        $rows.Count | Should -Be 0
        $errs.Count | Should -Be 45
        ($errs.TargetObject -join ',') | Should -Be ($ids -join ',') -Because 'one error per id, in input order'
        foreach ($e in $errs) {
            $e.FullyQualifiedErrorId | Should -BeLike 'TencentChat.QuotaExhausted*'
            $e.CategoryInfo.Category | Should -Be 'LimitsExceeded'
            $e.Exception.Message | Should -Match 'quota for v4/follow/follow_get_info is being used up elsewhere'
        }
        $clock.Elapsed.TotalSeconds | Should -BeGreaterThan 1.5 -Because 'the run waited out the refusals for -RetryTimeoutSec 2 first'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 15 -Because 'it gives up after 2 s, not the default 60 s'
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.calls | Should -BeLessThan 200 -Because 'while refused it sends one probe at a time, not every call again and again'
        $stats.accepted | Should -Be 0
    }

    It 'runs the failed ids again at once, in the same process, when the service takes calls again' {
        # The first test's run just gave up; its limiter (the process's, for this app and API) still remembers a
        # service that refused everything. A rerun is a run of its own: it sends, and is given up on only after
        # refusals of its own for -RetryTimeoutSec (before: every id failed at once without a call, for about a second).
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0 }
        $before = (Invoke-EmulatorControl -Emulator $emulator -Name stats).accepted
        $ids = @($graph.Users | Select-Object -First 45)
        $rows = @($ids | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)

        $errs.Count | Should -Be 0 -Because "the service takes calls again ($(@($errs | Select-Object -First 1).Exception.Message))"
        Assert-Exact $rows $ids $expected
        (Invoke-EmulatorControl -Emulator $emulator -Name stats).accepted - $before | Should -Be 3
    }
}

Describe 'Refusals are not failed attempts' {
    BeforeAll {
        $script:appId = [uint32]1400000303
        $script:emulator = Start-App $appId @('--seed', '5')
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0.2; kinds = @('60007') }
    }
    AfterAll { $emulator | Stop-Emulator }

    It 'answers every id with -MaxRetry 0 while a fifth of the calls are refused' {
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRetry 0 -SkipCheck
        $ids = @($graph.Users | Select-Object -First 2000)
        $rows = @($ids | Get-TencentChatFollowInfo -ErrorVariable errs)
        $errs.Count | Should -Be 0 -Because 'with -MaxRetry 0 a refusal counted as an attempt would fail its ids'
        Assert-Exact $rows $ids $expected
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.faultsInjected | Should -BeGreaterThan 5
        $stats.accepted | Should -Be 100
    }
}

Describe 'Two APIs at once in one session, the service counting per API' {
    BeforeAll {
        $script:appId = [uint32]1400000304
        # --limit-scope api (the default, named here): each follow API has its own limit, refused with 60007. At 50 calls/s
        # (the session's -MaxRequestsPerSecond too), not Tencent's 200: the test is the same at a quarter of the calls, and a
        # busy 2-core machine (CI) keeps up with it; at 200 calls/s each a starved machine sent one API at only 160 calls/s
        # in its busiest second, with the limiters right.
        $script:emulator = Start-App $appId @('--limit-scope', 'api', '--rate-limit', '50')
    }
    AfterAll { $emulator | Stop-Emulator }

    It 'gives Test-TencentChatFollow and Get-TencentChatFollowInfo each its own ceiling' {
        $session = Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -SkipCheck -PassThru -MaxRequestsPerSecond 50
        # 200 calls of each API: about 4 s each at 50 calls/s, so they overlap for seconds even if one starts late.
        $infoIds = @($graph.Users)
        $checkIds = @(1..5 | ForEach-Object { $graph.Users })
        $from = $graph.Users[0]
        $other = [powershell]::Create()
        $null = $other.AddScript({
                param($ModulePath, $Session, $From, $Ids)
                Import-Module $ModulePath
                $n = 0
                Test-TencentChatFollow -Session $Session -From $From -UserId $Ids -ErrorAction SilentlyContinue | ForEach-Object { $n++ }
                $n
            }).AddParameters(@{ ModulePath = (Get-ModuleUnderTest); Session = $session; From = $from; Ids = $checkIds })
        $handle = $other.BeginInvoke()
        try {
            $infoRows = 0
            $infoIds | Get-TencentChatFollowInfo -Session $session -ErrorVariable errs | ForEach-Object { $infoRows++ }
        } finally {
            $checkRows = $other.EndInvoke($handle)
            $other.Dispose()
        }

        $errs.Count | Should -Be 0
        $infoRows | Should -Be $infoIds.Count
        $checkRows[-1] | Should -Be $checkIds.Count
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $info = $stats.byApi.follow_get_info
        $check = $stats.byApi.follow_check
        $info.accepted | Should -Be 200
        $check.accepted | Should -Be 200
        # Each API went at nearly its own 50 calls/s in its busiest second (one limiter for the app would have split
        # 50 between them, about 25 each), and together they went well over 50 in one second, which only per-API limits allow.
        $info.maxCallsInAnySecond | Should -BeGreaterOrEqual 43 -Because "follow_get_info has its own limiter and ceiling (peaks: info $($info.maxCallsInAnySecond), check $($check.maxCallsInAnySecond), app $($stats.maxCallsInAnySecond))"
        $check.maxCallsInAnySecond | Should -BeGreaterOrEqual 43 -Because "follow_check has its own limiter and ceiling (peaks: info $($info.maxCallsInAnySecond), check $($check.maxCallsInAnySecond), app $($stats.maxCallsInAnySecond))"
        $stats.maxCallsInAnySecond | Should -BeGreaterThan 75 -Because 'both ran at once, each at its own ceiling'
        # A busy machine bunches a few calls now and then (the sliding window counts them), so a few refusals may come.
        $stats.rateLimited | Should -BeLessOrEqual ([math]::Ceiling(0.03 * $stats.calls)) -Because "each paces under its own limit ($($stats.rateLimited) of $($stats.calls) refused)"
    }
}

Describe 'Two APIs at once in one session, the service counting per app' {
    BeforeAll {
        $script:appId = [uint32]1400000305
        # --limit-scope app: one counter of 200 calls/s for every API of the app, refused with 60011.
        $script:emulator = Start-App $appId @('--limit-scope', 'app')
    }
    AfterAll { $emulator | Stop-Emulator }

    It 'cuts both APIs on 60011 and answers every id of both' {
        $session = Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -SkipCheck -PassThru
        $infoIds = @($graph.Users | Select-Object -First 4000)
        $checkIds = @(1..5 | ForEach-Object { $graph.Users })
        $from = $graph.Users[0]
        $other = [powershell]::Create()
        $null = $other.AddScript({
                param($ModulePath, $Session, $From, $Ids)
                Import-Module $ModulePath
                $n = 0
                Test-TencentChatFollow -Session $Session -From $From -UserId $Ids -Verbose 4>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $_.Message } else { $n++ } }
                "rows=$n"
            }).AddParameters(@{ ModulePath = (Get-ModuleUnderTest); Session = $session; From = $from; Ids = $checkIds })
        $handle = $other.BeginInvoke()
        try {
            $out = @($infoIds | Get-TencentChatFollowInfo -Session $session -ErrorVariable errs -Verbose 4>&1)
        } finally {
            $checkOut = @($other.EndInvoke($handle))
            $other.Dispose()
        }

        $errs.Count | Should -Be 0 -Because 'a refused call waits its turn and goes again'
        @($out | Where-Object { $_ -is [TencentChatFollow.FollowInfo] }).Count | Should -Be $infoIds.Count
        $checkOut[-1] | Should -Be "rows=$($checkIds.Count)"
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.byApi.follow_get_info.accepted | Should -Be 200
        $stats.byApi.follow_check.accepted | Should -Be 200
        $stats.appLimitRefusals | Should -BeGreaterThan 0 -Because 'both APIs at their own ceilings are more than the app''s 200 calls/s'
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) + @($checkOut | Where-Object { $_ -is [string] })
        @($verbose | Where-Object { $_ -match 'The service refused a call \(60011\): the app''s quota for all APIs together is shared; slowing from \d+ to \d+ calls/s\.' }).Count |
            Should -BeGreaterThan 0 -Because 'a 60011 cuts the app-wide rate, for every API'
        # Once cut, both APIs share the app's pace: refusals stay a small part of the calls.
        $stats.rateLimited | Should -BeLessOrEqual ([math]::Ceiling(0.15 * $stats.calls)) -Because "$($stats.rateLimited) of $($stats.calls) calls were refused"
    }
}
