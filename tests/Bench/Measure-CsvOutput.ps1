<#
.SYNOPSIS
Benchmark row in a fresh process: how fast Export-Csv writes Get-TencentChatFollow's output objects, against the
same rows as plain objects of strings in the same run. Prints one JSON line.

.DESCRIPTION
Export-Csv reads every property of every row, and FollowTime's text is the module's own (ISO 8601 in every culture,
through a ToString member on each value). This row measures that cost alone: -Rows FollowEntry objects, as
Get-TencentChatFollow writes them (made here with the public constructor, so no network time is in the figure),
then the baseline: [pscustomobject] rows with the same columns whose values are already the strings Export-Csv
should write. Each goes through Export-Csv twice, alternately; the faster of the two counts. Both files must be the
same text, byte for byte.

The JSON line has Rows, EntrySeconds, PlainSeconds, EntryRowsPerSecond, PlainRowsPerSecond and Same (the two
files are identical) and FirstDifference (the first line that differs, when not).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $WorkPath,
    [ValidateRange(1000, 10000000)] [int] $Rows = 100000
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path -LiteralPath $ModulePath).Path
$invariant = [cultureinfo]::InvariantCulture

$t0 = [datetimeoffset]::FromUnixTimeSeconds(1700000000)
$entries = [System.Collections.Generic.List[object]]::new($Rows)
$plain = [System.Collections.Generic.List[object]]::new($Rows)
for ($i = 1; $i -le $Rows; $i++) {
    $profile = [System.Collections.Generic.Dictionary[string, object]]::new()
    $profile['Tag_Profile_IM_Nick'] = "nick$i"
    $time = $t0.AddSeconds($i)
    $entries.Add([TencentChatFollow.FollowEntry]::new("u$i", 'u0', [TencentChatFollow.FollowRelation]::Follower, $time, "nick$i", $profile))
    $plain.Add([pscustomobject]@{
            UserId = "u$i"; OfUserId = 'u0'; Relation = 'Follower'
            FollowTime = $time.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'sszzz", $invariant)
            Nick = "nick$i"; Profile = "{`"Tag_Profile_IM_Nick`":`"nick$i`"}"
        })
}

$entryCsv = Join-Path $WorkPath 'csv-output-entries.csv'
$plainCsv = Join-Path $WorkPath 'csv-output-plain.csv'
# JIT and first-use costs out of the way for both.
$entries.GetRange(0, 1000) | Export-Csv -LiteralPath $entryCsv
$plain.GetRange(0, 1000) | Export-Csv -LiteralPath $plainCsv

$entrySeconds = [double]::MaxValue
$plainSeconds = [double]::MaxValue
for ($round = 0; $round -lt 2; $round++) {
    $s = (Measure-Command { $entries | Export-Csv -LiteralPath $entryCsv }).TotalSeconds
    if ($s -lt $entrySeconds) { $entrySeconds = $s }
    $s = (Measure-Command { $plain | Export-Csv -LiteralPath $plainCsv }).TotalSeconds
    if ($s -lt $plainSeconds) { $plainSeconds = $s }
}

$a = [System.IO.File]::ReadAllLines($entryCsv)
$b = [System.IO.File]::ReadAllLines($plainCsv)
$difference = $null
for ($i = 0; $i -lt [math]::Max($a.Count, $b.Count); $i++) {
    $x = if ($i -lt $a.Count) { $a[$i] } else { '<none>' }
    $y = if ($i -lt $b.Count) { $b[$i] } else { '<none>' }
    if ($x -cne $y) { $difference = "line $($i + 1): module $x, expected $y"; break }
}
Remove-Item -LiteralPath $entryCsv, $plainCsv

[pscustomobject]@{
    Rows = $Rows
    EntrySeconds = [math]::Round($entrySeconds, 3)
    PlainSeconds = [math]::Round($plainSeconds, 3)
    EntryRowsPerSecond = [math]::Round($Rows / $entrySeconds)
    PlainRowsPerSecond = [math]::Round($Rows / $plainSeconds)
    Same = $null -eq $difference
    FirstDifference = $difference
} | ConvertTo-Json -Compress
