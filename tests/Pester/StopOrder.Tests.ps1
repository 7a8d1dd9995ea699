# Order and stop under slow, failing and retried calls: every batch command writes its results in input order, and
# under -ErrorAction Stop every input comes out once, as a result or in the stop error's lists (FailedIds, UnknownIds,
# UnansweredIds), with the inputs before the error done and none after it written. The emulator adds latency and
# faults; nothing here depends on timing (a busy machine only changes which calls went out before the error).
BeforeAll {
    # user_000001..user_000400 exist and each follows 'hub'; nobody else follows anybody.
    $script:users = 1..400 | ForEach-Object { 'user_{0:d6}' -f $_ }
    $graph = Join-Path $TestDrive 'order.csv'
    Set-Content -LiteralPath $graph -Value (@('follower,followee') + @($users | ForEach-Object { "$_,hub" }))
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph
    # Retries enough that a 502 or a dropped connection at 15 % never fails a call by bad luck.
    Connect-TencentChat -SdkAppId (Get-EmulatorIdentity).SdkAppId -Credential (Get-EmulatorCredential) -Endpoint $emulator.Url -MaxRetry 8

    function Set-Faults([hashtable] $Settings) { Set-EmulatorFault -Emulator $emulator -Setting $Settings }

    # Slow answers, and calls that fail and are sent again: those after them in input order come back first.
    function Set-Rough { Set-Faults @{ rate = 0.15; kinds = @('502', 'drop', '30006'); latencyMs = 60 } }

    # Every one of $Inputs exactly once among the lists given.
    function Assert-EachOnce([string[]] $Inputs, [object[]] $Lists) {
        $all = @(foreach ($list in $Lists) { foreach ($item in @($list)) { if ($null -ne $item) { [string]$item } } })
        ($all | Sort-Object) -join ',' | Should -Be (@($Inputs | Sort-Object) -join ',')
    }

    # $Written is $Inputs' order: the inputs written, in the order they came in.
    function Assert-InInputOrder([string[]] $Written, [string[]] $Inputs) {
        $set = [System.Collections.Generic.HashSet[string]]::new([string[]]@($Written))
        $Written -join ',' | Should -Be (@($Inputs | Where-Object { $set.Contains($_) }) -join ',')
    }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'Order and stop under slow and retried calls' {
    # Every test: a fresh request log, slow answers and faults.
    BeforeEach {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        Set-Rough
    }
    AfterEach { Set-Faults @{} }

    Describe 'Output stays in input order while calls are slow and sent again' {
        It 'Get-TencentChatFollowInfo: 400 ids in 20 calls, every one once, in input order' {
            $ids = @($users | Sort-Object { [Guid]::NewGuid() })
            $out = @($ids | Get-TencentChatFollowInfo)
            ($out.UserId -join ',') | Should -Be ($ids -join ',')
        }

        It 'Test-TencentChatFollow, ids piped one by one with pauses (partial calls): in input order' {
            $ids = @($users[0..99])
            $feed = { if ($_ -in $ids[20], $ids[55]) { Start-Sleep -Milliseconds 300 }; $_ }
            $out = @($ids | ForEach-Object $feed | Test-TencentChatFollow -From hub -ThrottleLimit 16)
            ($out.UserId -join ',') | Should -Be ($ids -join ',')
        }

        It 'Get-TencentChatFollow: 40 lists read 8 at once come out a whole list at a time, users in input order' {
            $ids = @($users[100..139])
            $out = @($ids | Get-TencentChatFollow -Relation Following)
            ($out.OfUserId -join ',') | Should -Be ($ids -join ',')
            $out | ForEach-Object { $_.UserId | Should -Be 'hub' }
        }

        It 'Invoke-TencentChatRestMethod: 40 bodies come out in input order' {
            $bodies = @($users[0..39] | ForEach-Object { @{ CheckItem = @(@{ UserID = $_ }) } })
            $out = @($bodies | Invoke-TencentChatRestMethod -Api im_open_login_svc/account_check)
            (@($out | ForEach-Object { $_.ResultItem[0].UserID }) -join ',') | Should -Be ($users[0..39] -join ',')
        }

        It 'Select-Object -First 30 stops the run: the first 30 in input order (<Name>)' -ForEach @(
            @{ Name = 'Get-TencentChatFollowInfo'; Run = { param($ids) $ids | Get-TencentChatFollowInfo | Select-Object -First 30 | ForEach-Object UserId } }
            @{ Name = 'Get-TencentChatFollow'; Run = { param($ids) $ids | Get-TencentChatFollow -Relation Following | Select-Object -First 30 | ForEach-Object OfUserId } }
            @{ Name = 'Test-TencentChatFollow'; Run = { param($ids) $ids | Test-TencentChatFollow -From hub -ThrottleLimit 4 | Select-Object -First 30 | ForEach-Object UserId } }
            @{ Name = 'Invoke-TencentChatRestMethod'; Run = { param($ids) $ids | ForEach-Object { @{ CheckItem = @(@{ UserID = $_ }) } } | Invoke-TencentChatRestMethod -Api im_open_login_svc/account_check | Select-Object -First 30 | ForEach-Object { $_.ResultItem[0].UserID } } }
        ) {
            $ids = @($users[200..299])
            $first = @(& $Run $ids)
            ($first -join ',') | Should -Be ($ids[0..29] -join ',')
        }
    }

    Describe 'Two runs of one session in two runspaces share its rate limiter' {
        It 'each writes its own ids once, in its input order, while their calls wait in the same line' {
            # 20 calls/s for both: the calls of each run wait in the limiter's line beside the other run's.
            $session = Connect-TencentChat -SdkAppId (Get-EmulatorIdentity).SdkAppId -Credential (Get-EmulatorCredential) -Endpoint $emulator.Url -MaxRetry 8 -MaxRequestsPerSecond 20 -Scope Runspace -PassThru
            Disconnect-TencentChat -Scope Runspace
            $module = Get-ModuleUnderTest
            $lists = @(@($users[0..199] | Sort-Object { [Guid]::NewGuid() }), @($users[200..399] | Sort-Object { [Guid]::NewGuid() }))
            $jobs = foreach ($ids in $lists) {
                Start-ThreadJob -ArgumentList $module, $session, $ids -ScriptBlock {
                    param($module, $session, $ids)
                    Import-Module $module
                    $ids | Get-TencentChatFollowInfo -Session $session -ThrottleLimit 16 | ForEach-Object UserId
                }
            }
            $out = @($jobs | ForEach-Object { , @(Receive-Job $_ -Wait -AutoRemoveJob -ErrorAction Stop) })
            ($out[0] -join ',') | Should -Be ($lists[0] -join ',')
            ($out[1] -join ',') | Should -Be ($lists[1] -join ',')
        }
    }

    Describe 'Under -ErrorAction Stop with slow and retried calls, every input comes out once' {
        It 'Add-TencentChatFollow at <Rate> calls/s: the ids before the error are done, the rest done (and written), failed, unknown or not sent' -ForEach @(
            @{ Rate = 200; From = 0 }
            @{ Rate = 10; From = 200 } # the calls wait in the limiter's line
        ) {
            $session = Connect-TencentChat -SdkAppId (Get-EmulatorIdentity).SdkAppId -Credential (Get-EmulatorCredential) -Endpoint $emulator.Url -MaxRetry 8 -MaxRequestsPerSecond $Rate -Scope Runspace -PassThru
            Disconnect-TencentChat -Scope Runspace
            $ids = @($users[$From..($From + 199)]) # pairs not made before: a reset keeps the emulator's writes
            $ids[125] = 'nosuch' # in the seventh call
            $err = $null
            $out = $null
            try { $ids | Add-TencentChatFollow -From hub -Session $session -PassThru -ErrorAction Stop -OutVariable out } catch { $err = $_ }
            Set-Faults @{}
            $err.Exception.FailedIds | Should -Be @('nosuch')
            Assert-EachOnce $ids @($out.UserId, $err.Exception.FailedIds, $err.Exception.UnknownIds, $err.Exception.UnansweredIds)
            Assert-InInputOrder @($out.UserId) $ids
            $before = @($ids[0..124])
            (@($out.UserId) | Where-Object { $before -contains $_ }) -join ',' | Should -Be ($before -join ',') -Because 'the calls before the error still go out'
            # What the service made is what was written (and the unknown, which may have been made); nothing not sent was made.
            $made = @(Test-TencentChatFollow -From hub -UserId @($ids | Where-Object { $_ -ne 'nosuch' }) | Where-Object IsFollowing | ForEach-Object UserId)
            (@($made | Where-Object { @($err.Exception.UnknownIds) -notcontains $_ }) -join ',') | Should -Be (@($out.UserId | Where-Object { @($err.Exception.UnknownIds) -notcontains $_ }) -join ',')
            @($made | Where-Object { @($err.Exception.UnansweredIds) -contains $_ }).Count | Should -Be 0
        }

        It 'Get-TencentChatFollowInfo: each id once, in input order, the ids of the calls before the error all written' {
            $ids = @($users[0..299])
            $ids[170] = 'nosuch'
            $err = $null
            $out = $null
            try { $ids | Get-TencentChatFollowInfo -ErrorAction Stop -OutVariable out } catch { $err = $_ }
            $err.Exception.FailedIds | Should -Be @('nosuch')
            Assert-EachOnce $ids @($out.UserId, $err.Exception.FailedIds, $err.Exception.UnknownIds, $err.Exception.UnansweredIds)
            Assert-InInputOrder @($out.UserId) $ids
            (@($out.UserId)[0..169]) -join ',' | Should -Be ($ids[0..169] -join ',')
        }

        It 'Get-TencentChatFollow (<How>): the lists before the failed user are written whole, the users read after it are listed as not read, in order' -ForEach @(
            @{ How = 'piped'; Run = { param($ids) $ids | Get-TencentChatFollow -Relation Following -ErrorAction Stop } }
            @{ How = '-UserId'; Run = { param($ids) Get-TencentChatFollow -UserId $ids -Relation Following -ErrorAction Stop } }
        ) {
            $ids = @($users[0..39])
            $ids[17] = 'nosuch'
            $err = $null
            $out = [System.Collections.Generic.List[object]]::new()
            try { & $Run $ids | ForEach-Object { $out.Add($_) } } catch { $err = $_ }
            $err.Exception.FailedIds | Should -Be @('nosuch')
            ($out.OfUserId -join ',') | Should -Be ($ids[0..16] -join ',')
            @($err.Exception.UnknownIds).Count | Should -Be 0
            $unread = @($err.Exception.UnansweredIds)
            # Piped, the users after it may not have been read at all (the error came while its own record waited for
            # the lists before it): the ones read are listed.
            $unread -join ',' | Should -Be (@($ids | Select-Object -Skip 18 -First $unread.Count) -join ',') -Because 'the users read after it, in input order'
            if ($How -eq '-UserId') { $unread.Count | Should -Be 22 -Because 'one record holds every user: none is left unread' }
            else { $err.Exception.RecordsRead | Should -Be (17 + 1 + $unread.Count) -Because 'one user a record: each read is done, failed or not read' }
        }

        It 'Invoke-TencentChatRestMethod: the bodies before the failed one are written, every body once' {
            $bodies = @(1..60 | ForEach-Object { if ($_ -eq 23) { @{ CheckItem = @() } } else { @{ CheckItem = @(@{ UserID = $users[$_ - 1] }) } } })
            $out = [System.Collections.Generic.List[object]]::new()
            $err = $null
            try { $bodies | Invoke-TencentChatRestMethod -Api im_open_login_svc/account_check -ErrorAction Stop | ForEach-Object { $out.Add($_) } } catch { $err = $_ }
            $err.Exception.FailedIds | Should -Be @('23')
            $written = @($out | ForEach-Object { "$([int]$_.ResultItem[0].UserID.Substring(5))" })
            Assert-EachOnce @(1..60 | ForEach-Object { "$_" }) @($written, $err.Exception.FailedIds, $err.Exception.UnknownIds, $err.Exception.UnansweredIds)
            Assert-InInputOrder $written @(1..60 | ForEach-Object { "$_" })
            ($written[0..21]) -join ',' | Should -Be ((1..22) -join ',')
        }
    }
}
