# Issue 10: a short outage in the middle of a run is ridden out: every row right, no error.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 4000 -Edges 20000 -Seed 29
    $script:expected = Get-ExpectedCount -Path $graph.Path
    $script:appId = 1400000321 # its own limiter
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path, '--sdkappid', $appId, '--latency-ms', '20'
    $script:cred = Get-EmulatorCredential
    # About 40,000 ids: the users the app knows (those with an edge), ten times over.
    $known = @($graph.Users | Where-Object { $expected.ContainsKey($_) })
    $script:ids = @(foreach ($round in 1..10) { $known })
    $script:want = ($ids | ForEach-Object { $e = $expected[$_]; "${_}:$($e.FollowerCount)/$($e.FollowingCount)/$($e.MutualFollowingCount)" }) -join "`n"
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'A short outage in the middle of a run' {
    It 'rides out 8 s of <Kind> 3 s into about 40,000 ids: every row right, in order, no error' -ForEach @(
        @{ Kind = '502' }
        @{ Kind = 'drop' }
    ) {
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0; outageAtS = 3; outageS = 8; outageKind = $Kind }
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $rows = @($ids | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue -Verbose 4>&1)
        $verbose = @($rows | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $rows = @($rows | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $errs | Should -BeNullOrEmpty
        (($rows | ForEach-Object { "$($_.UserId):$($_.FollowerCount)/$($_.FollowingCount)/$($_.MutualFollowingCount)" }) -join "`n") | Should -Be $want
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.outageCalls | Should -BeGreaterThan 0
        # One probe at a time while it is down, not 64 calls burning their retries: few calls hit the outage.
        $stats.outageCalls | Should -BeLessThan 200
        @($verbose | Where-Object Message -Match 'down for every call').Count | Should -BeGreaterThan 0
        # The run's own lines: once as the outage begins, once as it ends.
        @($verbose | Where-Object Message -Match '^The service at .+ is down for every call').Count | Should -Be 1
        @($verbose | Where-Object Message -Match '^The service at .+ answers again; the run goes on').Count | Should -Be 1
        # Kept probing through the outage (about one probe a second): not a run that gave up and waited idle.
        $stats.outageCalls | Should -BeGreaterThan 3
    }
}

Describe 'An outage going on when a run starts' {
    It 'waits out 4 s of <Kind> that began after Connect''s check, before the run''s first call: every row right, no error' -ForEach @(
        @{ Kind = '502' }
        @{ Kind = '30007' }
    ) {
        # One retry (a quarter second): the outage outlasts every call's retries, so only waiting it out saves the ids.
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -RetryTimeoutSec 30 -MaxRetry 1
        # The outage's clock starts at the first API call after the reset: the run's first call meets it.
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0; outageAtS = 0; outageS = 4; outageKind = $Kind }
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $some = $ids[0..3999]
        $rows = @($some | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs | Should -BeNullOrEmpty
        $want = ($some | ForEach-Object { $e = $expected[$_]; "${_}:$($e.FollowerCount)/$($e.FollowingCount)/$($e.MutualFollowingCount)" }) -join "`n"
        (($rows | ForEach-Object { "$($_.UserId):$($_.FollowerCount)/$($_.FollowingCount)/$($_.MutualFollowingCount)" }) -join "`n") | Should -Be $want
        (Invoke-EmulatorControl -Emulator $emulator -Name stats).outageCalls | Should -BeGreaterThan 0
    }
}

Describe 'An outage longer than -RetryTimeoutSec' {
    AfterEach {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0; latencyMs = 20; outageS = 0 }
    }

    It 'stops the run about -RetryTimeoutSec after it began (<Kind>), not after a probe for each call in flight' -ForEach @(
        @{ Kind = '502' }
        @{ Kind = '408' }
        @{ Kind = 'drop' }
    ) {
        # 100 ms answers: about 20 calls are on the wire when the service goes down. Each used to wait for a probe of its
        # own (one each 2 s) before it gave up, so the run ended some 50 s later instead of about 3 s.
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -RetryTimeoutSec 3
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0; latencyMs = 100; outageAtS = 1; outageS = 600; outageKind = $Kind }
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $stop = $null
        $told = [Collections.Generic.List[double]]::new() # when each line of the outage came out
        try {
            $ids | Get-TencentChatFollowInfo -ErrorAction SilentlyContinue -Verbose 4>&1 | ForEach-Object {
                if ($_ -is [Management.Automation.VerboseRecord] -and $_.Message -match '^The service at .+ is down for every call') { $told.Add($clock.Elapsed.TotalSeconds) }
            }
        }
        catch { $stop = $_ }
        $clock.Stop()
        $stop.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped*'
        $stop.Exception.Cause.ErrorId | Should -Be 'TencentChat.ServiceUnavailable'
        # 1 s before the outage, 3 s of it, the probe that finds it over 3 s (at most 2 s later), and room for a busy machine.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 14
        # -Verbose says so while the run waits, not only with the calls' results at the end.
        $told.Count | Should -Be 1
        $told[0] | Should -BeLessThan ($clock.Elapsed.TotalSeconds - 2)
        # Nothing was sent after the run gave up: about one call per probe, besides those on the wire when it began.
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.outageCalls | Should -BeLessThan 60
    }
}
