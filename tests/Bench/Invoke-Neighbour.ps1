<#
.SYNOPSIS
A non-adaptive neighbour for the benchmark: calls follow_get_info at a steady rate, never retrying, until told to
stop, then prints one JSON line of its counts.

.DESCRIPTION
It stands for another app that shares the SDKAppID's 200 calls/s and knows nothing of the module's limiter. Each call
asks for the same 20 ids. Calls are paced evenly on an absolute schedule (call k is due at k / CallsPerSecond s after
the start) and sent with HttpClient without waiting for the answer, so the emulator's latency does not slow the
neighbour down. If the process falls behind (a busy machine), it catches up at most 5 calls at once and otherwise
starts its schedule afresh, counting a Resync and the Skipped calls, rather than sending a burst.

It stops when -StopFile exists, or after -DurationSeconds, whichever comes first, waits for the answers of the calls
in flight, and prints: Sent, Ok, Refused (ErrorCode 60007), Failed (any other ErrorCode, HTTP status or exception),
ErrorCodes (the other codes seen), Resyncs, Skipped, StartedAt, EndedAt (UTC ISO 8601), Seconds and CallsPerSecond
(Sent / Seconds). Its first call goes alone, before the schedule starts, so that the pacing does not pay for JIT
and the first connection; it creates -ReadyFile once that call has been answered.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorUrl,
    [ValidateRange(1, 1000)] [int] $CallsPerSecond = 100,
    [string] $StopFile,
    [double] $DurationSeconds = 0,
    [string] $ReadyFile,
    # The From_Account of the calls, so that the emulator's request log tells them from the module's.
    [string] $From = 'administrator',
    [string[]] $Ids = @(1..20 | ForEach-Object { "u$_" })
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
if (-not $StopFile -and $DurationSeconds -le 0) { throw 'Give -StopFile, -DurationSeconds or both.' }
if ($Ids.Count -lt 1 -or $Ids.Count -gt 20) { throw '-Ids takes 1 to 20 ids.' }
Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1')
Import-Module $ModulePath   # for New-TencentChatUserSig
$identity = Get-EmulatorIdentity

$sig = New-TencentChatUserSig -SdkAppId $identity.SdkAppId -SecretKey (ConvertTo-SecureString $identity.SecretKey -AsPlainText -Force) -Identifier $identity.Identifier -AsPlainText
$prefix = "$EmulatorUrl/v4/follow/follow_get_info?sdkappid=$($identity.SdkAppId)&identifier=$([uri]::EscapeDataString($identity.Identifier))&usersig=$([uri]::EscapeDataString($sig))&contenttype=json&random="
$body = @{ From_Account = $From; To_Account = $Ids } | ConvertTo-Json -Compress

$handler = [System.Net.Http.SocketsHttpHandler]::new()
$handler.MaxConnectionsPerServer = 256
$handler.UseProxy = $false
$client = [System.Net.Http.HttpClient]::new($handler)
$client.Timeout = [timespan]::FromSeconds(10)
$random = [System.Random]::new()

$counts = [ordered]@{ Sent = 0; Ok = 0; Refused = 0; Failed = 0; Resyncs = 0; Skipped = 0 }
$otherCodes = @{}
$pending = [System.Collections.Generic.List[System.Threading.Tasks.Task[System.Net.Http.HttpResponseMessage]]]::new()

