BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:identity = Get-EmulatorIdentity
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath)
    $script:key = ConvertTo-SecureString $identity.SecretKey -AsPlainText -Force
    $script:envNames = 'TENCENTCHAT_SDKAPPID', 'TENCENTCHAT_SECRETKEY', 'TENCENTCHAT_IDENTIFIER', 'TENCENTCHAT_REGION', 'TENCENTCHAT_ENDPOINT'
    foreach ($n in $envNames) { Remove-Item "env:$n" -ErrorAction SilentlyContinue }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'Connect-TencentChat' {
    AfterEach {
        Disconnect-TencentChat
        foreach ($n in $envNames) { Remove-Item "env:$n" -ErrorAction SilentlyContinue }
    }

    It 'connects with -SecretKey, defaults the identifier to administrator and the region to China' {
        $s = Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -PassThru
        $s.SdkAppId | Should -Be 1400000001
        $s.Identifier | Should -Be 'administrator'
        $s.Region | Should -Be 'China'
        $s.Endpoint.Host | Should -Be 'console.tim.qq.com'
        $s.AuthenticationMode | Should -Be 'SecretKey'
        $s.UserSigExpiresAt | Should -BeGreaterThan ([datetimeoffset]::UtcNow.AddHours(23))
    }

    It 'takes the identifier from a PSCredential and the secret key from its password' {
        $cred = [pscredential]::new('ops_admin', $key)
        (Connect-TencentChat -SdkAppId 1400000001 -Credential $cred -Region Singapore -PassThru).Identifier | Should -Be 'ops_admin'
        (Get-TencentChatContext).Endpoint.Host | Should -Be 'adminapisgp.im.qcloud.com'
    }

    It 'maps every region to its documented domain' -ForEach @(
        @{ Region = 'Seoul'; HostName = 'adminapikr.im.qcloud.com' }
        @{ Region = 'Tokyo'; HostName = 'adminapijpn.im.qcloud.com' }
        @{ Region = 'Frankfurt'; HostName = 'adminapiger.im.qcloud.com' }
        @{ Region = 'Mumbai'; HostName = 'adminapiind.im.qcloud.com' }
        @{ Region = 'SiliconValley'; HostName = 'adminapiusa.im.qcloud.com' }
        @{ Region = 'Jakarta'; HostName = 'adminapiidn.im.qcloud.com' }
    ) {
        (Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Region $Region -PassThru).Endpoint.Host | Should -Be $HostName
    }

    It 'reads every TENCENTCHAT_* variable when no secret is passed' {
        $env:TENCENTCHAT_SDKAPPID = '1400000001'
        $env:TENCENTCHAT_SECRETKEY = $identity.SecretKey
        $env:TENCENTCHAT_IDENTIFIER = 'administrator'
        $env:TENCENTCHAT_ENDPOINT = $emulator.Url
        $s = Connect-TencentChat -PassThru
        $s.Endpoint.ToString() | Should -Be "$($emulator.Url)/"
        @(Get-TencentChatFollowInfo -UserId administrator).Count | Should -Be 1
    }

    It 'reads TENCENTCHAT_REGION' {
        $env:TENCENTCHAT_SDKAPPID = '1400000001'
        $env:TENCENTCHAT_SECRETKEY = $identity.SecretKey
        $env:TENCENTCHAT_REGION = 'frankfurt'
        (Connect-TencentChat -PassThru).Region | Should -Be 'Frankfurt'
    }

    It 'names everything that is missing in one error' {
        $err = { Connect-TencentChat } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidConnection*'
        $err.Exception.Message | Should -Match 'TENCENTCHAT_SDKAPPID'
        $err.Exception.Message | Should -Match 'TENCENTCHAT_SECRETKEY'
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It 'rejects a malformed TENCENTCHAT_SDKAPPID by name' {
        $env:TENCENTCHAT_SDKAPPID = 'abc'
        { Connect-TencentChat -SecretKey $key } | Should -Throw -ExpectedMessage "*TENCENTCHAT_SDKAPPID is 'abc'*"
    }

    It 'refuses plain http to a host that is not loopback' {
        { Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Endpoint 'http://example.com' } | Should -Throw -ExpectedMessage '*loopback*'
    }

    It 'says what is wrong with an endpoint without .NET''s parameter-name tail' {
        $err = { Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Endpoint 'http://example.com' } | Should -Throw -PassThru
        $err.Exception.Message | Should -Not -Match 'Parameter'
        $err.Exception.Message | Should -Not -Match "'endpoint'"
    }

    It 'cuts an endpoint copied with the API path to its base, warns, and then works' {
        $null = Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint "$($emulator.Url)/v4/follow/follow_get_info" -WarningVariable warned -WarningAction SilentlyContinue
        $warned.Count | Should -Be 1
        $base = ([uri]$emulator.Url).GetLeftPart([UriPartial]::Authority)
        "$($warned[0])" | Should -BeLike "*using the base URI $base *"
        (Get-TencentChatContext).Endpoint.AbsoluteUri | Should -Be "$base/"
        $r = Get-TencentChatFollowInfo -UserId $identity.Identifier -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 0
        $r.UserId | Should -Be $identity.Identifier
    }

    It 'refuses an endpoint with any other path, saying to pass a base URI' {
        { Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint "$($emulator.Url)/tencent" } |
            Should -Throw -ExpectedMessage '*Pass a base URI such as https://adminapisgp.im.qcloud.com*'
    }

    It 'accepts a ready UserSig, warns that it cannot be renewed and reports its expiry' {
        $sig = [TencentChatFollow.Auth.UserSigGenerator]::Generate(1400000001, [Text.Encoding]::UTF8.GetBytes($identity.SecretKey), 'administrator', 3600, [datetimeoffset]::UtcNow, $null)
        $s = Connect-TencentChat -SdkAppId 1400000001 -UserSig (ConvertTo-SecureString $sig -AsPlainText -Force) -Endpoint $emulator.Url -PassThru -WarningVariable warn -WarningAction SilentlyContinue
        $s.AuthenticationMode | Should -Be 'UserSig'
        $warn | Should -Match 'expires at'
        $s.UserSigExpiresAt | Should -BeGreaterThan ([datetimeoffset]::UtcNow.AddMinutes(58))
        $s.UserSigExpiresAt | Should -BeLessThan ([datetimeoffset]::UtcNow.AddMinutes(61))
        @(Get-TencentChatFollowInfo -UserId administrator).Count | Should -Be 1
    }

    It 'refuses a ready UserSig made for another app' {
        $sig = [TencentChatFollow.Auth.UserSigGenerator]::Generate(1400000002, [Text.Encoding]::UTF8.GetBytes('k'), 'administrator', 3600, [datetimeoffset]::UtcNow, $null)
        { Connect-TencentChat -SdkAppId 1400000001 -UserSig (ConvertTo-SecureString $sig -AsPlainText -Force) } | Should -Throw -ExpectedMessage '*made for SDKAppID 1400000002*'
    }

    It 'takes a proxy, shows its address and never its password' {
        $proxyUser = [pscredential]::new('ops', (ConvertTo-SecureString 'proxy-pw-123' -AsPlainText -Force))
        $s = Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Proxy 'http://proxy.example:8080' -ProxyCredential $proxyUser -PassThru
        "$($s.Proxy)" | Should -Be 'http://proxy.example:8080'
        (($s | Format-List * | Out-String) + ($s | ConvertTo-Json -Depth 5)) | Should -Not -Match 'proxy-pw-123'
    }

    It 'wants -Proxy with a proxy credential' {
        $proxyUser = [pscredential]::new('ops', (ConvertTo-SecureString 'pw' -AsPlainText -Force))
        { Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -ProxyCredential $proxyUser } | Should -Throw -ExpectedMessage '*go with -Proxy*'
        { Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Proxy 'ftp://proxy:21' } | Should -Throw -ExpectedMessage '*http or https*'
    }

    It 'keeps the session per runspace' {
        Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Endpoint $emulator.Url
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument((Get-ModuleUnderTest)).AddStatement().AddCommand('Get-TencentChatContext')
            @($ps.Invoke()).Count | Should -Be 0
        } finally { $ps.Dispose() }
        Get-TencentChatContext | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-TencentChatContext and Disconnect-TencentChat' {
    It 'shows the app, identifier, endpoint and sig expiry but no secret, in any form' {
        Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Endpoint $emulator.Url
        $null = Get-TencentChatFollowInfo -UserId administrator
        $ctx = Get-TencentChatContext
        $ctx.SdkAppId | Should -Be 1400000001
        $ctx.UserSigExpiresAt | Should -Not -BeNullOrEmpty
        $sigs = @(Invoke-EmulatorControl -Emulator $emulator -Name usersigs)
        $sigs.Count | Should -BeGreaterThan 0
        $shown = @(
            ($ctx | Format-List * | Out-String)
            ($ctx | Format-Table | Out-String)
            ($ctx | ConvertTo-Json -Depth 5)
            "$ctx"
            ($ctx | Select-Object * | Out-String)
        ) -join "`n"
        $shown | Should -Not -Match $identity.SecretKey
        foreach ($s in $sigs) { $shown.Contains($s) | Should -BeFalse }
        $shown | Should -Match '1400000001'
    }

    It 'forgets the session; calling again is not an error' {
        Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Endpoint $emulator.Url
        Disconnect-TencentChat
        Get-TencentChatContext | Should -BeNullOrEmpty
        { Disconnect-TencentChat } | Should -Not -Throw
    }
}
