# Issue 9: the help's unattended examples, taken from Get-Help itself and run the way a scheduler runs them (a fresh
# pwsh -File), against the emulator. A run that cannot go on must fail the script (non-zero exit), leave no file
# that looks complete and print no summary; a good run exits 0 with the right rows.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $script:manifest = Get-ModuleUnderTest
    Import-Module $manifest -Force
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 60 -Edges 300
    $script:expected = Get-ExpectedCount -Path $graph.Path
    foreach ($id in $graph.Users) {
        if (-not $expected.ContainsKey($id)) { $expected[$id] = [pscustomobject]@{ FollowerCount = 0; FollowingCount = 0; MutualFollowingCount = 0 } }
    }
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path
    $script:goodKey = (Get-EmulatorIdentity).SecretKey
    $script:wrongKey = 'f' * 64
    $script:pwsh = Get-PwshCommandLine

    function Get-HelpExample([string] $Command, [int] $Number) {
        # The code of one example as Get-Help shows it (the MAML the build makes from docs/<Command>.md).
        $example = @((Get-Help -Name $Command -Examples).examples.example)[$Number - 1]
        $example.title | Should -Match "Example $($Number):"
        $example.code | Should -Not -BeNullOrEmpty
        $example.code
    }

    function Invoke-Example([string] $Prelude, [string] $Code, [string] $Postlude = '', [hashtable] $Environment = @{}) {
        # Writes prelude + the example's code + postlude to a script and runs it with pwsh -File in a fresh process,
        # in a working folder (and temp folder) of its own.
        $work = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $temp = Join-Path $work 'tmp'
        $null = New-Item -ItemType Directory -Path $temp
        $file = Join-Path $work 'job.ps1'
        Set-Content -LiteralPath $file -Value "$Prelude`n$Code`n$Postlude" -Encoding utf8
        $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)) { $psi.ArgumentList.Add($a) }
        foreach ($name in 'TMPDIR', 'TMP', 'TEMP') { $psi.Environment[$name] = $temp }
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
        $psi.WorkingDirectory = $work
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [System.Diagnostics.Process]::Start($psi)
        $stderr = $p.StandardError.ReadToEndAsync()
        $stdout = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        $ansi = '\x1b\[[0-9;?]*[A-Za-z]'
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $stdout -replace $ansi; Errors = $stderr.Result -replace $ansi; Work = $work; Temp = $temp }
    }

    # What the test puts around an example: the module, and for the runbook the two Automation cmdlets and the
    # emulator's endpoint (a default parameter value, which wins over the example's -Region).
    $script:modulePrelude = @"
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$manifest'
"@
    $script:automationPrelude = $modulePrelude + @'

function Get-AutomationPSCredential([string] $Name) {
    if ($Name -ne 'TencentChat') { throw "No credential asset '$Name'." }
    [pscredential]::new('administrator', (ConvertTo-SecureString $env:TCF_TEST_KEY -AsPlainText -Force))
}
function Get-AutomationVariable([string] $Name) {
    if ($Name -ne 'WatchedUserIds') { throw "No variable asset '$Name'." }
    $env:TCF_TEST_IDS
}
$PSDefaultParameterValues['Connect-TencentChat:Endpoint'] = $env:TCF_TEST_ENDPOINT
'@
}

AfterAll { $emulator | Stop-Emulator }

