# Issue 9: what Get-TencentChatFollowInfo takes as an id, what it refuses, a run with no id at all, and ids that
# trickle in (the idle flush).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 60 -Edges 400
    $script:expected = Get-ExpectedCount -Path $graph.Path
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path
    Connect-TencentChat -SdkAppId (Get-EmulatorIdentity).SdkAppId -Credential (Get-EmulatorCredential) -Endpoint $emulator.Url

    function Get-SentIds {
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests | ForEach-Object { $_.toAccount }) | Where-Object { $_ }
    }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'Objects that carry no id' {
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    It 'takes strings, numbers and objects with UserId, To_Account or Account; refuses the rest with one error per problem, sending nothing for them' {
        $u = @($graph.Users | Select-Object -First 4)
        $csv = Join-Path $TestDrive 'rows.csv'
        Set-Content -LiteralPath $csv -Value @('Id,Name', "$($u[0]),a")
        $in = @(
            $u[0]
            [pscustomobject]@{ UserId = $u[1]; Note = 'x' }
            (Import-Csv $csv)[0]                      # Id,Name columns: no id property
            @{ Name = 'h' }                           # a hashtable without an id key
            [pscustomobject]@{ To_Account = $u[2] }
            [pscustomobject]@{ UserId = ' '; Account = $u[3] } # the id property is blank
            @{ UserId = $u[3] }                       # a hashtable with a UserId key
            42
        )
        $rows = @($in | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)

        ($rows.UserId -join ',') | Should -Be (@($u[0], $u[1], $u[2], $u[3]) -join ',')
        # 42 is an id (sent as "42"); the test graph has no such user, so the service's own error comes back for it.
        $notFound = @($errs | Where-Object FullyQualifiedErrorId -Like 'TencentChat.UserNotFound*')
        $notFound.TargetObject | Should -Be '42'
        $errs = @($errs | Where-Object FullyQualifiedErrorId -NotLike 'TencentChat.UserNotFound*')
        $errs.Count | Should -Be 3
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*' }
        $errs | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'InvalidArgument' }
        $errs[0].Exception.Message | Should -Match 'has no UserId, To_Account or Account property'
        $errs[0].Exception.Message | Should -Match ([regex]::Escape("Id=$($u[0])"))
        $errs[0].TargetObject.Name | Should -Be 'a'
        $errs[1].Exception.Message | Should -Match 'hashtable'
        $errs[1].Exception.Message | Should -Match 'Name=h'
        $errs[2].Exception.Message | Should -Match 'blank UserId'
        $sent = @(Get-SentIds)
        $sent | Should -Not -Contain 'System.Collections.Hashtable'
        @($sent | Where-Object { $_ -like '@{*' }).Count | Should -Be 0
        (@($sent | Sort-Object) -join ',') | Should -Be ((@($u[0], $u[1], $u[2], $u[3], '42') | Sort-Object) -join ',')
    }

    It 'a CSV whose id column is <Column>: one error for all 300 rows from <Command>, naming it and the column; every row in TargetObject' -ForEach @(
        @{ Column = 'user'; Command = 'Get-TencentChatFollowInfo'; Arguments = @{} }
        @{ Column = 'id'; Command = 'Get-TencentChatFollowInfo'; Arguments = @{} }
        @{ Column = 'user'; Command = 'Test-TencentChatFollow'; Arguments = @{ From = 'u0001' } }
        @{ Column = 'id'; Command = 'Get-TencentChatFollow'; Arguments = @{} }
    ) {
        $csv = Join-Path $TestDrive "$Column.csv"
        Set-Content -LiteralPath $csv -Value (@("$Column,Name") + @(1..300 | ForEach-Object { "{0},Name {1}" -f $graph.Users[$_ % 60], $_ }))
        $out = @(Import-Csv $csv | & $Command @Arguments -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns -WarningAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $warns.Count | Should -Be 0 -Because 'an input that came is not "no user id came down the pipeline"'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
        $message = $errs[0].Exception.Message
        $message | Should -BeLike "300 input objects with the properties $Column, Name (such as '@{$Column=$($graph.Users[1]); Name=Name 1}' (a custom object)) have no UserId, To_Account or Account property*none of them was sent*"
        $message | Should -Match ([regex]::Escape("Select-Object *, @{ Name = 'UserId'; Expression = { `$_.$Column } } | $Command."))
        $message | Should -Match 'TargetObject holds all 300, in input order'
        $errs[0].TargetObject.Count | Should -Be 300
        ($errs[0].TargetObject.$Column -join ',') | Should -Be ((Import-Csv $csv).$Column -join ',')
        @(Get-SentIds).Count | Should -Be 0
    }

    It 'a CSV of 2,500 rows whose id column is misnamed: one error that counts all 2,500 and holds the first 1,000, not every row' {
        $rows = 1..2500 | ForEach-Object { [pscustomobject]@{ user = "u$_"; Name = "Name $_" } }
        $out = @($rows | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -BeLike '2500 input objects with the properties user, Name *none of them was sent*'
        $errs[0].Exception.Message | Should -Match 'TargetObject holds the first 1000, in input order'
        $errs[0].TargetObject.Count | Should -Be 1000
        ($errs[0].TargetObject.user -join ',') | Should -Be ($rows[0..999].user -join ',')
        @(Get-SentIds).Count | Should -Be 0
    }

    It 'writes the first refused object at once under -ErrorAction Stop, before anything after it is sent' {
        $rows = @([pscustomobject]@{ user = $graph.Users[0] }, [pscustomobject]@{ UserId = $graph.Users[1] }, [pscustomobject]@{ user = $graph.Users[2] })
        $err = { $rows | Get-TencentChatFollowInfo -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
        $err.Exception.Message | Should -BeLike "The input object '@{user=$($graph.Users[0])}' (a custom object) has no UserId*"
        $err.TargetObject.user | Should -Be $graph.Users[0]
        @(Get-SentIds).Count | Should -Be 0
    }

    It 'refuses an object whose id property cannot be read (a ScriptProperty that throws) with its own error, and the run goes on' {
        $bad = [pscustomobject]@{ Note = 'x' } | Add-Member -PassThru ScriptProperty UserId { throw 'kaboom' }
        $rows = @($graph.Users[0], $bad, $graph.Users[1] | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)
        ($rows.UserId -join ',') | Should -Be "$($graph.Users[0]),$($graph.Users[1])"
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
        $errs[0].Exception.Message | Should -BeLike 'The UserId property of the input object * could not be read (*kaboom*), so it was not sent.*'
        $errs[0].TargetObject | Should -Be $bad
        $err = { $bad, $graph.Users[2] | Add-TencentChatFollow -From $graph.Users[3] -PassThru -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*' -Because 'under Stop it is the run''s one error, with its record'
        $err.Exception.Message | Should -Match 'The run stopped at this error'
        @(Get-SentIds).Count | Should -Be 2
    }

    It 'refuses a hashtable given to -UserId too' {
        $rows = @(Get-TencentChatFollowInfo -UserId @{ Name = 'x' } -ErrorVariable errs -ErrorAction SilentlyContinue)
        $rows.Count | Should -Be 0
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
        @(Get-SentIds).Count | Should -Be 0
    }

    It 'takes a FollowInfo row back by its UserId' {
        $first = Get-TencentChatFollowInfo $graph.Users[0]
        ($first | Get-TencentChatFollowInfo).UserId | Should -Be $graph.Users[0]
    }
}

Describe 'Several ids in one string' {
    It 'an unknown id that holds commas or semicolons says it looks like several ids, and how to split it: <Id>' -ForEach @(
        @{ Id = 'u0001,u0002,u0003'; Separator = ',' }
        @{ Id = 'u0001;u0002'; Separator = ';' }
    ) {
        $null = Get-TencentChatFollowInfo -UserId $Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.UserNotFound,*'
        $errs[0].TargetObject | Should -Be $Id
        $errs[0].Exception.Message | Should -BeLike "*does not exist*'$Id' looks like several ids in one string: -UserId takes an array, so split the string first, as in -UserId ('$Id' -split '$Separator')*"
        # What the hint says works.
        (Get-TencentChatFollowInfo -UserId ($Id -split $Separator)).Count | Should -Be ($Id -split $Separator).Count
    }

    It 'says nothing of the kind for an unknown id without a separator, or a comma at its end' -ForEach 'ghost', 'ghost,' {
        $null = Get-TencentChatFollowInfo -UserId $_ -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -Not -Match 'several ids'
    }
}

Describe 'Ids no account can have' {
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    It 'refuses an id longer than 32 bytes without sending it, with a hint for what it holds, and answers the others' {
        $u = @($graph.Users | Select-Object -First 3)
        $lines = (@($graph.Users | Select-Object -First 12) -join "`n")  # a file read with Get-Content -Raw
        $comma = (@($graph.Users | Select-Object -First 12) -join ',')
        $huge = 'y' * 2000000                                             # more than the service takes in one request
        $rows = @(Get-TencentChatFollowInfo -UserId $u[0], $lines, $huge, $u[1], $comma, $u[2] -ErrorVariable errs -ErrorAction SilentlyContinue)

        ($rows.UserId -join ',') | Should -Be ($u -join ',')
        $errs.Count | Should -Be 3
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*' }
        $errs[0].TargetObject | Should -Be $lines
        $errs[0].Exception.Message | Should -Match 'longer than a Tencent user id may be \(32 bytes\)'
        $errs[0].Exception.Message | Should -Match 'several lines.*Get-Content -Raw.*Get-Content users.txt \| Get-TencentChatFollowInfo'
        $errs[1].TargetObject | Should -Be $huge
        $errs[1].Exception.Message | Should -Match '"y{40}\.\.\." \(2,000,000 bytes\)'
        $errs[1].Exception.Message.Length | Should -BeLessThan 500
        $errs[2].Exception.Message | Should -Match "split it first, as in \(\`$ids -split ','\)"
        # What the hints say works.
        @(Get-TencentChatFollowInfo -UserId ($comma -split ',')).Count | Should -Be 12
        @($lines -split "`n" | Get-TencentChatFollowInfo).Count | Should -Be 12
        @(Get-SentIds | Where-Object { $_.Length -gt 32 }).Count | Should -Be 0
    }

    It 'counts 32 bytes in UTF-8: <Name>' -ForEach @(
        @{ Name = '32 ASCII characters are sent'; Id = 'a' * 32; Sent = $true }
        @{ Name = '11 CJK characters (33 bytes) are not'; Id = [string]::new([char]0x4E2D, 11); Sent = $false }
    ) {
        $null = Get-TencentChatFollowInfo -UserId $Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike $(if ($Sent) { 'TencentChat.UserNotFound,*' } else { 'TencentChat.NotAUserId,*' })
        @(Get-SentIds) -contains $Id | Should -Be $Sent
    }

    It 'refuses a -From no account can have before any call: <Name>' -ForEach @(
        @{ Name = 'blank'; From = '  '; Message = 'The argument is blank' }
        @{ Name = '33 bytes'; From = 'f' * 33; Message = 'longer than a Tencent user id may be \(32 bytes\)' }
    ) {
        { Get-TencentChatFollowInfo -UserId $graph.Users[0] -From $From } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*' -ExpectedMessage "*parameter 'From'*"
        $err = $null
        try { Get-TencentChatFollowInfo -UserId $graph.Users[0] -From $From } catch { $err = $_ }
        $err.Exception.Message | Should -Match $Message
        @(Get-SentIds).Count | Should -Be 0
    }

    It 'under -ErrorAction Stop the first refused id ends the run and the ones after it are in UnansweredIds: <Name>' -ForEach @(
        @{ Name = 'a From over 32 bytes'; Run = { param($u) Test-TencentChatFollow -From ('x' * 40) -UserId $u[0], $u[1], $u[2] -ErrorAction Stop }; Target = 0; Unanswered = @(1, 2) }
        @{ Name = 'ids over 32 bytes'; Run = { param($u) Get-TencentChatFollowInfo -UserId $u[0], ('x' * 40), ('y' * 40), $u[1] -ErrorAction Stop }; Target = -1; Unanswered = @() }
    ) {
        $u = @($graph.Users | Select-Object -First 3)
        $err = $null
        try { $null = & $Run $u } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        if ($Target -ge 0) {
            $err.TargetObject | Should -Be $u[$Target]
            @($err.Exception.UnansweredIds) | Should -Be @($Unanswered | ForEach-Object { $u[$_] })
        }
        else {
            # The first long id is the error's; the second is not sent, and neither are the ids around them.
            $err.TargetObject | Should -Be ('x' * 40)
            @($err.Exception.UnansweredIds | Sort-Object) | Should -Be @(@($u[0], $u[1], ('y' * 40)) | Sort-Object)
        }
        $err.Exception.Message | Should -Not -Match 'Input after them was not read'
    }

    It 'a pair whose From is longer than 32 bytes: one TencentChat.InvalidFrom for its pairs, the other pairs go on' {
        $u = @($graph.Users | Select-Object -First 4)
        $long = 'from-' + ('x' * 40)
        $rows = @(
            [pscustomobject]@{ From = $u[0]; UserId = $u[1] }
            [pscustomobject]@{ From = $long; UserId = $u[2] }
            [pscustomobject]@{ From = $long; UserId = $u[3] }
            [pscustomobject]@{ From = $u[1]; UserId = $u[0] }
        ) | Test-TencentChatFollow -ErrorVariable errs -ErrorAction SilentlyContinue

        @($rows | ForEach-Object { "$($_.From)>$($_.UserId)" }) | Should -Be @("$($u[0])>$($u[1])", "$($u[1])>$($u[0])")
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidFrom,*'
        @($errs[0].TargetObject) | Should -Be @($u[2], $u[3])
        $errs[0].Exception.Message | Should -Match 'none of its 2 pairs'
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object { $_.from -eq $long }).Count | Should -Be 0
    }
}

Describe 'An id property that holds a list' {
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    It 'gives each of its ids, not the list joined into one: <Name>' -ForEach @(
        @{ Name = 'a custom object'; Make = { param($u) [pscustomobject]@{ UserId = @($u[0], $u[1]) }, [pscustomobject]@{ UserId = $u[2] } } }
        @{ Name = 'JSON'; Make = { param($u) "[{""UserId"":[""$($u[0])"", "" "", ""$($u[1])""]}, {""UserId"":""$($u[2])""}]" | ConvertFrom-Json } }
        @{ Name = 'a hashtable'; Make = { param($u) @{ Account = [System.Collections.Generic.List[string]]@($u[0], $u[1]) }, @{ UserId = $u[2] } } }
    ) {
        $u = @($graph.Users | Select-Object -First 3)
        $rows = @(& $Make $u | ForEach-Object { $_ } | Get-TencentChatFollowInfo -ErrorVariable errs)
        $errs.Count | Should -Be 0
        ($rows.UserId -join ',') | Should -Be ($u -join ',')
        (@(Get-SentIds | Sort-Object) -join ',') | Should -Be ((@($u) | Sort-Object) -join ',')
    }

    It 'an object in the list gives its own id, one level deep: a hashtable that holds itself is refused, not followed for ever' {
        $u = @($graph.Users | Select-Object -First 2)
        $self = @{}
        $self.UserId = @($self)
        $version = [version]'1.2.3'
        $in = @([pscustomobject]@{ UserId = @([pscustomobject]@{ UserId = $u[0] }, $u[1]) }, $self, [pscustomobject]@{ UserId = $version })
        $rows = @($in | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)

        ($rows.UserId -join ',') | Should -Be ($u -join ',')
        @($errs | Where-Object FullyQualifiedErrorId -Like 'TencentChat.NotAUserId,*').Count | Should -Be 1
        # Anything else in an id property is the id as PowerShell writes it (here a version no account has).
        @($errs | Where-Object FullyQualifiedErrorId -Like 'TencentChat.UserNotFound,*').TargetObject | Should -Be '1.2.3'
    }

    It 'an empty list is a blank id: one NotAUserId error, nothing sent' {
        $null = [pscustomobject]@{ UserId = @() } | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
        @(Get-SentIds).Count | Should -Be 0
    }
}

Describe 'A collection of ids given to -UserId' {
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    # PowerShell binds any collection (not a string, dictionary or XML node) to a [string[]] parameter as its items;
    # so does piping it. -UserId must too, not refuse the collection as one object that carries no id.
    It '-UserId <Name>: each id answered once, in the collection''s order, nothing refused' -ForEach @(
        @{ Name = 'holding two arrays ($a, $b)'; Make = { param($u) @($u[0], $u[1]), @($u[2]) } }
        @{ Name = 'given a hashtable''s Keys'; Make = { param($u) $seen = @{}; foreach ($x in $u) { $seen[$x] = 1 }; , $seen.Keys } }
        @{ Name = 'given a SortedSet'; Make = { param($u) , [System.Collections.Generic.SortedSet[string]]$u } }
    ) {
        $u = @($graph.Users | Select-Object -First 3)
        $given = & $Make $u
        $order = @($given | ForEach-Object { $_ })
        $rows = @(Get-TencentChatFollowInfo -UserId $given -ErrorVariable errs -ErrorAction SilentlyContinue)

        @($errs | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }) | Should -BeNullOrEmpty
        ($rows.UserId -join ',') | Should -Be ($order -join ',')
        (@(Get-SentIds | Sort-Object) -join ',') | Should -Be ((@($u) | Sort-Object) -join ',')
    }
}

Describe 'No ids at all' {
    It 'a pipeline that brings no id writes one warning: <Name>' -ForEach @(
        @{ Name = 'an empty file'; Make = { $f = Join-Path $TestDrive 'empty.txt'; Set-Content -LiteralPath $f -Value @(); Get-Content -LiteralPath $f } }
        @{ Name = 'blank lines'; Make = { '', '  ' } }
        @{ Name = '$null'; Make = { $null } }
        @{ Name = 'an empty array'; Make = { , @() } }
    ) {
        $rows = @(& $Make | Get-TencentChatFollowInfo -WarningVariable warns -WarningAction SilentlyContinue -ErrorVariable errs)
        $rows.Count | Should -Be 0
        $errs.Count | Should -Be 0
        $warns.Count | Should -Be 1
        "$($warns[0])" | Should -Match 'No user id came down the pipeline'
    }

    It '-UserId given but holding no id is an error: <Name>' -ForEach @(
        @{ Name = '$null (a typo''d variable)'; Value = $null }
        @{ Name = 'an empty array'; Value = @() }
        @{ Name = 'an empty string'; Value = '' }
    ) {
        $rows = @(Get-TencentChatFollowInfo -UserId $Value -ErrorVariable errs -ErrorAction SilentlyContinue)
        $ok = $?
        $rows.Count | Should -Be 0
        $ok | Should -BeFalse
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NoUserId,*'
        $errs[0].Exception.Message | Should -Match '-UserId holds no user id'
    }
}

Describe 'Ids that trickle in' {
    It 'sends a partial batch once input is idle and writes its results while input still arrives' {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $ids = @($graph.Users | Select-Object -First 6)
        $events = [System.Collections.Generic.List[string]]::new()
        $producer = {
            foreach ($id in $ids) {
                if ($events.Count -gt 0) {
                    # Input pauses for longer than the 200 ms idle time (the condition under test, not a wait for a result).
                    Start-Sleep -Milliseconds 300
                }
                if ($id -eq $ids[-1]) {
                    # Before the last id: the earlier ones' calls have been answered, so their rows are ready to go out
                    # with it. Without the idle flush no call is made before the input ends, and this times out.
                    Wait-Until { @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object httpStatus -EQ 200).Count -gt 0 } -Because 'a partial batch to be sent while input is idle'
                    Start-Sleep -Milliseconds 300
                }
                $events.Add("in $id")
                $id
            }
        }
        & $producer | Get-TencentChatFollowInfo | ForEach-Object { $events.Add("out $($_.UserId)") }
        @($events | Where-Object { $_ -like 'out *' }) -join ',' | Should -Be (@($ids | ForEach-Object { "out $_" }) -join ',')
        $events.IndexOf("out $($ids[0])") | Should -BeLessThan $events.IndexOf("in $($ids[-1])") -Because 'the first row came out before the input ended'
        $calls = @(Invoke-EmulatorControl -Emulator $emulator -Name requests)
        $calls.Count | Should -BeGreaterThan 1 -Because 'idle input sends the partial batch instead of holding it for 20 ids'
        ($calls | ForEach-Object { @($_.toAccount).Count } | Measure-Object -Maximum).Maximum | Should -BeLessThan 6
    }
}
