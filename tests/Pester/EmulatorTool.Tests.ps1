# Issue 9: the help's emulator instructions work for someone who installed the module from the Gallery, with no
# repository paths: the emulator is a .NET tool (out/repo/TencentChatFollow.Emulator.<version>.nupkg, made by
# ./build.ps1 -Task Package), installed here into a folder of its own, started as the about topic says, and used with
# the about topic's own Connect and Get lines.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $script:manifest = Get-ModuleUnderTest
    $script:module = Import-Module $manifest -Force -PassThru
    $script:repo = if ($env:TCF_REPO_PATH) { $env:TCF_REPO_PATH } else { Join-Path $PSScriptRoot '../../out/repo' }
    $script:version = (Test-ModuleManifest -Path $manifest).Version.ToString()
    $script:pwsh = Get-PwshCommandLine

    function Invoke-Process([string] $FileName, [string[]] $Arguments, [string] $WorkingDirectory, [hashtable] $Environment = @{}) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new($FileName)
        foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
        $psi.WorkingDirectory = $WorkingDirectory
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [System.Diagnostics.Process]::Start($psi)
        $stderr = $p.StandardError.ReadToEndAsync()
        $stdout = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $stdout; Errors = $stderr.Result }
    }

    function Get-AboutSection([string] $Heading) {
        # The lines of one section of the about topic the module ships (what Get-Help about_TencentChatFollow shows).
        $lines = [System.IO.File]::ReadAllLines((Join-Path $module.ModuleBase 'en-US/about_TencentChatFollow.help.txt'))
        $start = [array]::IndexOf($lines, $Heading)
        $start | Should -BeGreaterThan 0 -Because "the about topic has a $Heading section"
        $end = $start + 1
        while ($end -lt $lines.Count -and $lines[$end] -notmatch '^[A-Z]') { $end++ }
        $lines[($start + 1)..($end - 1)]
    }

    function Get-CodeBlock([string[]] $Section) {
        # The section's code blocks: runs of lines indented 8 spaces, dedented.
        $blocks = [System.Collections.Generic.List[string[]]]::new()
        $block = [System.Collections.Generic.List[string]]::new()
        foreach ($line in $Section + '') {
            if ($line -match '^ {8}') { $block.Add($line.Substring(8)); continue }
            if ($block.Count) { $blocks.Add($block.ToArray()); $block.Clear() }
        }
        , $blocks.ToArray()
    }
}

