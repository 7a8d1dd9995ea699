# Issue 19: Invoke-TencentChatRestMethod against the emulator. Any REST API on the session: bodies in bulk in input
# order, the errors before and after sending (and how many calls each sends), the run's stop, rate control per API,
# Ctrl+C, and no secret in any stream.
# Each Describe has an emulator with its own SDKAppID: the module keeps its rate limiters per app for the whole
# process, so what one test taught them (a cut rate) must not carry over to another test.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:cred = Get-EmulatorCredential
    $script:key = (Get-EmulatorIdentity).SecretKey
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 5000 -Edges 5000 -Seed 19
    $script:check = 'im_open_login_svc/account_check'

    function Start-App([uint32] $AppId, [string[]] $More = @()) {
        Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList (@('--graph', $graph.Path, '--sdkappid', $AppId) + $More)
    }

    function Get-Log($Emulator, [string] $Api) { @(Invoke-EmulatorControl -Emulator $Emulator -Name requests | Where-Object api -EQ $Api) }

    function New-CheckBody([string[]] $Ids) { @{ CheckItem = @($Ids | ForEach-Object { @{ UserID = $_ } }) } }

    # Ids the graph has (u0001..u5000) and ids it has not (n00001...), mixed in a seeded order.
    function New-Ids([int] $Count, [int] $Seed) {
        $random = [System.Random]::new($Seed)
        $n = 0
        for ($i = 0; $i -lt $Count; $i++) {
            if ($random.Next(3) -eq 0) { 'n{0:d5}' -f ++$n } else { 'u{0:d4}' -f ($random.Next(5000) + 1) }
        }
    }

    # The accounts the emulator knows: those of the graph file (New-TestGraph leaves a few users without an edge).
    $script:known = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($line in Get-Content -LiteralPath $graph.Path | Select-Object -Skip 1) { foreach ($id in $line.Split(',')) { $null = $known.Add($id) } }
    $script:from = (Get-Content -LiteralPath $graph.Path -TotalCount 2)[1].Split(',')[0]
    function Get-Expected([string] $Id) { if ($known.Contains($Id)) { 'Imported' } else { 'NotImported' } }
}

AfterAll {
    Disconnect-TencentChat
}

