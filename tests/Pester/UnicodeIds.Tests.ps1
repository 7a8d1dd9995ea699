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

    # The one error Get-TencentChatFollowInfo writes for $Id, which must be an $ErrorId error about that very id.
    function Get-OneError([string] $Id, [string] $ErrorId) {
        $null = Get-TencentChatFollowInfo -UserId $Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $errs[0].TargetObject | Should -BeExactly $Id
        $errs[0]
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

Describe 'Ids no account can have are refused before anything is sent' {
    BeforeEach { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }

    It 'an id holding half a surrogate pair: one NotAUserId naming it, the other ids answered, nothing sent for it' {
        $rows = @(Get-TencentChatFollowInfo -UserId user001, $lone, user002 -ErrorVariable errs -ErrorAction SilentlyContinue)
        ($rows.UserId -join ',') | Should -Be 'user001,user002'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
        $errs[0].TargetObject | Should -BeExactly $lone
        $errs[0].Exception.Message | Should -BeLike "The id '\uD800lone' holds half of a UTF-16 surrogate pair (U+D800, character 1)*U+FFFD*it was not sent.*"
        Assert-Visible $errs[0].Exception.Message
        Get-SentAccount | Should -Not -Contain "$([char]0xFFFD)lone"
    }

    It 'a write whose id or From holds half a surrogate pair reaches no other account: <Name>' -ForEach @(
        @{ Name = 'Add -UserId'; Run = { Add-TencentChatFollow -From user002 -UserId $lone -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue }; ErrorId = 'TencentChat.NotAUserId' }
        @{ Name = 'Remove -From'; Run = { Remove-TencentChatFollow -From $lone -UserId user001 -PassThru -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue }; ErrorId = 'TencentChat.InvalidFrom' }
        @{ Name = 'Test -From'; Run = { Test-TencentChatFollow -From $lone -UserId user001, user002 -ErrorVariable errs -ErrorAction SilentlyContinue }; ErrorId = 'TencentChat.InvalidFrom' }
    ) {
        $rows = @(. $Run)
        $rows.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $errs[0].Exception.Message | Should -Match 'half of a UTF-16 surrogate pair \(U\+D800, character 1\)'
        (Get-Request).Count | Should -Be 0
        (Get-TencentChatFollow -UserId user001).UserId | Should -Contain "$([char]0xFFFD)lone" -Because 'the edge of the other account is still there'
    }

    It 'a UTF-16 file without a BOM read as UTF-8: every line refused, NUL-only lines too, with the -Encoding Unicode hint' {
        $file = Join-Path $TestDrive 'u16.txt'
        [System.IO.File]::WriteAllText($file, "user001`nuser002`n`nuser003`n", [System.Text.UnicodeEncoding]::new($false, $false))
        $rows = @(Get-Content -LiteralPath $file -Encoding utf8 | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)
        $rows.Count | Should -Be 0
        $errs.Count | Should -Be 2 -Because 'the ids with letters are one problem, the lone NULs (blank lines) another'
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*' }
        $errs | ForEach-Object { $_.Exception.Message | Should -Match 'UTF-16 \(Unicode\) file without a byte order mark read as UTF-8: read the file with -Encoding Unicode, as in Get-Content users.txt -Encoding Unicode \| Get-TencentChatFollowInfo\.' }
        $errs[0].Exception.Message | Should -Match "holds a NUL character \(U\+0000\) after each character|hold a NUL character"
        @($errs.TargetObject) -contains "$([char]0)" | Should -BeTrue
        Assert-Visible $errs.Exception.Message
        (Get-Request).Count | Should -Be 0
        # What the hint says works.
        (Get-Content -LiteralPath $file -Encoding Unicode | Get-TencentChatFollowInfo).UserId -join ',' | Should -Be 'user001,user002,user003'
    }

    It 'an id holding another control character: <Name>' -ForEach @(
        @{ Name = 'ESC'; Id = "ctl$([char]0x1B)[31m"; Shown = '\u001B, character 4' }
        @{ Name = 'a NUL inside'; Id = "nul$([char]0)id"; Shown = '\u0000, character 4' }
        @{ Name = 'DEL'; Id = "del$([char]0x7F)"; Shown = '\u007F, character 4' }
        @{ Name = 'C1 CSI'; Id = "c1$([char]0x9B)x"; Shown = '\u009B, character 3' }
    ) {
        $err = Get-OneError $Id 'TencentChat.NotAUserId'
        $err.Exception.Message | Should -Match ([regex]::Escape("a control character (U+$($Shown.Substring(2))"))
        Assert-Visible $err.Exception.Message
        (Get-Request).Count | Should -Be 0
    }

    It 'UTF-8 read as ANSI (Latin-1): the 62-byte id refused with the -Encoding UTF8 hint, a short one gets it on its 30003' {
        $long = ConvertTo-Latin1Misread ([string]::new([char]0x754C, 10) + 'ab')     # 32 bytes in UTF-8, 62 once misread
        $short = ConvertTo-Latin1Misread "Jos$([char]0xE9)"
        $null = Get-TencentChatFollowInfo -UserId $long, $short -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $refused = @($errs | Where-Object FullyQualifiedErrorId -Like 'TencentChat.NotAUserId,*')
        $refused.Exception.Message | Should -Match '\(62 bytes, 32 characters\)'
        $refused.Exception.Message | Should -Match 'UTF-8 text read as ANSI or Latin-1.*-Encoding UTF8, as in Get-Content users.txt -Encoding UTF8 \| Get-TencentChatFollowInfo\.'
        $notFound = @($errs | Where-Object FullyQualifiedErrorId -Like 'TencentChat.UserNotFound,*')
        $notFound.Exception.Message | Should -Match 'UTF-8 text read as ANSI or Latin-1.*-Encoding UTF8'
        Assert-Visible $errs.Exception.Message
    }

    It 'ids that are only unusual are sent and answered: Chinese, accents, emoji' {
        $null = Get-TencentChatFollowInfo -UserId ([string]::new([char]0x754C, 10) + 'ab'), "Jos$([char]0xE9)", "$([char]::ConvertFromUtf32(0x1F600))x" -ErrorVariable errs -ErrorAction SilentlyContinue
        @($errs | Where-Object FullyQualifiedErrorId -Like 'TencentChat.NotAUserId,*').Count | Should -Be 0
        @(Get-Request | ForEach-Object { $_.toAccount }).Count | Should -Be 3
        @($errs | Where-Object { $_.Exception.Message -match 'ANSI' }).Count | Should -Be 0 -Because 'text that is not misread gets no encoding hint'
    }

    It 'Get-TencentChatFollowInfo -From refuses <Name> before any call, showing the value' -ForEach @(
        @{ Name = '11 CJK characters'; From = [string]::new([char]0x754C, 11); Message = '"界界界界界界界界界界界" (33 bytes, 11 characters) is longer than a Tencent user id may be (32 bytes)' }
        @{ Name = 'a NUL'; From = "ad$([char]0)min"; Message = "'ad\u0000min' holds a control character (U+0000, character 3)" }
        @{ Name = 'half a pair'; From = "$([char]0xDC00)x"; Message = "'\uDC00x' holds half of a UTF-16 surrogate pair (U+DC00, character 1)" }
    ) {
        $err = $null
        try { Get-TencentChatFollowInfo -UserId user001 -From $From } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $err.Exception.Message | Should -BeLike "*The From $Message*"
        (Get-Request).Count | Should -Be 0
    }
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
        $err = Get-OneError $Id 'TencentChat.UserNotFound'
        $err.Exception.Message | Should -BeLike "Tencent error 30003 for $([WildcardPattern]::Escape($Shown)) *"
        Assert-Visible $err.Exception.Message
    }

    It 'a -WhatIf line shows both accounts with escapes' {
        $log = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -LiteralPath $log -Force | Out-Null
        try { Add-TencentChatFollow -From "user$([char]0x200B)001" -UserId "user$([char]0x2060)002" -WhatIf } finally { Stop-Transcript | Out-Null }
        (Get-Request).Count | Should -Be 0
        Get-Content -Raw -LiteralPath $log | Should -Match ([regex]::Escape("'user\u200B001' follows 'user\u2060002'"))
    }

    It 'an id the service listed, holding escape sequences and a line separator, is shown escaped when the next command refuses it' {
        $id = 'x\u001b[2J\u001b[31mFAKE\u2028LINE'
        $body = '{"FollowItem":[{"To_Account":"' + $id + '","FollowTime":1700000000,"ProfileItem":[]}],"NextCursor":"","ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}'
        $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = 'follow_get'; body = $body }
        $null = Get-TencentChatFollow -UserId user001 | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
        $errs[0].Exception.Message | Should -BeLike "The id 'x\u001B``[2J\u001B``[31mFAKE\u2028LINE' holds a control character*"
        Assert-Visible $errs[0].Exception.Message
    }

    It 'a long id is cut between characters, never inside a surrogate pair, and counted in characters as shown' {
        $emoji = [char]::ConvertFromUtf32(0x1F600)
        $err = Get-OneError (('a' * 39) + $emoji + 'bbbb') 'TencentChat.NotAUserId'
        $err.Exception.Message | Should -BeLike "The id ""$('a' * 39)$emoji..."" (47 bytes, 44 characters) is longer*"
        Assert-Visible $err.Exception.Message
    }
}

