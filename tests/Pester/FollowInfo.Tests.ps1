BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 150 -Edges 1500
    $script:expected = Get-ExpectedCount -Path $graph.Path
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path
    $script:cred = Get-EmulatorCredential
    $script:appId = (Get-EmulatorIdentity).SdkAppId

    function Assert-Counts($row) {
        $e = $expected[$row.UserId]
        if ($null -eq $e) { $e = [pscustomobject]@{ FollowerCount = 0; FollowingCount = 0; MutualFollowingCount = 0 } }
        [long]$row.FollowerCount | Should -Be $e.FollowerCount -Because "followers of $($row.UserId)"
        [long]$row.FollowingCount | Should -Be $e.FollowingCount -Because "followings of $($row.UserId)"
        [long]$row.MutualFollowingCount | Should -Be $e.MutualFollowingCount -Because "mutual follows of $($row.UserId)"
    }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'Get-TencentChatFollowInfo' {
    BeforeEach {
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
    }

    It 'runs the design card''s line: Get-Content | Get-TencentChatFollowInfo | Export-Csv, with right counts in input order' {
        $ids = @($graph.Users | Select-Object -First 137)
        $lines = @('  ' + $ids[0] + '  ', '') + @($ids | Select-Object -Skip 1)
        $users = Join-Path $TestDrive 'users.txt'
        Set-Content -LiteralPath $users -Value $lines
        $csv = Join-Path $TestDrive 'counts.csv'

        Get-Content $users | Get-TencentChatFollowInfo | Export-Csv $csv -NoTypeInformation

        $rows = @(Import-Csv $csv)
        $rows.Count | Should -Be 137
        ($rows.UserId -join ',') | Should -Be ($ids -join ',')
        @($rows[0].PSObject.Properties.Name) | Should -Be @('UserId', 'FollowerCount', 'FollowingCount', 'MutualFollowingCount')
        foreach ($row in $rows) { Assert-Counts $row }
        $log = @(Invoke-EmulatorControl -Emulator $emulator -Name requests)
        $log.Count | Should -Be 7
        ($log | ForEach-Object { $_.toAccount.Count } | Measure-Object -Maximum).Maximum | Should -Be 20
    }

    It 'takes -UserId arrays and positional ids' {
        $r = @(Get-TencentChatFollowInfo -UserId u0001, u0002, u0003)
        ($r.UserId -join ',') | Should -Be 'u0001,u0002,u0003'
        foreach ($row in $r) { Assert-Counts $row }
        (Get-TencentChatFollowInfo u0004).UserId | Should -Be 'u0004'
    }

    It 'binds Import-Csv rows by property name, through its aliases too' -ForEach @(
        @{ Column = 'UserId' }, @{ Column = 'UserID' }, @{ Column = 'To_Account' }, @{ Column = 'Account' }
    ) {
        $rows = 'u0010', 'u0011' | ForEach-Object { [pscustomobject]@{ $Column = $_; Other = 'x' } }
        $csv = Join-Path $TestDrive "in-$Column.csv"
        $rows | Export-Csv $csv -NoTypeInformation
        (Import-Csv $csv | Get-TencentChatFollowInfo).UserId -join ',' | Should -Be 'u0010,u0011'
    }

    It 'has no Identifier alias on -UserId (in Connect-TencentChat -Identifier is the admin account)' {
        $aliases = @((Get-Command Get-TencentChatFollowInfo).Parameters['UserId'].Aliases)
        $aliases | Should -Not -Contain 'Identifier'
        $aliases | Should -Contain 'To_Account'
        $aliases | Should -Contain 'Account'
        $objects = [pscustomobject]@{ To_Account = 'u0012' }, [pscustomobject]@{ Account = 'u0013' }
        ($objects | Get-TencentChatFollowInfo).UserId -join ',' | Should -Be 'u0012,u0013'
    }

    It 'emits typed objects with a table view and [OutputType]' {
        $r = Get-TencentChatFollowInfo -UserId u0001
        $r | Should -BeOfType ([TencentChatFollow.FollowInfo])
        (Get-Command Get-TencentChatFollowInfo).OutputType.Type | Should -Contain ([TencentChatFollow.FollowInfo])
    }

    It 'heads the table with the property names, so Sort-Object and Where-Object take what the table shows' {
        $ids = @($graph.Users | Select-Object -First 30)
        $r = @(Get-TencentChatFollowInfo -UserId $ids)
        $lines = @(($r | Format-Table | Out-String -Width 200) -split '\r?\n' | Where-Object { $_.Trim() })
        @(-split $lines[0]) | Should -Be @('UserId', 'FollowerCount', 'FollowingCount', 'MutualFollowingCount')
        $headings = @(-split $lines[0])
        $count = @{}
        foreach ($id in $ids) { $count[$id] = if ($expected[$id]) { [long]$expected[$id].FollowerCount } else { 0L } }

        $sorted = @($r | Sort-Object $headings[1] -Descending)
        (@($sorted | ForEach-Object FollowerCount) -join ',') | Should -Be (@($ids | ForEach-Object { $count[$_] } | Sort-Object -Descending) -join ',')
        (@($r | ForEach-Object FollowerCount) -join ',') | Should -Not -Be (@($sorted | ForEach-Object FollowerCount) -join ',') -Because 'the graph is random, so sorting changes the order'

        $threshold = @($ids | ForEach-Object { $count[$_] } | Sort-Object)[15]
        $want = @($ids | Where-Object { $count[$_] -gt $threshold })
        $want.Count | Should -BeGreaterThan 0
        (@($r | Where-Object $headings[1] -gt $threshold).UserId -join ',') | Should -Be ($want -join ',')
    }

    It 'reports each unknown id as a non-terminating error with its TargetObject, and goes on' {
        $out = @('u0001', 'ghost-1', 'u0002', 'ghost-2' | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)
        ($out.UserId -join ',') | Should -Be 'u0001,u0002'
        $errs.Count | Should -Be 2
        $errs[0].TargetObject | Should -Be 'ghost-1'
        $errs[1].TargetObject | Should -Be 'ghost-2'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.UserNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].Exception.Code | Should -Be 30003
        $errs[0].Exception.Message | Should -Match 'ghost-1'
        $errs[0].Exception.Message | Should -Not -Match '-From' -Because 'From is not in question for one id'
    }

    It 'returns every id once, duplicates included' {
        $ids = @('u0005', 'u0006', 'u0005') * 9
        $out = @($ids | Get-TencentChatFollowInfo)
        ($out.UserId -join ',') | Should -Be ($ids -join ',')
    }

    It 'stops with -ErrorAction Stop on the first failed id' {
        { 'u0001', 'ghost' | Get-TencentChatFollowInfo -ErrorAction Stop } | Should -Throw -ExpectedMessage '*ghost*'
    }

    It 'uses -From as From_Account' {
        $null = Get-TencentChatFollowInfo -UserId u0001 -From u0002
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests)[0].from | Should -Be 'u0002'
    }

    It 'uses an explicit -Session over the default' {
        $other = Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -PassThru
        Disconnect-TencentChat
        (Get-TencentChatFollowInfo -UserId u0001 -Session $other).UserId | Should -Be 'u0001'
    }
}

