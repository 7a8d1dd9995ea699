# Starts and stops the TencentChatFollow emulator as a child process, for Pester, the demo and the benchmark.
Set-StrictMode -Version Latest

# The emulator's well-known identity (docs/emulator.md): not a secret, it only opens the local emulator.
$script:WellKnown = [pscustomobject]@{
    SdkAppId   = [uint32]1400000001
    Identifier = 'administrator'
    SecretKey  = '6f2a627063f1a6e9001f59a59141065e654447f8db1c8b1adf1f454919051ea8'
}

function Get-EmulatorIdentity {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    $script:WellKnown
}

function Get-EmulatorCredential {
    [CmdletBinding()]
    [OutputType([pscredential])]
    param()
    $secure = ConvertTo-SecureString -String $script:WellKnown.SecretKey -AsPlainText -Force
    [pscredential]::new($script:WellKnown.Identifier, $secure)
}

# Get-PwshCommandLine lives with the build tools (build.ps1 needs it too); exported from here for the tests.
. (Join-Path $PSScriptRoot '../../tools/PwshCommandLine.ps1')

function Start-Emulator {
    <#
    .SYNOPSIS
    Starts the built emulator (out/emulator) on a free loopback port and returns its process and base URL.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [string] $EmulatorPath,
        [string[]] $ArgumentList = @(),
        [int] $TimeoutSec = 30
    )
    $dll = Join-Path $EmulatorPath 'TencentChatFollow.Emulator.dll'
    if (-not (Test-Path -LiteralPath $dll)) { throw "Emulator not built: '$dll' is missing. Run ./build.ps1 -Task Build." }
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $psi.ArgumentList.Add($dll)
    foreach ($a in @('--port', '0') + $ArgumentList) { $psi.ArgumentList.Add([string]$a) }
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $read = $process.StandardOutput.ReadLineAsync()
    if (-not $read.Wait([timespan]::FromSeconds($TimeoutSec)) -or $null -eq $read.Result) {
        if (-not $process.HasExited) { $process.Kill() }
        throw "The emulator did not report its address within $TimeoutSec s (exit code: $(if ($process.HasExited) { $process.ExitCode } else { 'still running' }))."
    }
    if ($read.Result -notmatch 'listening on (?<url>https?://\S+)') { $process.Kill(); throw "Unexpected first line from the emulator: $($read.Result)" }
    [pscustomobject]@{ Process = $process; Url = $Matches.url.TrimEnd('/') }
}

function Stop-Emulator {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] [pscustomobject] $Emulator)
    process {
        if (-not $Emulator.Process.HasExited) {
            $Emulator.Process.Kill()
            $null = $Emulator.Process.WaitForExit(10000)
        }
        $Emulator.Process.Dispose()
    }
}

function Invoke-EmulatorControl {
    <#
    .SYNOPSIS
    Calls one of the emulator's /_emulator/ control endpoints (stats, requests, usersigs, reset, faults).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Emulator,
        [Parameter(Mandatory)] [string] $Name,
        [ValidateSet('Get', 'Post')] [string] $Method = 'Get',
        [hashtable] $Body
    )
    $uri = "$($Emulator.Url)/_emulator/$Name"
    $result = if ($Body) {
        Invoke-RestMethod -Uri $uri -Method $Method -Body ($Body | ConvertTo-Json -Compress) -ContentType 'application/json'
    } else {
        Invoke-RestMethod -Uri $uri -Method $Method
    }
    $result   # an array answer goes down the pipeline item by item
}

function Set-EmulatorFault {
    <#
    .SYNOPSIS
    Sets the emulator's faults: no fault, 502 as the kind and no latency unless -Default or -Setting says otherwise
    (-Setting wins), so a test names only what it changes.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Emulator,
        [hashtable] $Setting = @{},
        [hashtable] $Default = @{}
    )
    $all = @{ rate = 0; kinds = @('502'); latencyMs = 0 }
    foreach ($k in $Default.Keys) { $all[$k] = $Default[$k] }
    foreach ($k in $Setting.Keys) { $all[$k] = $Setting[$k] }
    $null = Invoke-EmulatorControl -Emulator $Emulator -Name faults -Method Post -Body $all
}

Export-ModuleMember -Function Get-PwshCommandLine, Get-EmulatorIdentity, Get-EmulatorCredential, Start-Emulator, Stop-Emulator, Invoke-EmulatorControl, Set-EmulatorFault
