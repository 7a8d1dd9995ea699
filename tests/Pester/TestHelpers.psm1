# Shared set-up for the Pester suites: the built module, the emulator, and a follow graph with its
# expected counts computed here, independently of both the module and the emulator.
Set-StrictMode -Version Latest

function Get-ModuleUnderTest {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $path = $env:TCF_MODULE_PATH
    if (-not $path) { $path = Join-Path $PSScriptRoot '../../out/TencentChatFollow' }
    Join-Path $path 'TencentChatFollow.psd1'
}

function Get-EmulatorBuildPath {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($env:TCF_EMULATOR_PATH) { $env:TCF_EMULATOR_PATH } else { Join-Path $PSScriptRoot '../../out/emulator' }
}

function New-TestGraph {
    <#
    .SYNOPSIS
    Writes a random but seeded follow graph (follower,followee) and returns the file and the users in it.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [int] $Users = 150,
        [int] $Edges = 1500,
        [int] $Seed = 42
    )
    $random = [System.Random]::new($Seed)
    $ids = 1..$Users | ForEach-Object { 'u{0:d4}' -f $_ }
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('follower,followee')
    for ($i = 0; $i -lt $Edges; $i++) {
        $a = $ids[$random.Next($Users)]
        $b = $ids[$random.Next($Users)]
        $lines.Add("$a,$b")
        if ($random.Next(4) -eq 0) { $lines.Add("$b,$a") }   # plenty of mutual follows
    }
    Set-Content -LiteralPath $Path -Value $lines
    [pscustomobject]@{ Path = $Path; Users = $ids }
}

function Get-ExpectedCount {
    <#
    .SYNOPSIS
    Counts followers, followings and mutual follows from a graph file, the way the API defines them.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([Parameter(Mandatory)] [string] $Path)
    $follows = @{}
    foreach ($line in Get-Content -LiteralPath $Path | Select-Object -Skip 1) {
        $a, $b = $line.Split(',')
        if ($a -eq $b) { continue }
        if (-not $follows.ContainsKey($a)) { $follows[$a] = [System.Collections.Generic.HashSet[string]]::new() }
        $null = $follows[$a].Add($b)
    }
    $counts = @{}
    $get = { param($id) if (-not $counts.ContainsKey($id)) { $counts[$id] = [pscustomobject]@{ FollowerCount = 0; FollowingCount = 0; MutualFollowingCount = 0 } }; $counts[$id] }
    foreach ($a in $follows.Keys) {
        foreach ($b in $follows[$a]) {
            (& $get $a).FollowingCount++
            (& $get $b).FollowerCount++
            if ($follows.ContainsKey($b) -and $follows[$b].Contains($a)) { (& $get $a).MutualFollowingCount++ }
        }
    }
    $counts
}


function Assert-Exact {
    <#
    .SYNOPSIS
    Asserts that the rows are the ids in input order, each with the counts the graph gives (Get-ExpectedCount).
    #>
    param($Rows, $Ids, [hashtable] $Expected)
    ($Rows.UserId -join ',') | Should -Be ($Ids -join ',') -Because 'every id comes out once, in input order'
    foreach ($row in $Rows) {
        $e = $Expected[$row.UserId]
        "$($row.UserId):$($row.FollowerCount)/$($row.FollowingCount)/$($row.MutualFollowingCount)" |
            Should -Be "$($row.UserId):$($e.FollowerCount)/$($e.FollowingCount)/$($e.MutualFollowingCount)"
    }
}

# Get-PwshCommandLine: how to start a fresh pwsh like this one.
. (Join-Path $PSScriptRoot '../../tools/PwshCommandLine.ps1')

function Invoke-PwshFile {
    <#
    .SYNOPSIS
    Runs a script in a fresh pwsh (-NoProfile -NonInteractive -File), as a scheduler runs it, in a working folder and
    with extra environment variables (a $null value removes one). Returns its exit code, and its output and error
    text without ANSI colours. With -TimeoutSec, a script still running after that long is killed and this throws: a
    hang guard, to be set generously (it is no performance bound).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [string] $WorkingDirectory,
        [hashtable] $Environment = @{},
        [int] $TimeoutSec = 0
    )
    $pwsh = Get-PwshCommandLine
    $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $Path)) { $psi.ArgumentList.Add($a) }
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
    $psi.WorkingDirectory = $WorkingDirectory
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $p = [System.Diagnostics.Process]::Start($psi)
    $stderr = $p.StandardError.ReadToEndAsync()
    $stdout = $p.StandardOutput.ReadToEndAsync()
    if ($TimeoutSec -gt 0 -and -not $p.WaitForExit($TimeoutSec * 1000)) {
        $p.Kill($true)
        throw "$Path did not end within $TimeoutSec s"
    }
    $p.WaitForExit()
    $stdout = $stdout.Result
    $ansi = '\x1b\[[0-9;?]*[A-Za-z]'
    [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $stdout -replace $ansi; Errors = $stderr.Result -replace $ansi }
}

function Wait-Until {
    <#
    .SYNOPSIS
    Waits until a condition the test expects comes true (polling). The timeout only turns a hang into a failure: it is
    no performance bound, so keep it generous for a loaded 2-core machine. Never use it, or a sleep, to show that
    something does not happen.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [scriptblock] $Condition,
        [Parameter(Mandatory)] [string] $Because,
        [int] $TimeoutSec = 60
    )
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (& $Condition)) {
        if ([datetime]::UtcNow -gt $deadline) { throw "Waited $TimeoutSec s for $Because." }
        Start-Sleep -Milliseconds 50
    }
}

function ConvertTo-Instant {
    <#
    .SYNOPSIS
    An instant from the emulator's request log (arrivedAt) as a [datetimeoffset], to the millisecond. The control
    endpoint's JSON reader may have made it a [datetime] already: converting that through a string would drop the
    milliseconds.
    #>
    param([Parameter(Mandatory)] $Value)
    if ($Value -is [datetime]) { return [datetimeoffset]$Value.ToUniversalTime() }
    [datetimeoffset]::Parse([string]$Value, [cultureinfo]::InvariantCulture)
}

Export-ModuleMember -Function Get-ModuleUnderTest, Get-EmulatorBuildPath, New-TestGraph, Get-ExpectedCount, Assert-Exact, Invoke-PwshFile, Wait-Until, ConvertTo-Instant
