# Issue 4: the module as the Gallery and a user get it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $script:manifestPath = Get-ModuleUnderTest
    $script:repo = if ($env:TCF_REPO_PATH) { $env:TCF_REPO_PATH } else { Join-Path $PSScriptRoot '../../out/repo' }
    $script:pwsh = Get-PwshCommandLine
    function Invoke-FreshPwsh([string] $Script, [hashtable] $Environment = @{}) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Script)) { $psi.ArgumentList.Add($a) }
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        # With an isolated HOME, PSResourceGet may keep its repository list relative to the working directory.
        $psi.WorkingDirectory = $TestDrive
        $p = [System.Diagnostics.Process]::Start($psi)
        $stderr = $p.StandardError.ReadToEndAsync()
        $stdout = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $stdout; Errors = $stderr.Result }
    }
}

Describe 'The module manifest' {
    BeforeAll { $script:manifest = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop }

    It 'passes Test-ModuleManifest with the Gallery''s fields' {
        $manifest.Version | Should -Be ([version](([xml](Get-Content -Raw (Join-Path $PSScriptRoot '../../Directory.Build.props'))).Project.PropertyGroup.ModuleVersion | Where-Object { $_ } | Select-Object -First 1))
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.CompanyName | Should -Not -BeNullOrEmpty
        $manifest.Copyright | Should -Not -BeNullOrEmpty
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.Guid | Should -Not -Be ([guid]::Empty)
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        $manifest.ProjectUri | Should -Not -BeNullOrEmpty
        $manifest.LicenseUri | Should -Not -BeNullOrEmpty
        $manifest.ReleaseNotes | Should -Not -BeNullOrEmpty
        $manifest.Tags | Should -Contain 'PSEdition_Desktop'
        foreach ($tag in 'PSEdition_Core', 'Windows', 'Linux', 'MacOS') { $manifest.Tags | Should -Contain $tag }
    }

    It 'is the source manifest with the version in place, without the source''s note on how the build fills it in' {
        $source = Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot '../../TencentChatFollow.psd1')
        $source | Should -Match '\A# Source manifest\.' -Because 'the source has the note'
        $built = Get-Content -Raw -LiteralPath $manifestPath
        $built | Should -Match '\A@\{'
        $built | Should -Not -Match '\{\{ModuleVersion\}\}|build\.ps1 copies it'
        $built | Should -Match ([regex]::Escape("ModuleVersion        = '$($manifest.Version)'"))
    }

    It 'names every command in its Description and ReleaseNotes' {
        foreach ($name in $manifest.ExportedCmdlets.Keys) {
            # "Add- and Remove-TencentChatFollow" names both.
            $mentioned = "(?<![\w-])$([regex]::Escape($name))\b|(?<![\w-])$($name -replace '-.*')- and \w+$([regex]::Escape($name -replace '^\w+'))\b"
            $manifest.Description | Should -Match $mentioned -Because "the Description names $name"
            $manifest.ReleaseNotes | Should -Match $mentioned -Because "the ReleaseNotes name $name"
        }
    }

    It 'exports exactly the module''s cmdlets, by name, and nothing else' {
        $data = Import-PowerShellDataFile -LiteralPath $manifestPath
        $data.CmdletsToExport | Should -Not -Contain '*'
        $data.FunctionsToExport.Count | Should -Be 0
        $data.VariablesToExport.Count | Should -Be 0
        $data.AliasesToExport.Count | Should -Be 0
        $module = Import-Module $manifestPath -PassThru -Force
        (@($module.ExportedCmdlets.Keys | Sort-Object) -join ',') | Should -Be (@($data.CmdletsToExport | Sort-Object) -join ',')
        $types = [TencentChatFollow.FollowInfo].Assembly, [TencentChatFollow.Commands.ConnectTencentChatCommand].Assembly
        $declared = @($types[1].GetTypes() | Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" } | Sort-Object)
        ($declared -join ',') | Should -Be (@($data.CmdletsToExport | Sort-Object) -join ',')
    }

    It 'ships only what the module needs' {
        $root = Split-Path $manifestPath
        (@(Get-ChildItem -LiteralPath $root -File).Name | Sort-Object) -join ',' |
            Should -Be 'TencentChatFollow.Core.dll,TencentChatFollow.dll,TencentChatFollow.Format.ps1xml,TencentChatFollow.psd1,TencentChatFollow.Types.ps1xml'
        (@(Get-ChildItem -LiteralPath $root -Directory).Name | Sort-Object) -join ',' | Should -Be 'dependencies,en-US'
    }
}

