# Issue 9: the progress bar's last record before it closes shows the final counts. The reporter writes at most one
# record per 400 ms, so without a final record the bar ends on the counts of the first call of a short run.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $script:manifest = Get-ModuleUnderTest
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 60 -Edges 300
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path

    function Get-ProgressRecord([string] $Script, [object[]] $Ids, [string] $Activity = 'Get-TencentChatFollowInfo') {
        # Runs the script in a runspace of its own and returns what it wrote: its progress records and its objects.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript(@"
param(`$Manifest, `$Url, `$Credential, `$Ids)
`$ProgressPreference = 'Continue'
Import-Module `$Manifest
Connect-TencentChat -SdkAppId 1400000001 -Credential `$Credential -Endpoint `$Url -SkipCheck
$Script
"@).AddArgument($manifest).AddArgument($emulator.Url).AddArgument((Get-EmulatorCredential)).AddArgument($Ids)
            $output = $ps.Invoke()
            @($ps.Streams.Error | Where-Object { $_.FullyQualifiedErrorId -notlike 'TencentChat.UserNotFound,*' }).Count |
                Should -Be 0 -Because ($ps.Streams.Error -join '; ')
            [pscustomobject]@{
                Output   = @($output)
                Errors   = @($ps.Streams.Error)
                Progress = @($ps.Streams.Progress | Where-Object Activity -EQ $Activity)
            }
        } finally { $ps.Dispose() }
    }

    function Get-Count([System.Management.Automation.ProgressRecord] $Record) {
        # "47 of 47 ids done, 2 errors, ..." or, for pipeline input, "47 ids done, 2 errors, ...".
        $Record.StatusDescription -match '^(?<done>\d+)( of (?<total>\d+))? ids? done, (?<errors>\d+) errors?,' |
            Should -BeTrue -Because "'$($Record.StatusDescription)' is a status with counts"
        [pscustomobject]@{ Done = [int]$Matches.done; Total = $Matches.total; Errors = [int]$Matches.errors }
    }
}

AfterAll { $emulator | Stop-Emulator }

Describe 'The last progress record' {
    It 'shows the final counts with -UserId (<_> ids, one of them unknown), then the bar closes' -ForEach 45, 58 {
        $ids = @($graph.Users | Select-Object -First ($_ - 1)) + 'nobody.here'
        $r = Get-ProgressRecord -Script 'Get-TencentChatFollowInfo -UserId $Ids' -Ids $ids
        $r.Output.Count | Should -Be ($_ - 1)
        $r.Errors.Count | Should -Be 1
        $r.Progress.Count | Should -BeGreaterThan 1
        $r.Progress[-1].RecordType | Should -Be 'Completed'
        $processing = @($r.Progress | Where-Object RecordType -EQ 'Processing')
        $last = Get-Count $processing[-1]
        "$($last.Done) of $($last.Total), $($last.Errors) errors" | Should -Be "$_ of $_, 1 errors"
        $processing[-1].PercentComplete | Should -Be 100
        # The records are snapshots: the first one still shows the first call alone (20 ids: the session was not checked
        # by Connect, so the run's first call goes alone until the service has answered).
        (Get-Count $processing[0]).Done | Should -Be 20
    }

    It 'shows the final counts with pipeline input' {
        $ids = @($graph.Users | Select-Object -First 53)
        $r = Get-ProgressRecord -Script '$Ids | Get-TencentChatFollowInfo' -Ids $ids
        $r.Output.Count | Should -Be 53
        $r.Progress[-1].RecordType | Should -Be 'Completed'
        $last = Get-Count @($r.Progress | Where-Object RecordType -EQ 'Processing')[-1]
        "$($last.Done), $($last.Total), $($last.Errors)" | Should -Be '53, , 0'
    }

    It 'writes no second record when the one shown is already final' {
        $r = Get-ProgressRecord -Script 'Get-TencentChatFollowInfo -UserId $Ids' -Ids @($graph.Users | Select-Object -First 5)
        $r.Output.Count | Should -Be 5
        @($r.Progress.RecordType) -join ',' | Should -Be 'Processing,Completed'
        (Get-Count $r.Progress[0]).Done | Should -Be 5
    }

    It 'counts pairs, not ids, for <_>, as its errors and run record do' -ForEach 'Test-TencentChatFollow', 'Add-TencentChatFollow', 'Remove-TencentChatFollow' {
        $confirm = if ($_ -eq 'Test-TencentChatFollow') { '' } else { ' -Confirm:$false' }
        $r = Get-ProgressRecord -Script "$_ -From `$Ids[0] -UserId `$Ids[1..2]$confirm" -Ids @($graph.Users | Select-Object -First 3) -Activity $_
        $r.Progress.Count | Should -BeGreaterThan 0
        @($r.Progress | ForEach-Object StatusDescription) | ForEach-Object { $_ | Should -Match '^\d+ of 2 pairs done, 0 errors, ' }
    }
}
