#Requires -Version 7.2
<#
.SYNOPSIS
The one entry point: build, test, demo, benchmark and package TencentChatFollow.

.DESCRIPTION
Run with the pinned PowerShell tool: `dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test`.
  Build    out/TencentChatFollow (the importable module) and out/emulator.
  UnitTest The xunit tests only (Core and the emulator): the fast inner loop, no module build, no Pester.
  Test     Build, then every xunit test and every Pester test (against the built module and a running emulator).
  Demo     Build, then the README's pipeline against the emulator with docs/samples.
  Bench    Build, then the throughput, memory and quota-sharing benchmark (see docs/performance.md).
  Package  Build, check the manifest, publish the module to a local folder repository: out/repo/*.nupkg; pack the
           emulator as a .NET tool (TencentChatFollow.Emulator, command tencentchat-emulator) into the same folder.
  Publish  Package, then publish the module to the PowerShell Gallery with -ApiKey, and the emulator tool to
           NuGet.org when -NuGetApiKey is given too (never run by the tests).
  Clean    Remove out/ and the projects' bin/obj folders.
Every task stops at the first failure with a non-zero exit code. UnitTest and Test end with one line,
"Tests: N passed, N failed, N skipped".

The code style is .editorconfig, checked by every build (warnings are errors); `dotnet format` fixes most of it.
One Pester file against the last build: `dotnet pwsh -NoProfile -File tests/Support/Invoke-PesterSuite.ps1 -Path <file>`.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'UnitTest', 'Test', 'Demo', 'Bench', 'Package', 'Publish', 'Clean')]
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
$TestResults = Join-Path $Out 'test-results'

# Get-PwshCommandLine: how to start a fresh pwsh like this one.
. (Join-Path $Root 'tools/PwshCommandLine.ps1')

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

function Invoke-Build {
    $publish = Join-Path $Out 'obj/publish'
    Invoke-Native dotnet publish (Join-Path $Root 'src/TencentChatFollow/TencentChatFollow.csproj') -c $Configuration -o $publish --nologo -v quiet
    Invoke-Native dotnet publish (Join-Path $Root 'src/TencentChatFollow.Emulator/TencentChatFollow.Emulator.csproj') -c $Configuration -o $EmulatorOut --nologo -v quiet

    # The module folder gets an explicit list of files, nothing else.
    if (Test-Path -LiteralPath $ModuleOut) { Remove-Item -LiteralPath $ModuleOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $ModuleOut
    foreach ($file in 'TencentChatFollow.dll', 'TencentChatFollow.Core.dll', 'TencentChatFollow.Format.ps1xml', 'TencentChatFollow.Types.ps1xml') {
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
    # The source's opening comment says how this step fills it in: the built copy leaves it out.
    $manifest = (Get-Content -Raw -LiteralPath (Join-Path $Root 'TencentChatFollow.psd1')) -replace '\A(?:#[^\r\n]*\r?\n)+', ''
    $manifest = $manifest.Replace('{{ModuleVersion}}', (Get-ModuleVersion))
    Set-Content -LiteralPath (Join-Path $ModuleOut 'TencentChatFollow.psd1') -Value $manifest -Encoding utf8NoBOM

    # Help: MAML from the cmdlet pages under docs/ (and the about topic), in a fresh pwsh that imports the module.
    $pwsh = Get-PwshCommandLine
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'tools/ConvertTo-MamlHelp.ps1') `
        -ModulePath $ModuleOut -DocsPath (Join-Path $Root 'docs') -OutputPath (Join-Path $ModuleOut 'en-US')
    if ($LASTEXITCODE -ne 0) { throw "Help generation failed with exit code $LASTEXITCODE." }
    Write-Host "Built module $(Get-ModuleVersion) at $ModuleOut"
}

# The counts of each test run (xunit, Pester) for the one summary line. The runners' output is not captured: it
# goes to the console as it comes.
$TestCounts = [System.Collections.Generic.List[object]]::new()

function Initialize-TestResults {
    if (Test-Path -LiteralPath $TestResults) { Remove-Item -LiteralPath $TestResults -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $TestResults
}

function Invoke-UnitTest {
    # xunit: Core's logic and the emulator over HTTP (the solution's test projects).
    & dotnet test (Join-Path $Root 'TencentChatFollow.sln') -c $Configuration --nologo --logger 'trx' --results-directory $TestResults
    $exitCode = $LASTEXITCODE
    $counts = [pscustomobject]@{
        Passed = 0; Failed = 0; Skipped = 0; FailedNames = [System.Collections.Generic.List[string]]::new()
    }
    foreach ($trx in Get-ChildItem -LiteralPath $TestResults -Filter *.trx) {
        $run = ([xml](Get-Content -Raw -LiteralPath $trx.FullName)).TestRun
        $counters = $run.ResultSummary.Counters
        $counts.Passed += [int]$counters.passed
        $counts.Failed += [int]$counters.failed
        # xunit's skipped tests are in the total but not executed (its TRX leaves notExecuted at 0).
        $counts.Skipped += [Math]::Max([int]$counters.notExecuted, [int]$counters.total - [int]$counters.executed)
        foreach ($result in @($run.Results.UnitTestResult | Where-Object outcome -EQ 'Failed')) {
            $message = "$($result.Output.ErrorInfo.Message)".Trim() -split '\r?\n' | Select-Object -First 1
            $counts.FailedNames.Add("$($result.testName): $message")
        }
    }
    # A failed build or a crashed test host fails with no failed test to show for it: count it as one.
    if ($exitCode -ne 0 -and $counts.Failed -eq 0) {
        $counts.Failed = 1
        $counts.FailedNames.Add("dotnet test: exit code $exitCode with no failed test in its results (a build error or a crashed test host)")
    }
    $TestCounts.Add($counts)
}

function Invoke-PesterSuite {
    # Pester: the built module against a running emulator, in a fresh pwsh.
    $summary = Join-Path $TestResults 'pester-summary.json'
    $pwsh = Get-PwshCommandLine
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Support/Invoke-PesterSuite.ps1') `
        -Path (Join-Path $Root 'tests/Pester') -ModulePath $ModuleOut -EmulatorPath $EmulatorOut -RepoPath $RepoOut `
        -PackagesPath (Join-Path $Out 'packages') -TestResultPath (Join-Path $TestResults 'pester.xml') -SummaryPath $summary
    if (Test-Path -LiteralPath $summary) {
        $TestCounts.Add((Get-Content -Raw -LiteralPath $summary | ConvertFrom-Json))
    } else {
        Write-Host 'Pester did not finish.'
        $TestCounts.Add([pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; FailedNames = @('Pester: did not finish') })
    }
}

function Write-TestSummary {
    $passed = ($TestCounts | Measure-Object -Property Passed -Sum).Sum
    $failed = ($TestCounts | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($TestCounts | Measure-Object -Property Skipped -Sum).Sum
    Write-Host ''
    # The names of the failed tests, so that the last lines of a CI log say which ones (the runners' output
    # above can be long).
    foreach ($name in @($TestCounts | ForEach-Object { $_.FailedNames } | Where-Object { $_ })) { Write-Host "Failed: $name" }
    # Skipped: help examples and README blocks that need what is not here (a prompt, a second app, a proxy, the real
    # service), and simulated rows of an open issue; the runners' output says why for each.
    Write-Host "Tests: $passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { throw 'Some tests failed.' }
}

function Invoke-Demo {
    $pwsh = Get-PwshCommandLine
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
            'UnitTest' { Initialize-TestResults; Invoke-UnitTest; Write-TestSummary }
            'Test' { Invoke-Build; Invoke-Package; Initialize-TestResults; Invoke-UnitTest; Invoke-PesterSuite; Write-TestSummary }
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