Describe 'Assemblies on PowerShell 7' {
    It 'uses the in-box System.Text.Json, never the copy shipped for Windows PowerShell' {
        # New-TencentChatUserSig runs Core's own System.Text.Json code (the UserSig's JSON), so Core has bound it.
        $r = Invoke-FreshPwsh @"
Import-Module '$manifestPath'
`$null = [TencentChatFollow.FollowInfo]
`$json = [System.Text.Json.JsonDocument]::Parse('{}'); `$json.Dispose()
`$null = [TencentChatFollow.FollowInfo]::new('x', 1, 2, 3) | ConvertTo-Json
`$null = New-TencentChatUserSig 1400000001 user1 -SecretKey (ConvertTo-SecureString 'k' -AsPlainText -Force) -AsPlainText
`$stj = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'System.Text.Json' }
'STJ=' + ((`$stj | ForEach-Object Location) -join ';')
'FROMDEPS=' + @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.Location -like '*dependencies*' }).Count
"@
        $r.ExitCode | Should -Be 0 -Because $r.Errors
        $stjLine = ($r.Output -split "`n" | Where-Object { $_ -like 'STJ=*' })
        $stjLine | Should -Not -BeNullOrEmpty
        $stjLine | Should -Not -Match 'dependencies'
        $stjLine | Should -Not -Match 'TencentChatFollow'
        $stjLine | Should -Not -Match ';' -Because 'one System.Text.Json, the runtime''s, serves PowerShell and the module'
        ($r.Output -split "`n" | Where-Object { $_ -like 'FROMDEPS=*' }).Trim() | Should -Be 'FROMDEPS=0'
    }
}

Describe 'Installed from a repository' {
    It 'installs with Install-PSResource, imports by name in a fresh pwsh and runs the design card''s line' {
        $nupkg = Get-ChildItem -LiteralPath $repo -Filter 'TencentChatFollow.*.nupkg' -ErrorAction SilentlyContinue
        $nupkg | Should -Not -BeNullOrEmpty -Because './build.ps1 -Task Package writes it (Test does it first)'
        $home2 = Join-Path $TestDrive 'home'
        $null = New-Item -ItemType Directory -Path $home2
        # A user of its own: PSResourceGet installs CurrentUser modules under HOME, where pwsh looks for them too.
        $isolated = @{ HOME = $home2; XDG_DATA_HOME = (Join-Path $home2 '.local/share'); XDG_CONFIG_HOME = (Join-Path $home2 '.config'); XDG_CACHE_HOME = (Join-Path $home2 '.cache'); PSModulePath = '' }
        # A unique repository name, removed after, in case PSResourceGet's list is shared with the machine user.
        $install = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name TCF-Test-$PID -Uri '$repo' -Trusted
try {
    Install-PSResource -Name TencentChatFollow -Repository TCF-Test-$PID -Scope CurrentUser -TrustRepository -Quiet
} finally {
    Unregister-PSResourceRepository -Name TCF-Test-$PID
}
(Get-InstalledPSResource -Name TencentChatFollow).InstalledLocation
"@ -Environment $isolated
        $install.ExitCode | Should -Be 0 -Because $install.Errors
        $install.Output | Should -Match ([regex]::Escape($home2))

        $graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 60 -Edges 300
        $expected = Get-ExpectedCount -Path $graph.Path
        $users = Join-Path $TestDrive 'users.txt'
        Set-Content -LiteralPath $users -Value $graph.Users
        $csv = Join-Path $TestDrive 'counts.csv'
        $emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path
        try {
            $run = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module TencentChatFollow
(Get-Module TencentChatFollow).ModuleBase
Connect-TencentChat -SdkAppId 1400000001 -Credential ([pscredential]::new('administrator', (ConvertTo-SecureString '$((Get-EmulatorIdentity).SecretKey)' -AsPlainText -Force))) -Endpoint '$($emulator.Url)'
Get-Content '$users' | Get-TencentChatFollowInfo | Export-Csv '$csv' -NoTypeInformation
"@ -Environment $isolated
        } finally { $emulator | Stop-Emulator }
        $run.ExitCode | Should -Be 0 -Because $run.Errors
        $run.Output | Should -Match ([regex]::Escape($home2))
        $rows = @(Import-Csv $csv)
        ($rows.UserId -join ',') | Should -Be ($graph.Users -join ',')
        foreach ($row in $rows) {
            $e = $expected[$row.UserId]
            if ($null -eq $e) { $e = [pscustomobject]@{ FollowerCount = 0; FollowingCount = 0; MutualFollowingCount = 0 } }
            "$($row.FollowerCount)/$($row.FollowingCount)/$($row.MutualFollowingCount)" | Should -Be "$($e.FollowerCount)/$($e.FollowingCount)/$($e.MutualFollowingCount)"
        }
    }
}
