<#
.SYNOPSIS
Runs the Pester tests against the built module and the built emulator, and writes a summary of the counts.

.DESCRIPTION
`./build.ps1 -Task Test` starts this script in a fresh pwsh after building and packaging. It also runs on its
own, against what the last build left in out/, for one file or a few:

    dotnet pwsh -NoProfile -File tests/Support/Invoke-PesterSuite.ps1 -Path tests/Pester/Connect.Tests.ps1

Pester comes from NuGet: when it is not in -PackagesPath yet, `dotnet restore` of tests/Support/Pester.restore.csproj
fetches it. That project's PesterVersion is the one place the Pester version is written.

The tests find the module, the emulator and the package repository through TCF_MODULE_PATH, TCF_EMULATOR_PATH
and TCF_REPO_PATH, which this script sets from its parameters. It exits with 1 when a test, a block or a
container failed, else 0.
#>
[CmdletBinding()]
param(
    # Test files or folders.
    [string[]] $Path = (Join-Path $PSScriptRoot '../Pester'),

    # The built module folder (out/TencentChatFollow).
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/TencentChatFollow'),

    # The built emulator folder (out/emulator).
    [string] $EmulatorPath = (Join-Path $PSScriptRoot '../../out/emulator'),

    # The local package repository that `build.ps1 -Task Package` writes (out/repo).
    [string] $RepoPath = (Join-Path $PSScriptRoot '../../out/repo'),

    # Where NuGet packages (Pester) are restored to.
    [string] $PackagesPath = (Join-Path $PSScriptRoot '../../out/packages'),

    # NUnit XML results, when given.
    [string] $TestResultPath,

    # A JSON file with the counts, when given: { "Passed": n, "Failed": n, "Skipped": n, "FailedNames": [...] }.
    # Failed counts failed tests, blocks and containers; FailedNames names each, with the first line of its error.
    [string] $SummaryPath,

    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Verbosity = 'Detailed'
)

# The tests run in scopes below this one: they get the global 'Stop' they always had, and no strict mode from here
# (only these helper functions are strict).
$global:ErrorActionPreference = 'Stop'

function Resolve-FullPath([string] $Path) {
    Set-StrictMode -Version Latest
    # Relative to the current PowerShell location, like any cmdlet path.
    $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
}

function Get-PesterManifest {
    # The Pester version from the restore project, restored first when it is missing.
    Set-StrictMode -Version Latest
    $project = Join-Path $PSScriptRoot 'Pester.restore.csproj'
    $props = [xml](Get-Content -Raw -LiteralPath $project)
    $version = @($props.Project.PropertyGroup | ForEach-Object { $_.PesterVersion } | Where-Object { $_ })[0]
    if (-not $version) { throw "$project has no PesterVersion." }
    $packages = Resolve-FullPath $PackagesPath
    $manifest = Join-Path $packages "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $manifest)) {
        & dotnet restore $project --packages $packages --nologo -v quiet
        if ($LASTEXITCODE -ne 0) { throw "Restoring Pester $version failed with exit code $LASTEXITCODE." }
        if (-not (Test-Path -LiteralPath $manifest)) { throw "Pester $version was not restored to $manifest." }
    }
    $manifest
}

Import-Module (Get-PesterManifest)

$config = New-PesterConfiguration
$config.Run.Path = @($Path | ForEach-Object { Resolve-FullPath $_ })
$config.Run.PassThru = $true
$config.Output.Verbosity = $Verbosity
if ($TestResultPath) {
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Resolve-FullPath $TestResultPath
}

$env:TCF_MODULE_PATH = Resolve-FullPath $ModulePath
$env:TCF_EMULATOR_PATH = Resolve-FullPath $EmulatorPath
$env:TCF_REPO_PATH = Resolve-FullPath $RepoPath

$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
if ($SummaryPath) {
    # FailedNames: each failed test, block or container, with the first line of its error.
    $failedNames = @(@($result.Failed) + @($result.FailedBlocks) + @($result.FailedContainers) | ForEach-Object {
        $message = "$(@($_.ErrorRecord)[0])".Trim() -split '\r?\n' | Select-Object -First 1
        "$(if ($_.ExpandedPath) { $_.ExpandedPath } elseif ($_.Path) { $_.Path -join '.' } else { $_.Item }): $message"
    })
    [ordered]@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount; FailedNames = $failedNames } |
        ConvertTo-Json | Set-Content -LiteralPath $SummaryPath
}
exit ([int]($failed -gt 0))
