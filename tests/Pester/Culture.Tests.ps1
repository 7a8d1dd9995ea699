# Issue 16: the module writes the same text and compares ids the same way in every culture. A pipeline and the error
# and verbose messages run in fresh pwsh processes under en-US, de-DE (',' for decimals) and tr-TR (the dotted and
# dotless i: 'info'.ToUpper() is 'İNFO' there), each setting its culture as a script would; the outputs must be the
# same, numbers must be written with '.', and ids that differ only in case (INFO_user, info_user, İNFO_user) must stay
# three accounts.
BeforeDiscovery {
    $cultures = @('de-DE', 'tr-TR') | ForEach-Object { @{ Culture = $_ } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force

    # Three accounts whose ids differ only in case, with 3, 2 and 1 fans.
    $graphPath = Join-Path $TestDrive 'graph.csv'
    Set-Content -LiteralPath $graphPath -Encoding utf8 -Value @(
        'follower,followee', 'u1,INFO_user', 'u2,INFO_user', 'u4,INFO_user', 'INFO_user,info_user', 'u3,info_user',
        'info_user,u1', "u5,$([char]0x130)NFO_user")
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graphPath

    $script:childPath = Join-Path $TestDrive 'culture-child.ps1'
    Set-Content -LiteralPath $childPath -Encoding utf8 -Value @'
$ErrorActionPreference = 'Stop'
# As a script would set it; the default for new threads too, so that no thread of the module escapes it.
$culture = [cultureinfo]::GetCultureInfo($env:TCF_CULTURE)
[cultureinfo]::CurrentCulture = $culture
[cultureinfo]::CurrentUICulture = $culture
[cultureinfo]::DefaultThreadCurrentCulture = $culture
[cultureinfo]::DefaultThreadCurrentUICulture = $culture
Import-Module $env:TCF_MODULE
$url = $env:TCF_URL
function Invoke-Control([string] $Name, [hashtable] $Body) {
    $null = Invoke-RestMethod -Method Post -Uri "$url/_emulator/$Name" -Body ($Body | ConvertTo-Json -Compress) -ContentType 'application/json'
}
# The verbose lines and the errors of a command, as text.
function Get-Message([scriptblock] $Script) {
    $records = @(& $Script 4>&1 2>&1)
    @{
        Verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        Errors  = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$($_.FullyQualifiedErrorId) | $($_.Exception.Message)" })
    }
}
$key = ConvertTo-SecureString $env:TCF_KEY -AsPlainText -Force
Connect-TencentChat -SdkAppId ([uint32]$env:TCF_APPID) -SecretKey $key -Endpoint $url -MaxRetry 1 -RetryTimeoutSec 1
$dotted = "$([char]0x130)NFO_user"
$r = [ordered]@{
    Culture       = [cultureinfo]::CurrentCulture.Name
    # The culture is really in force: a decimal comma in de-DE, the dotted capital I in tr-TR.
    CultureProbe  = '{0} {1}' -f (1.5).ToString(), 'i'.ToUpper()
    Info          = @(Get-TencentChatFollowInfo -UserId INFO_user, info_user, $dotted | ConvertTo-Csv -NoTypeInformation) -join "`n"
    ByProperty    = @([pscustomobject]@{ USERID = 'info_user' }, @{ USERID = 'INFO_user' }, [pscustomobject]@{ to_account = $dotted } | Get-TencentChatFollowInfo | ForEach-Object { "$($_.UserId)=$($_.FollowerCount)" }) -join ','
    List          = @(Get-TencentChatFollow -UserId INFO_user, info_user -Relation FOLLOWER | ConvertTo-Csv -NoTypeInformation) -join "`n"
    Check         = @(Test-TencentChatFollow -From info_user -UserId INFO_user, u1, $dotted | ConvertTo-Csv -NoTypeInformation) -join "`n"
}
# A bad id: Tencent's 30003 for one account.
Get-TencentChatFollowInfo -UserId nobody_here, INFO_USER -ErrorAction SilentlyContinue -ErrorVariable notFound
$r.NotFound = @($notFound | ForEach-Object { "$($_.FullyQualifiedErrorId) | $($_.TargetObject) | $($_.Exception.Message)" })
# Input that is not an id: the message shows the hashtable, its number as PowerShell writes it.
@{ Score = 1.5 }, [pscustomobject]@{ Score = 2.5 } | Get-TencentChatFollowInfo -ErrorAction SilentlyContinue -ErrorVariable notAnId
$r.NotAnId = @($notAnId | ForEach-Object { "$($_.FullyQualifiedErrorId) | $($_.Exception.Message)" })
# A retry: the first call fails (30006), the retry is answered; the verbose line gives the wait in seconds.
Invoke-Control reset @{}
Invoke-Control answers @{ api = 'follow_get_info'; body = '{"ActionStatus":"FAIL","ErrorCode":30006,"ErrorInfo":"server internal error","ErrorDisplay":""}'; calls = 1 }
$r.RetryLines = @((Get-Message { Get-TencentChatFollowInfo -UserId info_user -Verbose }).Verbose -match 'retry')
# Asked again for a spoiled item: the same kind of line.
Invoke-Control answers @{ api = 'follow_get_info'; body = '{"FollowInfo":[{"To_Account":"info_user","ResultCode":0,"ResultInfo":"","FollowerCount":1.5,"FollowingCount":1,"MutualFollowingCount":0}],"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}'; calls = 1 }
$r.AskAgainLines = @((Get-Message { Get-TencentChatFollowInfo -UserId info_user -Verbose }).Verbose -match 'retry')
# Throttled: every call refused for frequency (60007) until the one-second retry timeout ends it.
Invoke-Control faults @{ rate = 1.0; kinds = @('60007') }
$throttle = Get-Message { Get-TencentChatFollowInfo -UserId info_user -Verbose -ErrorAction Continue }
Invoke-Control faults @{ rate = 0 }
$r.ThrottleLines = @($throttle.Verbose -match 'refused')
$r.Throttled = $throttle.Errors
$r | ConvertTo-Json -Depth 4
'@

    # Runs the child in a fresh pwsh under the culture and returns what it reports.
    function Invoke-CultureChild([string] $Culture) {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $identity = Get-EmulatorIdentity
        $run = Invoke-PwshFile -Path $childPath -WorkingDirectory $TestDrive -TimeoutSec 300 -Environment @{
            TCF_CULTURE = $Culture; TCF_MODULE = (Get-ModuleUnderTest); TCF_URL = $emulator.Url
            TCF_APPID = [string]$identity.SdkAppId; TCF_KEY = $identity.SecretKey
        }
        $run.ExitCode | Should -Be 0 -Because $run.Errors
        $run.Output | ConvertFrom-Json
    }

    # Parts that differ from run to run (the jittered retry wait, the time a call took), blanked for comparison.
    function Format-Stable([string[]] $Lines) {
        @($Lines | ForEach-Object { $_ -replace '\d+(\.\d+)? s\b', 'N s' -replace '\d+ ms\b', 'N ms' })
    }

    $script:baseline = Invoke-CultureChild 'en-US'
}

AfterAll {
    $emulator | Stop-Emulator
}

Describe 'en-US, the baseline' {
    It 'keeps the three accounts apart and reports what the other cultures are compared with' {
        $baseline.CultureProbe | Should -Be '1.5 I'
        $baseline.ByProperty | Should -Be "info_user=2,INFO_user=3,$([char]0x130)NFO_user=1"
        @($baseline.Info | ConvertFrom-Csv).FollowerCount -join ',' | Should -Be '3,2,1'
        @($baseline.RetryLines).Count | Should -BeGreaterThan 0
        @($baseline.AskAgainLines).Count | Should -BeGreaterThan 0
        @($baseline.ThrottleLines).Count | Should -BeGreaterThan 0
        @($baseline.Throttled).Count | Should -Be 1
        $baseline.Throttled | Should -Match '^TencentChat\.QuotaExhausted.* for \d+ s '
        $baseline.RetryLines[0] | Should -Match 'retry 1 of 1 in \d\.\d s'
        @($baseline.NotFound).Count | Should -Be 2
    }
}

Describe 'Under <Culture>' -ForEach $cultures {
    BeforeAll {
        $script:child = Invoke-CultureChild $Culture
    }

    It 'runs in that culture' {
        $child.Culture | Should -Be $Culture
        $child.CultureProbe | Should -Be $(if ($Culture -eq 'de-DE') { '1,5 I' } else { "1,5 $([char]0x130)" })
    }

    It 'writes the same objects as en-US: the ids that differ only in case stay apart, counts and times unchanged' {
        $child.Info | Should -BeExactly $baseline.Info
        $child.ByProperty | Should -BeExactly $baseline.ByProperty
        $child.List | Should -BeExactly $baseline.List
        $child.Check | Should -BeExactly $baseline.Check
    }

    It 'words a not-found id and input that is not an id as en-US does, with the id as given (INFO_USER is not INFO_user)' {
        $child.NotFound | Should -BeExactly $baseline.NotFound
        $child.NotAnId | Should -BeExactly $baseline.NotAnId
        $child.NotAnId -join "`n" | Should -Match 'Score=1\.5\b'
        $child.NotAnId -join "`n" | Should -Match 'Score=2\.5\b'
        @($child.NotFound | Where-Object { $_ -like 'TencentChat.UserNotFound*| INFO_USER |*' }).Count | Should -Be 1
    }

    It 'writes seconds and rates with a decimal point in the retry, ask-again and throttle messages' {
        foreach ($line in @($child.RetryLines) + @($child.AskAgainLines) + @($child.ThrottleLines) + @($child.Throttled)) {
            $line | Should -Not -Match '\d,\d' -Because 'numbers are written the invariant way'
        }
        @($child.RetryLines + $child.AskAgainLines) -join "`n" | Should -Match '\d\.\d s\b' -Because 'the retry wait is written in seconds with a decimal point'
        Format-Stable $child.RetryLines | Should -BeExactly (Format-Stable $baseline.RetryLines)
        Format-Stable $child.AskAgainLines | Should -BeExactly (Format-Stable $baseline.AskAgainLines)
        Format-Stable $child.Throttled | Should -BeExactly (Format-Stable $baseline.Throttled)
    }
}
