# Issue 17: every output type survives Export-Csv and Import-Csv between cultures. A fresh pwsh with
# [CultureInfo]::CurrentCulture set writes FollowInfo, FollowCheck, FollowChange and FollowEntry rows to CSV files
# (and what it saw in the pipeline, in invariant form); another fresh pwsh with the other culture reads the files back
# the way the help says (numbers cast, booleans compared to 'True', [datetimeoffset]$row.FollowTime,
# $row.Profile | ConvertFrom-Json) and must get the same values. en-US to de-DE and back.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $script:manifest = Get-ModuleUnderTest

    # 'star' has 1,234 fans (a count with a thousands separator in both cultures, if anything added one) and follows
    # f0001 back; f0003 and f0004 are free for a follow that is added and removed again.
    $fans = 1..1234 | ForEach-Object { 'f{0:d4}' -f $_ }
    $lines = @('follower,followee') + @($fans | ForEach-Object { "$_,star" }) + 'star,f0001'
    $graph = Join-Path $TestDrive 'csv-graph.csv'
    Set-Content -LiteralPath $graph -Value $lines
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph

    $script:writer = @'
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[cultureinfo]::CurrentCulture = $env:TCF_CULTURE
Import-Module $env:TCF_MODULE
$credential = [pscredential]::new('administrator', (ConvertTo-SecureString $env:TCF_KEY -AsPlainText -Force))
Connect-TencentChat -SdkAppId 1400000001 -Credential $credential -Endpoint $env:TCF_ENDPOINT
$rows = [ordered]@{
    info   = @(Get-TencentChatFollowInfo -UserId star, f0001, f0002)
    check  = @(Test-TencentChatFollow -From star -UserId f0001, f0002, f0003)
    change = @(Add-TencentChatFollow -From f0003 -UserId f0004 -PassThru) + @(Remove-TencentChatFollow -From f0003 -UserId f0004 -PassThru)
    entry  = @(Get-TencentChatFollow star -PageSize 1000 | Select-Object -First 20)
}
foreach ($name in $rows.Keys) { $rows[$name] | Export-Csv -LiteralPath "$name.csv" -NoTypeInformation -Encoding utf8 }
# What the pipeline saw, in invariant form: the values the files must give back.
[ordered]@{
    info   = @($rows.info | ForEach-Object { [ordered]@{ UserId = $_.UserId; FollowerCount = $_.FollowerCount; FollowingCount = $_.FollowingCount; MutualFollowingCount = $_.MutualFollowingCount } })
    check  = @($rows.check | ForEach-Object { [ordered]@{ From = $_.From; UserId = $_.UserId; Relation = "$($_.Relation)"; IsFollowing = $_.IsFollowing; IsFollower = $_.IsFollower } })
    change = @($rows.change | ForEach-Object { [ordered]@{ From = $_.From; UserId = $_.UserId; Action = $_.Action } })
    entry  = @($rows.entry | ForEach-Object {
        if ($_.FollowTime -isnot [datetimeoffset]) { throw 'FollowTime is not a DateTimeOffset in the pipeline.' }
        [ordered]@{
            UserId = $_.UserId; OfUserId = $_.OfUserId; Relation = "$($_.Relation)"; FollowTime = $_.FollowTime.UtcTicks; Nick = $_.Nick
            Profile = [ordered]@{ Tag_Profile_IM_Nick = $_.Profile.Tag_Profile_IM_Nick }; ByIndex = $_.Profile['Tag_Profile_IM_Nick']
        }
    })
} | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath seen.json -Encoding utf8
'@

    $script:reader = @'