Describe 'The commands the messages suggest run as written' {
    It 'an Import-Csv column named <Name>: the suggested Select-Object parses and binds the ids' -ForEach @(
        @{ Name = 'with a space'; Column = 'User ID' }
        @{ Name = 'with a hyphen'; Column = 'user-id' }
        @{ Name = 'with a quote'; Column = "o'id" }
        @{ Name = 'with a typographic quote'; Column = "o$([char]0x2019)id" }
        @{ Name = 'in Chinese with a space'; Column = "用户 ID" }
        @{ Name = 'with a dollar and a backtick'; Column = 'a$b`c' }
    ) {
        $csv = Join-Path $TestDrive 'columns.csv'
        $header = '"' + $Column.Replace('"', '""') + '",Name'
        [System.IO.File]::WriteAllLines($csv, [string[]]@($header, 'user001,a', 'user002,b'), [System.Text.UTF8Encoding]::new($false))
        $null = Import-Csv -LiteralPath $csv | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message -match 'on the way: (?<command>Import-Csv users\.csv \| .* \| Get-TencentChatFollowInfo)\.' | Should -BeTrue
        $command = $Matches.command
        Get-ParseError $command | Should -BeNullOrEmpty -Because "'$command' is suggested"
        # Run as suggested, with this file: the ids bind.
        $run = $command.Replace('Import-Csv users.csv', 'Import-Csv -LiteralPath $csv')
        (Invoke-Expression $run).UserId -join ',' | Should -Be 'user001,user002'
    }

    It 'a pair command given rows with <Name>: the suggested Select-Object parses, never takes a From column as the ids, and makes the pairs of the file' -ForEach @(
        @{ Name = 'From and To columns'; Header = 'From,To'; Pairs = 'user002>user001', 'user003>user001' }
        @{ Name = 'From_Account and To columns'; Header = 'From_Account,To'; Pairs = 'user002>user001', 'user003>user001' }
        @{ Name = 'follower and followee columns, and no From (the emulator''s graph)'; Header = 'follower,followee'; Pairs = 'user002>user001', 'user003>user001' }
        @{ Name = 'one column, and no From'; Header = 'user'; Pairs = 'user003>user002', 'user003>user001' }
    ) {
        $csv = Join-Path $TestDrive 'pairs.csv'
        $rows = if ($Header -eq 'user') { 'user002', 'user001' } else { 'user002,user001', 'user003,user001' }
        [System.IO.File]::WriteAllLines($csv, [string[]]@(@($Header) + $rows), [System.Text.UTF8Encoding]::new($false))
        $null = Import-Csv -LiteralPath $csv | Test-TencentChatFollow -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TencentChat.NotAUserId,*'
        $errs[0].Exception.Message -match '(?<command>Import-Csv \w+\.csv \| Select-Object .* \| Test-TencentChatFollow)\.' | Should -BeTrue
        $command = $Matches.command
        $command | Should -Not -Match "Name = 'UserId'; Expression = \{ \`$_\.From" -Because 'a From column is never the ids'
        Get-ParseError $command | Should -BeNullOrEmpty -Because "'$command' is suggested"
        # Run as suggested, with this file (and user003 for the account the message writes as 'official').
        $run = ($command -replace 'Import-Csv \w+\.csv', 'Import-Csv -LiteralPath $csv').Replace("'official'", "'user003'")
        @(Invoke-Expression $run | ForEach-Object { "$($_.From)>$($_.UserId)" }) | Should -Be $Pairs
    }

    It 'a hashtable with neither id nor From, piped to a pair command: the hashtable it suggests has a From key too, and it works' {
        $null = @{ Name = 'x' } | Test-TencentChatFollow -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message -match 'such as (?<table>@\{.*\})\.$' | Should -BeTrue
        $Matches.table | Should -Be "@{ From = 'official'; UserId = 'user001' }"
        (Invoke-Expression $Matches.table.Replace("'official'", "'user002'") | Test-TencentChatFollow).IsFollowing | Should -BeTrue
        $null = @{ Name = 'x' } | Test-TencentChatFollow -From user002 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -BeLike "*such as @{ UserId = 'user001' }."
    }

    It 'a several-ids hint for <Name> parses and splits the string into its ids' -ForEach @(
        @{ Name = 'a quote'; Id = "o'brien,user002"; Parts = "o'brien", 'user002' }
        @{ Name = 'a zero-width space'; Id = "user$([char]0x200B)1,user002"; Parts = "user$([char]0x200B)1", 'user002' }
        @{ Name = 'a dollar'; Id = "`$x$([char]0x200B),user002"; Parts = "`$x$([char]0x200B)", 'user002' }
    ) {
        $err = Get-OneError $Id 'TencentChat.UserNotFound'
        $err.Exception.Message -match 'as in -UserId (?<expression>\(.*\)), or pipe' | Should -BeTrue
        $expression = $Matches.expression
        Get-ParseError $expression | Should -BeNullOrEmpty -Because "'$expression' is suggested"
        @(Invoke-Expression $expression) | Should -Be $Parts
        Assert-Visible $err.Exception.Message
    }

    It 'a CSV file written with -UseCulture (;) and read with Import-Csv''s comma: the message suggests -Delimiter '';'', which works' {
        $csv = Join-Path $TestDrive 'culture.csv'
        Get-TencentChatFollowInfo -UserId user001, user002 | Export-Csv -LiteralPath $csv -Delimiter ';' -NoTypeInformation
        $null = Import-Csv -LiteralPath $csv | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $message = $errs[0].Exception.Message
        $message -match "holds the delimiter ';'.*as in (?<command>Import-Csv users\.csv -Delimiter ';' \| Get-TencentChatFollowInfo) \(or Import-Csv users\.csv -UseCulture" | Should -BeTrue
        $message | Should -Not -Match 'Expression ='
        $command = $Matches.command
        Get-ParseError $command | Should -BeNullOrEmpty
        (Invoke-Expression $command.Replace('Import-Csv users.csv', 'Import-Csv -LiteralPath $csv')).UserId -join ',' | Should -Be 'user001,user002'
    }
}

