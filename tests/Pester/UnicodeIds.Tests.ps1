# Audit "Unicode" findings 2-8 (ids as input and as messages quote them):
# - ids no Tencent account can have (half a surrogate pair, NUL and other control characters) are refused before
#   anything is sent, as NotAUserId (InvalidFrom for a pair's From), with a hint where the shape tells the cause
#   (a UTF-16 file read as UTF-8, UTF-8 read as ANSI);
# - every id a message or a -WhatIf line quotes shows its invisible characters as escapes, and says when it is not NFC;
# - the commands the messages suggest parse as PowerShell, whatever the column name or id;
# - the several-ids hint knows full-width, ideographic and Arabic commas, the full-width semicolon and white space;
# - a long id is cut between characters, never inside a surrogate pair, and counted as the reader counts characters.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $graphPath = Join-Path $TestDrive 'graph.csv'
    # U+FFFD "lone": the account a half surrogate pair would become on the wire.
    $lines = @('follower,followee', 'user001,user002', 'user002,user001', 'user003,user001', "Jos$([char]0xE9),user001", "$([char]0xFFFD)lone,user001")
    [System.IO.File]::WriteAllLines($graphPath, [string[]]$lines, [System.Text.UTF8Encoding]::new($false))
    # Its own SDKAppID: the rate limiter is per app for the whole process.
    $script:appId = 1400000347
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graphPath, '--sdkappid', $appId
    Connect-TencentChat -SdkAppId $appId -Credential (Get-EmulatorCredential) -Endpoint $emulator.Url -MaxRetry 1

    $script:lone = "$([char]0xD800)lone"
    $script:nfd = "Jose$([char]0x301)"

    function Get-Request { @(Invoke-EmulatorControl -Emulator $emulator -Name requests) }

    # Every id the emulator was asked about, To_Account and From_Account alike.
    function Get-SentAccount { @(Get-Request | ForEach-Object { $_.toAccount; $_.from } | Where-Object { $_ }) }

    # No character a reader cannot see: controls, separators, format characters (zero-width, bidi, BOM), half pairs.
    function Assert-Visible([string[]] $Text) {
        foreach ($line in $Text) {
            $line | Should -Not -Match '[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]' -Because "'$($line -replace '[\p{Cc}\p{Cf}]', '?')' is shown to the user"
            { [System.Text.UTF8Encoding]::new($false, $true).GetBytes($line) } | Should -Not -Throw -Because 'a strict UTF-8 log takes every message'
        }
    }

    # The parse errors of a command a message suggests.
    function Get-ParseError([string] $Command) {
        $tokens = $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseInput($Command, [ref] $tokens, [ref] $errors)
        @($errors)
    }

    # A UTF-8 text read as Latin-1, as Windows PowerShell 5.1's Get-Content reads a file without a BOM.
    function ConvertTo-Latin1Misread([string] $Text) { [System.Text.Encoding]::GetEncoding(28591).GetString([System.Text.Encoding]::UTF8.GetBytes($Text)) }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'Ids in messages are shown so the reader can see them' {
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    It 'a 30003 for <Name> shows the id with escapes; the TargetObject is the id as given' -ForEach @(
        @{ Name = 'a zero-width space'; Id = "user$([char]0x200B)002"; Shown = "'user\u200B002'" }
        @{ Name = 'a BOM at its start'; Id = "$([char]0xFEFF)user001"; Shown = "'\uFEFFuser001'" }
        @{ Name = 'a right-to-left override'; Id = "bidi$([char]0x202E)LTR"; Shown = "'bidi\u202ELTR'" }
        @{ Name = 'a soft hyphen'; Id = "user$([char]0xAD)001"; Shown = "'user\u00AD001'" }
        @{ Name = 'a decomposed accent'; Id = "Jose$([char]0x301)"; Shown = "'Jose$([char]0x301)' (decomposed: NFD)" }
    ) {
        $null = Get-TencentChatFollowInfo -UserId $Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.UserNotFound,*'
        $errs[0].TargetObject | Should -BeExactly $Id
        $errs[0].Exception.Message | Should -BeLike "Tencent error 30003 for $([WildcardPattern]::Escape($Shown)) *"
        Assert-Visible $errs[0].Exception.Message
    }

    It 'a -WhatIf line shows both accounts with escapes' {
        $log = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -LiteralPath $log -Force | Out-Null
        try { Add-TencentChatFollow -From "user$([char]0x200B)001" -UserId "user$([char]0x2060)002" -WhatIf } finally { Stop-Transcript | Out-Null }
        (Get-Request).Count | Should -Be 0
        Get-Content -Raw -LiteralPath $log | Should -Match ([regex]::Escape("'user\u200B001' follows 'user\u2060002'"))
    }
}

