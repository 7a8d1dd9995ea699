BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 150 -Edges 300
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
}
