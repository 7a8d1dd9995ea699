# Dot-source this file: it defines Get-PwshCommandLine, the one place that knows how to start a fresh pwsh.
# build.ps1 and tests/Support/Emulator.psm1 (which exports it to the Pester suites and the benchmark) both load it.

function Get-PwshCommandLine {
    <#
    .SYNOPSIS
    The command line that starts a fresh pwsh like the current one: the dotnet tool (dotnet + pwsh.dll) or an installed pwsh.

    .EXAMPLE
    $pwsh = Get-PwshCommandLine
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File ./script.ps1
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param()
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { , @($process, (Join-Path $PSHOME 'pwsh.dll')) } else { , @($process) }
}