$ErrorActionPreference = 'Stop'
[cultureinfo]::CurrentCulture = $env:TCF_CULTURE
[ordered]@{
    info   = @(Import-Csv info.csv | ForEach-Object { [ordered]@{ UserId = $_.UserId; FollowerCount = [long]$_.FollowerCount; FollowingCount = [long]$_.FollowingCount; MutualFollowingCount = [long]$_.MutualFollowingCount } })
    check  = @(Import-Csv check.csv | ForEach-Object { [ordered]@{ From = $_.From; UserId = $_.UserId; Relation = $_.Relation; IsFollowing = $_.IsFollowing -eq 'True'; IsFollower = $_.IsFollower -eq 'True' } })
    change = @(Import-Csv change.csv | ForEach-Object { [ordered]@{ From = $_.From; UserId = $_.UserId; Action = $_.Action } })
    entry  = @(Import-Csv entry.csv | ForEach-Object {
        $tags = $_.Profile | ConvertFrom-Json
        [ordered]@{
            UserId = $_.UserId; OfUserId = $_.OfUserId; Relation = $_.Relation; FollowTime = ([datetimeoffset]$_.FollowTime).UtcTicks; Nick = $_.Nick
            Profile = [ordered]@{ Tag_Profile_IM_Nick = $tags.Tag_Profile_IM_Nick }; ByIndex = $tags.Tag_Profile_IM_Nick
        }
    })
} | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath read.json -Encoding utf8
'@

    function Invoke-Script([string] $Script, [string] $Work, [hashtable] $Environment) {
        $file = Join-Path $Work "$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content -LiteralPath $file -Value $Script -Encoding utf8
        $r = Invoke-PwshFile -Path $file -WorkingDirectory $Work -Environment $Environment
        $r.ExitCode | Should -Be 0 -Because "$($r.Output)`n$($r.Errors)"
        $r.Errors | Should -BeNullOrEmpty -Because 'the script writes no error'
    }

    function Write-Rows([string] $Culture) {
        $work = Join-Path $TestDrive "written-$Culture"
        $null = New-Item -ItemType Directory -Path $work
        Invoke-Script $script:writer $work @{ TCF_CULTURE = $Culture; TCF_MODULE = $manifest; TCF_KEY = (Get-EmulatorIdentity).SecretKey; TCF_ENDPOINT = $emulator.Url }
        $work
    }

    function Read-Rows([string] $Written, [string] $Culture) {
        Invoke-Script $script:reader $Written @{ TCF_CULTURE = $Culture }
        Get-Content -Raw -LiteralPath (Join-Path $Written 'read.json')
    }

    $script:written = @{ 'en-US' = (Write-Rows 'en-US'); 'de-DE' = (Write-Rows 'de-DE') }
}

AfterAll { $emulator | Stop-Emulator }

Describe 'Export-Csv and Import-Csv between cultures' {
    It 'the cultures really differ here: de-DE writes a date and a decimal its own way' {
        # Without this, a machine without culture data would pass every test below for nothing.
        $probe = [pscustomobject]@{ T = [datetimeoffset]::FromUnixTimeSeconds(1700000000); D = 1.5 }
        $before = [cultureinfo]::CurrentCulture
        [cultureinfo]::CurrentCulture = 'de-DE'
        try { $text = ($probe | ConvertTo-Csv -NoTypeInformation)[1] } finally { [cultureinfo]::CurrentCulture = $before }
        $text | Should -Be '"14.11.2023 22:13:20 +00:00","1,5"'
    }

    It 'writes the same <_> file under en-US and de-DE' -ForEach 'info', 'check', 'change', 'entry' {
        $en = Get-Content -Raw -LiteralPath (Join-Path $written['en-US'] "$_.csv")
        $de = Get-Content -Raw -LiteralPath (Join-Path $written['de-DE'] "$_.csv")
        $de | Should -BeExactly $en
        @(Get-Content -LiteralPath (Join-Path $written['en-US'] "$_.csv")).Count | Should -BeGreaterThan 1
    }

    It 'writes FollowEntry''s FollowTime in ISO 8601 and Profile as JSON, in the class''s column order' {
        $csv = @(Get-Content -LiteralPath (Join-Path $written['de-DE'] 'entry.csv'))
        $csv[0] | Should -BeExactly '"UserId","OfUserId","Relation","FollowTime","Nick","Profile"'
        $csv[1] | Should -Match '^"f1234","star","Follower","2023-11-\d\dT\d\d:\d\d:\d\d\+00:00","Nick of f1234","\{""Tag_Profile_IM_Nick"":""Nick of f1234""\}"$'
        (Get-Content -LiteralPath (Join-Path $written['de-DE'] 'info.csv'))[1] | Should -BeExactly '"star","1234","1","1"'
    }

    It 'reads back under <ReadIn> what was written under <WrittenIn>: every type, the same values' -ForEach @(
        @{ WrittenIn = 'en-US'; ReadIn = 'de-DE' }
        @{ WrittenIn = 'de-DE'; ReadIn = 'en-US' }
    ) {
        $seen = Get-Content -Raw -LiteralPath (Join-Path $written[$WrittenIn] 'seen.json') | ConvertFrom-Json
        $read = Read-Rows $written[$WrittenIn] $ReadIn | ConvertFrom-Json
        foreach ($type in 'info', 'check', 'change', 'entry') {
            @($read.$type).Count | Should -Be @($seen.$type).Count -Because "every $type row comes back"
            ($read.$type | ConvertTo-Json -Depth 5 -Compress) | Should -BeExactly ($seen.$type | ConvertTo-Json -Depth 5 -Compress) -Because "$type values survive"
        }
        $seen.check.IsFollowing | Should -Contain $true
        $seen.check.IsFollowing | Should -Contain $false
    }
}
