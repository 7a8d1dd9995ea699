# Audit finding 3: output that crosses a process boundary (Start-Job, Invoke-Command, Export-Clixml/Import-Clixml)
# keeps what matters where the module is loaded. A FollowEntry comes back as a FollowEntry: FollowTime compares as a
# date, Profile exports to CSV as the same JSON text and still reads by tag. The other types keep their table and list
# views: PowerShell's formatting matches a Deserialized.* copy to the view of the type it copies when no view names
# the copy (so this one held before the change too). In process nothing changes.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $script:module = Get-ModuleUnderTest
    Import-Module $module -Force
    $script:identity = Get-EmulatorIdentity
    $graph = Join-Path $PSScriptRoot '../../docs/samples/graph.csv'
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph
    $script:key = ConvertTo-SecureString $identity.SecretKey -AsPlainText -Force
    Connect-TencentChat -SdkAppId $identity.SdkAppId -SecretKey $key -Endpoint $emulator.Url

    # user001's fans followed one after another from 2023-11-14T22:13:20Z on: a cut in the middle of them.
    $script:cut = [datetime]'2023-11-14T22:13:30Z'
    $script:live = @(Get-TencentChatFollow -UserId user001)
    $script:liveBefore = @($live | Where-Object FollowTime -LT $cut).Count
    $script:liveCsv = @($live | ConvertTo-Csv)
    $script:jobNotes = 'PSComputerName', 'RunspaceId', 'PSShowComputerName', 'PSSourceJobInstanceId'
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'Output through Export-Clixml and Import-Clixml' {
    It 'the cut is in the middle of the list in process' {
        $live.Count | Should -BeGreaterThan 2
        $liveBefore | Should -BeGreaterThan 0
        $liveBefore | Should -BeLessThan $live.Count
        $live[0].FollowTime | Should -BeOfType [datetimeoffset]
        $live[0].Profile | Should -BeOfType [TencentChatFollow.FollowProfile]
    }

    It 'a FollowEntry comes back whole at depth <_>: FollowTime filters as in process, the CSV is the same, Profile reads by tag' -ForEach 1, 2 {
        $file = Join-Path $TestDrive "entries-$_.xml"
        $live | Export-Clixml -LiteralPath $file -Depth $_
        $back = @(Import-Clixml -LiteralPath $file)
        $back.Count | Should -Be $live.Count
        $back[0] | Should -BeOfType [TencentChatFollow.FollowEntry]
        $back[0].FollowTime | Should -BeOfType [datetimeoffset]
        @($back | Where-Object FollowTime -LT $cut).Count | Should -Be $liveBefore
        @($back | ConvertTo-Csv) | Should -Be $liveCsv
        $back[0].Profile.Tag_Profile_IM_Nick | Should -Be $live[0].Profile.Tag_Profile_IM_Nick
        "$($back[0].Profile.ToString())" | Should -Be $live[0].Profile.ToString()
    }

    It 'a FollowEntry without FollowTime or profile tags comes back so' {
        $bare = [TencentChatFollow.FollowEntry]::new('a', 'b', 'Mutual', $null, $null, [TencentChatFollow.FollowProfile]::Empty)
        $file = Join-Path $TestDrive 'bare.xml'
        $bare | Export-Clixml -LiteralPath $file
        $back = Import-Clixml -LiteralPath $file
        $back | Should -BeOfType [TencentChatFollow.FollowEntry]
        $back.FollowTime | Should -BeNullOrEmpty
        $back.Relation | Should -Be 'Mutual'
        $back.Profile.ToString() | Should -Be '{}'
    }

    It 'a FollowCheck''s Relation comes back as a FollowRelation: it filters by name, groups and converts to JSON as in process' {
        $checks = @(Test-TencentChatFollow -From user002 -UserId user001, user003, user040, user030)
        ($checks.Relation -join ',') | Should -Be 'Following,Mutual,Follower,None'
        $file = Join-Path $TestDrive 'checks.xml'
        $checks | Export-Clixml -LiteralPath $file
        $back = @(Import-Clixml -LiteralPath $file)
        $back[1].Relation | Should -BeOfType [TencentChatFollow.FollowRelation]
        @($back | Where-Object Relation -EQ 'Mutual').UserId | Should -Be 'user003'
        @($back | Where-Object Relation -NE 'None').Count | Should -Be 3
        ($back | ConvertTo-Json -Compress) | Should -Be ($checks | ConvertTo-Json -Compress)
        @($back | ConvertTo-Csv) | Should -Be @($checks | ConvertTo-Csv)
    }
}

Describe 'Output through Start-Job and Receive-Job' {
    BeforeAll {
        $script:got = @(Start-Job {
                $ErrorActionPreference = 'Stop'
                Import-Module $using:module
                Connect-TencentChat -SdkAppId $using:identity.SdkAppId -SecretKey (ConvertTo-SecureString $using:identity.SecretKey -AsPlainText -Force) -Endpoint $using:emulator.Url
                Get-TencentChatFollow -UserId user001
                Get-TencentChatFollowInfo -UserId user001
                Test-TencentChatFollow -From user001 -UserId user002
                Get-TencentChatContext
            } | Receive-Job -Wait -AutoRemoveJob)
        $script:entries = @($got | Where-Object { $_ -is [TencentChatFollow.FollowEntry] })
    }

    It 'FollowEntry comes back as a FollowEntry whose FollowTime filters as in process' {
        $entries.Count | Should -Be $live.Count
        $entries[0].FollowTime | Should -BeOfType [datetimeoffset]
        @($entries | Where-Object FollowTime -LT $cut).Count | Should -Be $liveBefore
    }

    It 'exports to CSV as in process once the job''s own columns are left out; Profile is the JSON text' {
        @($entries | Select-Object -ExcludeProperty $jobNotes | ConvertTo-Csv) | Should -Be $liveCsv
        ($entries[0] | ConvertTo-Csv)[1] | Should -Not -Match 'System.Collections.Hashtable'
    }

    It 'shows FollowInfo, FollowCheck and the session with their own views, without the job''s columns' -ForEach @(
        @{ Type = 'TencentChatFollow.FollowInfo'; Header = 'UserId\s+FollowerCount\s+FollowingCount\s+MutualFollowingCount' }
        @{ Type = 'TencentChatFollow.FollowCheck'; Header = 'From: user001\s+UserId\s+Relation\s+IsFollowing\s+IsFollower' }
        @{ Type = 'TencentChatFollow.Session.TencentChatSession'; Header = 'SdkAppId\s+: ' }
    ) {
        $copy = @($got | Where-Object { $_.pstypenames[0] -eq "Deserialized.$Type" })
        $copy.Count | Should -Be 1
        $text = $copy | Out-String
        $text | Should -Match $Header
        $text | Should -Not -Match 'RunspaceId|PSSourceJobInstanceId'
    }
}
