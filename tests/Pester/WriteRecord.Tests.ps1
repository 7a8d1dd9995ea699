# Issue 17: a run's record is complete whenever the module still has the floor. Under -ErrorAction Stop, or when an
# answer every later call would get stops the run, every pair the service has done is written before the one error;
# a pipeline stopped from outside leaves at most the documented number of pairs done without a record.
# Every check is on the emulator's state (Test-TencentChatFollow, the request log), never on timing.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force

    # user_000001..user_000600 exist (each follows 'hub'); nobody follows anybody else.
    $script:users = 1..600 | ForEach-Object { 'user_{0:d6}' -f $_ }
    $script:graphPath = Join-Path $TestDrive 'record.csv'
    Set-Content -LiteralPath $graphPath -Value (@('follower,followee') + @($users | ForEach-Object { "$_,hub" }) + @('hub,user_000599'))
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graphPath
    $script:cred = Get-EmulatorCredential
    $script:appId = (Get-EmulatorIdentity).SdkAppId
    Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url

    function Set-Faults([hashtable] $Settings) { Set-EmulatorFault -Emulator $emulator -Setting $Settings }

    # Waits until the emulator has answered $Count calls of $Api since its log was reset. A call starts on the thread
    # pool: on a busy machine the pipeline reads many more ids before it goes out, so a fault set "after the first
    # call" without this wait may meet that call too.
    function Wait-Answered([string] $Api, [int] $Count) {
        Wait-Until { @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object { $_.api -eq $Api -and $null -ne $_.httpStatus }).Count -ge $Count } -Because "$Count $Api call(s) to be answered"
    }

    # The pairs From -> each of $Ids that the service has made, in the order of $Ids.
    function Get-Followed([string] $From, [string[]] $Ids, $Session = (Get-TencentChatContext)) {
        @(Test-TencentChatFollow -From $From -UserId $Ids -Session $Session -ErrorAction SilentlyContinue | Where-Object IsFollowing | ForEach-Object UserId)
    }

    # Waits until every call that reached the emulator before a probe call has finished there (its log has each
    # sequence number up to the probe's): calls a stopped command left in flight may still be writing.
    function Wait-EmulatorSettled($Emulator, $Session) {
        $null = Test-TencentChatFollow -From hub -UserId user_000599 -Session $Session
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        do {
            $log = @(Invoke-EmulatorControl -Emulator $Emulator -Name requests)
            $probe = ($log | Where-Object api -EQ 'follow_check' | Select-Object -Last 1).seq
            if ($probe -and @($log | Where-Object seq -LE $probe).Count -eq $probe) { return }
        } while ([DateTime]::UtcNow -lt $deadline)
        throw 'The emulator did not finish the calls made before the probe within 60 s.'
    }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'A write run under -ErrorAction Stop' {
    BeforeEach {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        Set-Faults @{}
    }

    It 'the vip.txt runbook: all three pairs the service made are in followed.csv, and one error lists nosuch as failed and nothing unsent' {
        $vip = Join-Path $TestDrive 'vip.txt'
        $followed = Join-Path $TestDrive 'followed.csv'
        Set-Content -LiteralPath $vip -Value 'user_000031', 'nosuch', 'user_000032', 'user_000033'
        $caught = @()
        try {
            Get-Content $vip | Add-TencentChatFollow -From user_000036 -PassThru -ErrorAction Stop | Export-Csv $followed
        } catch {
            $caught += $_
        }

        $made = Get-Followed -From user_000036 -Ids (Get-Content $vip | Where-Object { $_ -ne 'nosuch' })
        ($made -join ',') | Should -Be 'user_000031,user_000032,user_000033' -Because 'the service made the pairs of the call it answered'
        $rows = @(Import-Csv $followed)
        ($rows | ForEach-Object { "$($_.From)>$($_.UserId)" }) -join ',' |
            Should -Be 'user_000036>user_000031,user_000036>user_000032,user_000036>user_000033' -Because 'every pair made is in the record, in input order'

        $caught.Count | Should -Be 1 -Because 'the run stops with one error'
        $err = $caught[0]
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.UserNotFound,*'
        $err.TargetObject | Should -Be 'nosuch'
        $err.Exception.FailedIds | Should -Be @('nosuch')
        $err.Exception.UnansweredIds.Count | Should -Be 0
        $err.Exception.UnknownIds.Count | Should -Be 0 -Because 'Tencent refused nosuch in its item: a known failure'
        $err.Exception.Cause.OutcomeUnknown | Should -BeFalse
        $err.Exception.Done | Should -Be 3
        $err.Exception.Message | Should -Match "'nosuch'"
        $err.Exception.Message | Should -Match '4 pairs answered: 3 done and written to the output, failed: nosuch; 0 pairs not sent\.'
        $err.Exception.Message | Should -Match 'Test-TencentChatFollow on the input'
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.UserNotFound'
    }

    It '$ErrorActionPreference = ''Stop'' (as README''s runbook block sets it) gives the same record' {
        $err = & {
            $ErrorActionPreference = 'Stop'
            try { $null = 'user_000041', 'nosuch', 'user_000042' | Add-TencentChatFollow -From user_000046 -PassThru } catch { $_ }
        }
        (Get-Followed -From user_000046 -Ids 'user_000041', 'user_000042') -join ',' | Should -Be 'user_000041,user_000042'
        $err.Exception.FailedIds | Should -Be @('nosuch')
        $err.Exception.Done | Should -Be 2
    }

    It 'without -PassThru the error says the pairs done were not written' {
        $err = { 'user_000051', 'nosuch' | Add-TencentChatFollow -From user_000056 -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match '2 pairs answered: 1 done \(not written: -PassThru writes them\), failed: nosuch; 0 pairs not sent\.'
    }

    It 'stops sending at the error: the ids after it in the input are not sent and are listed as such' {
        # 45 ids as one -UserId array: the first call (20) goes alone and holds the unknown id; the rest are never sent.
        $ids = @($users[100..119]) + @('nosuch') + @($users[120..143])
        $ids[5] = 'ghost'
        $err = $null
        try { Add-TencentChatFollow -From user_000300 -UserId $ids -PassThru -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $done = Get-Followed -From user_000300 -Ids $ids
        ($out.UserId -join ',') | Should -Be ($done -join ',') -Because 'every pair made is in the output'
        $err.Exception.FailedIds | Should -Be @('ghost')
        $err.TargetObject | Should -Be 'ghost'
        # every id comes out once: done, failed or not sent, in input order
        (@($out.UserId) + @($err.Exception.FailedIds) + @($err.Exception.UnansweredIds) | Sort-Object) -join ',' | Should -Be (@($ids | Sort-Object) -join ',')
        $err.Exception.UnansweredIds | Should -Contain 'nosuch' -Because 'the ids after the call with the error were not sent'
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object api -EQ 'follow_add').Count | Should -Be 1
        $err.Exception.Message | Should -Not -Match 'Input after them was not read' -Because 'every id of -UserId was read: those not sent are listed'
    }
}

Describe 'An input refused under -ErrorAction Stop' {
    BeforeEach {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        Set-Faults @{}
    }

    It 'Add-TencentChatFollow: the pairs sent before the refused row are written, the ones after it in the batch are not sent' {
        $rows = @($users[400..424] | ForEach-Object { [pscustomobject]@{ UserId = $_ } }) + @([pscustomobject]@{ user = 'user_000430' }) + @([pscustomobject]@{ UserId = 'user_000431' })
        $err = $null
        try { $rows | Add-TencentChatFollow -From user_000002 -PassThru -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
        $err.TargetObject.user | Should -Be 'user_000430'
        $done = Get-Followed -From user_000002 -Ids $users[400..431]
        ($out.UserId -join ',') | Should -Be ($done -join ',') -Because 'every pair made is in the output'
        @($out.UserId) + @($err.Exception.UnansweredIds) -join ',' | Should -Be ($users[400..424] -join ',') -Because 'the ids before the refused row are done or not sent; none after it was read'
        $done.Count | Should -BeGreaterOrEqual 20 -Because 'the first call went before the refused row was read'
    }

    It 'Get-TencentChatFollow: the lists before the refused input are read to their end and written' {
        $err = $null
        try { 'hub', [pscustomobject]@{ user = 'user_000003' }, 'user_000599' | Get-TencentChatFollow -PageSize 100 -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
        @($out | Where-Object OfUserId -EQ 'hub').Count | Should -Be 600
        @($out | Where-Object OfUserId -NE 'hub').Count | Should -Be 0
        $err.Exception.Done | Should -Be 1
    }

    It 'Get-TencentChatFollow: a user failed before the refused input is counted as failed, not as done too' {
        # One record, and every answer 200 ms late: the input is refused before nosuch's answer comes back.
        Set-Faults @{ latencyMs = 200 }
        $err = $null
        try { Get-TencentChatFollow -UserId 'nosuch', 'hub', ([pscustomobject]@{ user = 'user_000003' }) -PageSize 100 -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        Set-Faults @{}
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
        @($out | Where-Object OfUserId -EQ 'hub').Count | Should -Be 600
        $err.Exception.FailedIds | Should -Be @('nosuch')
        $err.Exception.Done | Should -Be 1 -Because 'each list received is counted in Done or listed in exactly one list'
        $err.Exception.Message | Should -Match '2 lists answered: 1 done and written to the output \(600 entries\), failed: nosuch; '
    }
}

Describe 'A write run stopped by an answer every later call would get' {
    BeforeEach {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        Set-Faults @{}
    }
    AfterEach { Set-Faults @{} }

    It 'a wrong-key answer mid-run: every pair done is in the output, every other id in UnansweredIds' {
        $ids = @($users[200..399])
        $script:fed = 0
        # The 41st id waits until the first call (ids 1-20) was answered: from then on the key is "wrong".
        $feed = { $script:fed++; if ($script:fed -eq 41) { Wait-Answered follow_add 1; Set-Faults @{ rate = 1; kinds = @('70009') } }; $_ }
        $err = $null
        try { $ids | ForEach-Object $feed | Add-TencentChatFollow -From user_000001 -PassThru -ThrottleLimit 4 -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        Set-Faults @{}

        $done = Get-Followed -From user_000001 -Ids $ids
        $done.Count | Should -BeGreaterOrEqual 20 -Because 'the first call was answered before the key went wrong'
        ($out.UserId -join ',') | Should -Be ($done -join ',') -Because 'every pair done is in the output, in input order'
        $unanswered = @($err.Exception.UnansweredIds)
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*'
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.UserSigRejected'
        $err.Exception.Message | Should -Match '70009'
        $err.Exception.Message | Should -Match "$($done.Count) pairs answered: $($done.Count) done and written to the output, failed: none; $($unanswered.Count) pairs not answered \(not sent, or in a call that failed with the run without doing anything\): $($unanswered[0]), "
        $err.Exception.Done | Should -Be $done.Count
        $err.Exception.FailedIds.Count | Should -Be 0
        $unanswered.Count | Should -BeGreaterOrEqual 20 -Because 'the calls after the key went wrong failed with the run'
        # the ids received are a prefix of the input; each is done or unanswered, once
        (@($out.UserId) + $unanswered) -join ',' | Should -Be ($ids[0..($out.Count + $unanswered.Count - 1)] -join ',')
        $errorCodes = @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object api -EQ 'follow_add' | ForEach-Object errorCode)
        @($errorCodes | Where-Object { $_ -eq 70009 }).Count | Should -BeGreaterThan 0
    }
}

Describe 'Inputs refused before a run stopped by an answer every later call would get' {
    BeforeEach {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        Set-Faults @{ rate = 1; kinds = @('70009') }
    }
    AfterEach { Set-Faults @{} }

    # The refused rows come first, then enough ids for three calls at one call in flight, so the stop comes while
    # input is still read (ProcessRecord), not at its end: the refused rows' errors used to be written only there.
    It '<Cmdlet>: the refused inputs'' errors are written before the stop error; every input read comes out once' -ForEach @(
        @{ Cmdlet = 'Add-TencentChatFollow'; Pairs = $true; PerCall = 20 }
        @{ Cmdlet = 'Remove-TencentChatFollow'; Pairs = $true; PerCall = 20 }
        @{ Cmdlet = 'Test-TencentChatFollow'; Pairs = $true; PerCall = 100 }
        @{ Cmdlet = 'Get-TencentChatFollowInfo'; Pairs = $false; PerCall = 20 }
        @{ Cmdlet = 'Get-TencentChatFollow'; Pairs = $false; PerCall = 1 }
    ) {
        $ids = @($users[0..(3 * $PerCall + 9)])
        $in = if ($Pairs) {
            @([pscustomobject]@{ From = ''; UserId = 'norow' }, [pscustomobject]@{ From = 'hub'; UserId = '' }) +
            @($ids | ForEach-Object { [pscustomobject]@{ From = 'hub'; UserId = $_ } })
        } else {
            @([pscustomobject]@{ user = 'norow' }, [pscustomobject]@{ UserId = '' }) + @($ids)
        }
        $err = $null
        $out = [System.Collections.Generic.List[object]]::new()
        try { $in | & $Cmdlet -ThrottleLimit 1 -ErrorVariable ev -ErrorAction SilentlyContinue | ForEach-Object { $out.Add($_) } } catch { $err = $_ }

        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*'
        $err.Exception.Message | Should -Match 'Input after them was not read' -Because 'the run stopped before its input ended'
        # The error variable holds the refusals, then the stop error (as an exception that wraps the run's).
        $ev.Count | Should -Be 3
        [object]::ReferenceEquals($ev[2].InnerException, $err.Exception) | Should -BeTrue -Because 'the refusals come before the stop error'
        $refused = @($ev[0], $ev[1])
        $expectedIds = if ($Pairs) { 'TencentChat.NoFrom', 'TencentChat.NotAUserId' } else { 'TencentChat.NotAUserId', 'TencentChat.NotAUserId' }
        @($refused | ForEach-Object { $_.FullyQualifiedErrorId -replace ',.*' }) -join ',' | Should -Be ($expectedIds -join ',')
        if ($Pairs) {
            $refused[0].TargetObject | Should -Be 'norow'
            $refused[1].TargetObject.From | Should -Be 'hub'
        } else {
            $refused[0].TargetObject.user | Should -Be 'norow'
        }
        $out.Count | Should -Be 0 -Because 'every call got the wrong-key answer'
        $unanswered = @($err.Exception.UnansweredIds)
        $unanswered.Count | Should -BeGreaterThan 0
        ($unanswered -join ',') | Should -Be ($ids[0..($unanswered.Count - 1)] -join ',') -Because 'the ids read are not answered, once each, in input order'
    }

    # Ids given as an array are one record: the stop comes in the middle of it. Get-TencentChatFollow used to throw
    # there, and the users after the stop were in no list.
    It '<Cmdlet> -UserId with an array: every id is in the stop error''s lists, once, in order' -ForEach @(
        @{ Cmdlet = 'Get-TencentChatFollow'; Extra = @{} }
        @{ Cmdlet = 'Get-TencentChatFollowInfo'; Extra = @{} }
        @{ Cmdlet = 'Test-TencentChatFollow'; Extra = @{ From = 'hub' } }
        @{ Cmdlet = 'Add-TencentChatFollow'; Extra = @{ From = 'hub' } }
    ) {
        $ids = @($users[0..59])
        $err = $null
        try { & $Cmdlet -UserId $ids @Extra -ThrottleLimit 1 -ErrorAction SilentlyContinue } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*'
        $listed = @($err.Exception.FailedIds) + @($err.Exception.UnknownIds) + @($err.Exception.UnansweredIds)
        ($listed -join ',') | Should -Be ($ids -join ',') -Because 'nothing was answered, and every id given comes out once'
    }

    # Under -ErrorAction Stop a refused input is not kept for an error at the end: it is held, or listed as not sent.
    # One that came after the stop, in the same -UserId array, was held as the first error and then dropped with it:
    # neither written nor in UnansweredIds.
    It '<Cmdlet> -UserId with an array under -ErrorAction Stop: an id refused after the stop is listed as not sent, in order' -ForEach @(
        @{ Cmdlet = 'Add-TencentChatFollow'; Extra = @{ From = 'hub' } }
        @{ Cmdlet = 'Remove-TencentChatFollow'; Extra = @{ From = 'hub' } }
        @{ Cmdlet = 'Get-TencentChatFollowInfo'; Extra = @{} }
        @{ Cmdlet = 'Get-TencentChatFollow'; Extra = @{} }
    ) {
        $long = 'x' * 40 # longer than any account id: refused (TencentChat.NotAUserId), not sent
        $ids = @($users[0..59]) + @($long) + @($users[60..64])
        $err = $null
        try { & $Cmdlet -UserId $ids @Extra -ThrottleLimit 1 -ErrorAction Stop -ErrorVariable ev } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*' -Because 'the first call (ids 1-20, alone) got the wrong-key answer before id 21 was taken'
        $listed = @($err.Exception.FailedIds) + @($err.Exception.UnknownIds) + @($err.Exception.UnansweredIds)
        ($listed -join ',') | Should -Be ($ids -join ',') -Because 'every input of the array is in the record once, the refused one too'
    }

    # Get-TencentChatFollow starts a list as soon as it takes the user: an id refused after it in the same array is
    # held before the list's wrong-key answer comes back. That answer is first in input order and ends the run; the
    # refused id was dropped with the error held for it: neither written nor in UnansweredIds.
    It 'Get-TencentChatFollow -UserId under -ErrorAction Stop: an id refused before the stop came back, after the stopped list, is listed as not read' {
        Set-Faults @{ rate = 1; kinds = @('70009'); latencyMs = 200 }
        $ids = @('user_000001', ('x' * 40))
        $err = $null
        try { Get-TencentChatFollow -UserId $ids -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*' -Because 'the wrong-key answer comes before the refused id in input order'
        $listed = @($err.Exception.FailedIds) + @($err.Exception.UnknownIds) + @($err.Exception.UnansweredIds)
        ($listed -join ',') | Should -Be ($ids -join ',') -Because 'every input of the array is in the record once, the refused one too'
    }
}

Describe 'Calls waiting for their turn when a run stops are not sent' {
    BeforeAll {
        # 4 calls/s: a write run of 20 calls has most of them started and waiting in the rate limiter at any time (up to
        # -ThrottleLimit 64), and a turn comes 250 ms after the last. A call goes out after the error only if its turn came
        # before the error's answer was read: on a busy machine (CI) that read can take a while, so the bounds below allow
        # the call on the wire and one more turn; the calls waiting (16 after the error here) are what they guard against.
        $script:slow = Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRequestsPerSecond 4 -Scope Runspace -PassThru
        Disconnect-TencentChat -Scope Runspace
    }
    BeforeEach {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        Set-Faults @{}
    }
    AfterEach { Set-Faults @{} }

    It 'under -ErrorAction Stop: no call goes out after the error, and every id is done, failed or not sent, once' {
        $ids = @($users[0..399])
        $ids[65] = 'nosuch' # in the fourth call
        $err = $null
        try { $ids | Add-TencentChatFollow -From hub -Session $slow -PassThru -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        $err.Exception.FailedIds | Should -Be @('nosuch')

        $adds = @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object api -EQ 'follow_add')
        $failedAt = @($adds | Where-Object { @($_.toAccount) -contains 'nosuch' })[0].seq
        @($adds | Where-Object seq -GT $failedAt).Count | Should -BeLessOrEqual 2 -Because 'at 4 calls/s only the call already on the wire, and one whose turn came while the answer was read, go after it; before, every call waiting in the limiter did (16)'
        $done = Get-Followed -From hub -Ids $ids
        ($out.UserId -join ',') | Should -Be ($done -join ',') -Because 'every pair done is in the output'
        (@($out.UserId) + @($err.Exception.FailedIds) + @($err.Exception.UnansweredIds) | Sort-Object) -join ',' | Should -Be (@($ids | Sort-Object) -join ',')
        # The calls started and waiting were not sent: their ids are in no request (which of them had started depends
        # on the thread pool: on a busy machine the failed call may go out after most of the others).
        $sent = @($adds | ForEach-Object { $_.toAccount })
        (@($err.Exception.UnansweredIds | Sort-Object) -join ',') | Should -Be (@($ids | Where-Object { $sent -notcontains $_ } | Sort-Object) -join ',')
        $err.Exception.UnansweredIds.Count | Should -BeGreaterThan 0 -Because 'the calls waiting for their turn were not sent'
    }

    It 'after an answer every later call would get: no call goes out after it' {
        $ids = @($users[200..599])
        $script:fed = 0
        # The 41st id waits until the first call (ids 1-20) was answered: from then on the key is "wrong".
        $feed = { $script:fed++; if ($script:fed -eq 41) { Wait-Answered follow_add 1; Set-Faults @{ rate = 1; kinds = @('70009') } }; $_ }
        $err = $null
        try { $ids | ForEach-Object $feed | Add-TencentChatFollow -From user_000003 -Session $slow -PassThru -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        Set-Faults @{}
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*'

        $refused = @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object { $_.api -eq 'follow_add' -and $_.errorCode -eq 70009 })
        $refused.Count | Should -BeLessOrEqual 3 -Because 'the first refused call stops the run; only the call already on the wire, and one whose turn came while the answer was read, go after it'
        (@($out.UserId) + @($err.Exception.UnansweredIds)) -join ',' | Should -Be ($ids[0..($out.Count + $err.Exception.UnansweredIds.Count - 1)] -join ',')
    }
}

Describe 'A read run under -ErrorAction Stop keeps every row fetched before the error' {
    BeforeEach {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        Set-Faults @{}
    }

    It 'Get-TencentChatFollowInfo: the rest of the call with the error is written too' {
        $ids = @($users[0..44])
        $ids[24] = 'nosuch'
        $err = $null
        try { $ids | Get-TencentChatFollowInfo -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $expected = @($ids[0..39] | Where-Object { $_ -ne 'nosuch' })
        @($out.UserId)[0..($expected.Count - 1)] -join ',' | Should -Be ($expected -join ',') -Because 'the two calls sent hold ids 1 to 40, all answered'
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.UserNotFound,*'
        $err.Exception.FailedIds | Should -Be @('nosuch')
        (@($out.UserId) + @($err.Exception.FailedIds) + @($err.Exception.UnansweredIds) | Sort-Object) -join ',' | Should -Be (@($ids | Sort-Object) -join ',')
        $err.Exception.Message | Should -Match "$($out.Count + 1) ids answered: $($out.Count) done and written to the output, failed: nosuch; "
    }

    It 'says input was left unread only when piped input had not ended' {
        $err = $null
        # nosuch, then an id every 400 ms (over the 200 ms idle time: each goes in a call of its own) for 12 s. The run
        # stops at nosuch's answer, long before the input ends, however late a busy machine reads that answer; a run that
        # read its input to the end first would not.
        $later = @($users[1..30])
        try { & { 'nosuch'; foreach ($id in $later) { Start-Sleep -Milliseconds 400; $id } } | Get-TencentChatFollowInfo -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.FailedIds | Should -Be @('nosuch')
        # F3 of the write audit: the message says how many input records were read; every id of them is in the record.
        $err.Exception.Message | Should -Match 'Input after them was not read \((\d+) input records? read: the objects piped in, such as lines or CSV rows\)\. This error''s Exception\.FailedIds and Exception\.UnansweredIds hold those ids\.'
        $err.Exception.Message -match 'Input after them was not read \((\d+) input record' | Should -BeTrue
        [long] $Matches[1] | Should -Be $err.Exception.RecordsRead
        $err.Exception.RecordsRead | Should -Be ($err.Exception.Done + @($err.Exception.FailedIds).Count + @($err.Exception.UnansweredIds).Count) -Because 'one id a record: each id read is done, failed or not sent'
        @($err.Exception.UnansweredIds) | Should -Not -Contain $later[-1] -Because 'the run ended before the last id came'

        $err = $null
        try { 'nosuch', $users[1] | Get-TencentChatFollowInfo -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.FailedIds | Should -Be @('nosuch')
        $err.Exception.Message | Should -Not -Match 'Input after them was not read' -Because 'the input had ended when the answer came'
        $err.Exception.Message | Should -Match 'not sent\. This error''s Exception\.FailedIds and Exception\.UnansweredIds hold those ids\.'
    }

    It 'Test-TencentChatFollow: the pairs after the error in its call are written' {
        $ids = @('user_000002', 'nosuch', 'user_000003')
        $err = $null
        try { Test-TencentChatFollow -From user_000001 -UserId $ids -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        ($out.UserId -join ',') | Should -Be 'user_000002,user_000003'
        $err.Exception.FailedIds | Should -Be @('nosuch')
        $err.Exception.UnansweredIds.Count | Should -Be 0
    }

    It 'Get-TencentChatFollow: the lists before the failed user are written whole, the users after it are not read' {
        $err = $null
        try { 'hub', 'user_000599', 'nosuch', 'user_000003' | Get-TencentChatFollow -Relation Follower -PageSize 100 -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        @($out | Where-Object OfUserId -EQ 'hub').Count | Should -Be 600
        @($out | Where-Object OfUserId -EQ 'user_000599').UserId | Should -Be 'hub'
        @($out | Where-Object OfUserId -EQ 'user_000003').Count | Should -Be 0
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.UserNotFound,*'
        $err.Exception.FailedIds | Should -Be @('nosuch')
        $err.Exception.UnansweredIds | Should -Be @('user_000003')
        $err.Exception.Done | Should -Be 2
        $err.Exception.Message | Should -Match '3 lists answered: 2 done and written to the output \(601 entries\), failed: nosuch; 1 list not read: user_000003\.'
    }
}

Describe 'A write pipeline stopped from outside' {
    BeforeAll {
        # An emulator of its own where some calls are slow (seeded: the same calls each time). With the 20,000-id
        # reorder buffer of the reads, the calls behind a slow one would all be sent meanwhile and none written.
        $script:slowEmulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graphPath, '--seed', '17', '--fault-rate', '0.3', '--faults', 'slow', '--slow-ms', '1500', '--latency-ms', '10'
        $script:slowSession = Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $slowEmulator.Url -Scope Runspace -PassThru -SkipCheck
    }
    AfterAll {
        Disconnect-TencentChat -Scope Runspace
        $slowEmulator | Stop-Emulator
    }

    It 'Select-Object -First 3 after 200 pairs written, with slow calls: pairs made minus pairs written stay within (ThrottleLimit + 1) x 20' {
        $ids = @($users[0..499])
        $script:written = 0
        $first = @($ids | Add-TencentChatFollow -From hub -PassThru -ThrottleLimit 4 -Session $slowSession |
                ForEach-Object { $script:written++; $_ } | Select-Object -Skip 200 -First 3)
        $first.Count | Should -Be 3
        Wait-EmulatorSettled -Emulator $slowEmulator -Session $slowSession
        @(Invoke-EmulatorControl -Emulator $slowEmulator -Name requests | Where-Object { $_.api -eq 'follow_add' -and $_.fault -eq 'slow' }).Count |
            Should -BeGreaterThan 0 -Because 'the seed gives slow calls among the first'
        $made = (Get-Followed -From hub -Ids $ids -Session $slowSession).Count
        $made | Should -BeGreaterOrEqual $written
        ($made - $written) | Should -BeLessOrEqual ((4 + 1) * 20) -Because 'the documented bound: the calls in flight and the one call being written'
    }

    It 'at the end of input, a call answered behind none still out is written at once, not after the slowest call: Ctrl+C then loses no pair answered' {
        # Seed 21 makes the third call slow (30 s) and the first two not (2 s each). The first call goes alone; the
        # second goes with the 40th id; the last ten ids go as the third call when the input ends, while the second is
        # still out. Once the second is answered, its pairs must be written without waiting for the third.
        $slow = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graphPath, '--seed', '21', '--fault-rate', '0.5', '--faults', 'slow', '--slow-ms', '30000', '--latency-ms', '2000'
        $ids = @($users[500..549])
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $Url, $Cred, $AppId, $Ids)
                    Import-Module $Module
                    Connect-TencentChat -SdkAppId $AppId -Credential $Cred -Endpoint $Url -SkipCheck -TimeoutSec 60 -Scope Runspace
                    & {
                        $Ids[0..39]
                        Start-Sleep -Milliseconds 500
                        $Ids[40..49]
                    } | Add-TencentChatFollow -From user_000570 -PassThru -ThrottleLimit 4
                }).AddParameters(@{ Module = (Get-ModuleUnderTest); Url = $slow.Url; Cred = $cred; AppId = $appId; Ids = $ids })
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $null = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]$null, $output)
            Wait-Until { @(Invoke-EmulatorControl -Emulator $slow -Name requests | Where-Object { $_.api -eq 'follow_add' -and $_.httpStatus -eq 200 }).Count -ge 2 } -Because 'the second call to be answered'
            Wait-Until { $output.Count -ge 40 } -TimeoutSec 20 -Because 'the pairs of the second call, answered, to be written while the third call is still out'
            $ps.Stop()
            (@($output | ForEach-Object UserId) -join ',') | Should -Be ($ids[0..39] -join ',')
        } finally {
            $ps.Dispose()
            $slow | Stop-Emulator
        }
    }
}

# F1 of the write audit: a pair whose call was sent and got no usable answer (a 30006 after every retry, a dropped
# connection, a timeout, an answer without its item) is unknown, not failed: the emulator makes such writes (docs/emulator.md,
# "Faults and writes"), and the record must not list them as not done. A pair Tencent refused in its item stays failed.
Describe 'A write sent without a usable answer is unknown, not failed' {
    BeforeAll {
        $script:once = Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRetry 1 -TimeoutSec 4 -Scope Runspace -PassThru
        Disconnect-TencentChat -Scope Runspace
        function Add-Canned([string] $Api, [string] $Body, [int] $Calls) {
            $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = $Api; body = $Body; calls = $Calls }
        }
    }
    BeforeEach {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        Set-Faults @{}
    }
    AfterEach { Set-Faults @{} }

    It 'the audit''s 30006 runbook: pairs made but answered 30006 on every attempt are in UnknownIds, not FailedIds' {
        $vip = Join-Path $TestDrive 'vip3.txt'
        $followed = Join-Path $TestDrive 'followed3.csv'
        Set-Content -LiteralPath $vip -Value 'user_000031', 'user_000032', 'user_000033'
        Add-Canned follow_add '{"ActionStatus":"FAIL","ErrorCode":30006,"ErrorInfo":"internal"}' 2
        $err = & {
            $ErrorActionPreference = 'Stop'
            try { Get-Content $vip | Add-TencentChatFollow -From user_000061 -Session $once -PassThru | Export-Csv $followed } catch { $_ }
        }
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object api -EQ 'follow_add').Count | Should -Be 2 -Because '-MaxRetry 1: two attempts, both answered 30006'
        (Get-Followed -From user_000061 -Ids (Get-Content $vip)) -join ',' | Should -Be 'user_000031,user_000032,user_000033' -Because 'the emulator made the follows before answering 30006'

        @(if (Test-Path $followed) { Import-Csv $followed }).Count | Should -Be 0
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.ServiceError,*' -Because 'the first error''s id and category are kept'
        $err.CategoryInfo.Category | Should -Be 'NotSpecified' -Because 'TencentChat.ServiceError''s category, as before'
        $err.TargetObject | Should -Be 'user_000031'
        $err.Exception.FailedIds.Count | Should -Be 0 -Because 'none of them is known not done'
        $err.Exception.UnknownIds | Should -Be @('user_000031', 'user_000032', 'user_000033')
        $err.Exception.UnansweredIds.Count | Should -Be 0
        $err.Exception.Cause.OutcomeUnknown | Should -BeTrue
        $err.Exception.Message | Should -Match '3 pairs unknown \(sent, no answer: may have been done\): user_000031, user_000032, user_000033; 0 pairs not sent'
        $err.Exception.Message | Should -Match "so 'user_000061' may follow 'user_000031' now: Test-TencentChatFollow -From 'user_000061' -UserId 'user_000031' shows whether it does\."
        $err.Exception.Message | Should -Match 'Exception\.FailedIds, Exception\.UnknownIds and Exception\.UnansweredIds hold those ids'
    }

    It 'a 30006 after every retry without -ErrorAction Stop: each pair''s error is unknown and keeps TencentChat.ServiceError' {
        Add-Canned follow_add '{"ActionStatus":"FAIL","ErrorCode":30006,"ErrorInfo":"internal"}' 2
        'user_000034', 'user_000035' | Add-TencentChatFollow -From user_000062 -Session $once -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev.Count | Should -Be 2
        $ev | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -BeLike 'TencentChat.ServiceError,*'
            $_.Exception.OutcomeUnknown | Should -BeTrue
            $_.Exception.Message | Should -Match "Test-TencentChatFollow -From 'user_000062' -UserId '$($_.TargetObject)'"
        }
        (Get-Followed -From user_000062 -Ids 'user_000034', 'user_000035').Count | Should -Be 2
    }

    It 'a dropped connection on a later call: its pairs are unknown (ConnectionFailed) and were made' {
        $ids = @($users[440..499])
        $script:fed = 0
        # The 41st id comes after the first two calls (ids 1-40) were answered: from then on every connection is dropped.
        # The second call goes out on its own thread as id 40 comes, so wait until the emulator has logged it: a drop of
        # two calls would be three failed sends in a row, an outage the run waits out.
        $adds = { @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object api -EQ 'follow_add').Count }
        $before = & $adds
        $feed = {
            $script:fed++
            if ($script:fed -eq 41) {
                $until = [datetime]::UtcNow.AddSeconds(20)
                while ((& $adds) -lt $before + 2 -and [datetime]::UtcNow -lt $until) { Start-Sleep -Milliseconds 20 }
                Set-Faults @{ rate = 1; kinds = @('drop') }
            }
            $_
        }
        $ids | ForEach-Object $feed | Add-TencentChatFollow -From user_000063 -Session $once -PassThru -ErrorAction SilentlyContinue -ErrorVariable ev -OutVariable out
        Set-Faults @{}
        $ev.Count | Should -BeGreaterOrEqual 20 -Because 'the third call went out after every connection was dropped'
        @($ev | ForEach-Object TargetObject) | Should -Contain $ids[59]
        $ev | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -BeLike 'TencentChat.ConnectionFailed,*'
            $_.Exception.OutcomeUnknown | Should -BeTrue
            $_.Exception.Message | Should -Match "may follow '$($_.TargetObject)' now"
        }
        (@($out.UserId) + @($ev | ForEach-Object TargetObject) | Sort-Object) -join ',' | Should -Be (@($ids | Sort-Object) -join ',') -Because 'every pair is done or has its error, once'
        (Get-Followed -From user_000063 -Ids $ids).Count | Should -Be 60 -Because 'a drop strikes after the emulator made the write: every unknown pair is in place'
    }

    It 'a timeout under -ErrorAction Stop: the pairs of the call that timed out are in UnknownIds, not UnansweredIds' {
        $s = Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRetry 0 -TimeoutSec 4 -Scope Runspace -PassThru
        Disconnect-TencentChat -Scope Runspace
        Set-Faults @{ rate = 1; kinds = @('slow'); slowMs = 6000 }
        $err = $null
        try { 'user_000036', 'user_000037' | Add-TencentChatFollow -From user_000064 -Session $s -PassThru -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        Set-Faults @{}
        Wait-EmulatorSettled -Emulator $emulator -Session $s
        $out.Count | Should -Be 0
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.Timeout,*' -Because 'Connect''s check was answered: the endpoint works, and the call''s own error stops the run under -ErrorAction Stop'
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.Timeout'
        $err.Exception.Message | Should -Not -Match 'Check -Endpoint' -Because 'the session''s check was answered by this endpoint'
        $err.Exception.UnknownIds | Should -Be @('user_000036', 'user_000037')
        $err.Exception.UnansweredIds.Count | Should -Be 0
        $err.Exception.FailedIds.Count | Should -Be 0
        $err.Exception.Message | Should -Match '2 pairs unknown \(sent, no answer: may have been done\): user_000036, user_000037'
        (Get-Followed -From user_000064 -Ids 'user_000036', 'user_000037').Count | Should -Be 2 -Because 'the slow call was made, only its answer came too late'
    }

    It 'an item missing from the answer after every retry: unknown (MissingFromAnswer), listed in UnknownIds under -ErrorAction Stop' {
        Set-Faults @{ rate = 1; kinds = @('missing') }
        $err = $null
        try { 'user_000038' | Remove-TencentChatFollow -From hub -Session $once -PassThru -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        Set-Faults @{}
        $out.Count | Should -Be 0
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.MissingFromAnswer,*'
        $err.Exception.Cause.OutcomeUnknown | Should -BeTrue
        $err.Exception.UnknownIds | Should -Be @('user_000038')
        $err.Exception.FailedIds.Count | Should -Be 0
        $err.Exception.Message | Should -Match "so 'hub' may no longer follow 'user_000038': Test-TencentChatFollow -From 'hub' -UserId 'user_000038' shows whether it still does\."
        (Get-Followed -From hub -Ids 'user_000038').Count | Should -Be 0 -Because 'the emulator removed the follow before leaving its item out'
    }

    It 'a pair Tencent refused in its item stays failed: not unknown, no Test- advice' {
        'nosuch', 'user_000039' | Add-TencentChatFollow -From user_000065 -Session $once -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.UserNotFound,*'
        $ev[0].Exception.OutcomeUnknown | Should -BeFalse
        $ev[0].Exception.Message | Should -Not -Match 'Test-TencentChatFollow'
    }
}