Describe 'Bodies in bulk' {
    BeforeAll {
        $script:appId = [uint32]1400000191
        $script:emulator = Start-App $appId
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -SkipCheck
    }
    AfterAll { $emulator | Stop-Emulator }
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    It 'checks 10,000 ids with account_check in 100 bodies of 100: every status right, in input order' {
        $ids = @(New-Ids 10000 1)
        $bodies = for ($i = 0; $i -lt $ids.Count; $i += 100) { New-CheckBody $ids[$i..($i + 99)] }
        $answers = @($bodies | Invoke-TencentChatRestMethod -Api $check -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $answers.Count | Should -Be 100
        @($answers | Where-Object { $_.ActionStatus -ne 'OK' -or $_.ErrorCode -ne 0 -or $_.ErrorInfo -ne '' }).Count | Should -Be 0 -Because 'the envelope is kept'
        $items = @($answers | ForEach-Object ResultItem)
        ($items.UserID -join ',') | Should -BeExactly ($ids -join ',') -Because 'the answers come out in input order'
        ($items.AccountStatus -join ',') | Should -BeExactly (($ids | ForEach-Object { Get-Expected $_ }) -join ',')
        $items[0].ResultCode | Should -BeOfType [long]
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.byApi.account_check.accepted | Should -Be 100 -Because 'one accepted call per body'
        $stats.batchSizes.'100' | Should -Be $stats.byApi.account_check.calls -Because 'every call carried one body of 100'
    }

    It 'sends 500 bodies from the pipeline, of every kind, and writes their answers in input order' {
        $random = [System.Random]::new(5)
        $ids = @(New-Ids 1000 2)
        $at = 0
        $bodies = for ($b = 0; $b -lt 500; $b++) {
            $n = $random.Next(1, 4)
            $part = @($ids[$at..($at + $n - 1)]); $at += $n
            switch ($b % 3) {
                0 { New-CheckBody $part }
                1 { [pscustomobject]@{ CheckItem = @($part | ForEach-Object { [pscustomobject]@{ UserID = $_ } }) } }
                2 { (New-CheckBody $part) | ConvertTo-Json -Depth 5 -Compress }
            }
        }
        $sent = @($ids[0..($at - 1)])
        $raw = @($bodies | Invoke-TencentChatRestMethod $check -Raw -ThrottleLimit 16 -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $raw.Count | Should -Be 500
        $raw[0] | Should -BeOfType [string]
        $items = @($raw | ConvertFrom-Json | ForEach-Object ResultItem)
        ($items.UserID -join ',') | Should -BeExactly ($sent -join ',')
        ($items.AccountStatus -join ',') | Should -BeExactly (($sent | ForEach-Object { Get-Expected $_ }) -join ',')
    }

    It '-Body holding arrays of bodies ($a, $b) sends each body of them, in order, as piping them does' {
        $a = @((New-CheckBody 'u0001'), (New-CheckBody 'u0002'))
        $b = @(New-CheckBody 'u0003')
        $out = @(Invoke-TencentChatRestMethod -Api $check -Body $a, $b -ErrorVariable errs -ErrorAction SilentlyContinue)
        @($errs | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }) | Should -BeNullOrEmpty
        ($out.ResultItem.UserID -join ',') | Should -Be 'u0001,u0002,u0003'
    }

    It 'shows progress in bodies and writes one verbose line per call' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $Url, $AppId, $Cred, $Bodies)
                    Import-Module $Module
                    Connect-TencentChat -SdkAppId $AppId -Credential $Cred -Endpoint $Url -SkipCheck
                    $Bodies | Invoke-TencentChatRestMethod -Api im_open_login_svc/account_check -Raw -Verbose
                }).AddParameters(@{ Module = (Get-ModuleUnderTest); Url = $emulator.Url; AppId = $appId; Cred = $cred; Bodies = @(1..300 | ForEach-Object { New-CheckBody ('u{0:d4}' -f $_) }) })
            $out = @($ps.Invoke())
            $out.Count | Should -Be 300
            $calls = @($ps.Streams.Verbose | Where-Object Message -Match '^POST v4/im_open_login_svc/account_check body (\d+), HTTP 200, \d+ ms, 0 retries, OK$')
            $calls.Count | Should -Be 300 -Because 'one line per call'
            @($ps.Streams.Verbose | Where-Object Message -Match 'Invoke-TencentChatRestMethod: v4/im_open_login_svc/account_check at .* at most 100 calls/s').Count | Should -Be 1
            $progress = @($ps.Streams.Progress | Where-Object Activity -EQ 'Invoke-TencentChatRestMethod im_open_login_svc/account_check')
            $progress.Count | Should -BeGreaterThan 1
            $progress[-1].RecordType | Should -Be 'Completed'
            $progress[-2].StatusDescription | Should -Match '^300 bodies done, 0 errors, [\d,]+ bodies/s'
        } finally { $ps.Dispose() }
    }

    It 'makes one call with {} when there is no body, and reads any API''s answer as objects' {
        $answer = Invoke-TencentChatRestMethod -Api follow/follow_get_info -Body ([ordered]@{ From_Account = $from; To_Account = @('u0002', 'u0003') })
        $answer.FollowInfo.To_Account -join ',' | Should -Be 'u0002,u0003'
        $answer.FollowInfo[0].FollowerCount | Should -BeOfType [long]
        $null = Invoke-TencentChatRestMethod -Api $check -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs[0].Exception.Code | Should -Be 70402 -Because 'the emulator refuses the empty body as Tencent would'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidRequest,*'
        $log = @(Invoke-EmulatorControl -Emulator $emulator -Name requests)
        $log.Count | Should -Be 2
        $two = @(Invoke-TencentChatRestMethod $check @((New-CheckBody 'n00001'), '{"CheckItem":[{"UserID":"n00002"}]}') -Raw)
        @($two | ForEach-Object { ($_ | ConvertFrom-Json).ResultItem[0].UserID }) | Should -Be @('n00001', 'n00002') -Because 'an array given to -Body is several bodies, in order'
    }

    It 'says so when no body came, as the other commands do for ids: a warning for an empty pipeline, an error for an empty -Body array; no call' {
        $null = @() | Invoke-TencentChatRestMethod -Api $check -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable errs
        $errs.Count | Should -Be 0
        $warned.Count | Should -Be 1
        "$($warned[0])" | Should -Match 'No body came down the pipeline'
        $null = Invoke-TencentChatRestMethod -Api $check -Body @() -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NoBody,*'
        $errs[0].Exception.Message | Should -Match '-Body holds no body'
        @(Get-Log $emulator 'account_check').Count | Should -Be 0
    }

    It '-WhatIf names each body by its place and the API, and sends nothing; a bad body is still refused' {
        $bodies = (New-CheckBody 'u0001'), '{"CheckItem": [', (New-CheckBody 'u0003')
        $log = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -LiteralPath $log -Force | Out-Null
        try { $out = @($bodies | Invoke-TencentChatRestMethod -Api $check -WhatIf -ErrorAction SilentlyContinue -ErrorVariable errs) } finally { Stop-Transcript | Out-Null }
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1 -Because 'a body declined is not an error; one that is not JSON is'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidBody,*'
        $shown = Get-Content -Raw -LiteralPath $log
        $shown | Should -Match 'What if: Performing the operation "POST v4/im_open_login_svc/account_check" on target "body 1"'
        $shown | Should -Match 'What if: .* on target "body 3"'
        $shown | Should -Not -Match 'on target "body 2"'
        $null = Invoke-TencentChatRestMethod -Api $check -WhatIf
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests).Count | Should -Be 0
    }

    It 'sends nothing under $WhatIfPreference, and sends every body with -Confirm:$false' {
        $bodies = 1..3 | ForEach-Object { New-CheckBody "u000$_" }
        $follow = [ordered]@{ From_Account = 'u0001'; FollowItem = @(@{ To_Account = 'u0002' }) }
        $WhatIfPreference = $true
        $out = @($bodies | Invoke-TencentChatRestMethod -Api $check -ErrorVariable errs)
        $out += @(Invoke-TencentChatRestMethod -Api follow/follow_add -Body $follow -ErrorVariable +errs)
        $sent = @($bodies | Invoke-TencentChatRestMethod -Api $check -Confirm:$false -WhatIf:$false)
        $WhatIfPreference = $false
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 0
        @(Get-Log $emulator 'follow_add').Count | Should -Be 0 -Because 'a write under $WhatIfPreference is not made'
        ($sent.ResultItem.UserID -join ',') | Should -Be 'u0001,u0002,u0003' -Because '-WhatIf:$false overrides the preference'
        $out = @($bodies | Invoke-TencentChatRestMethod -Api $check -Confirm:$false)
        $out.Count | Should -Be 3
        @(Get-Log $emulator 'account_check').Count | Should -Be 6
    }
}