Describe 'Several ids in one string, with other separators' {
    It 'an unknown id holding <Name> says it looks like several ids, and the split it suggests works' -ForEach @(
        @{ Name = 'a full-width comma'; Separator = [string][char]0xFF0C }
        @{ Name = 'an ideographic comma'; Separator = [string][char]0x3001 }
        @{ Name = 'an Arabic comma'; Separator = [string][char]0x060C }
        @{ Name = 'a full-width semicolon'; Separator = [string][char]0xFF1B }
        @{ Name = 'a space'; Separator = ' ' }
        @{ Name = 'an ideographic space'; Separator = [string][char]0x3000 }
    ) {
        $err = Get-OneError "user001${Separator}user002" 'TencentChat.UserNotFound'
        $err.Exception.Message -match 'looks like several ids in one string.*as in -UserId (?<expression>\(.*\)), or pipe' | Should -BeTrue
        (Get-TencentChatFollowInfo -UserId (Invoke-Expression $Matches.expression)).UserId -join ',' | Should -Be 'user001,user002'
    }

    It 'an id holding a tab is refused, and its message says how to split it' {
        $err = Get-OneError "user001`tuser002" 'TencentChat.NotAUserId'
        $err.Exception.Message | Should -Match 'several ids in one string: split it first, as in \(\$ids -split ''\\s\+''\)'
    }
}
