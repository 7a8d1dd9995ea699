# Issue 3: at the service's limit, through faults, and stoppable.
# The emulator enforces its limit per calendar second (docs/emulator.md says why); these tests hold the module to
# that, with no call refused. That the module's own sends never exceed the limit in any sliding window is proved
# with a fake clock in tests/TencentChatFollow.Tests/Execution/RateLimiterTests.cs.
# Every Connect-TencentChat here has -SkipCheck: these tests are about the runs, and the check call (Connect.Tests.ps1)
# would meet the faults a test leaves set, add a call to the counts, or take the latency a test is about.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 4000 -Edges 20000 -Seed 7
    $script:expected = Get-ExpectedCount -Path $graph.Path
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path, '--seed', '11'
    $script:cred = Get-EmulatorCredential
    $script:appId = (Get-EmulatorIdentity).SdkAppId

    function Set-Faults([hashtable] $Settings) {
        Set-EmulatorFault -Emulator $emulator -Setting $Settings -Default @{ slowMs = 5000; rateLimit = 200 }
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
    }

    # The most calls the emulator had in hand at one time, from its log (arrival time and duration of each call).
    function Get-MaxCallsInFlight {
        $edges = foreach ($call in Invoke-EmulatorControl -Emulator $emulator -Name requests) {
            $start = (ConvertTo-Instant $call.arrivedAt).ToUnixTimeMilliseconds()
            [pscustomobject]@{ At = $start; Step = 1 }
            [pscustomobject]@{ At = $start + [math]::Max(1, $call.durationMs); Step = -1 }
        }
        $now = 0; $max = 0
        foreach ($edge in $edges | Sort-Object At, Step) { $now += $edge.Step; $max = [math]::Max($max, $now) }
        $max
    }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'At the rate limit' {
    BeforeEach { Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRetry 6 -SkipCheck }

    It 'sends several calls at once and never more than 200 in any second' {
        Set-Faults @{ latencyMs = 50 }
        $ids = @($graph.Users | Select-Object -First 4000) * 2
        $rows = @($ids | Get-TencentChatFollowInfo)
        Assert-Exact $rows $ids $expected
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        # 8,000 ids in full calls of 20: 400 calls. On a loaded machine a call can pass its 10 s timeout and be sent
        # again, so more calls are possible, each still a full batch.
        $stats.calls | Should -BeGreaterOrEqual 400
        @($stats.batchSizes.PSObject.Properties.Name) | Should -Be @('20')
        $stats.maxCallsInCalendarSecond | Should -BeLessOrEqual 200
        $stats.rateLimited | Should -Be 0
        # Several at once, read from the emulator's log rather than from a time bound: calls that overlap (each takes
        # its 50 ms of latency at least).
        Get-MaxCallsInFlight | Should -BeGreaterThan 1
    }

    It 'honours a lower -MaxRequestsPerSecond' {
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRequestsPerSecond 40 -SkipCheck
        Set-Faults @{}
        $ids = @($graph.Users | Select-Object -First 1600)
        $rows = @($ids | Get-TencentChatFollowInfo)
        $rows.Count | Should -Be 1600
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.maxCallsInCalendarSecond | Should -BeLessOrEqual 40
        $stats.rateLimited | Should -Be 0
    }

    It 'shares one budget between parallel runspaces' {
        Set-Faults @{ latencyMs = 20 }
        $session = Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -SkipCheck -PassThru
        $module = Get-ModuleUnderTest
        $chunks = 0..2 | ForEach-Object { , @($graph.Users | Select-Object -Skip ($_ * 1000) -First 1000) }
        $counts = $chunks | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:module
            @($_ | Get-TencentChatFollowInfo -Session $using:session).Count
        }
        ($counts | Measure-Object -Sum).Sum | Should -Be 3000
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.calls | Should -Be 150
        $stats.maxCallsInCalendarSecond | Should -BeLessOrEqual 200
        $stats.rateLimited | Should -Be 0
    }
}

