# Windows PowerShell 5.1 or PowerShell 7.4+: on 6 and 7.0-7.3 Import-Module must fail at once, saying so. No
# older pwsh can run here (no .NET 6 or 7 runtime), so the refusal is simulated on the pwsh that runs the tests:
# the module's initializer is handed an older version before Import-Module, and the real Import-Module path runs.
# The version decision itself is PowerShellSupport (xunit: PowerShellSupportTests).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $script:manifestPath = Get-ModuleUnderTest
    $script:pwsh = Get-PwshCommandLine

    # Runs a script in a fresh pwsh (the module's initializer state is per process) and returns what it printed as JSON.
    function Invoke-FreshPwsh([string] $Script) {
        $out = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $Script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        ($out | Where-Object { "$_".StartsWith('{') } | Select-Object -Last 1) | ConvertFrom-Json
    }

    # Imports the built module in a fresh pwsh, the initializer first told the PowerShell version is $Version (none: the real one).
    function Import-AsVersion([string] $Version) {
        $simulate = if ($Version) {
            @"
Add-Type -LiteralPath '$(Join-Path (Split-Path -Parent $manifestPath) 'TencentChatFollow.dll')'
[TencentChatFollow.Internal.ModuleInitializer].GetProperty('ReadPowerShellVersion', [Reflection.BindingFlags]'NonPublic,Static').SetValue(`$null, [Func[version]] { [version]'$Version' })
"@
        }
        Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
$simulate
`$Error.Clear()
`$caught = `$null
try { Import-Module '$manifestPath' } catch { `$caught = `$_ }
[pscustomobject]@{
    PSVersion = "`$(`$PSVersionTable.PSVersion)"
    Error = if (`$caught) { `$caught.Exception.Message } else { `$null }
    ErrorId = if (`$caught) { `$caught.FullyQualifiedErrorId } else { `$null }
    ErrorCount = `$Error.Count
    Loaded = [bool](Get-Module TencentChatFollow)
    Commands = @(Get-Command -Module TencentChatFollow -ErrorAction SilentlyContinue).Count
} | ConvertTo-Json -Compress
"@
    }
}

Describe 'Import-Module on the PowerShell versions the module supports' {
    BeforeAll {
        # Every cmdlet the manifest exports.
        $script:exported = @((Import-PowerShellDataFile (Get-ModuleUnderTest)).CmdletsToExport).Count
    }

    It 'imports under the real pwsh running the tests (7.4 or later) with no error and every cmdlet' {
        $r = Import-AsVersion

        [version]$r.PSVersion | Should -BeGreaterOrEqual ([version]'7.4')
        $r.Error | Should -BeNullOrEmpty
        $r.ErrorCount | Should -Be 0
        $r.Loaded | Should -BeTrue
        $r.Commands | Should -Be $exported
    }

    It 'imports when the initializer is told <Version>' -ForEach @(@{ Version = '7.4.0' }) {
        $r = Import-AsVersion $Version

        $r.Error | Should -BeNullOrEmpty
        $r.Loaded | Should -BeTrue
        $r.Commands | Should -Be $exported
    }
}

Describe 'Import-Module on PowerShell 6 and 7.0 to 7.3 (simulated)' {
    It 'fails at Import-Module on <Version>, names 5.1 and 7.4+, and leaves no module or command behind' -ForEach @(
        @{ Version = '7.0.13' }, @{ Version = '7.2.24' }, @{ Version = '7.3.12' }
    ) {
        $r = Import-AsVersion $Version

        $r.Error | Should -BeLike "TencentChatFollow needs Windows PowerShell 5.1 or PowerShell 7.4 or later; this is PowerShell $Version.*"
        $r.Error | Should -BeLike '*Azure Automation*PowerShell 7.4 runtime*'
        $r.Error | Should -Not -BeLike '*Could not load*'
        $r.ErrorId | Should -Be 'System.PlatformNotSupportedException,Microsoft.PowerShell.Commands.ImportModuleCommand'
        $r.Loaded | Should -BeFalse
        $r.Commands | Should -Be 0
    }
}