Describe 'Errors before and after sending' {
    BeforeAll {
        $script:appId = [uint32]1400000192
        $script:emulator = Start-App $appId
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -SkipCheck
    }
    AfterAll { $emulator | Stop-Emulator }
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    It 'stops at an API the service does not know after one call, with one error, however many bodies are piped' {
        $bodies = 1..5 | ForEach-Object { New-CheckBody "u000$_" }
        $err = $null
        try { $bodies | Invoke-TencentChatRestMethod -Api im_open_login_svc/no_such_command -ErrorVariable errs } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*'
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.UnknownApi'
        $err.Exception.Cause.Code | Should -Be 60009
        $err.Exception.Message | Should -Match 'no REST API'
        @($err.TargetObject)[0] | Should -Be $bodies[0] -Because 'the bodies that got no answer are the error''s TargetObject'
        $errs.Count | Should -Be 1 -Because 'one error for the run, none per body'
        (Get-Log $emulator 'im_open_login_svc/no_such_command').Count | Should -Be 1
    }

    It 'refuses a bad -Api with the right form and sends nothing' -ForEach @(
        @{ Api = 'https://console.tim.qq.com/v4/im_open_login_svc/account_check?usersig=eJySECRETSIG'; Why = 'must not hold a host' }
        @{ Api = 'im_open_login_svc/account_check?sdkappid=1'; Why = 'must not hold a query string' }
        @{ Api = 'account_check'; Why = 'is not a REST API name' }
    ) {
        $err = $null
        try { New-CheckBody 'u0001' | Invoke-TencentChatRestMethod -Api $Api } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidApi,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match $Why
        $err.Exception.Message | Should -Match ([regex]::Escape("'service/command', as in 'im_open_login_svc/account_check'"))
        "$($err.Exception.Message) $($err.TargetObject)" | Should -Not -Match 'SECRETSIG|sdkappid='
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests).Count | Should -Be 0
    }

    It 'refuses a bad JSON text and a body over 1 MiB without sending them, and sends the others in order' {
        $big = @{ CheckItem = @(@{ UserID = 'u0001' }); Padding = 'x' * 1100000 }
        $bodies = (New-CheckBody 'u0001'), '{"CheckItem": [', (New-CheckBody 'n00001'), $big, '[1,2]', (New-CheckBody 'u0002')
        $out = @($bodies | Invoke-TencentChatRestMethod -Api $check -ErrorAction SilentlyContinue -ErrorVariable errs)
        ($out.ResultItem.UserID -join ',') | Should -Be 'u0001,n00001,u0002'
        $errs.Count | Should -Be 3
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidBody,*'
        $errs[0].Exception.Message | Should -Match 'not valid JSON'
        $errs[0].TargetObject | Should -BeExactly '{"CheckItem": ['
        $errs[1].FullyQualifiedErrorId | Should -BeLike 'TencentChat.BodyTooLarge,*'
        $errs[1].Exception.Message | Should -Match '1,048,576 bytes \(1 MiB\)'
        $errs[1].TargetObject | Should -Be $big
        $errs[2].FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidBody,*'
        $errs[2].Exception.Message | Should -Match 'not a JSON object'
        @(Get-Log $emulator 'account_check').Count | Should -Be 3 -Because 'only the good bodies were sent'
    }

    It 'refuses a body whose property cannot be read (a ScriptProperty that throws) with that body''s InvalidBody, and sends the others' {
        $top = [pscustomobject]@{ CheckItem = @(@{ UserID = 'u0002' }) } | Add-Member -PassThru ScriptProperty Boom { throw 'kaboom' }
        $inner = [pscustomobject]@{ UserID = 'u0004' } | Add-Member -PassThru ScriptProperty Nick { throw 'no nick' }
        $nested = @{ CheckItem = @(@{ UserID = 'u0003' }, $inner) }
        $bodies = (New-CheckBody 'u0001'), $top, $nested, (New-CheckBody 'u0005')
        $out = @($bodies | Invoke-TencentChatRestMethod -Api $check -ErrorAction SilentlyContinue -ErrorVariable errs)
        ($out.ResultItem.UserID -join ',') | Should -Be 'u0001,u0005' -Because 'the bodies after a refused one go on'
        $errs.Count | Should -Be 2
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidBody,*' }
        $errs[0].Exception.Message | Should -BeLike 'The property at Boom could not be read (*kaboom*); the body was not sent.*'
        $errs[0].TargetObject | Should -Be $top
        $errs[1].Exception.Message | Should -BeLike 'The property at CheckItem`[1`].Nick could not be read (*no nick*)*'
        $errs[1].TargetObject | Should -Be $nested
        @(Get-Log $emulator 'account_check').Count | Should -Be 2 -Because 'only the readable bodies were sent'
    }

    It 'says of an account id written as a number (60015) that it must be a string, and goes on with the next body' {
        # Tencent answers 60015 ("the request body's account type is wrong: make sure the account is a string") to
        # a body like this one, which a hashtable of numeric ids gives.
        $bodies = @(@{ CheckItem = @(@{ UserID = 1001 }) }, (New-CheckBody 'u0001'))
        $answers = @($bodies | Invoke-TencentChatRestMethod -Api $check -ErrorAction SilentlyContinue -ErrorVariable errs)
        $answers.Count | Should -Be 1
        $answers[0].ResultItem[0].UserID | Should -Be 'u0001'
        $errs.Count | Should -Be 1
        $errs[0].Exception.Code | Should -Be 60015
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidRequest,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception.Message | Should -BeLike "*account id in the body is not a string*'1001'*"
        $errs[0].TargetObject.CheckItem[0].UserID | Should -Be 1001
    }

    It 'gives a failed call with no body the empty body as its TargetObject, not its place in the input' {
        $null = Invoke-TencentChatRestMethod -Api $check -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs.Count | Should -Be 1
        $errs[0].Exception.Code | Should -Be 70402
        $errs[0].TargetObject | Should -BeOfType [System.Collections.IDictionary]
        $errs[0].TargetObject.Count | Should -Be 0 -Because 'the call sent {}'
        @(Get-Log $emulator 'account_check').Count | Should -Be 1
    }

    It 'writes each body''s answer once, scrubbed and still JSON, when it holds usersig= right before an escaped quote' {
        $odd = '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Note":"see usersig=abc\"def"}'
        $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'account_check'; body = $odd; calls = 6 }
        $bodies = 1..3 | ForEach-Object { New-CheckBody "u000$_" }
        $out = @($bodies | Invoke-TencentChatRestMethod -Api $check -ErrorVariable errs)
        $raw = @($bodies | Invoke-TencentChatRestMethod -Api $check -Raw -ErrorVariable +errs)
        $errs.Count | Should -Be 0
        $out.Count | Should -Be 3
        $out | ForEach-Object { $_.Note | Should -BeExactly 'see usersig=<redacted>"def' }
        $raw.Count | Should -Be 3
        $raw | ForEach-Object { ($_ | ConvertFrom-Json).Note | Should -BeExactly 'see usersig=<redacted>"def' -Because '-Raw writes JSON' }
        @(Get-Log $emulator 'account_check').Count | Should -Be 6
    }

    It 'makes an OK answer it cannot read that body''s InvalidResponse error, and writes the bodies around it' {
        # Half a surrogate pair: JSON that parses, with a string that is no text.
        foreach ($note in 'fine', '\uD800', 'fine') {
            $answer = '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Note":"' + $note + '"}'
            $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'account_check'; body = $answer }
        }
        $bodies = 1..3 | ForEach-Object { New-CheckBody "u000$_" }
        $out = @($bodies | Invoke-TencentChatRestMethod -Api $check -ThrottleLimit 1 -ErrorAction SilentlyContinue -ErrorVariable errs)
        ($out.Note -join ',') | Should -Be 'fine,fine'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidResponse,*'
        $errs[0].TargetObject | Should -Be $bodies[1]
        $errs[0].Exception.Message | Should -Match 'could not be read .*The call was made'
        @(Get-Log $emulator 'account_check').Count | Should -Be 3
    }

    It 'makes an OK answer with a field named "" (which no PowerShell object can hold) that body''s InvalidResponse error, and -Raw writes it' {
        # Queued for two runs, one call each: as objects, then with -Raw.
        foreach ($r in '1', '{"":1}', '3', '1', '{"":1}', '3') {
            $answer = '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","R":' + $r + '}'
            $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'account_check'; body = $answer }
        }
        $bodies = 1..3 | ForEach-Object { New-CheckBody "u000$_" }
        $out = @($bodies | Invoke-TencentChatRestMethod -Api $check -ThrottleLimit 1 -ErrorAction SilentlyContinue -ErrorVariable errs)
        ($out.R -join ',') | Should -Be '1,3' -Because 'the bodies around it are written'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidResponse,*'
        $errs[0].TargetObject | Should -Be $bodies[1]
        $errs[0].Exception.Message | Should -Match "a field named ''.*-Raw"
        $errs[0].Exception.OutcomeUnknown | Should -BeFalse -Because 'the service answered OK: the call was made'
        @(Get-Log $emulator 'account_check').Count | Should -Be 3 -Because 'an answer read whole is not sent again'
        $raw = @($bodies | Invoke-TencentChatRestMethod -Api $check -ThrottleLimit 1 -Raw -ErrorVariable rawErrs)
        $rawErrs.Count | Should -Be 0
        $raw[1] | Should -BeExactly '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","R":{"":1}}'
    }

    It 'sends a body once with -MaxRetry 0 when its answer comes back cut short, and again without it' {
        # The cut answer: the service may have done the call (a write done twice is two messages sent), so with
        # -MaxRetry 0 the body gets its error and is not sent again; the session's retries send it again. The first
        # body's answer is whole (a run whose first call gets no readable answer stops as a wrong endpoint).
        $whole = '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[]}'
        $cut = '{"ActionStatus":"OK","ErrorCode":0,"ResultItem":[{"UserID":"u00'
        $bodies = (New-CheckBody 'u0001'), (New-CheckBody 'u0002')
        foreach ($answer in $whole, $cut) { $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'account_check'; body = $answer } }
        $out = @($bodies | Invoke-TencentChatRestMethod -Api $check -ThrottleLimit 1 -MaxRetry 0 -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.Count | Should -Be 1
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidResponse,*'
        $errs[0].TargetObject | Should -Be $bodies[1]
        @(Get-Log $emulator 'account_check').Count | Should -Be 2 -Because '-MaxRetry 0: one attempt each'

        foreach ($answer in $whole, $cut) { $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'account_check'; body = $answer } }
        $out = @($bodies | Invoke-TencentChatRestMethod -Api $check -ThrottleLimit 1 -ErrorVariable errs2)
        $errs2.Count | Should -Be 0
        $out.Count | Should -Be 2
        @(Get-Log $emulator 'account_check').Count | Should -Be 5 -Because 'the session''s -MaxRetry sent the second body again'
    }

    It 'under -ErrorAction Stop writes every answer the service gave, then ends with one error for the first failed body' {
        $bodies = 1..12 | ForEach-Object { if ($_ -eq 3) { @{ CheckItem = @() } } else { New-CheckBody ('u{0:d4}' -f $_) } }
        $out = [System.Collections.Generic.List[object]]::new()
        $err = $null
        try { $bodies | Invoke-TencentChatRestMethod -Api $check -ErrorAction Stop | ForEach-Object { $out.Add($_) } } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidRequest,*'
        $err.Exception.Cause.Code | Should -Be 70402
        $err.Exception.FailedIds | Should -Be @('3') -Because 'the ids of a body are its place in the input'
        $err.TargetObject | Should -Be $bodies[2]
        $err.Exception.Message | Should -Match 'bodies answered'
        $written = @($out | ForEach-Object { $_.ResultItem[0].UserID })
        $written[0] | Should -Be 'u0001' -Because 'the first call goes alone'
        $written[1] | Should -Be 'u0002' -Because 'a body before the error goes out even when body 3 was answered first'
        # Calls reach the rate limiter in the order their tasks start, not always in input order: a body after body 3
        # that had not been sent when its error came back is not sent (it is in UnansweredIds), so the bodies written
        # may skip one after it, but they are in input order, and every body up to the last one written is accounted for once.
        $places = @($written | ForEach-Object { [int]$_.Substring(1) })
        ($places -join ',') | Should -Be (@($places | Sort-Object) -join ',') -Because 'the answers written are in input order'
        $accounted = @($places | ForEach-Object { "$_" }) + @($err.Exception.FailedIds) + @($err.Exception.UnansweredIds)
        @($accounted | Sort-Object -Unique).Count | Should -Be $accounted.Count -Because 'no body is both written and unanswered'
        foreach ($place in 1..($places | Measure-Object -Maximum).Maximum) { $accounted | Should -Contain "$place" }
        $err.Exception.Done | Should -Be $written.Count
        @(Get-Log $emulator 'account_check').Count | Should -Be ($written.Count + 1) -Because 'every call sent was written or is the error'
    }

    It 'stops the run at a wrong key with one error and one call' {
        $wrong = [pscredential]::new($cred.UserName, (ConvertTo-SecureString ('f' * 64) -AsPlainText -Force))
        $session = Connect-TencentChat -SdkAppId $appId -Credential $wrong -Endpoint $emulator.Url -SkipCheck -PassThru
        $bodies = 1..50 | ForEach-Object { New-CheckBody ('u{0:d4}' -f $_) }
        $err = $null
        try { $bodies | Invoke-TencentChatRestMethod -Api $check -Session $session -ErrorVariable errs } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*'
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.UserSigRejected'
        $err.Exception.Message | Should -Match 'secret key'
        $errs.Count | Should -Be 1 -Because 'one error for the run, none per body'
        @(Get-Log $emulator 'account_check').Count | Should -Be 1 -Because 'the first call goes alone'
    }
}

