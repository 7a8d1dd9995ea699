# Issue 8: Get-, Test-, Add- and Remove-TencentChatFollow against the emulator's one mutable follow graph.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force

    # 'star' has 3,500 fans (f0001..f3500, the later lines newer); f0001..f0300 follow nobody else; p0001..p0300 are
    # accounts for the writes; star follows f0001 and f0002 back.
    $script:fans = 1..3500 | ForEach-Object { 'f{0:d4}' -f $_ }
    $script:targets = 1..300 | ForEach-Object { 'p{0:d4}' -f $_ }
    # Three accounts with ids of Tencent's longest, 32 bytes: 'l...' and 'n...' follow 'm...', and 'm...' follows 'l...'.
    $script:long = 'l', 'm', 'n' | ForEach-Object { $_ * 32 }
    $lines = @('follower,followee') + @($fans | ForEach-Object { "$_,star" }) + @('star,f0001', 'star,f0002') + @($targets | ForEach-Object { "$_,f3500" }) +
        @("$($long[0]),$($long[1])", "$($long[2]),$($long[1])", "$($long[1]),$($long[0])")
    $script:graphPath = Join-Path $TestDrive 'family.csv'
    Set-Content -LiteralPath $graphPath -Value $lines
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graphPath
    $script:cred = Get-EmulatorCredential
    $script:appId = (Get-EmulatorIdentity).SdkAppId
    Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRetry 6

    function Get-CallCount([string] $Api) {
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object { -not $Api -or "$($_.path)$($_.api)" -like "*$Api*" }).Count
    }
    function Set-Faults([hashtable] $Settings) { Set-EmulatorFault -Emulator $emulator -Setting $Settings }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'Get-TencentChatFollow' {
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    It 'reads a list of 3,500 fans over 4 pages, every fan once, newest first' {
        $entries = @(Get-TencentChatFollow -UserId star)
        $entries.Count | Should -Be 3500
        (@($entries.UserId | Sort-Object) -join ',') | Should -Be (@($fans | Sort-Object) -join ',')
        @($entries.UserId | Select-Object -Unique).Count | Should -Be 3500
        $entries[0].UserId | Should -Be 'f3500' -Because 'the last line of the graph is the newest follow'
        $entries | ForEach-Object { $_.OfUserId | Should -Be 'star'; $_.Relation | Should -Be 'Follower' }
        $entries[0].FollowTime | Should -BeOfType [DateTimeOffset]
        $entries[0].FollowTime.Offset | Should -Be ([TimeSpan]::Zero)
        ($entries[0].FollowTime -ge $entries[-1].FollowTime) | Should -BeTrue
        $entries[0].PSObject.Properties.Name | Should -Contain 'Profile'
        Get-CallCount | Should -Be 4
    }

    It 'lists follows and mutual follows' {
        (@(Get-TencentChatFollow star -Relation Following).UserId | Sort-Object) -join ',' | Should -Be 'f0001,f0002'
        (@(Get-TencentChatFollow star -Relation Mutual).UserId | Sort-Object) -join ',' | Should -Be 'f0001,f0002'
        @(Get-TencentChatFollow f0003 -Relation Mutual).Count | Should -Be 0
    }

    It 'pipes into Get-TencentChatFollowInfo: the entries are accounts' {
        $rows = @(Get-TencentChatFollow star -Relation Following | Get-TencentChatFollowInfo)
        ($rows.UserId | Sort-Object) -join ',' | Should -Be 'f0001,f0002'
        $rows | ForEach-Object { $_.FollowingCount | Should -Be 1; $_.FollowerCount | Should -Be 1 }
    }

    It 'reads several users at once and writes their lists in input order' {
        $entries = @('f0001', 'star', 'f0002' | Get-TencentChatFollow -Relation Following)
        ($entries | ForEach-Object { "$($_.OfUserId)>$($_.UserId)" }) -join ' ' | Should -Be 'f0001>star star>f0002 star>f0001 f0002>star'
        $lists = @($fans | Select-Object -First 40 | Get-TencentChatFollow -Relation Following -ThrottleLimit 8)
        ($lists.OfUserId -join ',') | Should -Be (($fans | Select-Object -First 40) -join ',')
        $lists | ForEach-Object { $_.UserId | Should -Be 'star' }
    }

    It 'Select-Object -First 5 stops after the first page' {
        $first = @(Get-TencentChatFollow star -PageSize 100 | Select-Object -First 5)
        $first.Count | Should -Be 5
        Get-CallCount | Should -Be 1
    }

    It '-Relation takes Follower, Following and Mutual only; a wrong value''s message and the syntax offer only those: <_>' -ForEach 'None', 'Fans' {
        $err = { Get-TencentChatFollow star -Relation $_ } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike "*-Relation takes Follower (the user's fans, the default), Following (the accounts the user follows) or Mutual, not '$_'."
        $err.Exception.Message | Should -Not -Match 'None,|None or|, None'
        Get-CallCount | Should -Be 0
        ((Get-Help Get-TencentChatFollow).syntax | Out-String -Width 300) | Should -Match ([regex]::Escape('[-Relation {Follower | Following | Mutual}]'))
        @(Get-TencentChatFollow f0003 -Relation following).UserId | Should -Be 'star' -Because 'the names are taken in any case'
    }

    It 'an unknown user is an error for that user, and the next user is read' {
        $out = @('ghost', 'f0001' | Get-TencentChatFollow -Relation Following -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be 'ghost'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.UserNotFound*'
        $out.UserId | Should -Be 'star'
    }

    It 'a list whose answer leaves the empty FollowItem out (<Name>) is empty: no entries and no error' -ForEach @(
        @{ Name = 'the bare OK envelope'; Body = '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}' }
        @{ Name = 'NextCursor only'; Body = '{"NextCursor":"","ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}' }
        @{ Name = 'FollowItem null'; Body = '{"FollowItem":null,"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}' }
    ) {
        # Services that write JSON from protobuf leave empty lists and empty text out; Tencent's web SDK reads it so.
        $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'follow_get'; body = $Body; calls = 1 }
        try {
            $out = @(Get-TencentChatFollow f0003 -Relation Following -ErrorVariable errs -ErrorAction SilentlyContinue)
        } finally { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }
        $errs.Count | Should -Be 0
        $out.Count | Should -Be 0
        @(Get-TencentChatFollow f0003 -Relation Following).UserId | Should -Be 'star' -Because 'the genuine answer, once the canned one is used'
    }

    # The emulator's canned answers, one a call: each page is 'entries>NextCursor', the entries comma-separated
    # (none when it starts with '>'; '*N' stands for N new accounts n1, n2, ... going on from the page before).
    It 'a list whose server never ends it (<Name>) ends with the user''s error after the entries it gave, none written twice' -ForEach @(
        @{ Name = 'cursors in a circle'; Pages = @('f0001>A', 'f0002>B', 'f0003>A'); Written = 'f0001,f0002'; Why = 'the same NextCursor twice'; Before = '2 entries from the 2 pages before the page that showed it were' }
        @{ Name = 'the same page again'; Pages = @('a1,a2>A', 'a1,a2>A'); Written = 'a1,a2'; Why = 'the same NextCursor twice'; Before = '2 entries from the 1 page before the page that showed it were' }
        @{ Name = 'empty pages with new cursors'; Pages = @(1..10 | ForEach-Object { ">c$_" }); Written = ''; Why = '10 pages that brought no new account yet named a next page'; Before = '0 entries from the 9 pages before the page that showed it were' }
        @{ Name = 'empty pages, never ten in a row'; Pages = @(1..11 | ForEach-Object { if ($_ -eq 10) { "e10>c$_" } else { ">c$_" } }); Written = 'e10'; Why = '10 pages that brought no new account yet named a next page'; Before = '1 entry from the 10 pages before the page that showed it was' }
        @{ Name = 'the same account under new cursors'; Pages = @(1..11 | ForEach-Object { "dup>c$_" }); Written = 'dup'; Why = '10 pages that brought no new account yet named a next page'; Before = '1 entry from the 10 pages before the page that showed it was' }
        @{ Name = 'more follows than a user may have'; Relation = 'Following'; Pages = @(1..6 | ForEach-Object { "*1000>c$_" }); Count = 5000; Why = 'more than 5,000 accounts in a Following list (a user follows at most 5,000)'; Before = '5000 entries from the 5 pages before the page that showed it were' }
    ) {
        $n = 0
        foreach ($page in $Pages) {
            $entries, $next = $page.Split('>')
            $accounts = if ($entries -like '[*]*') { 1..([int]$entries.Substring(1)) | ForEach-Object { 'n' + (++$n) } } elseif ($entries) { $entries.Split(',') } else { @() }
            $items = @($accounts | ForEach-Object { '{"To_Account":"' + $_ + '","FollowTime":1700000000,"ProfileItem":[]}' }) -join ','
            $body = '{"FollowItem":[' + $items + '],"NextCursor":"' + $next + '","ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}'
            $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'follow_get'; body = $body }
        }
        $relation = if ($Relation) { $Relation } else { 'Follower' }
        $out = @(Get-TencentChatFollow star -Relation $relation -ErrorVariable errs -ErrorAction SilentlyContinue)
        if ($null -ne $Count) {
            $out.Count | Should -Be $Count
            @($out.UserId | Select-Object -Unique).Count | Should -Be $Count
        }
        else { ($out.UserId -join ',') | Should -Be $Written }
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidResponse*'
        $errs[0].TargetObject | Should -Be 'star'
        $errs[0].Exception.Message | Should -BeLike "*$Why for 'star' after $($Pages.Count) pages; the list was not read to its end. $Before written, not that page's. *read it again*"
        Get-CallCount 'follow_get' | Should -Be $Pages.Count -Because 'the list ends at the answer that shows it would not'
    }

    It 'a list that fails after pages were written says it is incomplete and how many entries were written, not that no result is reported' {
        $good = '{"FollowItem":[{"To_Account":"p1","FollowTime":1700000000},{"To_Account":"p2","FollowTime":1700000000}],"NextCursor":"C1","ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}'
        $bad = '{"FollowItem":[{"To_Account":"p3","FollowTime":-5}],"NextCursor":"","ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}'
        $quick = Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -MaxRetry 1 -PassThru -Scope Runspace # the spoiled page is asked twice, not seven times
        try {
            $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'follow_get'; body = $good }
            $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'follow_get'; body = $bad; calls = 2 }
            $out = @(Get-TencentChatFollow star -Session $quick -ErrorVariable errs -ErrorAction SilentlyContinue)
        }
        finally { Disconnect-TencentChat -Scope Runspace }
        ($out | ForEach-Object { "$($_.OfUserId)>$($_.UserId)" }) -join ' ' | Should -Be 'star>p1 star>p2'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidResponse*'
        $errs[0].TargetObject | Should -Be 'star'
        $errs[0].Exception.Message | Should -BeLike "The service's answer for 'star' was not usable (after * attempts): a FollowItem's FollowTime *. The list was not read to its end: 2 entries from the 1 page before this error were written; read it again for the whole list."
        $errs[0].Exception.Message | Should -Not -Match 'No result is reported'
    }
}

