# Audit findings 4 and 6 (hostile server answers), against the emulator's canned answers:
# - text of the server's (ErrorInfo, ResultInfo, the start of a body that is not JSON) reaches error messages and
#   -Verbose lines with its control characters written as escapes (\u001B), never raw: no escape sequence clears or
#   recolours the console, no line break forges a line ("WARNING: fake");
# - an envelope that contradicts itself (ActionStatus FAIL with ErrorCode 0, a name given twice) is no answer: it is
#   asked again within -MaxRetry, then TencentChat.InvalidResponse says the answer contradicted itself.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $graphPath = Join-Path $TestDrive 'graph.csv'
    Set-Content -LiteralPath $graphPath -Value @('follower,followee', 'u05,u01', 'u06,u01', 'u05,u02', 'u01,u03')
    # Its own SDKAppID: the rate limiter is per app for the whole process.
    $script:appId = 1400000341
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graphPath, '--sdkappid', $appId
    Connect-TencentChat -SdkAppId $appId -Credential (Get-EmulatorCredential) -Endpoint $emulator.Url -MaxRetry 1

    # JSON text (escapes as JSON writes them): clear the screen, turn red, then a line break and a forged warning.
    $script:hostileJson = '\u001b[2J\u001b[31mcleared\r\nWARNING: fake\u2028'
    $script:hostileShown = '\u001B[2J\u001B[31mcleared\u000D\u000AWARNING: fake\u2028'

    function Set-CannedAnswer([string] $Api, [string] $Body, [int] $Calls) {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = $Api; body = $Body; calls = $Calls }
    }

    function Get-CannedCount { @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object fault -EQ 'answer').Count }

    # Runs the script block (here, so that -ErrorVariable lands here) with -Verbose; returns its rows, its errors and its -Verbose lines apart.
    function Invoke-Captured([scriptblock] $Script) {
        $errs = $null
        $stop = $null
        $all = try { . $Script -ErrorVariable errs -ErrorAction SilentlyContinue -Verbose 4>&1 } catch { $stop = $_ }
        [pscustomobject]@{
            Rows    = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            Verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            Errors  = @(@($errs | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) + @(if ($stop) { $stop }))
        }
    }

    # The error a user reads for an id: its own, or what stopped the run.
    function Get-Cause([System.Management.Automation.ErrorRecord] $ErrorRecord) {
        if ($ErrorRecord.Exception.PSObject.Properties['Cause']) { $ErrorRecord.Exception.Cause } else { $ErrorRecord.Exception }
    }

    # No character that could steer a console or a log: controls, line and paragraph separators, bidi overrides.
    function Assert-NoControl([string[]] $Lines) {
        foreach ($line in $Lines) {
            $line | Should -Not -Match '[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]' -Because "'$($line -replace '\p{Cc}', '?')' is shown to the user"
        }
    }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'Server text in messages' {
    It 'shows a call-level ErrorInfo with its control characters escaped' {
        Set-CannedAnswer -Api follow_get_info -Body ('{"ActionStatus":"FAIL","ErrorCode":30001,"ErrorInfo":"' + $hostileJson + '"}') -Calls 1000
        $r = Invoke-Captured { Get-TencentChatFollowInfo -UserId u01, u02 @args }
        $r.Rows | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 2
        foreach ($e in $r.Errors) {
            $e.FullyQualifiedErrorId | Should -BeLike 'TencentChat.InvalidRequest,*'
            $e.Exception.Message | Should -Match ('^' + [regex]::Escape("Tencent error 30001 ($hostileShown)."))
        }
        Assert-NoControl (@($r.Errors.Exception.Message) + $r.Verbose)
    }

    It 'shows an item''s ResultInfo with its control characters escaped' {
        $items = '{"To_Account":"u01","ResultCode":30003,"ResultInfo":"' + $hostileJson + '"},{"To_Account":"u02","ResultCode":0,"ResultInfo":"","FollowerCount":1,"FollowingCount":0,"MutualFollowingCount":0}'
        Set-CannedAnswer -Api follow_get_info -Body ('{"FollowInfo":[' + $items + '],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}') -Calls 1000
        $r = Invoke-Captured { Get-TencentChatFollowInfo -UserId u01, u02 @args }
        $r.Rows.UserId | Should -Be 'u02'
        $r.Errors | Should -HaveCount 1
        $e = $r.Errors[0]
        $e.FullyQualifiedErrorId | Should -BeLike 'TencentChat.UserNotFound,*'
        $e.Exception.Message | Should -Match ('^' + [regex]::Escape("Tencent error 30003 for 'u01' ($hostileShown)."))
        Assert-NoControl (@($r.Errors.Exception.Message) + $r.Verbose)
    }

    It 'shows the start of an answer that is not JSON with its control characters escaped' {
        $esc = [char]27
        Set-CannedAnswer -Api follow_get_info -Body "$esc[2J$esc]0;pwned$([char]7)<html>`r`nWARNING: fake" -Calls 1000
        $r = Invoke-Captured { Get-TencentChatFollowInfo -UserId u01 @args }
        $r.Rows | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $cause = Get-Cause $r.Errors[0]
        $cause.ErrorId | Should -Be 'TencentChat.InvalidResponse'
        $cause.Message | Should -Match ([regex]::Escape("starting '\u001B[2J\u001B]0;pwned\u0007<html>\u000D\u000AWARNING: fake'"))
        Assert-NoControl (@($r.Errors.Exception.Message) + $r.Verbose)
    }

    It 'shows ErrorInfo escaped in the error of Invoke-TencentChatRestMethod' {
        Set-CannedAnswer -Api account_check -Body ('{"ActionStatus":"FAIL","ErrorCode":30001,"ErrorInfo":"' + $hostileJson + '"}') -Calls 1000
        $r = Invoke-Captured { @{ CheckItem = @(@{ UserID = 'u01' }) } | Invoke-TencentChatRestMethod -Api im_open_login_svc/account_check @args }
        $r.Rows | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $e = $r.Errors[0]
        $e.Exception.Message | Should -Match ('^' + [regex]::Escape("Tencent error 30001 ($hostileShown)."))
        Assert-NoControl (@($r.Errors.Exception.Message) + $r.Verbose)
    }
}

