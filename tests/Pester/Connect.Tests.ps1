BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:identity = Get-EmulatorIdentity
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath)
    $script:key = ConvertTo-SecureString $identity.SecretKey -AsPlainText -Force
    $script:envNames = 'TENCENTCHAT_SDKAPPID', 'TENCENTCHAT_SECRETKEY', 'TENCENTCHAT_IDENTIFIER', 'TENCENTCHAT_REGION', 'TENCENTCHAT_ENDPOINT'
    foreach ($n in $envNames) { Remove-Item "env:$n" -ErrorAction SilentlyContinue }
    $script:module = Get-ModuleUnderTest

    function Disconnect-All {
        Disconnect-TencentChat -Scope Runspace
        Disconnect-TencentChat -Scope Process
    }

    function Get-Log { @(Invoke-EmulatorControl -Emulator $emulator -Name requests) }
    function Reset-Emulator {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 0; kinds = @('502'); latencyMs = 0 }
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
    }
}

AfterAll {
    Disconnect-All
    $emulator | Stop-Emulator
}

# Tests that connect to Tencent's real domains (regions, a proxy that does not exist) use -SkipCheck: they are about
# what Connect-TencentChat makes of its input, and no test calls the real service.
Describe 'Connect-TencentChat' {
    AfterEach {
        Disconnect-All
        foreach ($n in $envNames) { Remove-Item "env:$n" -ErrorAction SilentlyContinue }
    }

    It 'connects with -SecretKey, defaults the identifier to administrator and the region to China' {
        $s = Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -SkipCheck -PassThru
        $s.SdkAppId | Should -Be 1400000001
        $s.Identifier | Should -Be 'administrator'
        $s.Region | Should -Be 'China'
        $s.Endpoint.Host | Should -Be 'console.tim.qq.com'
        $s.AuthenticationMode | Should -Be 'SecretKey'
        $s.UserSigExpiresAt | Should -BeGreaterThan ([datetimeoffset]::UtcNow.AddHours(23))
    }

    It 'takes the identifier from a PSCredential and the secret key from its password' {
        $cred = [pscredential]::new('ops_admin', $key)
        (Connect-TencentChat -SdkAppId 1400000001 -Credential $cred -Region Singapore -SkipCheck -PassThru).Identifier | Should -Be 'ops_admin'
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
        (Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Region $Region -SkipCheck -PassThru).Endpoint.Host | Should -Be $HostName
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

    It 'reads the TENCENTCHAT_* variables for what is not passed, also when a secret key is passed' {
        # README and runbooks.md: a -SecretKey does not turn the environment off; a TENCENTCHAT_ENDPOINT left set (the
        # emulator's, say) is where a Connect-TencentChat without -Region or -Endpoint calls.
        $env:TENCENTCHAT_ENDPOINT = $emulator.Url
        $env:TENCENTCHAT_IDENTIFIER = 'administrator'
        $env:TENCENTCHAT_SDKAPPID = '1400000001'
        $s = Connect-TencentChat -SecretKey $key -PassThru
        $s.Endpoint.ToString() | Should -Be "$($emulator.Url)/"
        $s.SdkAppId | Should -Be 1400000001
        $env:TENCENTCHAT_IDENTIFIER = 'someone'
        (Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -SkipCheck -PassThru).Identifier | Should -Be 'someone'
    }

    It 'signs with the key trimmed of surrounding white space (a file read with Get-Content -Raw), as its help says' {
        $padded = ConvertTo-SecureString (" $($identity.SecretKey)`r`n") -AsPlainText -Force
        (Connect-TencentChat -SdkAppId 1400000001 -SecretKey $padded -Endpoint $emulator.Url -PassThru).AuthenticationMode | Should -Be 'SecretKey'
        $env:TENCENTCHAT_SECRETKEY = "$($identity.SecretKey)`n"
        (Connect-TencentChat -SdkAppId 1400000001 -Endpoint $emulator.Url -PassThru).AuthenticationMode | Should -Be 'SecretKey'
    }

    It 'reads TENCENTCHAT_REGION' {
        $env:TENCENTCHAT_SDKAPPID = '1400000001'
        $env:TENCENTCHAT_SECRETKEY = $identity.SecretKey
        $env:TENCENTCHAT_REGION = 'frankfurt'
        (Connect-TencentChat -SkipCheck -PassThru).Region | Should -Be 'Frankfurt'
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

    It 'refuses a plain-text <Parameter> of <Command>, saying how to make a SecureString, and never repeats it' -ForEach @(
        @{ Command = 'Connect-TencentChat'; Parameter = 'SecretKey'; Also = 'Credential|TENCENTCHAT_SECRETKEY' }
        @{ Command = 'Connect-TencentChat'; Parameter = 'UserSig'; Also = 'New-TencentChatUserSig' }
        @{ Command = 'New-TencentChatUserSig'; Parameter = 'SecretKey'; Also = 'Chat console' }
    ) {
        $secret = 'plain-text-secret-4711'
        $arguments = @{ SdkAppId = 1400000001; $Parameter = $secret }
        if ($Command -eq 'New-TencentChatUserSig') { $arguments.Identifier = 'user001' } else { $arguments.SkipCheck = $true }
        $err = { & $Command @arguments } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match "-$Parameter takes a SecureString, not plain text"
        $err.Exception.Message | Should -Match 'Read-Host -AsSecureString'
        $err.Exception.Message | Should -Match 'ConvertTo-SecureString \$text -AsPlainText -Force'
        $err.Exception.Message | Should -Match $Also
        "$err $($err.Exception) $($err.Exception.InnerException)" | Should -Not -Match $secret
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It 'warns that -Region is not used when -Endpoint is given too, and calls the endpoint' {
        $s = Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Region Singapore -Endpoint $emulator.Url -PassThru -WarningVariable warned -WarningAction SilentlyContinue
        $warned.Count | Should -Be 1
        "$($warned[0])" | Should -BeLike "-Region Singapore is not used: -Endpoint $(([uri]$emulator.Url).GetLeftPart([UriPartial]::Authority)) overrides it*Pass only one of them*"
        $s.Endpoint.Authority | Should -Be ([uri]$emulator.Url).Authority
        $s.Region | Should -BeNullOrEmpty
        $null = Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -WarningVariable alone -WarningAction SilentlyContinue
        $alone.Count | Should -Be 0 -Because 'the endpoint alone is no reason to warn'
    }

    It 'refuses an endpoint with any other path, saying to pass a base URI' {
        { Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint "$($emulator.Url)/tencent" } |
            Should -Throw -ExpectedMessage '*Pass a base URI such as https://adminapisgp.im.qcloud.com*'
    }

    It 'accepts a ready UserSig, warns that it cannot be renewed and reports its expiry' {
        $sig = New-TencentChatUserSig -SdkAppId 1400000001 -SecretKey (ConvertTo-SecureString $identity.SecretKey -AsPlainText -Force) -Identifier administrator -Expiry (New-TimeSpan -Hours 1) -AsPlainText
        $s = Connect-TencentChat -SdkAppId 1400000001 -UserSig (ConvertTo-SecureString $sig -AsPlainText -Force) -Endpoint $emulator.Url -PassThru -WarningVariable warn -WarningAction SilentlyContinue
        $s.AuthenticationMode | Should -Be 'UserSig'
        $warn | Should -Match 'expires at'
        $s.UserSigExpiresAt | Should -BeGreaterThan ([datetimeoffset]::UtcNow.AddMinutes(58))
        $s.UserSigExpiresAt | Should -BeLessThan ([datetimeoffset]::UtcNow.AddMinutes(61))
        @(Get-TencentChatFollowInfo -UserId administrator).Count | Should -Be 1
    }

    It 'refuses a ready UserSig made for another app' {
        $sig = New-TencentChatUserSig -SdkAppId 1400000002 -SecretKey (ConvertTo-SecureString 'k' -AsPlainText -Force) -Identifier administrator -Expiry (New-TimeSpan -Hours 1) -AsPlainText
        { Connect-TencentChat -SdkAppId 1400000001 -UserSig (ConvertTo-SecureString $sig -AsPlainText -Force) } | Should -Throw -ExpectedMessage '*made for SDKAppID 1400000002*'
    }

    It 'takes a proxy, shows its address and never its password' {
        $proxyUser = [pscredential]::new('ops', (ConvertTo-SecureString 'proxy-pw-123' -AsPlainText -Force))
        $s = Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Proxy 'http://proxy.example:8080' -ProxyCredential $proxyUser -SkipCheck -PassThru
        "$($s.Proxy)" | Should -Be 'http://proxy.example:8080'
        (($s | Format-List * | Out-String) + ($s | ConvertTo-Json -Depth 5)) | Should -Not -Match 'proxy-pw-123'
    }

    It 'never repeats a secret key found in <Variable> (swapped CI variables), and says it looks like one' -ForEach @(
        @{ Variable = 'TENCENTCHAT_SDKAPPID' }
        @{ Variable = 'TENCENTCHAT_REGION' }
        @{ Variable = 'TENCENTCHAT_ENDPOINT' }
    ) {
        if ($Variable -ne 'TENCENTCHAT_SDKAPPID') { $env:TENCENTCHAT_SDKAPPID = '1400000001' }
        $env:TENCENTCHAT_SECRETKEY = '1400000001'
        Set-Item "env:$Variable" $identity.SecretKey
        $err = { Connect-TencentChat -SkipCheck } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidConnection*'
        $err.Exception.Message | Should -Match "$Variable is a text of 64 characters .*which looks like a secret key"
        "$err $($err.Exception)" | Should -Not -Match $identity.SecretKey
        "$err" | Should -Not -Match $identity.SecretKey.Substring(0, 12)
    }

    It 'shows only the host of a TENCENTCHAT_ENDPOINT copied without its scheme, never its query (the UserSig)' {
        $env:TENCENTCHAT_SDKAPPID = '1400000001'
        $env:TENCENTCHAT_SECRETKEY = $identity.SecretKey
        $env:TENCENTCHAT_ENDPOINT = 'console.tim.qq.com/v4/follow/follow_get_info?sdkappid=1400000001&identifier=administrator&usersig=eJyrVgrxCdZRSq0oyCxKVbJSMjIwMDAwMDQyNdTSUioG4lILS1SsjM0NDQ1NTAzNjEA'
        $err = { Connect-TencentChat -SkipCheck } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match "TENCENTCHAT_ENDPOINT is 'console\.tim\.qq\.com/\.\.\.' \(its path and query not shown\), which is not an absolute URI: a base URI starts with https://"
        "$err" | Should -Not -Match 'usersig|eJyr|follow_get_info'
    }

    It '<Command> refuses a secret key passed by position (as -SdkAppId) without repeating it' -ForEach @(
        @{ Command = 'Connect-TencentChat'; Rest = @{ SkipCheck = $true } }
        @{ Command = 'New-TencentChatUserSig'; Rest = @{ Identifier = 'user001'; SecretKey = (ConvertTo-SecureString 'k' -AsPlainText -Force) } }
    ) {
        $err = { & $Command $identity.SecretKey @Rest } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match '-SdkAppId \(the first position\) takes the app''s SDKAppID'
        $err.Exception.Message | Should -Match 'looks like a secret key'
        $err.Exception.Message | Should -Match 'Pass the secret key as -SecretKey'
        "$err $($err.Exception) $($err.Exception.InnerException)" | Should -Not -Match $identity.SecretKey.Substring(0, 12)
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It '<Command> refuses -SdkAppId <Shown> instead of rounding it to another app''s id' -ForEach @(
        foreach ($command in 'Connect-TencentChat', 'New-TencentChatUserSig') {
            foreach ($case in @(
                    @{ Shown = "'1400000000.7' (text)"; Value = '1400000000.7'; Given = "'1400000000.7'" }
                    @{ Shown = "'1.4e9' (text)"; Value = '1.4e9'; Given = "'1.4e9'" }
                    @{ Shown = '1400000000.7 (a double)'; Value = 1400000000.7; Given = '1400000000.7' }
                    @{ Shown = '1400000000.5 (a decimal)'; Value = 1400000000.5d; Given = '1400000000.5' })) {
                $case + @{ Command = $command }
            }
        }
    ) {
        $rest = if ($Command -eq 'Connect-TencentChat') { @{ SecretKey = $key; SkipCheck = $true } } else { @{ Identifier = 'user001'; SecretKey = $key; AsPlainText = $true } }
        $script:made = 'none yet'
        $err = { $script:made = @(& $Command -SdkAppId $Value @rest) } | Should -Throw -PassThru
        $script:made | Should -Be 'none yet'
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        $err.Exception.Message | Should -BeLike "*-SdkAppId takes the app's SDKAppID, a whole number*it was given $Given, which is not a whole number in digits*Pass the whole SDKAppID*"
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It '<Command> takes -SdkAppId as a whole double (1400000001.0) or digits in text, as the same app' -ForEach @(
        @{ Command = 'Connect-TencentChat' }
        @{ Command = 'New-TencentChatUserSig' }
    ) {
        foreach ($value in 1400000001.0, ' 1400000001 ') {
            if ($Command -eq 'Connect-TencentChat') {
                (Connect-TencentChat -SdkAppId $value -SecretKey $key -SkipCheck -PassThru).SdkAppId | Should -Be 1400000001
                Disconnect-TencentChat
            }
            else {
                $sig = New-TencentChatUserSig -SdkAppId $value -SecretKey $key -Identifier user001
                # Connect checks the sig's SDKAppID against its own.
                (Connect-TencentChat -SdkAppId 1400000001 -Identifier user001 -UserSig $sig -SkipCheck -PassThru).SdkAppId | Should -Be 1400000001
                Disconnect-TencentChat
            }
        }
    }

    It 'refuses an empty -Credential ([pscredential]::Empty) and says what to pass' {
        $err = { Connect-TencentChat 1400000001 -Credential ([pscredential]::Empty) -SkipCheck } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidConnection,*'
        $err.Exception.Message | Should -BeLike 'Cannot connect to Tencent Cloud Chat. The -Credential is empty*user name is the App admin*password is the secret key*'
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It 'refuses -Region <Shown> instead of ORing it into another region, and lists the names' -ForEach @(
        @{ Shown = "'Singapore,Seoul'"; Value = 'Singapore,Seoul' }
        @{ Shown = 'Singapore, Seoul (an array)'; Value = @('Singapore', 'Seoul') }
        @{ Shown = '3'; Value = 3 }
        @{ Shown = "'3'"; Value = '3' }
    ) {
        $err = { Connect-TencentChat 1400000001 -SecretKey $key -Region $Value -SkipCheck } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match '-Region takes one region by name \(China, Singapore, Seoul, Tokyo, Frankfurt, Mumbai, SiliconValley, Jakarta\)'
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It 'still takes a region name in any case, and still completes region names' {
        (Connect-TencentChat 1400000001 -SecretKey $key -Region 'siliconvalley' -SkipCheck -PassThru).Region | Should -Be 'SiliconValley'
        $line = 'Connect-TencentChat -Region Si'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be @('SiliconValley', 'Singapore')
    }

    It 'names <Where> when it is blank, as one "Cannot connect" error' -ForEach @(
        @{ Where = '-Identifier'; Identifier = '   '; UserName = $null; Expected = '-Identifier is blank' }
        @{ Where = 'the credential''s user name'; Identifier = $null; UserName = '  '; Expected = 'The -Credential''s user name is blank' }
        @{ Where = 'a credential user name of \'; Identifier = $null; UserName = '\'; Expected = 'The -Credential''s user name is blank' }
    ) {
        $splat = @{ SdkAppId = 1400000001; SkipCheck = $true }
        if ($UserName) { $splat.Credential = [pscredential]::new($UserName, $key) }
        else { $splat.SecretKey = $key; $splat.Identifier = $Identifier }
        $err = { Connect-TencentChat @splat } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidConnection,*'
        $err.Exception.Message | Should -BeLike "Cannot connect to Tencent Cloud Chat. $Expected*administrator*"
    }

    It 'refuses <Where> that no account can have, before any call, naming it with escapes' -ForEach @(
        @{ Where = 'an -Identifier with a control character'; Identifier = "admin$([char]0x1B)[31m"; UserName = $null; Expected = "-Identifier 'admin\u001B``[31m' holds a control character (U+001B, character 6)*names no account: pass the App admin's account*" }
        @{ Where = 'an -Identifier with half a surrogate pair'; Identifier = "admin$([char]0xD83D)"; UserName = $null; Expected = "-Identifier 'admin\uD83D' holds half of a UTF-16 surrogate pair*" }
        @{ Where = 'a credential user name over 32 bytes'; Identifier = $null; UserName = ('a' * 33); Expected = "The -Credential's user name ""$('a' * 33)"" (33 bytes) is longer than a Tencent user id may be (32 bytes)*" }
    ) {
        $splat = @{ SdkAppId = 1400000001; Endpoint = $emulator.Url }
        if ($UserName) { $splat.Credential = [pscredential]::new($UserName, $key) }
        else { $splat.SecretKey = $key; $splat.Identifier = $Identifier }
        $before = (Get-Log).Count
        $err = { Connect-TencentChat @splat } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidConnection,*'
        $err.Exception.Message | Should -BeLike "Cannot connect to Tencent Cloud Chat. $Expected"
        (Get-Log).Count | Should -Be $before
    }

    It 'says that <Where> is empty, not that no key was passed' -ForEach @(
        @{ Where = '-SecretKey'; Expected = '-SecretKey is empty' }
        @{ Where = 'the credential''s password'; Expected = 'The -Credential''s password is empty' }
    ) {
        $blank = ConvertTo-SecureString '   ' -AsPlainText -Force
        $err = { if ($Where -eq '-SecretKey') { Connect-TencentChat 1400000001 -SecretKey $blank -SkipCheck } else { Connect-TencentChat 1400000001 -Credential ([pscredential]::new('administrator', $blank)) -SkipCheck } } |
            Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike "Cannot connect to Tencent Cloud Chat. $Expected*"
        $err.Exception.Message | Should -Not -Match 'No secret key'
    }

    It 'says a SecureString was made text when <Where> reads System.Security.SecureString, instead of blaming the key' -ForEach @(
        @{ Where = 'TENCENTCHAT_SECRETKEY'; Expected = 'TENCENTCHAT_SECRETKEY holds the text ''System.Security.SecureString''*Get-Secret -Name TencentChatKey -AsPlainText*-SecretKey $key*' }
        @{ Where = '-SecretKey'; Expected = 'The -SecretKey holds the text ''System.Security.SecureString''*Pass the SecureString itself: -SecretKey $key.' }
        @{ Where = 'the credential''s password'; Expected = 'The -Credential''s password holds the text ''System.Security.SecureString''*`[pscredential`]::new(''administrator'', $key).' }
    ) {
        # What "$key" and $env:X = $key make of a SecureString: its type name.
        $text = "$key"
        $text | Should -Be 'System.Security.SecureString'
        $splat = @{ SkipCheck = $true }
        switch ($Where) {
            'TENCENTCHAT_SECRETKEY' { $env:TENCENTCHAT_SDKAPPID = '1400000001'; $env:TENCENTCHAT_SECRETKEY = $key }
            '-SecretKey' { $splat.SdkAppId = 1400000001; $splat.SecretKey = ConvertTo-SecureString $text -AsPlainText -Force }
            default { $splat.SdkAppId = 1400000001; $splat.Credential = [pscredential]::new('administrator', (ConvertTo-SecureString $text -AsPlainText -Force)) }
        }
        $err = { Connect-TencentChat @splat } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidConnection,*'
        $err.Exception.Message | Should -BeLike "Cannot connect to Tencent Cloud Chat. $Expected"
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It 'a warning that ends the command (-WarningAction Stop) leaves the previous session as it was' {
        $good = Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Endpoint $emulator.Url -SkipCheck -PassThru
        $sig = New-TencentChatUserSig 1400000001 administrator -SecretKey $key -Expiry 01:00:00
        { Connect-TencentChat 1400000001 -UserSig $sig -Endpoint $emulator.Url -SkipCheck -WarningAction Stop } | Should -Throw
        [object]::ReferenceEquals((Get-TencentChatContext), $good) | Should -BeTrue
    }

    It 'gives UserSigExpiresAt in local time, as ConnectedAt' -Skip:$IsWindows {
        # TZ sets the time zone of a new process on Linux and macOS; UTC here would hide the difference.
        $script = Join-Path $TestDrive 'offsets.ps1'
        Set-Content $script "Import-Module '$module'; `$s = Connect-TencentChat 1400000001 -SecretKey (ConvertTo-SecureString 'k' -AsPlainText -Force) -SkipCheck -PassThru; '{0}|{1}' -f `$s.UserSigExpiresAt.Offset, `$s.ConnectedAt.Offset"
        $run = Invoke-PwshFile -Path $script -WorkingDirectory $TestDrive -Environment @{ TZ = 'Asia/Shanghai' } -TimeoutSec 120
        $run.Output.Trim() | Should -Be '08:00:00|08:00:00'
    }

    It 'wants -Proxy with a proxy credential' {
        $proxyUser = [pscredential]::new('ops', (ConvertTo-SecureString 'pw' -AsPlainText -Force))
        { Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -ProxyCredential $proxyUser } | Should -Throw -ExpectedMessage '*go with -Proxy*'
        { Connect-TencentChat -SdkAppId 1400000001 -SecretKey $key -Proxy 'ftp://proxy:21' } | Should -Throw -ExpectedMessage '*http or https*'
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
        { Disconnect-TencentChat -Scope Runspace } | Should -Not -Throw
    }

    It 'Disconnect-TencentChat declares no output type, as it writes nothing (not System.Void)' {
        (Get-Command Disconnect-TencentChat).OutputType.Count | Should -Be 0
    }
}

Describe 'Connect-TencentChat checks the connection with one call' {
    BeforeEach {
        Disconnect-All
        Reset-Emulator
    }
    AfterAll {
        Disconnect-All
        Reset-Emulator
    }

    It 'a good connect makes exactly one call: follow_get_info for the admin itself, as the admin' {
        Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url
        $log = Get-Log
        $log.Count | Should -Be 1
        $log[0].identifier | Should -Be 'administrator'
        $log[0].from | Should -Be 'administrator'
        @($log[0].toAccount) | Should -Be @('administrator')
        $log[0].errorCode | Should -Be 0
        (Get-TencentChatContext).Identifier | Should -Be 'administrator'
    }

    It 'shows the check call in -Verbose, without the query string' {
        $verbose = @(Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -Verbose 4>&1 | ForEach-Object Message)
        ($verbose -join "`n") | Should -Match 'follow_get_info connection check: 1 id, HTTP 200, \d+ ms, 0 retries, OK'
        ($verbose -join "`n") | Should -Match "Checked with one call: the service at $([regex]::Escape($emulator.Url)) answered for the admin 'administrator'"
        ($verbose -join "`n") | Should -Not -Match 'usersig=|sdkappid='
    }

    It 'a wrong secret key fails at Connect with the key advice, and keeps no session' {
        $bad = ConvertTo-SecureString ('f' * 64) -AsPlainText -Force
        $err = { Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $bad -Endpoint $emulator.Url } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'TencentChat.UserSigRejected,TencentChatFollow.Commands.ConnectTencentChatCommand'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match '70009'
        $err.Exception.Message | Should -Match "The secret key does not belong to SDKAppID $($identity.SdkAppId)"
        $err.Exception.Message | Should -Not -Match 'truncated'
        $err.Exception.Message | Should -Match ([regex]::Escape($emulator.Url))
        $err.Exception.Message | Should -Match 'The session was not kept'
        Get-TencentChatContext | Should -BeNullOrEmpty
        Get-TencentChatContext -Scope Process | Should -BeNullOrEmpty
        @(Get-Log).Count | Should -Be 1 -Because 'a fatal answer is not retried'
        { Get-TencentChatFollowInfo -UserId administrator } | Should -Throw -ErrorId 'TencentChat.NotConnected*'
    }

    It 'a failed connect leaves the previous session as it was' {
        $good = Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -PassThru
        $bad = ConvertTo-SecureString ('f' * 64) -AsPlainText -Force
        { Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $bad -Endpoint $emulator.Url } | Should -Throw
        [object]::ReferenceEquals((Get-TencentChatContext), $good) | Should -BeTrue
    }

    It 'an identifier that is not an App admin fails at Connect with TencentChat.NotAdmin' {
        $err = { Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Identifier nobody -Endpoint $emulator.Url } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAdmin,*'
        $err.Exception.Message | Should -Match '60010'
        $err.Exception.Message | Should -Match "admin 'nobody'"
        $err.Exception.Message | Should -Match '-Identifier'
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It 'an SDKAppID the endpoint does not know fails at Connect with TencentChat.WrongRegion' {
        $err = { Connect-TencentChat -SdkAppId 1400009999 -SecretKey $key -Endpoint $emulator.Url } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.WrongRegion,*'
        $err.Exception.Message | Should -Match '70016'
        $err.Exception.Message | Should -Match 'Region'
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It 'an unreachable endpoint fails at Connect after the retries, naming the endpoint' {
        # Port 9 (discard) on loopback: nothing listens there, so every connection is refused at once.
        $err = { Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint 'http://127.0.0.1:9' -MaxRetry 1 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.ConnectionFailed,*'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.Exception.Message | Should -Match 'http://127\.0\.0\.1:9'
        $err.Exception.Message | Should -Match 'after 2 attempts'
        $err.Exception.Message | Should -Match '-SkipCheck' -Because 'an offline set-up is the one reason to skip the check'
        "$($err.TargetObject)" | Should -Be 'http://127.0.0.1:9/'
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It 'https to the plain-HTTP emulator says the TLS handshake failed and to use http://, not that a certificate was rejected' {
        $https = $emulator.Url -replace '^http://', 'https://'
        $err = { Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $https -MaxRetry 0 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.TlsFailed,*'
        $err.Exception.Message | Should -Match 'The TLS handshake with https://127\.0\.0\.1:\d+ failed before any certificate was checked'
        $err.Exception.Message | Should -Match ([regex]::Escape("-Endpoint $($emulator.Url)"))
        $err.Exception.Message | Should -Not -Match 'certificate was not accepted|trust the certificate'
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It 'shows each retry of the check call in -Verbose as it happens, not after the last one' {
        # A port that takes connections and never answers: each attempt waits out -TimeoutSec.
        $silent = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $silent.Start()
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($module).AddStatement().
                AddCommand('Connect-TencentChat').AddParameters(@{ SdkAppId = $identity.SdkAppId; SecretKey = $key; Verbose = $true; MaxRetry = 1; TimeoutSec = 4
                    Endpoint = "http://127.0.0.1:$($silent.LocalEndpoint.Port)" })
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $async = $ps.BeginInvoke()
            $retryAt = $null
            while (-not $async.IsCompleted) {
                if ($null -eq $retryAt -and @($ps.Streams.Verbose | Where-Object Message -Match 'attempt 1 failed .*retry 1 of 1').Count -gt 0) { $retryAt = $clock.Elapsed }
                Start-Sleep -Milliseconds 50
            }
            $endedAt = $clock.Elapsed
            $retryAt | Should -Not -BeNullOrEmpty -Because 'the retry line must be written while the command still runs'
            ($endedAt - $retryAt).TotalSeconds | Should -BeGreaterThan 2 -Because 'the second attempt waits 4 s after the first one''s line'
            $ps.HadErrors | Should -BeTrue
        } finally {
            $ps.Dispose()
            $silent.Stop()
        }
    }

    It 'a server that does not answer like Tencent fails at Connect, naming the endpoint' {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 1; kinds = @('html') }
        $err = { Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -MaxRetry 0 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidResponse,*'
        $err.Exception.Message | Should -Match 'not the JSON follow_get_info documents'
        $err.Exception.Message | Should -Match ([regex]::Escape($emulator.Url))
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It 'an endpoint that redirects fails at Connect naming where it pointed, and nothing (no UserSig) goes there' {
        # One listener, two ports: the endpoint answers 302 to the other port with the request's own path and query
        # (UserSig included); the other port counts what reaches it. It runs in a runspace of its own.
        $free = { $probe = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0); $probe.Start(); $probe.LocalEndpoint.Port; $probe.Stop() }
        $port = & $free; $elsewhere = & $free
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/"); $listener.Prefixes.Add("http://127.0.0.1:$elsewhere/")
        $listener.Start()
        $reached = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Listener, $Elsewhere, $Reached)
                    while ($Listener.IsListening) {
                        try { $c = $Listener.GetContext() } catch { break }
                        if ($c.Request.Url.Port -eq $Elsewhere) { $Reached.Enqueue($c.Request.RawUrl); $c.Response.StatusCode = 200 }
                        else { $c.Response.StatusCode = 302; $c.Response.RedirectLocation = "http://127.0.0.1:$Elsewhere$($c.Request.RawUrl)" }
                        $c.Response.Close()
                    }
                }).AddArgument($listener).AddArgument($elsewhere).AddArgument($reached)
            $null = $ps.BeginInvoke()
            $err = { Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint "http://127.0.0.1:$port" -MaxRetry 2 } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.HttpError,*'
            $err.Exception.Message | Should -Match "HTTP 302 .*from http://127\.0\.0\.1:$port\b"
            $err.Exception.Message | Should -Match "a redirect to http://127\.0\.0\.1:$elsewhere, not followed"
            $err.Exception.Message | Should -Match "Tencent's REST API does not redirect"
            $err.Exception.Message | Should -Not -Match 'usersig|follow_get_info\?'
            $reached.Count | Should -Be 0 -Because 'a redirect is not followed'
            Get-TencentChatContext | Should -BeNullOrEmpty
        } finally {
            $listener.Close()
            $ps.Dispose()
        }
    }

    It 'retries a transient failure, and fails Connect when it outlives the retries' {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ rate = 1; kinds = @('502') }
        $err = { Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -MaxRetry 2 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.HttpError,*'
        $err.Exception.Message | Should -Match 'HTTP 502'
        $err.Exception.Message | Should -Match 'after 3 attempts'
        @(Get-Log).Count | Should -Be 3 -Because 'one call and its 2 retries'
        Get-TencentChatContext | Should -BeNullOrEmpty
    }

    It '-SkipCheck makes no call and keeps the session, even with a wrong key' {
        $bad = ConvertTo-SecureString ('f' * 64) -AsPlainText -Force
        $s = Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $bad -Endpoint $emulator.Url -SkipCheck -PassThru
        (Invoke-EmulatorControl -Emulator $emulator -Name stats).calls | Should -Be 0
        @(Get-Log).Count | Should -Be 0
        [object]::ReferenceEquals((Get-TencentChatContext), $s) | Should -BeTrue
    }

    It 'stops during the check call without waiting for its answer, and keeps no session' {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body @{ latencyMs = 5000 }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $Url, $Key)
                    Import-Module $Module
                    Connect-TencentChat -SdkAppId 1400000001 -SecretKey $Key -Endpoint $Url -Scope Runspace
                }).AddArgument($module).AddArgument($emulator.Url).AddArgument($key)
            $handle = $ps.BeginInvoke()
            # The check call is on the wire once the emulator has its UserSig; its answer then takes 5 s.
            Wait-Until { @(Invoke-EmulatorControl -Emulator $emulator -Name usersigs).Count -gt 0 } -Because 'the check call to arrive'
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $null = $ps.Commands.Clear()
            $null = $ps.AddCommand('Get-TencentChatContext').AddParameter('Scope', 'Runspace')
            @($ps.Invoke()).Count | Should -Be 0 -Because 'a stopped connect keeps nothing'
        } finally { $ps.Dispose() }
        Get-TencentChatContext -Scope Process | Should -BeNullOrEmpty
        # Stop abandoned the call in flight: the emulator logs it as the client going away, with no answer sent
        # (httpStatus null), instead of answering it after its 5 s.
        Wait-Until { @(Get-Log).Count -gt 0 } -Because 'the abandoned check call to be logged'
        @(Get-Log).Count | Should -Be 1
        (Get-Log).httpStatus | Should -BeNullOrEmpty -Because 'the check call was abandoned, not answered'
    }
}

Describe 'Sessions: connect once, use everywhere in the process' {
    BeforeAll {
        # A second tenant: another app on its own emulator, for the -Scope Runspace tests.
        $script:otherAppId = [uint32]1400000002
        $script:other = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--sdkappid', $otherAppId
        $script:hasThreadJob = [bool](Get-Command Start-ThreadJob -ErrorAction SilentlyContinue)
    }
    BeforeEach {
        Disconnect-All
        Reset-Emulator
    }
    AfterAll {
        Disconnect-All
        foreach ($n in $envNames) { Remove-Item "env:$n" -ErrorAction SilentlyContinue }
        $other | Stop-Emulator
    }

    It 'is process-wide by default: ForEach-Object -Parallel runspaces use it without connecting' {
        Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $seen = @(1..3 | ForEach-Object -ThrottleLimit 3 -Parallel {
                Import-Module $using:module
                [pscustomobject]@{
                    Runspace = [runspace]::DefaultRunspace.InstanceId
                    AppId    = (Get-TencentChatContext).SdkAppId
                    UserId   = (Get-TencentChatFollowInfo -UserId "administrator").UserId
                }
            })
        $seen.Count | Should -Be 3
        @($seen.AppId | Sort-Object -Unique) | Should -Be @($identity.SdkAppId)
        @($seen.UserId | Sort-Object -Unique) | Should -Be @('administrator')
        $seen.Runspace | Should -Not -Contain ([runspace]::DefaultRunspace.InstanceId)
        @(Get-Log).Count | Should -Be 3 -Because 'each runspace called with the process session'
    }

    It 'reaches a runspace the host makes' {
        Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($module).AddStatement().AddCommand('Get-TencentChatContext')
            $got = @($ps.Invoke())
            $got.Count | Should -Be 1
            [object]::ReferenceEquals($got[0].psobject.BaseObject, (Get-TencentChatContext)) | Should -BeTrue
        } finally { $ps.Dispose() }
    }

    It 'reaches a thread job (Start-ThreadJob)' {
        if (-not $hasThreadJob) { Set-ItResult -Skipped -Because 'Start-ThreadJob is not available in this PowerShell'; return }
        Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url
        $got = Start-ThreadJob {
            Import-Module $using:module
            (Get-TencentChatFollowInfo -UserId administrator).UserId
        } | Receive-Job -Wait -AutoRemoveJob
        $got | Should -Be 'administrator'
    }

    It '-Scope Runspace stays in its runspace and wins there over the process session' {
        Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $null = Invoke-EmulatorControl -Emulator $other -Name reset -Method Post
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $AppId, $Key, $Url)
                    Import-Module $Module
                    Connect-TencentChat -SdkAppId $AppId -SecretKey $Key -Endpoint $Url -Scope Runspace
                    [pscustomobject]@{
                        Here    = (Get-TencentChatContext).SdkAppId
                        Own     = (Get-TencentChatContext -Scope Runspace).SdkAppId
                        Process = (Get-TencentChatContext -Scope Process).SdkAppId
                        UserId  = (Get-TencentChatFollowInfo -UserId administrator).UserId
                    }
                }).AddArgument($module).AddArgument($otherAppId).AddArgument($key).AddArgument($other.Url)
            $inside = @($ps.Invoke())
            $ps.Streams.Error | Should -BeNullOrEmpty
            $inside.Count | Should -Be 1
            $inside[0].Here | Should -Be $otherAppId -Because 'the runspace''s own session wins there'
            $inside[0].Own | Should -Be $otherAppId
            $inside[0].Process | Should -Be $identity.SdkAppId -Because 'connecting a runspace leaves the process session as it was'
            $inside[0].UserId | Should -Be 'administrator'
        } finally { $ps.Dispose() }
        (Get-TencentChatContext).SdkAppId | Should -Be $identity.SdkAppId -Because 'the other runspace''s session does not reach this one'
        Get-TencentChatContext -Scope Runspace | Should -BeNullOrEmpty
        @(Get-Log).Count | Should -Be 0 -Because 'the runspace called its own tenant, not the process one'
        @(Invoke-EmulatorControl -Emulator $other -Name requests).Count | Should -Be 2 -Because 'its check call and its run'
    }

    It 'runs two tenants side by side in ForEach-Object -Parallel with -Scope Runspace' {
        $tenants = @(
            @{ AppId = $identity.SdkAppId; Url = $emulator.Url }
            @{ AppId = $otherAppId; Url = $other.Url }
        )
        $null = Invoke-EmulatorControl -Emulator $other -Name reset -Method Post
        $seen = @($tenants | ForEach-Object -ThrottleLimit 2 -Parallel {
                Import-Module $using:module
                Connect-TencentChat -SdkAppId $_.AppId -SecretKey $using:key -Endpoint $_.Url -Scope Runspace
                $ids = @(1..40 | ForEach-Object { 'administrator' })
                [pscustomobject]@{ Want = $_.AppId; Got = (Get-TencentChatContext).SdkAppId; Rows = @($ids | Get-TencentChatFollowInfo).Count }
            })
        foreach ($t in $seen) {
            $t.Got | Should -Be $t.Want
            $t.Rows | Should -Be 40
        }
        Get-TencentChatContext | Should -BeNullOrEmpty -Because 'runspace sessions do not make a process session'
        @(Get-Log).Count | Should -Be 3 -Because 'one check call and two calls of 20 for the first tenant'
        @(Invoke-EmulatorControl -Emulator $other -Name requests).Count | Should -Be 3
    }

    It 'warns when a process connect is hidden here by the runspace''s own session; Disconnect -Scope Runspace falls back to it' {
        Connect-TencentChat -SdkAppId $otherAppId -SecretKey $key -Endpoint $other.Url -Scope Runspace
        Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -WarningVariable warned -WarningAction SilentlyContinue
        "$warned" | Should -Match 'still wins here'
        "$warned" | Should -Match 'Disconnect-TencentChat -Scope Runspace'
        (Get-TencentChatContext).SdkAppId | Should -Be $otherAppId
        Disconnect-TencentChat -Scope Runspace
        (Get-TencentChatContext).SdkAppId | Should -Be $identity.SdkAppId
    }

    It 'a reused runspace (ForEach-Object -Parallel -ThrottleLimit 1): a tenant whose -Scope Runspace connect fails does not run on the previous tenant''s session' {
        $bad = ConvertTo-SecureString ('f' * 64) -AsPlainText -Force
        $tenants = @(
            @{ Name = 'first'; AppId = $otherAppId; Url = $other.Url; Key = $key }
            @{ Name = 'second'; AppId = $identity.SdkAppId; Url = $emulator.Url; Key = $bad }
        )
        $null = Invoke-EmulatorControl -Emulator $other -Name reset -Method Post
        # The script carries on after the failed Connect, as one whose $ErrorActionPreference is Continue does.
        $seen = @($tenants | ForEach-Object -ThrottleLimit 1 -Parallel {
                Import-Module $using:module
                $failed = try { Connect-TencentChat -SdkAppId $_.AppId -SecretKey $_.Key -Endpoint $_.Url -Scope Runspace } catch { $_ }
                [pscustomobject]@{
                    Name     = $_.Name
                    Runspace = [runspace]::DefaultRunspace.InstanceId
                    Own      = (Get-TencentChatContext -Scope Runspace).SdkAppId
                    Error    = "$failed"
                    Run      = try { (Get-TencentChatFollowInfo -UserId administrator -ErrorAction Stop).UserId } catch { $_.FullyQualifiedErrorId }
                }
            })
        $seen.Count | Should -Be 2
        $seen[1].Runspace | Should -Be $seen[0].Runspace -Because 'the second tenant ran in the runspace the first one connected in'
        $seen[0].Own | Should -Be $otherAppId
        $seen[0].Run | Should -Be 'administrator'
        $seen[1].Own | Should -BeNullOrEmpty -Because 'the failed connect removed the first tenant''s session'
        $seen[1].Run | Should -BeLike 'TencentChat.NotConnected,*'
        $seen[1].Error | Should -Match '70009'
        $seen[1].Error | Should -Match "This runspace's own session \(TencentChat app $otherAppId .*\) was removed"
        $seen[1].Error | Should -Match 'commands here without -Session fail with TencentChat.NotConnected'
        @(Invoke-EmulatorControl -Emulator $other -Name requests).Count | Should -Be 2 -Because 'the first tenant''s check and its own call; nothing of the second tenant''s'
    }

    It 'a failed -Scope Runspace connect says the commands now use the process session; the process session stays' {
        $process = Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -PassThru
        Connect-TencentChat -SdkAppId $otherAppId -SecretKey $key -Endpoint $other.Url -Scope Runspace
        $err = { Connect-TencentChat -SdkAppId $otherAppId -SecretKey $key -Endpoint 'http://127.0.0.1:1' -Scope Runspace -MaxRetry 0 } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match "This runspace's own session \(TencentChat app $otherAppId .*\) was removed"
        $err.Exception.Message | Should -Match ([regex]::Escape("commands here without -Session use the process-wide session ($process)"))
        Get-TencentChatContext -Scope Runspace | Should -BeNullOrEmpty
        [object]::ReferenceEquals((Get-TencentChatContext), $process) | Should -BeTrue
        $err = { Connect-TencentChat -SdkAppId 0 -SecretKey $key -Scope Runspace -SkipCheck } | Should -Throw -PassThru
        [object]::ReferenceEquals((Get-TencentChatContext -Scope Process), $process) | Should -BeTrue -Because 'a failed connect never touches the process session'
    }

    It 'a -Scope Runspace connect that succeeded stays when the pipeline after -PassThru stops it (Select-Object -First 1)' {
        $process = Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -PassThru
        # Select-Object -First 1 stops the command at the WriteObject of the session, after the session was stored.
        $own = Connect-TencentChat -SdkAppId $otherAppId -SecretKey $key -Endpoint $other.Url -Scope Runspace -PassThru | Select-Object -First 1
        $own.SdkAppId | Should -Be $otherAppId
        [object]::ReferenceEquals((Get-TencentChatContext -Scope Runspace), $own) | Should -BeTrue -Because 'the connect succeeded and wrote its session'
        [object]::ReferenceEquals((Get-TencentChatContext), $own) | Should -BeTrue -Because 'the commands here must not fall back to the other tenant''s process session'
        [object]::ReferenceEquals((Get-TencentChatContext -Scope Process), $process) | Should -BeTrue
    }

    It 'warns when a process connect from another runspace replaces the session a live runspace made' {
        Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url
        $warned = @(1 | ForEach-Object -Parallel {
                Import-Module $using:module
                Connect-TencentChat -SdkAppId $using:otherAppId -SecretKey $using:key -Endpoint $using:other.Url -WarningVariable w -WarningAction SilentlyContinue
                $w
            })
        $warned.Count | Should -Be 1
        "$warned" | Should -Match "replaces the process-wide session \(TencentChat app $($identity.SdkAppId) .*\), which another runspace \(id $([runspace]::DefaultRunspace.Id)\) made"
        "$warned" | Should -Match 'Connect-TencentChat -Scope Runspace'
        (Get-TencentChatContext).SdkAppId | Should -Be $otherAppId -Because 'it is a warning: the process session was replaced'
    }

    It 'does not warn when one runspace reconnects, when the maker runspace has closed, or for the same app' {
        Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -WarningVariable w1
        Connect-TencentChat -SdkAppId $otherAppId -SecretKey $key -Endpoint $other.Url -WarningVariable w2
        $w2 | Should -BeNullOrEmpty -Because 'an interactive reconnect in one console replaces only its own session'
        $same = @(1 | ForEach-Object -Parallel {
                Import-Module $using:module
                Connect-TencentChat -SdkAppId $using:otherAppId -SecretKey $using:key -Endpoint $using:other.Url -WarningVariable w
                $w
            })
        $same | Should -BeNullOrEmpty -Because 'the same app, admin and endpoint changes nothing for the other runspaces'
        1 | ForEach-Object -Parallel {
            Import-Module $using:module
            Connect-TencentChat -SdkAppId $using:identity.SdkAppId -SecretKey $using:key -Endpoint $using:emulator.Url -WarningAction SilentlyContinue
        }
        Connect-TencentChat -SdkAppId $otherAppId -SecretKey $key -Endpoint $other.Url -WarningVariable w3
        $w3 | Should -BeNullOrEmpty -Because 'the runspace that made the replaced session has closed'
    }

    It 'Disconnect-TencentChat forgets the session in effect: the runspace''s own first, then the process''s' {
        Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -SkipCheck
        Connect-TencentChat -SdkAppId $otherAppId -SecretKey $key -Endpoint $other.Url -Scope Runspace -SkipCheck
        $verbose = @(Disconnect-TencentChat -Verbose 4>&1 | ForEach-Object Message)
        ($verbose -join "`n") | Should -Match 'Disconnected \(of this runspace\)'
        ($verbose -join "`n") | Should -Match 'now use the process-wide session'
        Get-TencentChatContext -Scope Runspace | Should -BeNullOrEmpty
        (Get-TencentChatContext).SdkAppId | Should -Be $identity.SdkAppId
        Disconnect-TencentChat
        Get-TencentChatContext | Should -BeNullOrEmpty
        Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -SkipCheck
        Disconnect-TencentChat -Scope Runspace
        Get-TencentChatContext -Scope Process | Should -Not -BeNullOrEmpty -Because '-Scope Runspace does not touch the process session'
    }

    It 'says which scopes it searched when there is no session, here and in a parallel runspace' {
        $err = { Get-TencentChatFollowInfo -UserId administrator } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotConnected,*'
        $err.Exception.Message | Should -Match 'searched this runspace \(Connect-TencentChat -Scope Runspace\) and this process'
        $err.Exception.Message | Should -Match 'Start-Job'
        $err.Exception.Message | Should -Match 'TENCENTCHAT_SECRETKEY'
        $inParallel = 1 | ForEach-Object -Parallel {
            Import-Module $using:module
            try { Get-TencentChatFollowInfo -UserId administrator; 'no error' } catch { $_.FullyQualifiedErrorId }
        }
        $inParallel | Should -BeLike 'TencentChat.NotConnected,*'
    }

    It 'refuses a session that crossed into a Start-Job process, and shows the environment-variable way' {
        $s = Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url -PassThru
        $got = Start-Job {
            Import-Module $using:module
            try { Get-TencentChatFollowInfo -UserId administrator -Session $using:s; 'no error' } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }
        } | Receive-Job -Wait -AutoRemoveJob
        $got.Count | Should -Be 2
        $got[0] | Should -BeLike 'ParameterArgumentTransformationError,*'
        $got[1] | Should -Match 'Deserialized\.TencentChatFollow\.Session\.TencentChatSession'
        $got[1] | Should -Match 'a session cannot cross processes'
        $got[1] | Should -Match 'TENCENTCHAT_SDKAPPID, TENCENTCHAT_SECRETKEY'
        $got[1] | Should -Match 'run Connect-TencentChat with no parameters'
        $got[1] | Should -Not -Match $identity.SecretKey
    }

    It 'the environment-variable way works in a Start-Job process' {
        $env:TENCENTCHAT_SDKAPPID = "$($identity.SdkAppId)"
        $env:TENCENTCHAT_SECRETKEY = $identity.SecretKey
        $env:TENCENTCHAT_ENDPOINT = $emulator.Url
        try {
            $got = Start-Job {
                $ErrorActionPreference = 'Stop'
                Import-Module $using:module
                Connect-TencentChat
                (Get-TencentChatFollowInfo -UserId administrator).UserId
            } | Receive-Job -Wait -AutoRemoveJob
        } finally {
            foreach ($n in $envNames) { Remove-Item "env:$n" -ErrorAction SilentlyContinue }
        }
        $got | Should -Be 'administrator'
        @(Get-Log).Count | Should -Be 2 -Because 'the job''s check call and its run'
    }
}