Describe 'Table views' {
    BeforeAll {
        # The lines of the default table at 80 characters, blank ones left out.
        function Get-TableLine([object[]] $InputObject) { @(($InputObject | Out-String -Width 80) -split '\r?\n' | Where-Object { $_.Trim() }) }
    }

    It 'shows every column of the lists at 80 characters with 32-byte ids, each list under its OfUserId' {
        $lines = Get-TableLine @(Get-TencentChatFollow -UserId $long[1], $long[0])
        @($lines | Where-Object { $_ -match '^\s*OfUserId: ' }) | ForEach-Object { $_.Trim() } | Should -Be @("OfUserId: $($long[1])", "OfUserId: $($long[0])")
        $headers = @($lines | Where-Object { $_ -match '^UserId ' })
        $headers.Count | Should -Be 2
        $headers | ForEach-Object { @(-split $_) | Should -Be @('UserId', 'Relation', 'FollowTime', 'Nick') }
        $rows = @($lines | Where-Object { $_ -match '^[lmn]{32} ' })
        @($rows | ForEach-Object { @(-split $_)[0] }) | Should -Be @($long[2], $long[0], $long[1]) -Because "m's fans, newest first (n followed it later), then l's one fan"
        $rows | ForEach-Object { @(-split $_)[1] | Should -Be 'Follower'; $_ | Should -Match ' \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 +Nick' }
    }

    It 'shows every column of the checks at 80 characters with 32-byte ids, under their From' {
        $lines = Get-TableLine @(Test-TencentChatFollow -From $long[1] -UserId $long[0], $long[2])
        @($lines | Where-Object { $_ -match '^\s*From: ' }).Trim() | Should -Be "From: $($long[1])"
        @(-split @($lines | Where-Object { $_ -match '^UserId ' })[0]) | Should -Be @('UserId', 'Relation', 'IsFollowing', 'IsFollower')
        $rows = @($lines | Where-Object { $_ -match '^[lmn]{32} ' } | ForEach-Object { (-split $_) -join ' ' })
        $rows | Should -Be @("$($long[0]) Mutual True True", "$($long[2]) Follower False True")
    }
}