Describe 'Through faults' {
    BeforeEach { Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRetry 6 -SkipCheck }

    It 'retries 502s, dropped connections, 30006 and 30007 at 10% and loses nothing' {
        Set-Faults @{ rate = 0.1; kinds = @('502', 'drop', '30006', '30007'); latencyMs = 10 }
        $ids = @($graph.Users | Select-Object -First 3000)
        $rows = @($ids | Get-TencentChatFollowInfo -ErrorVariable errs)
        $errs.Count | Should -Be 0
        Assert-Exact $rows $ids $expected
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.faultsInjected | Should -BeGreaterThan 5
        $stats.maxCallsInCalendarSecond | Should -BeLessOrEqual 200
        $stats.rateLimited | Should -Be 0
    }

    It 'retries a gateway''s 408 Request Timeout like a 5xx and loses nothing' {
        Set-Faults @{ rate = 0.2; kinds = @('408') }
        $ids = @($graph.Users | Select-Object -First 600)
        $rows = @($ids | Get-TencentChatFollowInfo -ErrorVariable errs)
        $errs.Count | Should -Be 0
        Assert-Exact $rows $ids $expected
        (Invoke-EmulatorControl -Emulator $emulator -Name stats).faultsInjected | Should -BeGreaterThan 0
    }

    It 'backs off from 60007 and 429 and still answers every id' {
        Set-Faults @{ rate = 0.15; kinds = @('60007', '429') }
        $ids = @($graph.Users | Select-Object -First 600)
        $rows = @($ids | Get-TencentChatFollowInfo)
        Assert-Exact $rows $ids $expected
        (Invoke-EmulatorControl -Emulator $emulator -Name stats).faultsInjected | Should -BeGreaterThan 0
    }

    It 'never reports a wrong count for malformed answers; each id comes out once' {
        Set-Faults @{ rate = 0.3; kinds = @('html', 'truncated', 'missing', 'extra', 'wrongtype') }
        $ids = @($graph.Users | Select-Object -First 2000)
        $rows = @($ids | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)
        foreach ($row in $rows) {
            $e = $expected[$row.UserId]
            "$($row.FollowerCount)/$($row.FollowingCount)/$($row.MutualFollowingCount)" | Should -Be "$($e.FollowerCount)/$($e.FollowingCount)/$($e.MutualFollowingCount)" -Because $row.UserId
        }
        $failed = @($errs | ForEach-Object TargetObject)
        # Spoiled items are asked for again and bad answers retried, so errors are rare; any that remain are of these kinds.
        foreach ($id in @($errs | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] } | Sort-Object -Unique)) {
            $id | Should -BeIn @('TencentChat.MissingFromAnswer', 'TencentChat.InvalidResponse')
        }
        $seen = @($rows.UserId) + $failed
        $seen.Count | Should -Be $ids.Count
        (@($seen | Sort-Object) -join ',') | Should -Be (@($ids | Sort-Object) -join ',')
        # Results stay in input order around the errors.
        ($rows.UserId -join ',') | Should -Be (@($ids | Where-Object { $_ -notin $failed }) -join ',')
    }

    It 'turns exhausted retries into one error per id with the last reason, and goes on' {
        # Most calls fail, not all: the service is up (a service down for every call is an outage, ridden out: see
        # Outage.Tests.ps1), and a call that fails twice gets its ids reported with the reason.
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRetry 1 -SkipCheck
        Set-Faults @{ rate = 0.6; kinds = @('30006') }
        $ids = @($graph.Users | Select-Object -First 400)
        $rows = @($ids | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -BeGreaterThan 0
        $rows.Count | Should -BeGreaterThan 0 -Because 'the run goes on'
        foreach ($e in $errs) {
            $e.Exception.Message | Should -Match '30006'
            $e.Exception.Message | Should -Match 'after 2 attempts'
        }
        $seen = @($rows.UserId) + @($errs | ForEach-Object TargetObject)
        (@($seen | Sort-Object) -join ',') | Should -Be (@($ids | Sort-Object) -join ',') -Because 'every id comes out once'
    }
}