Describe 'The emulator as a .NET tool, as the help tells a Gallery user to run it' {
    BeforeAll {
        $script:section = Get-AboutSection 'THE EMULATOR'
        $script:blocks = Get-CodeBlock $section
        $script:setup = @($blocks | Where-Object { $_ -match '^dotnet tool install' })[0]
        $script:session = @($blocks | Where-Object { $_ -match '^Connect-TencentChat' })[0]
        $script:work = Join-Path $TestDrive 'work'
        $script:tools = Join-Path $TestDrive 'tools'
        $null = New-Item -ItemType Directory -Path $work
    }

    It 'is in out/repo next to the module, with its version' {
        Join-Path $repo "TencentChatFollow.Emulator.$version.nupkg" | Should -Exist
        Join-Path $repo "TencentChatFollow.$version.nupkg" | Should -Exist
    }

    It 'has help that installs it from NuGet.org, says what runtime it needs and states the test identity' {
        $setup | Should -Not -BeNullOrEmpty
        $session | Should -Not -BeNullOrEmpty
        $setup[0] | Should -BeExactly 'dotnet tool install --global TencentChatFollow.Emulator'
        @($setup | Where-Object { $_ -match '^tencentchat-emulator ' }).Count | Should -Be 1
        $text = $section -join "`n"
        $text | Should -Match 'ASP\.NET Core'
        $identity = Get-EmulatorIdentity
        $text | Should -Match "SDKAppID\s+$($identity.SdkAppId)"
        $text | Should -Match ([regex]::Escape($identity.SecretKey))
        $text | Should -Match "App admin\s+$($identity.Identifier)"
        $text | Should -Not -Match 'src/|docs/|dotnet run --project' -Because 'a Gallery user has no repository'
        foreach ($command in 'Connect-TencentChat', 'Get-TencentChatFollowInfo') {
            (Get-Help $command -Full | Out-String -Width 300) | Should -Not -Match 'dotnet run --project|of this repository'
        }
        (Get-Help Connect-TencentChat -Examples | Out-String -Width 300) | Should -Match 'dotnet tool install --global TencentChatFollow\.Emulator'
    }

    It 'installs from out/repo with dotnet tool install, starts as the help says, and answers the help''s Connect and Get' {
        # dotnet tool install --tool-path instead of --global, with only out/repo as a source, and a package cache of
        # its own so that this build's package is the one installed.
        $config = Join-Path $TestDrive 'nuget.config'
        Set-Content -LiteralPath $config -Value @"
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="out-repo" value="$repo" /></packageSources></configuration>
"@
        $install = Invoke-Process dotnet @('tool', 'install', 'TencentChatFollow.Emulator', '--tool-path', $tools, '--add-source', $repo,
            '--version', $version, '--configfile', $config) -WorkingDirectory $work -Environment @{ NUGET_PACKAGES = (Join-Path $TestDrive 'nuget-packages') }
        $install.ExitCode | Should -Be 0 -Because "$($install.Output)$($install.Errors)"
        $command = Join-Path $tools ($IsWindows ? 'tencentchat-emulator.exe' : 'tencentchat-emulator')
        $command | Should -Exist

        # The help's own lines, in a fresh pwsh in an empty folder: first the graph, then (below) the emulator.
        $prepare = ($setup | Where-Object { $_ -notmatch '^(dotnet tool install|tencentchat-emulator) ' }) -join "`n"
        $r = Invoke-Process $pwsh[0] (@($pwsh | Select-Object -Skip 1) + '-NoProfile', '-NonInteractive', '-Command', $prepare) -WorkingDirectory $work
        $r.ExitCode | Should -Be 0 -Because $r.Errors
        $graph = Join-Path $work 'graph.csv'
        $graph | Should -Exist
        $expected = Get-ExpectedCount -Path $graph

        # Its command line, on a free port rather than 5080, which may be taken on a shared machine.
        $line = @($setup | Where-Object { $_ -match '^tencentchat-emulator ' })[0]
        $line | Should -Match '--port 5080\b'
        $arguments = @(-split ($line -replace '^tencentchat-emulator ', '' -replace '--port 5080\b', '--port 0'))
        $psi = [System.Diagnostics.ProcessStartInfo]::new($command)
        foreach ($a in $arguments) { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $work
        $psi.RedirectStandardOutput = $true
        $emulator = [System.Diagnostics.Process]::Start($psi)
        try {
            $read = $emulator.StandardOutput.ReadLineAsync()
            $read.Wait([timespan]::FromSeconds(30)) | Should -BeTrue -Because 'the tool prints its address once it listens'
            $read.Result | Should -Match '^TencentChatFollow\.Emulator listening on (?<url>http://127\.0\.0\.1:\d+)'
            $url = ($read.Result -replace '^TencentChatFollow\.Emulator listening on ', '').TrimEnd('/')

            # The help's Connect and Get lines, with the port the tool took. The module is imported by path here;
            # a Gallery user's pwsh finds it by name.
            $script = "`$ErrorActionPreference = 'Stop'`nImport-Module '$manifest'`n" +
                "& {`n$(($session -join "`n").Replace('http://127.0.0.1:5080', $url))`n} | Select-Object UserId, FollowerCount, FollowingCount, MutualFollowingCount | ConvertTo-Json"
            $run = Invoke-Process $pwsh[0] (@($pwsh | Select-Object -Skip 1) + '-NoProfile', '-NonInteractive', '-Command', $script) -WorkingDirectory $work
        } finally {
            if (-not $emulator.HasExited) { $emulator.Kill(); $null = $emulator.WaitForExit(10000) }
            $emulator.Dispose()
        }
        $run.ExitCode | Should -Be 0 -Because $run.Errors
        $rows = @($run.Output | ConvertFrom-Json)
        $ids = @(($session | Where-Object { $_ -match '^Get-TencentChatFollowInfo -UserId (.+)$' } | ForEach-Object { $Matches[1] }) -split ',\s*')
        $ids.Count | Should -BeGreaterThan 0
        Assert-Exact -Rows $rows -Ids $ids -Expected $expected
        ($section -join ' ') -replace '\s+', ' ' | Should -Match 'user001 has 2 followers, follows 1 account and has 1 mutual follow'
        "$($expected['user001'].FollowerCount)/$($expected['user001'].FollowingCount)/$($expected['user001'].MutualFollowingCount)" | Should -Be '2/1/1'
    }
}