Describe 'Test-TencentChatFollow' {
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    It 'checks pairs from Import-Csv (From and UserId columns), one FollowCheck per pair in input order' {
        $csv = Join-Path $TestDrive 'pairs.csv'
        $pairs = @(
            [pscustomobject]@{ From = 'star'; UserId = 'f0001' }   # mutual
            [pscustomobject]@{ From = 'star'; UserId = 'f0003' }   # f0003 follows star: a fan
            [pscustomobject]@{ From = 'f0003'; UserId = 'star' }   # f0003 follows star
            [pscustomobject]@{ From = 'f0003'; UserId = 'f0004' }  # none
            [pscustomobject]@{ From = 'star'; UserId = 'f0002' }   # mutual
        )
        $pairs | Export-Csv -LiteralPath $csv -NoTypeInformation
        $checks = @(Import-Csv $csv | Test-TencentChatFollow)
        ($checks | ForEach-Object { "$($_.From)>$($_.UserId):$($_.Relation)" }) -join ' ' | Should -Be 'star>f0001:Mutual star>f0003:Follower f0003>star:Following f0003>f0004:None star>f0002:Mutual'
        $checks[1].IsFollower | Should -BeTrue
        $checks[1].IsFollowing | Should -BeFalse
        $checks[2].IsFollowing | Should -BeTrue
        Get-CallCount 'follow_check' | Should -Be 3 -Because 'consecutive pairs with the same From share a call'
    }

    It 'checks 3,500 ids in calls of 100' {
        $checks = @($fans | Test-TencentChatFollow -From star)
        $checks.Count | Should -Be 3500
        @($checks | Where-Object IsFollower).Count | Should -Be 3500
        @($checks | Where-Object IsFollowing).UserId -join ',' | Should -Be 'f0001,f0002'
        Get-CallCount 'follow_check' | Should -Be 35
    }

    It 'an unknown id is an error whose TargetObject is the id' {
        $out = @(Test-TencentChatFollow -From star -UserId f0001, ghost, f0002 -ErrorVariable errs -ErrorAction SilentlyContinue)
        ($out.UserId -join ',') | Should -Be 'f0001,f0002'
        $errs[0].TargetObject | Should -Be 'ghost'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.UserNotFound*'
    }
}