Describe 'An endpoint that does not answer' {
    It 'stops at the first call when nothing answers there, with one error naming the endpoint' {
        # Port 9 (discard) on loopback: nothing listens there, so every connection is refused at once.
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint 'http://127.0.0.1:9' -MaxRetry 1 -SkipCheck
        $ids = @($graph.Users | Select-Object -First 300)
        $err = $null
        try { $ids | Get-TencentChatFollowInfo -ErrorVariable perId -ErrorAction SilentlyContinue } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped*'
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.ConnectionFailed'
        $err.Exception.Message | Should -Match 'No call of this run to http://127.0.0.1:9 got a Tencent Cloud Chat answer'
        $err.Exception.Message | Should -Match '-Endpoint'
        @($perId | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -notlike 'TencentChat.RunStopped*' }).Count | Should -Be 0
        $err.Exception.UnansweredIds.Count | Should -Be 21 -Because 'the first call went alone and nothing followed it'
    }
}

Describe 'An answer whose body stalls' {
    AfterEach { Set-Faults @{} }

    It 'ends the call at -TimeoutSec with TencentChat.Timeout, though its headers came at once' {
        # Headers and half the body at once, then nothing for a minute: -TimeoutSec covers reading the body too.
        Set-Faults @{ rate = 1; kinds = @('stall-body'); slowMs = 60000 }
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRetry 0 -TimeoutSec 4 -SkipCheck
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $err = $null
        try { @($graph.Users | Select-Object -First 5) | Get-TencentChatFollowInfo -ErrorAction SilentlyContinue } catch { $err = $_ }
        $clock.Stop()
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped*'
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.Timeout'
        # The headers came: the service was reached, and the message says so rather than "No answer".
        $err.Exception.Cause.Message | Should -Match '\(HTTP 200\) came, but its body did not finish within 4 s'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 40 -Because 'the stall lasts 60 s; the call gives up after 4'
        Wait-Until { @(Invoke-EmulatorControl -Emulator $emulator -Name requests).Count -gt 0 } -Because 'the abandoned call to be logged'
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests).fault | Should -Be 'stall-body'
    }
}

Describe 'An answer whose body breaks off' {
    AfterEach { Set-Faults @{} }

    It 'is an answer: calls of it in a row never stop the run as calls that could not reach the service' {
        # The status line and headers came, then half the body and the connection closed: the service was reached.
        # With -MaxRetry 0 each call gives up at once; five such calls in a row must not stop the run as unreachable.
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRetry 0
        Set-Faults @{ rate = 1; kinds = @('cut-body') }
        $ids = @($graph.Users | Select-Object -First 100)
        $out = @($ids | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue -Verbose 4>&1)
        @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'TencentChat.RunStopped*' }) | Should -BeNullOrEmpty
        @($errs | ForEach-Object TargetObject).Count | Should -Be 100
        foreach ($e in $errs) {
            $e.Exception.Message | Should -Not -Match 'could not reach the service'
            $e.Exception.Message | Should -Match 'HTTP 200'
        }
        $calls = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'batch \d+: \d+ ids' })
        $calls.Count | Should -Be 5
        $calls.Message | Should -Not -Match 'no HTTP answer'
    }
}

Describe 'An endpoint that can never work' {
    AfterEach { Set-Faults @{} }

    It 'a page that is not Tencent''s JSON: stops at the first call, naming the endpoint and what it answered' {
        Set-Faults @{ rate = 1; kinds = @('html') }
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRetry 1 -SkipCheck
        $ids = @($graph.Users | Select-Object -First 400)
        $err = $null
        try { $ids | Get-TencentChatFollowInfo -ErrorVariable perId -ErrorAction SilentlyContinue } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped*'
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.InvalidResponse'
        $err.Exception.Message | Should -Match 'not JSON'
        $err.Exception.Message | Should -Match '<html>'
        $err.Exception.Message | Should -Match ([regex]::Escape("No call of this run to $($emulator.Url.TrimEnd('/'))"))
        @($perId | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -notlike 'TencentChat.RunStopped*' }).Count | Should -Be 0
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests).Count | Should -Be 2 -Because 'the first call and its one retry, nothing else'
    }

    It 'a certificate the machine does not trust: stops at the first call without retrying' {
        $https = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--https', 'on'
        try {
            $https.Url | Should -BeLike 'https://*'
            Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $https.Url -MaxRetry 3 -SkipCheck
            $err = $null
            try { @($graph.Users | Select-Object -First 50) | Get-TencentChatFollowInfo -ErrorVariable perId -ErrorAction SilentlyContinue } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped*'
            $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.CertificateRejected'
            $err.Exception.Message | Should -Match 'certificate was not accepted'
            $err.Exception.Message | Should -Match ([regex]::Escape($https.Url.TrimEnd('/')))
            @($perId | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -notlike 'TencentChat.RunStopped*' }).Count | Should -Be 0
        } finally {
            $https | Stop-Emulator
        }
    }
}