Describe 'A run that stops with bodies of a -Body array not yet read' {
    BeforeAll {
        $script:appId = [uint32]1400000194
        $script:emulator = Start-App $appId
    }
    AfterAll { $emulator | Stop-Emulator }
    BeforeEach {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url -SkipCheck
    }

    # An array given to -Body is one input record: when the run stops within it, the bodies after the stop were given
    # and never sent, and must be in the record (UnansweredIds, and for a fatal answer TargetObject), as the ids of an
    # -UserId array are for the other commands.
    It 'a wrong key: every body of the array is in TargetObject and UnansweredIds, in input order' {
        $wrong = [pscredential]::new($cred.UserName, (ConvertTo-SecureString ('f' * 64) -AsPlainText -Force))
        $session = Connect-TencentChat -SdkAppId $appId -Credential $wrong -Endpoint $emulator.Url -SkipCheck -PassThru
        $bodies = 1..20 | ForEach-Object { New-CheckBody ('u{0:d4}' -f $_) }
        $err = $null
        try { Invoke-TencentChatRestMethod -Api $check -Body $bodies -Session $session } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*'
        @($err.Exception.UnansweredIds) | Should -Be @(1..20 | ForEach-Object { "$_" })
        @($err.TargetObject).Count | Should -Be 20
        @($err.TargetObject)[19] | Should -Be $bodies[19]
    }

    It 'under -ErrorAction Stop, a first body refused unsent: the other bodies of the array are not sent, and listed so' {
        $bodies = @('{"CheckItem": [') + @(2..20 | ForEach-Object { New-CheckBody ('u{0:d4}' -f $_) })
        $err = $null
        try { $null = Invoke-TencentChatRestMethod -Api $check -Body $bodies -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidBody,*'
        @($err.Exception.FailedIds) | Should -Be @('1')
        @($err.Exception.UnansweredIds) | Should -Be @(2..20 | ForEach-Object { "$_" })
        @(Get-Log $emulator 'account_check').Count | Should -Be 0
    }
}

Describe 'Rate control per API' {
    BeforeAll {
        $script:appId = [uint32]1400000193
        $script:emulator = Start-App $appId @('--latency-ms', '5')
    }
    AfterAll { $emulator | Stop-Emulator }

    It 'throttling of account_check does not slow follow_get_info running at the same time' {
        # Two jobs of one process on one app: account_check pushed over its limit of 100 calls/s (refused, 60007),
        # follow_get_info under its own 200. Each API has its own limiter, so the refusals of one cut only its own rate.
        $jobs = foreach ($job in @(
                @{ Api = $check; Bodies = @(1..1200 | ForEach-Object { '{"CheckItem":[{"UserID":"u' + ('{0:d4}' -f $_) + '"}]}' }); Max = 400 }
                @{ Api = 'follow/follow_get_info'; Bodies = @(1..2400 | ForEach-Object { '{"From_Account":"' + $from + '","To_Account":["u' + ('{0:d4}' -f ($_ % 5000 + 1)) + '"]}' }); Max = 200 }
            )) {
            $ps = [powershell]::Create()
            $null = $ps.AddScript({
                    param($Module, $Url, $AppId, $Cred, $Api, $Bodies, $Max)
                    Import-Module $Module
                    $s = Connect-TencentChat -SdkAppId $AppId -Credential $Cred -Endpoint $Url -SkipCheck -PassThru -Scope Runspace
                    @($Bodies | Invoke-TencentChatRestMethod -Api $Api -Raw -Session $s -MaxRequestsPerSecond $Max -ErrorAction SilentlyContinue).Count
                }).AddParameters(@{ Module = (Get-ModuleUnderTest); Url = $emulator.Url; AppId = $appId; Cred = $cred; Api = $job.Api; Bodies = $job.Bodies; Max = $job.Max })
            [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke(); Count = $job.Bodies.Count }
        }
        foreach ($j in $jobs) {
            @($j.PowerShell.EndInvoke($j.Handle))[0] | Should -Be $j.Count -Because 'every body is answered'
            $j.PowerShell.Dispose()
        }
        $stats = Invoke-EmulatorControl -Emulator $emulator -Name stats
        $stats.byApi.account_check.apiLimitRefusals | Should -BeGreaterThan 0 -Because 'account_check was throttled'
        # At its own ceiling follow_get_info may meet its own limit now and then (arrival jitter), never account_check's.
        $stats.byApi.follow_get_info.rateLimited | Should -BeLessOrEqual ($stats.byApi.follow_get_info.calls / 100) -Because 'follow_get_info is refused at most by its own limit, rarely'
        # While account_check was being refused, follow_get_info went on at its own pace (a shared limiter would have
        # held both back to one probe every 50 ms after each refusal, and then to account_check's share).
        $log = @(Invoke-EmulatorControl -Emulator $emulator -Name requests)
        $refused = @($log | Where-Object { $_.api -eq 'account_check' -and $_.errorCode -eq 60007 } | ForEach-Object { [datetimeoffset]$_.arrivedAt } | Sort-Object)
        $follow = @($log | Where-Object api -EQ 'follow_get_info' | ForEach-Object { [datetimeoffset]$_.arrivedAt } | Sort-Object)
        # The time both ran while account_check was being refused.
        $start = @($refused[0], $follow[0] | Sort-Object)[-1]
        $end = @($refused[-1], $follow[-1] | Sort-Object)[0]
        $span = ($end - $start).TotalSeconds
        $span | Should -BeGreaterThan 1 -Because 'the two ran at the same time while account_check was refused'
        $during = @($follow | Where-Object { $_ -ge $start -and $_ -le $end }).Count
        Write-Host ('    follow_get_info: {0} calls in {1:N1} s ({2:N0}/s) while account_check was refused ({3} refusals)' -f $during, $span, ($during / $span), $refused.Count)
        $during / $span | Should -BeGreaterThan 120 -Because "follow_get_info kept near its 200 calls/s ($during calls in $([math]::Round($span, 1)) s)"
    }
}

Describe 'Stop and secrets' {
    BeforeAll {
        $script:appId = [uint32]1400000194
        $script:emulator = Start-App $appId
    }
    AfterAll { $emulator | Stop-Emulator }

    It 'stops at once with calls in flight, without waiting for their answers, and writes nothing afterwards' {
        # Every answer takes 30 s: a Stop that waited for the calls in flight would take about that long, and they would
        # be answered. Stop abandons them instead: it is quick, and the emulator logs each call as the client gone.
        $slow = Start-App ([uint32]1400000195) @('--latency-ms', '30000')
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $Url, $Cred, $Bodies)
                    Import-Module $Module
                    Connect-TencentChat -SdkAppId 1400000195 -Credential $Cred -Endpoint $Url -SkipCheck
                    $Bodies | Invoke-TencentChatRestMethod -Api im_open_login_svc/account_check
                }).AddParameters(@{ Module = (Get-ModuleUnderTest); Url = $slow.Url; Cred = $cred; Bodies = @(1..200 | ForEach-Object { New-CheckBody ('u{0:d4}' -f $_) }) })
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]$null, $output)
            # A call is on the wire once the emulator has its UserSig.
            Wait-Until { @(Invoke-EmulatorControl -Emulator $slow -Name usersigs).Count -gt 0 } -Because 'a call to arrive'
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Stop()
            # Room for a busy machine; a Stop that waited for the answers would take some 30 s.
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $output.Count | Should -Be 0 -Because 'no call had answered yet'
            # The calls in flight were abandoned, not left to be answered (and written) later: the emulator logs each as
            # the client going away, with no answer sent.
            Wait-Until { @(Invoke-EmulatorControl -Emulator $slow -Name requests).Count -gt 0 } -Because 'the abandoned calls to be logged'
            @(Invoke-EmulatorControl -Emulator $slow -Name requests | Where-Object { $null -ne $_.httpStatus }).Count | Should -Be 0 -Because 'no call was answered'
            $output.Count | Should -Be 0
        } finally {
            $ps.Dispose()
            $slow | Stop-Emulator
        }
    }

    It 'never shows the key or a UserSig in any stream, verbose and debug included, even when an answer echoes the sig' {
        $wrongKey = 'e' * 64
        $all = & {
            $VerbosePreference = 'Continue'
            $DebugPreference = 'Continue'
            Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url
            Invoke-TencentChatRestMethod -Api $check -Body (New-CheckBody 'u0001', 'n00001')
            $sig = @(Invoke-EmulatorControl -Emulator $emulator -Name usersigs)[-1]
            $echo = '{"ResultItem":[{"UserID":"' + $sig + '","ResultCode":0,"ResultInfo":"usersig=' + $sig + '","AccountStatus":"Imported"}],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"' + $sig + '"}'
            $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'account_check'; body = $echo; calls = 2 }
            Invoke-TencentChatRestMethod -Api $check -Body (New-CheckBody 'u0002')
            Invoke-TencentChatRestMethod -Api $check -Body (New-CheckBody 'u0003') -Raw
            $fail = '{"ActionStatus":"FAIL","ErrorCode":30001,"ErrorInfo":"bad sig ' + $sig + '"}'
            $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'account_check'; body = $fail; calls = 1 }
            Invoke-TencentChatRestMethod -Api $check -Body (New-CheckBody 'u0004') -ErrorAction Continue
            try { Invoke-TencentChatRestMethod -Api "im_open_login_svc/account_check?usersig=$sig" } catch { $_ }
            try { Invoke-TencentChatRestMethod -Api im_open_login_svc/nothing_here -Body '{"a":1}' } catch { $_ }
            $bad = Connect-TencentChat -SdkAppId $appId -SecretKey (ConvertTo-SecureString $wrongKey -AsPlainText -Force) -Endpoint $emulator.Url -SkipCheck -PassThru
            try { New-CheckBody 'u0005' | Invoke-TencentChatRestMethod -Api $check -Session $bad } catch { $_ }
        } *>&1
        $secrets = @($key, $wrongKey) + @(Invoke-EmulatorControl -Emulator $emulator -Name usersigs)
        $secrets.Count | Should -BeGreaterThan 3
        $text = foreach ($r in $all) {
            if ($r -is [System.Management.Automation.ErrorRecord]) { $r.Exception.Message; "$($r.TargetObject)"; $r.ToString() }
            elseif ($r -is [System.Management.Automation.InformationalRecord]) { $r.Message }
            elseif ($r -is [string]) { $r }
            else { $r | ConvertTo-Json -Depth 10 -Compress }
        }
        $text = $text -join "`n"
        @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 4
        @($all | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Count | Should -BeGreaterThan 4
        $text | Should -Match '<redacted>' -Because 'the echoed sig was there to be scrubbed'
        foreach ($s in $secrets) { $text.Contains($s) | Should -BeFalse -Because 'no secret in any stream' }
    }
}