Describe 'Pairs with no From' {
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    It 'Import-Csv rows with UserId and no From into <_>: one NoFrom error for all of them, their ids in TargetObject, no warning, nothing sent' -ForEach 'Test-TencentChatFollow', 'Add-TencentChatFollow', 'Remove-TencentChatFollow' {
        $csv = Join-Path $TestDrive 'no-from.csv'
        Set-Content -LiteralPath $csv -Value (@('UserId') + @($fans | Select-Object -First 300))
        $arguments = @{}
        if ($_ -ne 'Test-TencentChatFollow') { $arguments.Confirm = $false }
        $out = @(Import-Csv $csv | & $_ @arguments -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns -WarningAction SilentlyContinue)
        $out.Count | Should -Be 0
        $warns.Count | Should -Be 0 -Because 'ids came, so "no user id came down the pipeline" would be false'
        $errs.Count | Should -Be 1 -Because 'one problem, not one binding error per row'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NoFrom,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception.Message | Should -BeLike "300 ids (such as 'f0001') came without a From, so none of their pairs was sent*Pass -From <account> for all of them, or give each piped object a From (or From_Account) property*| $_. The error's TargetObject holds all 300, in input order."
        ($errs[0].TargetObject -join ',') | Should -Be (($fans | Select-Object -First 300) -join ',')
        Get-CallCount | Should -Be 0
    }

    It 'rows with a From go; the rows without one (or with a blank one) make one error; -UserId without -From too' {
        $rows = @(
            [pscustomobject]@{ From = 'star'; UserId = 'f0001' }
            [pscustomobject]@{ UserId = 'f0002' }
            [pscustomobject]@{ From = ' '; UserId = 'f0003' }
            [pscustomobject]@{ From = 'star'; UserId = 'f0004' }
        )
        $checks = @($rows | Test-TencentChatFollow -ErrorVariable errs -ErrorAction SilentlyContinue)
        ($checks | ForEach-Object { "$($_.From)>$($_.UserId)" }) -join ' ' | Should -Be 'star>f0001 star>f0004'
        $errs.Count | Should -Be 1
        ($errs[0].TargetObject -join ',') | Should -Be 'f0002,f0003'

        $null = Test-TencentChatFollow -UserId f0001 -ErrorVariable alone -ErrorAction SilentlyContinue
        $alone.Count | Should -Be 1
        $alone[0].Exception.Message | Should -BeLike "The id 'f0001' came without a From, so its pair was not sent*"
        $alone[0].TargetObject | Should -Be 'f0001'
    }

    It '-From <Shown> given blank to <Command>: the NoFrom error says -From was blank, not that the ids came without a From' -ForEach @(
        @{ Command = 'Test-TencentChatFollow'; From = ' '; Shown = "' '" }
        @{ Command = 'Add-TencentChatFollow'; From = ''; Shown = "''" }
        @{ Command = 'Remove-TencentChatFollow'; From = "`t "; Shown = '"`t "' }
    ) {
        $arguments = @{ From = $From; UserId = 'f0001', 'f0002' }
        if ($Command -ne 'Test-TencentChatFollow') { $arguments.Confirm = $false }
        $out = @(& $Command @arguments -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NoFrom,*'
        $errs[0].Exception.Message | Should -Not -BeLike '*came without a From*'
        $errs[0].Exception.Message | Should -BeLike "-From was given blank (empty or only white space), so none of the pairs of 2 ids (such as 'f0001') was sent*Pass the account itself, as in -From <account>*"
        ($errs[0].TargetObject -join ',') | Should -Be 'f0001,f0002'

        $arguments.Remove('UserId')
        $null = 'f0003' | & $Command @arguments -ErrorVariable piped -ErrorAction SilentlyContinue
        $piped.Count | Should -Be 1
        $piped[0].Exception.Message | Should -BeLike "-From was given blank (empty or only white space), so the pair with 'f0003' was not sent*"
        Get-CallCount | Should -Be 0
    }
}

Describe 'Pairs from hashtables' {
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    It 'a piped hashtable''s From (or From_Account) key is its pair''s From, as a piped object''s From property is' {
        $pairs = @{ From = 'star'; UserId = 'f0001' }, @{ From_Account = 'f0003'; To_Account = 'star' }, @{ from = ' star '; userid = 'f0003' }
        $checks = @($pairs | Test-TencentChatFollow -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 0
        ($checks | ForEach-Object { "$($_.From)>$($_.UserId):$($_.Relation)" }) -join ' ' | Should -Be 'star>f0001:Mutual f0003>star:Following star>f0003:Follower'
        (@(Test-TencentChatFollow -UserId @{ From = 'star'; UserId = 'f0002' }) | ForEach-Object { "$($_.From)>$($_.UserId)" }) | Should -Be 'star>f0002'
    }

    It '-From given as an argument wins over a hashtable''s From, and a hashtable without one still makes the NoFrom error' {
        (@(@{ From = 'f0003'; UserId = 'f0001' } | Test-TencentChatFollow -From star) | ForEach-Object { "$($_.From)>$($_.UserId)" }) | Should -Be 'star>f0001'
        $out = @(@{ From = 'star'; UserId = 'f0001' }, @{ UserId = 'f0002' }, @{ From = ' '; UserId = 'f0004' } | Test-TencentChatFollow -ErrorVariable errs -ErrorAction SilentlyContinue)
        ($out | ForEach-Object { "$($_.From)>$($_.UserId)" }) -join ' ' | Should -Be 'star>f0001'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NoFrom,*'
        ($errs[0].TargetObject -join ',') | Should -Be 'f0002,f0004'
        $errs[0].Exception.Message | Should -BeLike '*give each piped object a From (or From_Account) property or hashtable key*'
    }
}

Describe 'Add- and Remove-TencentChatFollow' {
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }
    AfterEach { Set-Faults @{} }

    It '-WhatIf lists every pair and makes no call' {
        $log = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -LiteralPath $log -Force | Out-Null
        try { $out = @(Add-TencentChatFollow -From star -UserId p0001, p0002 -WhatIf -PassThru) } finally { Stop-Transcript | Out-Null }
        $out.Count | Should -Be 0
        Get-CallCount | Should -Be 0
        $shown = Get-Content -Raw -LiteralPath $log
        $shown | Should -Match "What if: .*'star' follows 'p0001'"
        $shown | Should -Match "What if: .*'star' follows 'p0002'"
        $null = Remove-TencentChatFollow -From star -UserId f0001 -WhatIf
        Get-CallCount | Should -Be 0
    }

    It 'adds and removes 300 pairs through 10% faults with nothing lost or doubled' {
        Set-Faults @{ rate = 0.1; kinds = @('502', 'drop', '30006') }
        $done = @($targets | ForEach-Object { [pscustomobject]@{ From = 'star'; UserId = $_ } } | Add-TencentChatFollow -PassThru -Confirm:$false)
        ($done.UserId -join ',') | Should -Be ($targets -join ',')
        $done | ForEach-Object { $_.Action | Should -Be 'Added'; $_.From | Should -Be 'star' }
        Set-Faults @{}

        (Get-TencentChatFollowInfo star).FollowingCount | Should -Be 302 -Because 'star followed f0001, f0002 and now the 300, each once'
        @(Test-TencentChatFollow -From star -UserId $targets | Where-Object IsFollowing).Count | Should -Be 300

        Set-Faults @{ rate = 0.1; kinds = @('502', 'drop', '30006') }
        $removed = @(Remove-TencentChatFollow -From star -UserId $targets -PassThru -Confirm:$false)
        ($removed.UserId -join ',') | Should -Be ($targets -join ',')
        Set-Faults @{}
        (Get-TencentChatFollowInfo star).FollowingCount | Should -Be 2
        @(Get-TencentChatFollow star -Relation Following).UserId -join ',' | Should -Not -Match 'p0'
    }

    It 'an item with a negative ResultCode is spoiled, not Tencent''s error: the pair is asked again and done' {
        # No Tencent result code is negative. The canned answer comes after the emulator made the write.
        foreach ($case in @(@{ Cmdlet = 'Add-TencentChatFollow'; Api = 'follow_add'; Action = 'Added'; Relation = 'Following' }
                @{ Cmdlet = 'Remove-TencentChatFollow'; Api = 'follow_delete'; Action = 'Removed'; Relation = 'None' })) {
            $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
            $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = $case.Api; calls = 1
                body = '{"ResultItem":[{"To_Account":"f0009","ResultCode":-1,"ResultInfo":""}],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}' }
            $out = @(& $case.Cmdlet -From f0008 -UserId f0009 -PassThru -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue)
            $errs.Count | Should -Be 0 -Because "$($case.Cmdlet): -1 is no word of Tencent's on the pair"
            $out.Action | Should -Be $case.Action
            Get-CallCount $case.Api | Should -Be 2 -Because 'the spoiled item was asked for again'
            (Test-TencentChatFollow -From f0008 -UserId f0009).Relation | Should -Be $case.Relation
        }
    }

    It 'writes nothing without -PassThru, and an unknown id is an error naming From' {
        $out = @(Add-TencentChatFollow -From f0004 -UserId f0005, ghost -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be 'ghost'
        $errs[0].Exception.Message | Should -Match "'f0004'"
        (Test-TencentChatFollow -From f0004 -UserId f0005).Relation | Should -Be 'Following'
        Remove-TencentChatFollow -From f0004 -UserId f0005 -Confirm:$false
        (Test-TencentChatFollow -From f0004 -UserId f0005).Relation | Should -Be 'None'
    }
}