Describe 'The first call of a run' {
    # Each call is answered 1.5 s after it arrives (no answer can reach the module sooner), so whether the second call
    # waited for the first one's answer is read off the emulator's log of arrivals, not off a clock in the test.
    BeforeAll {
        function Get-FirstTwo {
            $calls = @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object api -EQ 'follow_get_info' |
                    Sort-Object { ConvertTo-Instant $_.arrivedAt })
            $calls.Count | Should -Be 3 -Because '45 ids go in three calls'
            [pscustomobject]@{
                FirstAnsweredAt = (ConvertTo-Instant $calls[0].arrivedAt).AddMilliseconds(1500)
                SecondArrivedAt = ConvertTo-Instant $calls[1].arrivedAt
            }
        }
    }
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0; latencyMs = 1500 } }
    AfterEach {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0; latencyMs = 0 }
        Disconnect-TencentChat
    }

    It 'does not go alone once Connect-TencentChat''s check was answered: the calls go at once' {
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $rows = @(Get-TencentChatFollowInfo -UserId @($graph.Users | Select-Object -First 45))
        $rows.Count | Should -Be 45
        $t = Get-FirstTwo
        $t.SecondArrivedAt | Should -BeLessThan $t.FirstAnsweredAt -Because 'the key and endpoint are known good, so the run does not wait for its first answer'
    }

    It 'goes alone on a session not checked (-SkipCheck): a wrong key or endpoint costs one call' {
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -SkipCheck
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $rows = @(Get-TencentChatFollowInfo -UserId @($graph.Users | Select-Object -First 45))
        $rows.Count | Should -Be 45
        $t = Get-FirstTwo
        $t.SecondArrivedAt | Should -BeGreaterOrEqual $t.FirstAnsweredAt -Because 'the second call waits for the first one''s answer'
    }
}