Describe 'Get-TencentChatFollowInfo example 5, the Azure Automation runbook' {
    BeforeAll {
        $script:runbook = Get-HelpExample Get-TencentChatFollowInfo 5
        $runbook | Should -Match 'Get-AutomationPSCredential'
        $script:ids = @($graph.Users | Select-Object -First 45) + 'ghost.account'
    }

    It 'fails the job with a wrong secret key: non-zero exit, the error, no summary, no CSV' {
        $r = Invoke-Example $automationPrelude $runbook -Environment @{ TCF_TEST_KEY = $wrongKey; TCF_TEST_ENDPOINT = $emulator.Url; TCF_TEST_IDS = $ids -join ',' }
        $r.ExitCode | Should -Not -Be 0 -Because "a run that cannot go on fails the job`n$($r.Output)"
        $r.Errors | Should -Match 'secret key'
        $r.Output | Should -Not -Match 'users counted'
        "$($r.Output)$($r.Errors)" | Should -Not -Match 'WARNING: :'
        Join-Path $r.Temp 'follow-counts.csv' | Should -Not -Exist
        "$($r.Output)$($r.Errors)" | Should -Not -Match $wrongKey
    }

    It 'counts the users with the right key: exit 0, the rows in order, one warning for the unknown id' {
        $r = Invoke-Example $automationPrelude $runbook -Environment @{ TCF_TEST_KEY = $goodKey; TCF_TEST_ENDPOINT = $emulator.Url; TCF_TEST_IDS = $ids -join ',' }
        $r.ExitCode | Should -Be 0 -Because $r.Errors
        $csv = Join-Path $r.Temp 'follow-counts.csv'
        $csv | Should -Exist
        Join-Path $r.Temp 'follow-counts.csv.part' | Should -Not -Exist
        $known = @($ids | Where-Object { $_ -ne 'ghost.account' })
        Assert-Exact -Rows @(Import-Csv $csv) -Ids $known -Expected $expected
        $r.Output | Should -Match ([regex]::Escape("45 users counted, 1 failed: $csv"))
        $warnings = @(($r.Output + $r.Errors) -split '\r?\n' | Where-Object { $_ -match '^WARNING:' })
        $warnings.Count | Should -Be 1
        $warnings[0] | Should -Match '^WARNING: ghost\.account: .*does not exist'
    }
}

Describe 'Get-TencentChatFollowInfo example 4, collect the ids that failed and try them again' {
    BeforeAll {
        $script:retry = Get-HelpExample Get-TencentChatFollowInfo 4
        $script:connect = $modulePrelude + @"

Connect-TencentChat -SdkAppId 1400000001 -Credential ([pscredential]::new('administrator', (ConvertTo-SecureString '$goodKey' -AsPlainText -Force))) -Endpoint '$($emulator.Url)'
Set-Content -Path users.txt -Value `$env:TCF_TEST_IDS.Split(',')
"@
        $script:ids = @($graph.Users | Select-Object -First 30) + 'ghost.account' + @($graph.Users | Select-Object -Skip 30 -First 10)
    }

    It 'ends the script with the run''s error when the run stops, instead of failing on a null TargetObject' {
        # A -From account that does not exist stops the run at its first call, as a wrong key does.
        $stop = $connect + "`n`$PSDefaultParameterValues['Get-TencentChatFollowInfo:From'] = 'nobody.here'"
        $r = Invoke-Example $stop $retry -Postlude '"REACHED THE END"' -Environment @{ TCF_TEST_IDS = $ids -join ',' }
        $r.ExitCode | Should -Not -Be 0 -Because $r.Output
        $r.Errors | Should -Match 'nobody\.here'
        "$($r.Output)$($r.Errors)" | Should -Not -Match 'null-valued'
        $r.Output | Should -Not -Match 'REACHED THE END'
    }

    It 'counts, groups the failures by error id and leaves the unknown id out of the retry' {
        $postlude = '"COUNTS=$($counts.Count) RETRIED=$($retry.Count) STILLFAILED=$($stillFailed.Count)"'
        $r = Invoke-Example $connect $retry -Postlude $postlude -Environment @{ TCF_TEST_IDS = $ids -join ',' }
        $r.ExitCode | Should -Be 0 -Because $r.Errors
        $r.Output | Should -Match '\b1\s+TencentChat\.UserNotFound\b'
        $r.Output | Should -Match 'COUNTS=40 RETRIED=0 STILLFAILED=0'
    }
}
