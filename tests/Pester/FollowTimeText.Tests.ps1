# FollowEntry's FollowTime formats as a plain DateTimeOffset when given a format or a format provider
# ($t.ToString('yyyy-MM-dd'), '{0:yyyy-MM-dd}' -f $t, a Format-Table column that formats it), while its text without
# one (.ToString(), tables, lists, CSV, JSON) stays ISO 8601 in every culture. Each form is checked against a plain
# [datetimeoffset] of the same instant, under de-DE and th-TH (the Buddhist calendar: yyyy is 2566 there) set on the
# thread, in this process.
BeforeDiscovery {
    $cultures = @('de-DE', 'th-TH') | ForEach-Object { @{ Culture = $_ } }
    $forms = @(
        @{ Form = '$t.ToString(''yyyy-MM-dd'')'; Text = { param($t) $t.ToString('yyyy-MM-dd') } }
        @{ Form = '$t.ToString(''d'')'; Text = { param($t) $t.ToString('d') } }
        @{ Form = '$t.ToString(''o'', [cultureinfo]::InvariantCulture)'; Text = { param($t) $t.ToString('o', [cultureinfo]::InvariantCulture) } }
        @{ Form = '$t.ToString(''yyyy'', [cultureinfo]''en-US'')'; Text = { param($t) $t.ToString('yyyy', [cultureinfo]'en-US') } }
        @{ Form = '$t.ToString([cultureinfo]::InvariantCulture)'; Text = { param($t) $t.ToString([cultureinfo]::InvariantCulture) } }
        @{ Form = '''{0:yyyy-MM-dd}'' -f $t'; Text = { param($t) '{0:yyyy-MM-dd}' -f $t } }
        @{ Form = '''{0:o}'' -f $t'; Text = { param($t) '{0:o}' -f $t } }
        @{ Form = '"$t"'; Text = { param($t) "$t" } }
        @{ Form = '[string]$t'; Text = { param($t) [string]$t } }
        @{ Form = '($t -as [datetimeoffset]).ToString(''d'')'; Text = { param($t) ($t -as [datetimeoffset]).ToString('d') } }
        @{ Form = 'a Format-Table column: @{ Expression = { $_.T.ToString(''yyyy-MM-dd'') } }'; Text = {
                param($t) ([pscustomobject]@{ T = $t } | Format-Table @{ Name = 'Day'; Expression = { $_.T.ToString('yyyy-MM-dd') } } -HideTableHeaders | Out-String).Trim() } }
        @{ Form = 'a Format-Table column: @{ Expression = { $_.T }; FormatString = ''{0:yyyy-MM-dd}'' }'; Text = {
                param($t) ([pscustomobject]@{ T = $t } | Format-Table @{ Name = 'Day'; Expression = { $_.T }; FormatString = '{0:yyyy-MM-dd}' } -HideTableHeaders | Out-String).Trim() } }
    )
    $cases = foreach ($c in $cultures) { foreach ($f in $forms) { $f + $c } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force

    $script:graphPath = Join-Path $TestDrive 'times.csv'
    Set-Content -LiteralPath $graphPath -Value 'follower,followee', 'fan1,star', 'fan2,star', 'star,fan1'
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graphPath
    Connect-TencentChat -SdkAppId (Get-EmulatorIdentity).SdkAppId -Credential (Get-EmulatorCredential) -Endpoint $emulator.Url

    $script:entries = @(Get-TencentChatFollow -UserId star)
    $script:isoPattern = '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$'

    # Runs the script block with the culture set on this thread, as a script would set it.
    function Invoke-InCulture([string] $Culture, [scriptblock] $Script) {
        $before = [cultureinfo]::CurrentCulture
        [cultureinfo]::CurrentCulture = $Culture
        try { & $Script } finally { [cultureinfo]::CurrentCulture = $before }
    }
    # The same instant as a plain DateTimeOffset, with no member of the module's.
    function Get-Plain($Time) { [datetimeoffset]::new($Time.UtcTicks, [timespan]::Zero) }
}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'FollowTime with a format or a format provider' {
    It 'the cultures really differ here: <Culture> writes the year its own way or a date with dots' -ForEach $cultures {
        # Without this, a machine without culture data would pass every test below for nothing.
        $plain = Get-Plain $entries[0].FollowTime
        $text = Invoke-InCulture $Culture { $plain.ToString('d') }
        $text | Should -Not -Be $plain.ToString('d', [cultureinfo]::InvariantCulture)
        if ($Culture -eq 'th-TH') { Invoke-InCulture $Culture { $plain.ToString('yyyy') } | Should -Be ($plain.Year + 543) }
    }

    It 'gives what a plain DateTimeOffset gives under <Culture>: <Form>' -ForEach $cases {
        $t = $entries[0].FollowTime
        $plain = Get-Plain $t
        $expected = Invoke-InCulture $Culture { & $Text $plain }
        $actual = Invoke-InCulture $Culture { & $Text $t }
        $expected | Should -Not -BeNullOrEmpty
        $actual | Should -BeExactly $expected
    }

    It 'fails as a plain DateTimeOffset does for an argument that is not a format provider, or a third argument' {
        $t = $entries[0].FollowTime
        { $t.ToString('d', 'not a culture') } | Should -Throw
        { $t.ToString('d', [cultureinfo]::InvariantCulture, 3) } | Should -Throw
    }

    It 'lists the overloads of DateTimeOffset.ToString in Get-Member' {
        $definition = ($entries[0].FollowTime | Get-Member -Name ToString).Definition
        $definition | Should -BeLike '*string ToString(string format, System.IFormatProvider formatProvider)*'
        $definition | Should -BeLike '*string ToString()*'
    }
}

Describe 'FollowTime''s text without a format stays ISO 8601' {
    # These hold what must not change; the format forms above are what the fix added.
    It 'in .ToString(), ''{0}'' -f, a table, a list, CSV and JSON under <Culture>' -ForEach $cultures {
        $entry = $entries[0]
        $iso = $entry.FollowTime.ToString()
        $iso | Should -Match $isoPattern
        Invoke-InCulture $Culture {
            $entry.FollowTime.ToString() | Should -BeExactly $iso
            '{0}' -f $entry.FollowTime | Should -BeExactly $iso
            ($entry | Format-Table UserId, FollowTime | Out-String) | Should -Match ([regex]::Escape($iso))
            ($entry | Format-List FollowTime | Out-String).Trim() | Should -BeExactly "FollowTime : $iso"
            ($entry | Select-Object UserId, FollowTime | ConvertTo-Csv -NoTypeInformation)[1] | Should -BeExactly "`"fan2`",`"$iso`""
            ($entry | Select-Object FollowTime | ConvertTo-Json -Compress) | Should -BeExactly "{`"FollowTime`":`"$iso`"}"
        }
    }

    It 'in a Format-Table column whose FormatString has no {0:...}: PowerShell passes that format with no culture, which is how it asks for the plain text' {
        # Documented in Get-TencentChatFollow's OUTPUTS: write FormatString = '{0:yyyy-MM-dd}' instead.
        $t = $entries[0].FollowTime
        $text = ([pscustomobject]@{ T = $t } | Format-Table @{ Name = 'Day'; Expression = { $_.T }; FormatString = 'yyyy-MM-dd' } -HideTableHeaders | Out-String).Trim()
        $text | Should -BeExactly $t.ToString()
    }

    It 'writes the same CSV under <Culture> as in the invariant culture, and Import-Csv reads the same instants back' -ForEach $cultures {
        $invariant = Join-Path $TestDrive 'invariant.csv'
        $cultured = Join-Path $TestDrive "$Culture.csv"
        Invoke-InCulture '' { $entries | Export-Csv -LiteralPath $invariant -NoTypeInformation -Encoding utf8 }
        Invoke-InCulture $Culture { $entries | Export-Csv -LiteralPath $cultured -NoTypeInformation -Encoding utf8 }
        Get-Content -Raw -LiteralPath $cultured | Should -BeExactly (Get-Content -Raw -LiteralPath $invariant)
        $rows = @(Invoke-InCulture $Culture { Import-Csv -LiteralPath $cultured })
        $rows.Count | Should -Be $entries.Count
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $rows[$i].FollowTime | Should -Match $isoPattern
            $rows[$i].FollowTime | Should -BeExactly $entries[$i].FollowTime.ToString()
            (Invoke-InCulture $Culture { ([datetimeoffset]$rows[$i].FollowTime).UtcTicks }) | Should -Be $entries[$i].FollowTime.UtcTicks
        }
    }
}
