BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 150 -Edges 3000
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path
    $script:cred = Get-EmulatorCredential
    $script:appId = (Get-EmulatorIdentity).SdkAppId
    $script:users = @($graph.Users)
    # Every call gets the fault kind (or none with an empty one).
    function Set-EveryCallFault([string[]] $Kind) {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = [int]($Kind.Count -gt 0); kinds = @(if ($Kind) { $Kind } else { '502' }); latencyMs = 0 }
    }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'The UserSig during a long run' {
    BeforeEach { Set-EveryCallFault; $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }
    AfterEach { Set-EveryCallFault }

    It 'a secret key accepted before and refused later (changed in the console): the stop says the key changed, not that it is another app''s' {
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url
        $ids = @($users[0..59])
        $null = $ids | Get-TencentChatFollowInfo -ErrorAction SilentlyContinue
        # The key is reset in the console between runs of a long-lived session: every call now gets 70009.
        Set-EveryCallFault 70009
        $err = $null
        try { $null = $ids | Get-TencentChatFollowInfo -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.UserSigRejected'
        $err.Exception.Message | Should -Match '70009'
        $err.Exception.Message | Should -Match 'accepted earlier'
        $err.Exception.Message | Should -Match 'changed|reset'
        $err.Exception.Message | Should -Not -Match 'does not belong to SDKAppID' -Because 'the same key worked for this session: it is not another app''s key'
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object errorCode -EQ 70009).Count | Should -BeLessOrEqual 3 -Because 'the 3 calls of 20 ids went at once (the session was answered before), and none was retried'
    }

    It 'a ready -UserSig that expires mid-run: the run stops at the first refusal, naming the expiry and the key, retrying nothing; each id once, none unknown' {
        $sig = New-TencentChatUserSig -SdkAppId $appId -SecretKey $cred.Password -Identifier $cred.UserName -Expiry (New-TimeSpan -Seconds 4)
        Connect-TencentChat -SdkAppId $appId -Identifier $cred.UserName -UserSig $sig -Endpoint $emulator.Url -WarningAction SilentlyContinue
        (Get-TencentChatContext).UserSigExpiresAt | Should -BeGreaterThan (Get-Date) -Because 'the sig is still valid when connected'
        $ids = @($users[1..100])
        $script:fed = 0
        # After 40 ids (two calls answered) the input waits until the sig has expired.
        $feed = { $script:fed++; if ($script:fed -eq 41) { Start-Sleep -Seconds 6 }; $_ }
        $err = $null
        try { $ids | ForEach-Object $feed | Add-TencentChatFollow -From $users[0] -PassThru -ThrottleLimit 4 -ErrorAction Stop -OutVariable out } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.RunStopped,*'
        $err.Exception.Cause.ErrorId | Should -Be 'TencentChat.UserSigExpired'
        $err.Exception.Message | Should -Match '70001'
        $err.Exception.Message | Should -Match 'expired'
        $err.Exception.Message | Should -Match '-SecretKey'
        @($err.Exception.UnknownIds).Count | Should -Be 0 -Because 'a call refused for its sig did nothing'
        $unanswered = @($err.Exception.UnansweredIds)
        $unanswered.Count | Should -BeGreaterOrEqual 20
        (@($out.UserId) + $unanswered) -join ',' | Should -Be ($ids[0..($out.Count + $unanswered.Count - 1)] -join ',') -Because 'every id read comes out once, in input order'
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object errorCode -EQ 70001).Count | Should -BeLessOrEqual 4 -Because 'the calls in flight (-ThrottleLimit 4) each went once: a sig that cannot be renewed is not sent again'
    }
}
