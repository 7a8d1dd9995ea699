# Dot-source this file: what every run of the benchmark's Measure-*.ps1 scripts reports, written in one place.

function New-RunRecord {
    <#
    .SYNOPSIS
    A run's record: its own -Fields, in order, then Seconds, StartedAt and EndedAt (UTC ISO 8601, so the runs of
    several processes can be put on one time line), the process's PeakMemMB and CpuSeconds (processor time, start-up
    included; left out with -NoProcess, for a pipeline that shares its process with another), Errors and FirstErrors.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [System.Collections.Specialized.OrderedDictionary] $Fields,
        [Parameter(Mandatory)] [datetimeoffset] $StartedAt,
        [Parameter(Mandatory)] [datetimeoffset] $EndedAt,
        [Parameter(Mandatory)] [timespan] $Elapsed,
        [AllowEmptyCollection()] [System.Collections.IList] $Failures = @(),
        [switch] $NoProcess
    )
    $record = [ordered]@{}
    foreach ($key in $Fields.Keys) { $record[$key] = $Fields[$key] }
    $record.Seconds = [math]::Round($Elapsed.TotalSeconds, 2)
    $record.StartedAt = $StartedAt.ToString('o', [cultureinfo]::InvariantCulture)
    $record.EndedAt = $EndedAt.ToString('o', [cultureinfo]::InvariantCulture)
    if (-not $NoProcess) {
        $process = [System.Diagnostics.Process]::GetCurrentProcess()
        $record.PeakMemMB = [math]::Round($process.PeakWorkingSet64 / 1MB, 1)
        $record.CpuSeconds = [math]::Round($process.TotalProcessorTime.TotalSeconds, 2)
    }
    $record.Errors = $Failures.Count
    $record.FirstErrors = @($Failures | Select-Object -First 3 | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" })
    [pscustomobject]$record
}

function Get-CsvRowCount([string] $CsvPath) {
    # The rows of a CSV file, its header left out; 0 when there is no file.
    $rows = 0
    if (Test-Path -LiteralPath $CsvPath) { foreach ($line in [System.IO.File]::ReadLines($CsvPath)) { $rows++ } }
    [math]::Max(0, $rows - 1)
}
