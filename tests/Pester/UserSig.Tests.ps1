# New-TencentChatUserSig: a TLSSigAPIv2 UserSig for any account.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:identity = Get-EmulatorIdentity
    $script:key = ConvertTo-SecureString $identity.SecretKey -AsPlainText -Force
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--admin', 'administrator,ops_admin'

    # Decodes a sig independently of the module: Tencent Base64, zlib (.NET's ZLibStream), JSON.
    function Read-Sig([string] $Sig) {
        $b64 = $Sig.Replace('*', '+').Replace('-', '/').Replace('_', '=')
        $in = [IO.MemoryStream]::new([Convert]::FromBase64String($b64))
        $z = [IO.Compression.ZLibStream]::new($in, [IO.Compression.CompressionMode]::Decompress)
        $reader = [IO.StreamReader]::new($z)
        try { $reader.ReadToEnd() | ConvertFrom-Json } finally { $reader.Dispose() }
    }

    function Get-ExpectedSignature($doc, [string] $SecretKey) {
        $content = "TLS.identifier:$($doc.'TLS.identifier')`nTLS.sdkappid:$($doc.'TLS.sdkappid')`nTLS.time:$($doc.'TLS.time')`nTLS.expire:$($doc.'TLS.expire')`n"
        $hmac = [Security.Cryptography.HMACSHA256]::new([Text.Encoding]::UTF8.GetBytes($SecretKey))
        try { [Convert]::ToBase64String($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($content))) } finally { $hmac.Dispose() }
    }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'New-TencentChatUserSig' {
    It 'returns a SecureString by default, so the sig is not shown' {
        $sig = New-TencentChatUserSig -SdkAppId $identity.SdkAppId -SecretKey $key -Identifier ops_admin
        $sig | Should -BeOfType ([securestring])
        ($sig | Out-String) | Should -Match 'System.Security.SecureString'
    }

    It 'makes a TLSSigAPIv2 sig whose HMAC, fields and expiry check out' {
        $before = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $sig = New-TencentChatUserSig -SdkAppId $identity.SdkAppId -SecretKey $key -Identifier ' ops_admin ' -Expiry ([timespan]::FromHours(6)) -AsPlainText
        $sig | Should -BeOfType ([string])
        $sig | Should -Match '^[A-Za-z0-9*_-]+$'
        $doc = Read-Sig $sig
        $doc.'TLS.ver' | Should -Be '2.0'
        $doc.'TLS.identifier' | Should -Be 'ops_admin'
        $doc.'TLS.sdkappid' | Should -Be $identity.SdkAppId
        $doc.'TLS.expire' | Should -Be 21600
        $doc.'TLS.time' | Should -BeGreaterOrEqual $before
        $doc.'TLS.time' | Should -BeLessOrEqual ([DateTimeOffset]::UtcNow.ToUnixTimeSeconds())
        $doc.'TLS.sig' | Should -Be (Get-ExpectedSignature $doc $identity.SecretKey)
    }

    It 'takes identifiers from the pipeline, one sig each' {
        $sigs = @('ops_admin', 'administrator' | New-TencentChatUserSig -SdkAppId $identity.SdkAppId -SecretKey $key -AsPlainText)
        $sigs.Count | Should -Be 2
        (Read-Sig $sigs[1]).'TLS.identifier' | Should -Be 'administrator'
    }

    It 'takes the ids of piped rows and hashtables as the other commands do, Identifier first, and of an array, one sig each' {
        $csv = Join-Path $TestDrive 'accounts.csv'
        Set-Content -LiteralPath $csv -Value 'To_Account,Name', 'ops_admin,a'
        $in = @(
            (Import-Csv -LiteralPath $csv)[0]
            [pscustomobject]@{ Account = 'administrator' }
            @{ UserId = 'ops_admin' }
            @{ identifier = 'administrator' }
            [pscustomobject]@{ Identifier = 'ops_admin'; UserId = 'administrator' }
        )
        $sigs = @($in | New-TencentChatUserSig -SdkAppId $identity.SdkAppId -SecretKey $key -AsPlainText -ErrorVariable errs)
        $errs.Count | Should -Be 0
        @($sigs | ForEach-Object { (Read-Sig $_).'TLS.identifier' }) | Should -Be 'ops_admin', 'administrator', 'ops_admin', 'administrator', 'ops_admin'
        $sigs = @(New-TencentChatUserSig $identity.SdkAppId ops_admin, administrator -SecretKey $key -AsPlainText)
        @($sigs | ForEach-Object { (Read-Sig $_).'TLS.identifier' }) | Should -Be 'ops_admin', 'administrator'
    }

    It 'refuses an object that carries no id with its own TencentChat.NotAUserId, never signing its text, and the next ones still get their sigs' {
        $csv = Join-Path $TestDrive 'users.csv'
        Set-Content -LiteralPath $csv -Value 'user,Name', 'ops_admin,a'
        $row = (Import-Csv -LiteralPath $csv)[0]
        $table = @{ Name = 'x' }
        $sigs = @('ops_admin', $row, $table, 'administrator' | New-TencentChatUserSig -SdkAppId $identity.SdkAppId -SecretKey $key -AsPlainText -ErrorVariable errs -ErrorAction SilentlyContinue)
        @($sigs | ForEach-Object { (Read-Sig $_).'TLS.identifier' }) | Should -Be 'ops_admin', 'administrator'
        $errs.Count | Should -Be 2
        $errs.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'TencentChat.NotAUserId,*' }
        $errs[0].TargetObject | Should -Be $row
        $errs[0].Exception.Message | Should -BeLike "The input object '@{user=ops_admin; Name=a}' (a custom object) has no Identifier, UserId, To_Account or Account property*Select-Object *, @{ Name = 'UserId'; Expression = { `$_.user } } | New-TencentChatUserSig."
        $errs[1].TargetObject | Should -Be $table
        $errs[1].Exception.Message | Should -BeLike "The hashtable '@{Name=x}' (a Hashtable) has no Identifier, UserId, To_Account or Account key*"
        $null = New-TencentChatUserSig $identity.SdkAppId ([pscustomobject]@{ From = 'ops_admin'; Relation = 'Mutual' }) -SecretKey $key -AsPlainText -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1 -Because 'an object given to -Identifier is refused too'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
    }

    It 'makes a sig the service accepts as a ready -UserSig' {
        $sig = New-TencentChatUserSig -SdkAppId $identity.SdkAppId -SecretKey $key -Identifier ops_admin
        Connect-TencentChat -SdkAppId $identity.SdkAppId -Identifier ops_admin -UserSig $sig -Endpoint $emulator.Url -WarningAction SilentlyContinue
        (Get-TencentChatFollowInfo -UserId administrator).UserId | Should -Be 'administrator'
        (Get-TencentChatContext).AuthenticationMode | Should -Be 'UserSig'
    }

    It 'refuses an expiry out of range' {
        { New-TencentChatUserSig -SdkAppId 1 -SecretKey $key -Identifier a -Expiry ([timespan]::Zero) } | Should -Throw -ErrorId 'TencentChat.InvalidExpiry*'
    }

    It 'says that a number is read as ticks, for -Expiry 7' {
        $err = { New-TencentChatUserSig -SdkAppId 1 -SecretKey $key -Identifier a -Expiry 7 } | Should -Throw -ErrorId 'TencentChat.InvalidExpiry*' -PassThru
        $err.Exception.Message | Should -BeLike "*it is 00:00:00.0000007. A number is read as ticks*for 7 days pass '7.00:00:00' or (New-TimeSpan -Days 7)*"
    }

    It 'refuses a key that reads System.Security.SecureString (a SecureString made text on its way), and makes no sig of it' {
        $lost = ConvertTo-SecureString "$key" -AsPlainText -Force
        $script:sigs = 'none yet'
        $err = { $script:sigs = @(New-TencentChatUserSig -SdkAppId 1 -SecretKey $lost -Identifier a -AsPlainText) } |
            Should -Throw -ErrorId 'TencentChat.InvalidSecretKey*' -PassThru
        $script:sigs | Should -Be 'none yet'
        $err.Exception.Message | Should -BeLike "-SecretKey holds the text 'System.Security.SecureString', not a key*Pass the SecureString itself: -SecretKey `$key."
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses a key <Shown>, as Connect-TencentChat does, and makes no sig of it' -ForEach @(
        @{ Shown = 'wrapped in quotes (from an env file read as it is)'; Text = '"' + $identity.SecretKey + '"'; Like = '-SecretKey is wrapped in quotes*without the quotes*' }
        @{ Shown = 'that reads System.Management.Automation.PSCredential'; Text = 'System.Management.Automation.PSCredential'; Like = "-SecretKey holds the text 'System.Management.Automation.PSCredential', not a key*" }
        @{ Shown = 'that is a UserSig (a ready sig given as the key)'; UserSig = $true; Like = '-SecretKey holds a UserSig, not the secret key*' }
    ) {
        if ($UserSig) { $Text = New-TencentChatUserSig -SdkAppId 1 -SecretKey $key -Identifier a -AsPlainText }
        $odd = ConvertTo-SecureString $Text -AsPlainText -Force
        $script:sigs = 'none yet'
        $err = { $script:sigs = @(New-TencentChatUserSig -SdkAppId 1 -SecretKey $odd -Identifier a -AsPlainText) } |
            Should -Throw -ErrorId 'TencentChat.InvalidSecretKey*' -PassThru
        $script:sigs | Should -Be 'none yet'
        $err.Exception.Message | Should -BeLike $Like
        $err.Exception.Message | Should -Not -BeLike "*$($identity.SecretKey)*"
    }

    It 'clears its copy of the key when PowerShell disposes it, as it does when the pipeline stops before the end (Select-Object -First 1)' {
        # PowerShell calls Dispose, not EndProcessing, on a command whose pipeline is stopped: the copy of the key made in
        # BeginProcessing must be cleared there too.
        $command = [TencentChatFollow.Commands.NewTencentChatUserSigCommand]::new()
        $command.SdkAppId = $identity.SdkAppId
        $command.SecretKey = $key
        $flags = [Reflection.BindingFlags]'Instance, NonPublic'
        $command.GetType().GetMethod('BeginProcessing', $flags).Invoke($command, @()) | Out-Null
        $copy = $command.GetType().GetField('_key', $flags).GetValue($command)
        $copy.Length | Should -BeGreaterThan 0
        ($copy | Where-Object { $_ -ne 0 }).Count | Should -BeGreaterThan 0
        $command | Should -BeOfType [IDisposable]
        $command.Dispose()
        ($copy | Where-Object { $_ -ne 0 }).Count | Should -Be 0
    }

    It 'an identifier no account can have is that input''s own error, shown with escapes, and the next ones still get their sigs' {
        $sigs = @('ops_admin', "ops$([char]0x0)admin", "$([char]0xDC00)x", 'administrator' | New-TencentChatUserSig -SdkAppId $identity.SdkAppId -SecretKey $key -AsPlainText -ErrorVariable errs -ErrorAction SilentlyContinue)
        $sigs.Count | Should -Be 2
        (Read-Sig $sigs[1]).'TLS.identifier' | Should -Be 'administrator'
        $errs.Count | Should -Be 2
        $errs.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'TencentChat.NotAUserId,*' }
        $errs[0].TargetObject | Should -Be "ops$([char]0x0)admin"
        $errs[0].Exception.Message | Should -BeLike "-Identifier 'ops\u0000admin' holds a control character (U+0000, character 4)*names no account*"
        $errs[1].Exception.Message | Should -BeLike "-Identifier '\uDC00x' holds half of a UTF-16 surrogate pair*"
    }

    It 'a blank identifier from the pipeline is that input''s own error, and the next ones still get their sigs' {
        $sigs = @('ops_admin', '  ', 'administrator' | New-TencentChatUserSig -SdkAppId $identity.SdkAppId -SecretKey $key -AsPlainText -ErrorVariable errs -ErrorAction SilentlyContinue)
        $sigs.Count | Should -Be 2
        (Read-Sig $sigs[1]).'TLS.identifier' | Should -Be 'administrator'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.BlankIdentifier,*'
        $errs[0].TargetObject | Should -Be '  '
        $errs[0].Exception.Message | Should -Be '-Identifier is blank: pass the account to make the UserSig for, such as user001.'
    }
}