Describe 'Messages and Stop' {
    BeforeEach { Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -SkipCheck }

    It 'writes one verbose line per call, without the query string' {
        Set-Faults @{}
        $verbose = @($graph.Users | Select-Object -First 45 | Get-TencentChatFollowInfo -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $calls = @($verbose | Where-Object Message -Match 'batch \d+: \d+ ids?, HTTP 200, \d+ ms, 0 retries')
        $calls.Count | Should -Be 3
        ($verbose.Message -join "`n") | Should -Not -Match 'usersig|sdkappid='
    }

    It 'reports progress a few times a second at most, and completes it' {
        Set-Faults @{ latencyMs = 100 }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($module, $url, $cred, $ids)
                Import-Module $module
                Connect-TencentChat -SdkAppId 1400000001 -Credential $cred -Endpoint $url -MaxRequestsPerSecond 20 -SkipCheck
                $ids | Get-TencentChatFollowInfo -ThrottleLimit 4
            }).AddArgument((Get-ModuleUnderTest)).AddArgument($emulator.Url).AddArgument($cred).AddArgument(@($graph.Users | Select-Object -First 1000))
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $out = $ps.Invoke()
            $clock.Stop()
            $out.Count | Should -Be 1000
            $progress = @($ps.Streams.Progress | Where-Object Activity -EQ 'Get-TencentChatFollowInfo')
            $progress.Count | Should -BeGreaterThan 1
            $progress.Count | Should -BeLessOrEqual ([math]::Ceiling($clock.Elapsed.TotalSeconds * 3) + 2)
            $progress[-1].RecordType | Should -Be 'Completed'
            $progress[-2].StatusDescription | Should -Match 'ids done, 0 errors, [\d,]+ ids/s'
            $progress[-2].StatusDescription | Should -Match 'pacing [\d,]+ calls/s'
        } finally { $ps.Dispose() }
    }

    It 'stops with calls in flight without waiting for their answers, and writes nothing' {
        Set-Faults @{ latencyMs = 4000 }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($module, $url, $cred, $ids)
                Import-Module $module
                Connect-TencentChat -SdkAppId 1400000001 -Credential $cred -Endpoint $url -SkipCheck
                $ids | Get-TencentChatFollowInfo
            }).AddArgument((Get-ModuleUnderTest)).AddArgument($emulator.Url).AddArgument($cred).AddArgument(@($graph.Users | Select-Object -First 400))
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]$null, $output)
            # A call is on the wire once the emulator has its UserSig; its answer then takes 4 s.
            Wait-Until { @(Invoke-EmulatorControl -Emulator $emulator -Name usersigs).Count -gt 0 } -Because 'a call to arrive'
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $output.Count | Should -Be 0 -Because 'no call had answered yet'
            # Stop abandoned the calls in flight: the emulator logs each as the client going away, with no answer
            # sent (httpStatus null), instead of answering it after its 4 s.
            Wait-Until { @(Invoke-EmulatorControl -Emulator $emulator -Name requests).Count -gt 0 } -Because 'the abandoned calls to be logged'
            @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object { $null -ne $_.httpStatus }).Count | Should -Be 0 -Because 'no call was answered'
            $output.Count | Should -Be 0
        } finally { $ps.Dispose() }
    }
}