Describe 'docs/runbooks.md, "Trying a runbook without Tencent", as written' {
    # Its stand-ins for the Automation cmdlets and its -Endpoint default exist only in the PowerShell that defines
    # them: a runbook run with pwsh -File is a new process, which sees them only when they are in the file it runs.
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
        $lines = [System.IO.File]::ReadAllLines((Join-Path $PSScriptRoot '../../docs/runbooks.md'))
        $start = [array]::IndexOf($lines, '## Trying a runbook without Tencent')
        $start | Should -BeGreaterThan 0
        $end = $start + 1
        while ($end -lt $lines.Count -and $lines[$end] -notmatch '^## ') { $end++ }
        $script:section = $lines[($start + 1)..($end - 1)]
        $script:blocks = [System.Collections.Generic.List[string]]::new()
        $block = $null
        foreach ($line in $section) {
            if ($line -eq '```powershell') { $block = [System.Collections.Generic.List[string]]::new(); continue }
            if ($line -eq '```' -and $null -ne $block) { $blocks.Add($block -join "`n"); $block = $null; continue }
            if ($null -ne $block) { $block.Add($line) }
        }
        $script:work = Join-Path $TestDrive 'runbook'
        $null = New-Item -ItemType Directory -Path $work
    }

    It 'says to put the stand-ins and the -Endpoint default in the file pwsh -File runs, and that file runs the runbook against the emulator' {
        $text = ($section -join ' ') -replace '\s+', ' '
        $text | Should -Match 'pwsh -File'
        $text | Should -Match 'in the (runbook''s )?(script )?file' -Because 'functions and $PSDefaultParameterValues defined in one PowerShell do not reach the new process that pwsh -File starts'

        $install = $blocks[0]
        $install | Should -Match '^dotnet tool install'
        $graph = Join-Path $work 'graph.csv'
        Set-Content -LiteralPath $graph -Value (Invoke-Expression (($install -split "`n" | Where-Object { $_ -match '\| Set-Content graph\.csv$' }) -replace '\| Set-Content graph\.csv$', ''))
        $emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph
        try {
            $runbook = @((Get-Help -Name Get-TencentChatFollowInfo -Examples).examples.example)[4].code
            $standIns = ($blocks | Select-Object -Skip 1) -join "`n"
            $standIns | Should -Match 'Get-AutomationPSCredential'
            $file = Join-Path $work 'runbook.ps1'
            Set-Content -LiteralPath $file -Value ("Import-Module '$manifest'", $standIns.Replace('http://127.0.0.1:5080', $emulator.Url), $runbook)
            $r = Invoke-PwshFile -Path $file -WorkingDirectory $work -TimeoutSec 120
        } finally {
            $emulator | Stop-Emulator
        }
        $r.ExitCode | Should -Be 0 -Because $r.Errors
        $r.Output | Should -Match '\b3 users counted, 0 failed'
    }
}