Describe 'Get-TencentChatFollowInfo when a call fails as a whole' {
    AfterEach { Disconnect-TencentChat }

    It 'says to run Connect-TencentChat when not connected (terminating)' {
        Disconnect-TencentChat
        $err = { 'u0001' | Get-TencentChatFollowInfo } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotConnected*'
        $err.Exception.Message | Should -Match 'Connect-TencentChat'
    }

    It 'a wrong secret key: one terminating error for the run, naming the key, with no error per id' {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $bad = [pscredential]::new('administrator', (ConvertTo-SecureString 'not-the-key' -AsPlainText -Force))
        Connect-TencentChat -SdkAppId $appId -Credential $bad -Endpoint $emulator.Url -SkipCheck   # this is about the run; Connect.Tests.ps1 checks Connect itself
        $ids = @($graph.Users | Select-Object -First 45)
        $script:pulled = 0
        $err = $null
        try { $ids | ForEach-Object { $script:pulled++; $_ } | Get-TencentChatFollowInfo -ErrorVariable perId -ErrorAction SilentlyContinue } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty -Because 'a wrong key stops the run'
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.UserSigRejected'
        $err.Exception.Message | Should -Match '70009'
        $err.Exception.Message | Should -Match "The secret key does not belong to SDKAppID $appId"
        $err.Exception.Message | Should -Match 'Chat console'
        $err.Exception.Message | Should -Not -Match 'truncated'
        $err.Exception.Message | Should -Match '0 ids answered'
        $err.Exception.Message | Should -Match '21 ids not answered'
        # The first call (20 ids) went alone and failed; the 21st id was waiting for it; nothing after was read.
        ($err.Exception.UnansweredIds -join ',') | Should -Be (($ids | Select-Object -First 21) -join ',')
        $script:pulled | Should -Be 21 -Because 'the run stops taking input at once'
        @($perId | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -notlike 'TencentChat.RunStopped*' }).Count | Should -Be 0 -Because 'one fatal answer gives one error, not one per id'
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object errorCode -EQ 70009).Count | Should -Be 1 -Because 'the first call goes alone, and no call follows a fatal answer'
    }

    It 'a wrong secret key on a long input: one error record, one call, the rest of the input not read' {
        $bad = [pscredential]::new('administrator', (ConvertTo-SecureString 'not-the-key' -AsPlainText -Force))
        Connect-TencentChat -SdkAppId $appId -Credential $bad -Endpoint $emulator.Url -SkipCheck
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $ids = 1..20050 | ForEach-Object { 'user_{0:d6}' -f $_ }
        $script:pulled = 0
        $records = @(& { try { $ids | ForEach-Object { $script:pulled++; $_ } | Get-TencentChatFollowInfo } catch { $_ } } 2>&1)
        $records.Count | Should -Be 1
        $records[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*'
        # Not a time bound (that would flake on a loaded machine): what makes it quick is that nothing else is done.
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests).Count | Should -Be 1 -Because 'the first call goes alone and nothing follows a fatal answer'
        $script:pulled | Should -Be 21 -Because 'the run stops taking input at once'
    }

    It 'a wrong app id: says it is probably the wrong region or app id' {
        Connect-TencentChat -SdkAppId 1400009999 -Credential $cred -Endpoint $emulator.Url -SkipCheck   # this is about the run; Connect.Tests.ps1 checks Connect itself
        $err = { 'u0001' | Get-TencentChatFollowInfo -ErrorAction SilentlyContinue } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match '70016'
        $err.Exception.Message | Should -Match 'Region'
        $err.Exception.Message | Should -Match 'SdkAppId'
    }

    It 'an unknown From_Account: names the account; the ids of the call are in the one error' {
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url
        $err = $null
        try { $out = @('u0001', 'u0002' | Get-TencentChatFollowInfo -From nobody -ErrorVariable perId -ErrorAction SilentlyContinue) } catch { $err = $_ }
        $err.Exception.Message | Should -Match "'nobody' does not exist"
        $err.Exception.Message | Should -Match '-From'
        $err.Exception.Cause.Code | Should -Be 30003
        ($err.Exception.UnansweredIds -join ',') | Should -Be 'u0001,u0002'
        @($perId | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -notlike 'TencentChat.RunStopped*' }).Count | Should -Be 0
    }

    It 'an identifier that is not an App admin' {
        $notAdmin = [pscredential]::new('u0001', (Get-EmulatorCredential).Password)
        Connect-TencentChat -SdkAppId $appId -Credential $notAdmin -Endpoint $emulator.Url -SkipCheck   # this is about the run; Connect.Tests.ps1 checks Connect itself
        $err = { 'u0002' | Get-TencentChatFollowInfo -ErrorAction SilentlyContinue } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped*'
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.NotAdmin'
    }
}