Describe 'Envelopes that contradict themselves' {
    BeforeDiscovery {
        $good = '{"FollowInfo":[{"To_Account":"u01","ResultCode":0,"ResultInfo":"","FollowerCount":2,"FollowingCount":1,"MutualFollowingCount":0}],'
        $contradictions = @(
            @{ Name = 'ActionStatus FAIL with ErrorCode 0'; Body = $good + '"ActionStatus":"FAIL","ErrorCode":0,"ErrorInfo":""}'; Why = 'its ActionStatus is FAIL but its ErrorCode is 0' }
            @{ Name = 'ErrorCode given twice'; Body = $good + '"ActionStatus":"OK","ErrorCode":70009,"ErrorCode":0,"ErrorInfo":""}'; Why = "it gives 'ErrorCode' twice" }
        )
    }

    It 'takes no row from an answer with <Name>: asked again, then TencentChat.InvalidResponse' -ForEach $contradictions {
        Set-CannedAnswer -Api follow_get_info -Body $Body -Calls 1000
        $r = Invoke-Captured { Get-TencentChatFollowInfo -UserId u01 @args }
        $r.Rows | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $cause = Get-Cause $r.Errors[0]
        $cause.ErrorId | Should -Be 'TencentChat.InvalidResponse'
        $cause.Message | Should -BeLike "*The answer contradicts itself: $Why*(after 2 attempts)*"
        Get-CannedCount | Should -Be 2 -Because '-MaxRetry 1: the call is sent once more'
    }

    It 'writes the genuine answer that comes after one with <Name>' -ForEach $contradictions {
        Set-CannedAnswer -Api follow_get_info -Body $Body -Calls 1
        $r = Invoke-Captured { Get-TencentChatFollowInfo -UserId u01 @args }
        $r.Errors | Should -BeNullOrEmpty
        $r.Rows.UserId | Should -Be 'u01'
        $r.Rows.FollowerCount | Should -Be 2
        @($r.Verbose | Where-Object { $_ -like '*contradicts itself*retry 1 of 1*' }).Count | Should -Be 1
    }

    It 'gives Invoke-TencentChatRestMethod no answer from an envelope with ActionStatus FAIL and ErrorCode 0' {
        Set-CannedAnswer -Api account_check -Body '{"ResultItem":[],"ActionStatus":"FAIL","ErrorCode":0,"ErrorInfo":""}' -Calls 1000
        $r = Invoke-Captured { @{ CheckItem = @(@{ UserID = 'u01' }) } | Invoke-TencentChatRestMethod -Api im_open_login_svc/account_check @args }
        $r.Rows | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $cause = Get-Cause $r.Errors[0]
        $cause.ErrorId | Should -Be 'TencentChat.InvalidResponse'
        $cause.Message | Should -BeLike '*The answer contradicts itself: its ActionStatus is FAIL but its ErrorCode is 0*'
        Get-CannedCount | Should -Be 2
    }
}