function Receive-Answers([bool] $All) {
    # Counts the answers of the calls that have finished (all of them, waiting, with $All).
    for ($i = $pending.Count - 1; $i -ge 0; $i--) {
        $task = $pending[$i]
        if (-not $task.IsCompleted) {
            if (-not $All) { continue }
            try { $null = ([System.Threading.Tasks.Task]$task).Wait(15000) } catch { $null = $_ }   # a failed call is counted below
        }
        $pending.RemoveAt($i)
        if (-not $task.IsCompletedSuccessfully) {
            $reason = if (-not $task.IsCompleted) { 'unanswered' } else { 'exception' }
            $counts.Failed++; $otherCodes[$reason] = 1 + [int]$otherCodes[$reason]
            continue
        }
        $response = $task.Result
        try {
            # The content is buffered already (the default ResponseContentRead), so this does not block.
            $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
            if (-not $response.IsSuccessStatusCode) {
                $counts.Failed++; $otherCodes["http$([int]$response.StatusCode)"] = 1 + [int]$otherCodes["http$([int]$response.StatusCode)"]
            } elseif ($text -match '"ErrorCode"\s*:\s*(\d+)') {
                $code = $Matches[1]
                if ($code -eq '0') { $counts.Ok++ }
                elseif ($code -eq '60007') { $counts.Refused++ }
                else { $counts.Failed++; $otherCodes[$code] = 1 + [int]$otherCodes[$code] }
            } else {
                $counts.Failed++; $otherCodes['unreadable'] = 1 + [int]$otherCodes['unreadable']
            }
        } finally {
            $response.Dispose()
        }
    }
}

# The first call, alone and waited for (it counts like the others).
$counts.Sent++
$pending.Add($client.PostAsync($prefix + [string][uint32]$random.Next(), [System.Net.Http.StringContent]::new($body, [Text.Encoding]::UTF8, 'application/json')))
Receive-Answers $true
if ($ReadyFile) { [System.IO.File]::WriteAllText($ReadyFile, "$PID") }

$interval = [long]([System.Diagnostics.Stopwatch]::Frequency / $CallsPerSecond)
$maxDuration = if ($DurationSeconds -gt 0) { [long]($DurationSeconds * [System.Diagnostics.Stopwatch]::Frequency) } else { [long]::MaxValue }
$startedAt = [datetimeoffset]::UtcNow
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$next = [long]0
$lastStopCheck = [long]0
$checkEvery = [long]([System.Diagnostics.Stopwatch]::Frequency / 50)
while ($true) {
    $now = $clock.ElapsedTicks
    if ($now -ge $maxDuration) { break }
    if ($StopFile -and $now - $lastStopCheck -ge $checkEvery) {
        $lastStopCheck = $now
        if ([System.IO.File]::Exists($StopFile)) { break }
    }
    if ($now -ge $next) {
        $content = [System.Net.Http.StringContent]::new($body, [Text.Encoding]::UTF8, 'application/json')
        $pending.Add($client.PostAsync($prefix + [string][uint32]$random.Next(), $content))
        $counts.Sent++
        $next += $interval
        if ($now - $next -gt 5 * $interval) {
            $counts.Skipped += [long][math]::Floor(($now - $next) / $interval)
            $next = $now + $interval
            $counts.Resyncs++
        }
        continue
    }
    Receive-Answers $false
    # Sleep until the next call is due (the stop file is checked at least every 20 ms), without spinning.
    $wait = [math]::Min(20, ($next - $clock.ElapsedTicks) * 1000 / [System.Diagnostics.Stopwatch]::Frequency)
    if ($wait -ge 1) { [System.Threading.Thread]::Sleep([int][math]::Floor($wait)) } elseif ($wait -gt 0) { $null = [System.Threading.Thread]::Yield() }
}
$seconds = $clock.Elapsed.TotalSeconds
$endedAt = [datetimeoffset]::UtcNow
Receive-Answers $true
$client.Dispose()

[pscustomobject]@{
    Sent           = $counts.Sent
    Ok             = $counts.Ok
    Refused        = $counts.Refused
    Failed         = $counts.Failed
    ErrorCodes     = $otherCodes
    Resyncs        = $counts.Resyncs
    Skipped        = $counts.Skipped
    StartedAt      = $startedAt.ToString('o', [cultureinfo]::InvariantCulture)
    EndedAt        = $endedAt.ToString('o', [cultureinfo]::InvariantCulture)
    Seconds        = [math]::Round($seconds, 2)
    CallsPerSecond = [math]::Round($counts.Sent / $seconds, 1)
} | ConvertTo-Json -Compress
