# Issue 4: neither the secret key nor any UserSig reaches a transcript, an error record or an object's display.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 80 -Edges 400
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path, '--seed', '5'
    $script:identity = Get-EmulatorIdentity
    $script:wrongKey = 'f' * 64
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'Secrets' {
    It 'never shows the key or a UserSig, with -Verbose and debug output, under a transcript, through errors and faults' {
        $transcript = Join-Path $TestDrive 'transcript.txt'
        $errors = [System.Collections.Generic.List[object]]::new()
        $shown = [System.Collections.Generic.List[string]]::new()
        $key = ConvertTo-SecureString $identity.SecretKey -AsPlainText -Force
        $bad = ConvertTo-SecureString $wrongKey -AsPlainText -Force
        $ids = @($graph.Users | Select-Object -First 70) + 'ghost-1', 'ghost-2'

        Start-Transcript -LiteralPath $transcript -Force
        $DebugPreference = 'Continue'
        $VerbosePreference = 'Continue'
        try {
            # Connect's check call first (its verbose and debug output is in the transcript), then faults on the way:
            # retries and their messages, malformed answers.
            $session = Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -MaxRetry 4 -PassThru
            $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0.3; kinds = @('502', '30006', 'html', 'truncated', 'wrongtype') }
            $ids | Get-TencentChatFollowInfo -ErrorAction SilentlyContinue -ErrorVariable +e1 | Out-Host
            $errors.AddRange(@($e1 | Where-Object { $_ }))
            $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0 }

            # A ready UserSig, shown as the user would look at it.
            $sig = New-TencentChatUserSig -SdkAppId $identity.SdkAppId -SecretKey $key -Identifier administrator
            $sig | Out-Host
            $sigSession = Connect-TencentChat -SdkAppId $identity.SdkAppId -UserSig $sig -Endpoint $emulator.Url -PassThru -WarningAction Continue
            'u0001', 'ghost-3' | Get-TencentChatFollowInfo -ErrorAction SilentlyContinue -ErrorVariable +e2 | Out-Host
            $errors.AddRange(@($e2 | Where-Object { $_ }))

            # A wrong key: Connect's check fails (a terminating error); with -SkipCheck, one terminating error for the run.
            try { Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $bad -Endpoint $emulator.Url } catch { $errors.Add($_) }
            Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $bad -Endpoint $emulator.Url -SkipCheck
            try { $ids | Get-TencentChatFollowInfo -ErrorAction SilentlyContinue -ErrorVariable +e3 | Out-Host } catch { $errors.Add($_) }
            $errors.AddRange(@($e3 | Where-Object { $_ }))

            foreach ($o in $session, $sigSession, (Get-TencentChatContext)) {
                $shown.Add(($o | Format-List * | Out-String))
                $shown.Add(($o | Format-Table * | Out-String))
                $shown.Add(($o | ConvertTo-Json -Depth 4))
                $shown.Add("$o")
                $o | Out-Host
            }
        } finally {
            $DebugPreference = 'SilentlyContinue'
            $VerbosePreference = 'SilentlyContinue'
            Stop-Transcript
        }

        $errors.Count | Should -BeGreaterThan 3
        @($errors | Where-Object { "$($_.FullyQualifiedErrorId)$($_.ErrorRecord.FullyQualifiedErrorId)" -like 'TencentChat.RunStopped*' }).Count | Should -BeGreaterThan 0 -Because 'the wrong key run ends with one error for the run'
        foreach ($item in $errors) {
            # -ErrorVariable keeps a terminating error as its exception; look at that and at its record.
            $shown.Add($item.ToString())
            $e = if ($item -is [System.Management.Automation.ErrorRecord]) { $item } else { $item.ErrorRecord }
            if ($null -eq $e) { continue }
            $shown.Add($e.ToString())
            $shown.Add([string]$e.TargetObject)
            $shown.Add($e.Exception.ToString())
            $shown.Add(($e | Format-List * -Force | Out-String))
            $shown.Add(($e.Exception | Format-List * -Force | Out-String))
            foreach ($k in $e.Exception.Data.Keys) { $shown.Add("$k=$($e.Exception.Data[$k])") }
            $shown.Add(($e | ConvertTo-Json -Depth 2 -WarningAction SilentlyContinue))
        }
        $shown.Add((Get-Content -Raw -LiteralPath $transcript))

        $sigs = @(Invoke-EmulatorControl -Emulator $emulator -Name usersigs)
        $sigs.Count | Should -BeGreaterThan 1 -Because 'the emulator saw the made sigs, the ready one and the wrong-key ones'
        $secrets = @($identity.SecretKey, $wrongKey) + $sigs
        $all = $shown -join "`n"
        $all | Should -Match 'ghost-1' -Because 'the errors were captured'
        $all | Should -Match 'batch \d+' -Because 'the verbose lines were captured'
        $all | Should -Match 'request body' -Because 'the debug lines were captured'
        foreach ($secret in $secrets) {
            $all.Contains($secret) | Should -BeFalse -Because "a secret ($($secret.Substring(0, 6))...) must not appear"
            $all.Contains([uri]::EscapeDataString($secret)) | Should -BeFalse
        }
    }
}
