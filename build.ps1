#Requires -Version 7.2
<#
.SYNOPSIS
The one entry point: build, test, demo, benchmark and package TencentChatFollow.

.DESCRIPTION
Run with the pinned PowerShell tool: `dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test`.
  Build    out/TencentChatFollow (the importable module) and out/emulator.
  Test     Build, then every xunit test and every Pester test (against the built module and a running emulator).
  Demo     Build, then the README's pipeline against the emulator with docs/samples.
  Bench    Build, then the throughput and memory benchmark (see docs/performance.md).
  Package  Build, check the manifest, publish the module to a local folder repository: out/repo/*.nupkg; pack the
           emulator as a .NET tool (TencentChatFollow.Emulator, command tencentchat-emulator) into the same folder.
  Publish  Package, then publish the module to the PowerShell Gallery with -ApiKey, and the emulator tool to
           NuGet.org when -NuGetApiKey is given too (never run by the tests).
  Clean    Remove out/ and the projects' bin/obj folders.
Every task stops at the first failure with a non-zero exit code.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package', 'Publish', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # The PowerShell Gallery API key, for -Task Publish only.
    [string] $ApiKey,

    # A NuGet.org API key, for -Task Publish only: pushes the emulator tool too. Without it the tool is not pushed.
    [string] $NuGetApiKey
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'TencentChatFollow'
$EmulatorOut = Join-Path $Out 'emulator'
$RepoOut = Join-Path $Out 'repo'
$PesterVersion = '5.7.1'

function Invoke-Native {
    # Runs a native command and fails the build when it fails. A simple function, so '-o' and friends pass through.
    $command, $arguments = $args
    & $command @arguments
    if ($LASTEXITCODE -ne 0) { throw "'$command $($arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw -LiteralPath (Join-Path $Root 'Directory.Build.props'))
    $version = @($props.Project.PropertyGroup | ForEach-Object { $_.ModuleVersion } | Where-Object { $_ })[0]
    if (-not $version) { throw 'Directory.Build.props has no ModuleVersion.' }
    $version
}

function Get-PwshCommand {
    # The command line that starts a fresh pwsh like the one running this script (the dotnet tool or an installed pwsh).
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { , @($process, (Join-Path $PSHOME 'pwsh.dll')) } else { , @($process) }
}

function Invoke-Build {
    $publish = Join-Path $Out 'obj/publish'
    Invoke-Native dotnet publish (Join-Path $Root 'src/TencentChatFollow/TencentChatFollow.csproj') -c $Configuration -o $publish --nologo -v quiet
    Invoke-Native dotnet publish (Join-Path $Root 'src/TencentChatFollow.Emulator/TencentChatFollow.Emulator.csproj') -c $Configuration -o $EmulatorOut --nologo -v quiet

    # The module folder gets an explicit list of files, nothing else.
    if (Test-Path -LiteralPath $ModuleOut) { Remove-Item -LiteralPath $ModuleOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $ModuleOut
    foreach ($file in 'TencentChatFollow.dll', 'TencentChatFollow.Core.dll', 'TencentChatFollow.Format.ps1xml') {
        $source = Join-Path $publish $file
        if (-not (Test-Path -LiteralPath $source)) { throw "Build output '$file' is missing from $publish." }
        Copy-Item -LiteralPath $source -Destination $ModuleOut
    }
    # Windows PowerShell 5.1 has no System.Text.Json: ship it and what it needs; the module's resolver loads
    # them only on .NET Framework. PowerShell 7 uses its own copies.
    $dependencies = Join-Path $ModuleOut 'dependencies'
    $null = New-Item -ItemType Directory -Path $dependencies
    foreach ($file in 'System.Text.Json.dll', 'System.Text.Encodings.Web.dll', 'Microsoft.Bcl.AsyncInterfaces.dll', 'System.Memory.dll',
        'System.Buffers.dll', 'System.Runtime.CompilerServices.Unsafe.dll', 'System.Threading.Tasks.Extensions.dll', 'System.Numerics.Vectors.dll') {
        $source = Join-Path $publish $file
        if (-not (Test-Path -LiteralPath $source)) { throw "Dependency '$file' is missing from $publish." }
        Copy-Item -LiteralPath $source -Destination $dependencies
    }
    $manifest = (Get-Content -Raw -LiteralPath (Join-Path $Root 'TencentChatFollow.psd1')).Replace('{{ModuleVersion}}', (Get-ModuleVersion))
    Set-Content -LiteralPath (Join-Path $ModuleOut 'TencentChatFollow.psd1') -Value $manifest -Encoding utf8NoBOM

    # Help: MAML from the cmdlet pages under docs/ (and the about topic), in a fresh pwsh that imports the module.
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'src/Help/ConvertTo-MamlHelp.ps1') `
        -ModulePath $ModuleOut -DocsPath (Join-Path $Root 'docs') -OutputPath (Join-Path $ModuleOut 'en-US')
    if ($LASTEXITCODE -ne 0) { throw "Help generation failed with exit code $LASTEXITCODE." }
    Write-Host "Built module $(Get-ModuleVersion) at $ModuleOut"
}

function Restore-Pester {
    $packages = Join-Path $Out 'packages'
    Invoke-Native dotnet restore (Join-Path $Root 'tests/Support/Pester.restore.csproj') --packages $packages --nologo -v quiet
    $manifest = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $manifest)) { throw "Pester $PesterVersion was not restored to $manifest." }
    $manifest
}

function Invoke-Test {
    $results = Join-Path $Out 'test-results'
    if (Test-Path -LiteralPath $results) { Remove-Item -LiteralPath $results -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $results
    $passed = 0; $failed = 0; $skipped = 0

    # xunit: pure logic and the emulator.
    $unitFailed = $false
    & dotnet test (Join-Path $Root 'TencentChatFollow.sln') -c $Configuration --nologo --logger 'trx' --results-directory $results
    if ($LASTEXITCODE -ne 0) { $unitFailed = $true }
    foreach ($trx in Get-ChildItem -LiteralPath $results -Filter *.trx) {
        $counters = ([xml](Get-Content -Raw -LiteralPath $trx.FullName)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed
        $skipped += [int]$counters.notExecuted
    }

    # Pester: the built module against a running emulator, in a fresh pwsh.
    $pester = Restore-Pester
    $summary = Join-Path $results 'pester-summary.json'
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
`$config = New-PesterConfiguration
`$config.Run.Path = '$(Join-Path $Root 'tests/Pester')'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$config.TestResult.Enabled = `$true
`$config.TestResult.OutputPath = '$(Join-Path $results 'pester.xml')'
`$env:TCF_MODULE_PATH = '$ModuleOut'
`$env:TCF_EMULATOR_PATH = '$EmulatorOut'
`$env:TCF_REPO_PATH = '$RepoOut'
`$r = Invoke-Pester -Configuration `$config
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount } | ConvertTo-Json | Set-Content -LiteralPath '$summary'
"@
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
    if (Test-Path -LiteralPath $summary) {
        $p = Get-Content -Raw -LiteralPath $summary | ConvertFrom-Json
        $passed += $p.Passed
        $failed += $p.Failed
        $skipped += $p.Skipped
    } else {
        $failed++
        Write-Host 'Pester did not finish.'
    }

    Write-Host ''
    # Skipped: tests whose tool is missing here (mono for the Windows PowerShell 5.1 path); the Pester output says why.
    Write-Host "Tests: $passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0 -or $unitFailed) { throw 'Some tests failed.' }
}

function Invoke-Demo {
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'docs/samples/Invoke-Demo.ps1') -ModulePath $ModuleOut -EmulatorPath $EmulatorOut -OutputPath (Join-Path $Out 'demo')
    if ($LASTEXITCODE -ne 0) { throw "The demo failed with exit code $LASTEXITCODE." }
}

function Invoke-Package {
    # Same checks the Gallery makes (Test-ModuleManifest, then PSResourceGet's own), through a local folder repository.
    $null = Test-ModuleManifest -Path (Join-Path $ModuleOut 'TencentChatFollow.psd1') -ErrorAction Stop
    if (Test-Path -LiteralPath $RepoOut) { Remove-Item -LiteralPath $RepoOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $RepoOut
    $name = "TencentChatFollow-Build-$PID"
    Register-PSResourceRepository -Name $name -Uri $RepoOut -Trusted
    try {
        Publish-PSResource -Path $ModuleOut -Repository $name
    } finally {
        Unregister-PSResourceRepository -Name $name
    }
    $package = Join-Path $RepoOut "TencentChatFollow.$(Get-ModuleVersion).nupkg"
    if (-not (Test-Path -LiteralPath $package)) { throw "No package was written to $package." }
    Write-Host "Packaged $package"

    # The emulator as a .NET tool, for users who have the module from the Gallery and no clone of this repository.
    Invoke-Native dotnet pack (Join-Path $Root 'src/TencentChatFollow.Emulator/TencentChatFollow.Emulator.csproj') -c $Configuration -o $RepoOut --nologo -v quiet
    $tool = Get-EmulatorToolPackage
    if (-not (Test-Path -LiteralPath $tool)) { throw "No emulator tool package was written to $tool." }
    Write-Host "Packaged $tool"
}

function Get-EmulatorToolPackage {
    Join-Path $RepoOut "TencentChatFollow.Emulator.$(Get-ModuleVersion).nupkg"
}

function Invoke-Publish {
    if (-not $ApiKey) { throw 'Publish needs -ApiKey (a PowerShell Gallery API key).' }
    Publish-PSResource -Path $ModuleOut -Repository PSGallery -ApiKey $ApiKey
    Write-Host "Published TencentChatFollow $(Get-ModuleVersion) to the PowerShell Gallery."
    if (-not $NuGetApiKey) {
        Write-Host 'The emulator tool was not pushed to NuGet.org: pass -NuGetApiKey to push it.'
        return
    }
    # Not Invoke-Native: its failure message repeats the command line, and with it the key.
    & dotnet nuget push (Get-EmulatorToolPackage) --api-key $NuGetApiKey --source https://api.nuget.org/v3/index.json
    if ($LASTEXITCODE -ne 0) { throw "dotnet nuget push of the emulator tool failed with exit code $LASTEXITCODE." }
    Write-Host "Published TencentChatFollow.Emulator $(Get-ModuleVersion) to NuGet.org."
}

function Invoke-Clean {
    if (Test-Path -LiteralPath $Out) { Remove-Item -LiteralPath $Out -Recurse -Force }
    Get-ChildItem -LiteralPath (Join-Path $Root 'src'), (Join-Path $Root 'tests') -Directory -Recurse -Include bin, obj |
        Remove-Item -Recurse -Force
}

try {
    foreach ($t in $Task) {
        switch ($t) {
            'Clean' { Invoke-Clean }
            'Build' { Invoke-Build }
            'Test' { Invoke-Build; Invoke-Package; Invoke-Test }
            'Demo' { Invoke-Build; Invoke-Demo }
            'Package' { Invoke-Build; Invoke-Package }
            'Publish' { Invoke-Build; Invoke-Package; Invoke-Publish }
            'Bench' { Invoke-Build; & (Join-Path $Root 'tests/Bench/Invoke-Benchmark.ps1') -ModulePath $ModuleOut -EmulatorPath $EmulatorOut }
        }
    }
} catch {
    Write-Host "build.ps1 -Task $($Task -join ','): $($_.Exception.Message)" -ForegroundColor Red
    exit 1
}
exit 0
