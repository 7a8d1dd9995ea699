# Issue 16: no answer a server sends can make a cmdlet wait without end or fail with a foreign error. Each cmdlet runs
# against the emulator while every call of its API gets one odd answer (the emulator's canned answers: any text as an
# HTTP 200 JSON answer), and, for one answer of each family, while only its first call does. Whatever the answer, the
# cmdlet ends, every id passed in comes out once (a result, an error, or an id the stopped run reports unanswered) and
# every error is one of the module's TencentChat.* errors. How each case ends is not asserted here (it is the engine's
# choice, tested in its unit tests); set TCF_ODD_ANSWERS_REPORT to a file path to get one line per case saying how it
# ended.
BeforeDiscovery {
    # Raw JSON writing, so a case can put any token anywhere (1e400, a doubled key, a truncated text).
    function ConvertTo-RawJson([System.Collections.IDictionary] $Fields) {
        '{' + (@($Fields.GetEnumerator() | ForEach-Object { '"{0}":{1}' -f $_.Key, $_.Value }) -join ',') + '}'
    }
    function Copy-Fields([System.Collections.IDictionary] $Fields) {
        $copy = [ordered]@{}
        foreach ($k in $Fields.Keys) { $copy[$k] = $Fields[$k] }
        $copy
    }

    # Each API's answer: its item array, a good item (raw JSON values), the field its cases bend, what follows the items.
    $shapes = @{
        follow_get_info = @{
            Items = 'FollowInfo'; Field = 'FollowerCount'
            Item  = { param($id) [ordered]@{ To_Account = "`"$id`""; ResultCode = '0'; ResultInfo = '""'; FollowerCount = '1'; FollowingCount = '2'; MutualFollowingCount = '0' } }
        }
        follow_check    = @{
            Items = 'ResultItem'; Field = 'FollowType'
            Item  = { param($id) [ordered]@{ To_Account = "`"$id`""; ResultCode = '0'; ResultInfo = '""'; FollowType = '2' } }
        }
        follow_add      = @{
            Items = 'ResultItem'; Field = 'ResultCode'
            Item  = { param($id) [ordered]@{ To_Account = "`"$id`""; ResultCode = '0'; ResultInfo = '""' } }
        }
        follow_get      = @{
            Items = 'FollowItem'; Field = 'FollowTime'; After = [ordered]@{ NextCursor = '""' }
            Item  = { param($id) [ordered]@{ To_Account = "`"$id`""; FollowTime = '1700000000'; ProfileItem = '[{"Tag":"Tag_Profile_IM_Nick","Value":"nick"}]' } }
        }
    }
    $shapes.follow_delete = $shapes.follow_add

    <#
    The odd answers for one API, as @{ Name; Body; MayBeEmpty }: the answer to a call for $ItemIds (a follow_get
    page's entries), bent one way each.
    #>
    function Get-OddAnswer([string] $Api, [string[]] $ItemIds) {
        $shape = $shapes[$Api]
        $field = $shape.Field
        $goodItems = @($ItemIds | ForEach-Object { & $shape.Item $_ })
        $envelope = {
            param([object[]] $Items)
            $e = [ordered]@{}
            $e[$shape.Items] = '[' + (@($Items | ForEach-Object { if ($_ -is [string]) { $_ } else { ConvertTo-RawJson $_ } }) -join ',') + ']'
            if ($shape.After) { foreach ($k in $shape.After.Keys) { $e[$k] = $shape.After[$k] } }
            $e.ActionStatus = '"OK"'; $e.ErrorCode = '0'; $e.ErrorInfo = '""'; $e.ErrorDisplay = '""'
            $e
        }
        $good = & $envelope $goodItems
        $cases = [ordered]@{}
        $withItemField = {
            param([string] $Name, $Value, [int] $Index = 0)   # $Value: raw JSON, or $null to leave the field out
            $items = @($goodItems | ForEach-Object { Copy-Fields $_ })
            if ($null -eq $Value) { $items[$Index].Remove($Name) } else { $items[$Index][$Name] = $Value }
            ConvertTo-RawJson (& $envelope $items)
        }
        $withEnvelope = {
            param([string] $Name, $Value)
            $e = Copy-Fields $good
            if ($null -eq $Value) { $e.Remove($Name) } else { $e[$Name] = $Value }
            ConvertTo-RawJson $e
        }
        $withItems = { param([object[]] $Items) ConvertTo-RawJson (& $envelope $Items) }

        # Values of the bent field.
        $values = [ordered]@{
            'huge (1e20)' = '100000000000000000000'; 'beyond Int64' = '9223372036854775808'; 'beyond double (1e400)' = '1e400'
            'a fraction' = '1.5'; 'negative' = '-1'; 'text' = '"many"'; 'a number as text' = '"1"'; 'true' = 'true'
            'an object' = '{}'; 'an array' = '[1]'; 'null' = 'null'
        }
        foreach ($v in $values.GetEnumerator()) { $cases["$field $($v.Key)"] = & $withItemField $field $v.Value }
        $cases["$field missing"] = & $withItemField $field $null
        $cases["$field twice in one item"] = & $withItemField $field (@($goodItems)[0][$field] + ",`"$field`":7")
        if ($goodItems[0].Contains('ResultCode') -and $field -ne 'ResultCode') {
            $cases['ResultCode as text'] = & $withItemField 'ResultCode' '"0"'
            $cases['ResultCode huge (1e30)'] = & $withItemField 'ResultCode' '1e30'
            $cases['ResultCode null'] = & $withItemField 'ResultCode' 'null'
        }
        $cases['To_Account a number'] = & $withItemField 'To_Account' '5'
        $cases['To_Account null'] = & $withItemField 'To_Account' 'null'
        $cases['To_Account missing'] = & $withItemField 'To_Account' $null
        $cases['To_Account in upper case'] = & $withItemField 'To_Account' ('"' + $ItemIds[0].ToUpperInvariant() + '"')
        $cases['To_Account empty'] = & $withItemField 'To_Account' '""'
        $cases['an unknown field in an item'] = & $withItemField 'Surprise' '{"a":[1,{"b":null}]}'

        $raw = @($goodItems | ForEach-Object { ConvertTo-RawJson $_ })
        $cases['an item null'] = & $withItems (@('null') + @($raw | Select-Object -Skip 1))
        $cases['an item a number'] = & $withItems (@('5') + @($raw | Select-Object -Skip 1))
        $cases['an item an array'] = & $withItems (@('[]') + @($raw | Select-Object -Skip 1))
        $cases['an item left out'] = & $withItems @($raw | Select-Object -Skip 1)
        $extra = Copy-Fields $goodItems[0]; $extra.To_Account = '"nobody_asked"'
        $cases['an extra item'] = & $withItems (@($raw) + @(ConvertTo-RawJson $extra))
        $doubled = Copy-Fields $goodItems[0]; $doubled[$field] = '3'
        $cases['an item doubled'] = & $withItems (@($raw) + @(ConvertTo-RawJson $doubled))
        $cases['the same item 1,000 times'] = & $withItems (@($raw[0]) * 1000)

        $items = $shape.Items
        $cases["$items empty"] = & $withEnvelope $items '[]'
        $cases["$items an object"] = & $withEnvelope $items ('{' + "`"x`":$($raw[0])" + '}')
        $cases["$items a string"] = & $withEnvelope $items '"items"'
        $cases["$items null"] = & $withEnvelope $items 'null'
        $cases["$items numbers"] = & $withEnvelope $items '[1,2,3]'
        $cases["$items missing"] = & $withEnvelope $items $null
        $cases["$items nested in arrays"] = & $withEnvelope $items ('[[' + ($raw -join ',') + ']]')
        $cases["$items 1,000 arrays deep"] = & $withEnvelope $items (('[' * 1000) + (']' * 1000))

        $cases['ErrorCode as text'] = & $withEnvelope 'ErrorCode' '"0"'
        $cases['ErrorCode missing'] = & $withEnvelope 'ErrorCode' $null
        $cases['ErrorCode null'] = & $withEnvelope 'ErrorCode' 'null'
        $cases['ErrorCode a fraction'] = & $withEnvelope 'ErrorCode' '0.5'
        $cases['ErrorCode huge (1e30)'] = & $withEnvelope 'ErrorCode' '1e30'
        $cases['ErrorCode 30006 with items'] = & $withEnvelope 'ErrorCode' '30006'
        $cases['ActionStatus FAIL with ErrorCode 0'] = & $withEnvelope 'ActionStatus' '"FAIL"'
        $cases['ActionStatus missing'] = & $withEnvelope 'ActionStatus' $null
        $cases['ActionStatus a number'] = & $withEnvelope 'ActionStatus' '1'
        $cases['ErrorInfo an object'] = & $withEnvelope 'ErrorInfo' '{"a":1}'
        $cases['an unknown field 100,000 arrays deep'] = & $withEnvelope 'Surprise' (('[' * 100000) + (']' * 100000))
        $cases['an unknown field 100,000 objects deep'] = & $withEnvelope 'Surprise' (('{"a":' * 100000) + '1' + ('}' * 100000))

        $text = ConvertTo-RawJson $good
        $cases['truncated in half'] = $text.Substring(0, [int]($text.Length / 2))
        $cases['truncated inside an id'] = $text.Substring(0, $text.IndexOf($ItemIds[0], [StringComparison]::Ordinal) + 1)
        $cases['truncated before the last brace'] = $text.Substring(0, $text.Length - 1)
        $cases['the answer twice'] = $text + $text
        $cases['the answer then garbage'] = $text + ' xyz'
        $cases['a byte order mark, then the answer'] = [char]0xFEFF + $text
        $cases['the answer in a string'] = '"' + $text.Replace('"', '\"') + '"'
        $cases['null'] = 'null'
        $cases['nothing'] = ''
        $cases['an empty object'] = '{}'
        $cases['an empty array'] = '[]'
        $cases['a number'] = '0'
        $cases['not JSON'] = 'OK'

        if ($Api -eq 'follow_get') {
            $times = [ordered]@{
                'in milliseconds' = '1700000000000'; 'past 2100 in seconds' = '4200000000'; 'past 2100 in milliseconds' = '4200000000000'
                'between seconds and milliseconds' = '100000000000'; '0' = '0'; 'the last second of 9999' = '253402300799'
            }
            foreach ($t in $times.GetEnumerator()) { $cases["FollowTime $($t.Key)"] = & $withItemField 'FollowTime' $t.Value }
            $cursors = [ordered]@{
                'a number' = '5'; 'null' = 'null'; 'an object' = '{}'; 'true' = 'true'; 'an array' = '["c1"]'
                'the same on every page' = '"c1"'; '100,000 characters' = ('"' + ('c' * 100000) + '"')
                'with control and URL characters' = '"\u0000\n\"&?=/%2F\u00e9"'
            }
            foreach ($c in $cursors.GetEnumerator()) { $cases["NextCursor $($c.Key)"] = & $withEnvelope 'NextCursor' $c.Value }
            $cases['NextCursor missing'] = & $withEnvelope 'NextCursor' $null
            $profiles = [ordered]@{
                'a string' = '"x"'; 'null' = 'null'; 'an object' = '{"Tag":"Tag_Profile_IM_Nick","Value":"n"}'
                'odd entries' = '[null,5,{"Tag":5,"Value":{"a":[1]}},{"Tag":"Tag_Profile_IM_Nick","Value":null},{"Value":"x"},{"Tag":"Tag_Profile_IM_Nick","Value":"a"},{"Tag":"Tag_Profile_IM_Nick","Value":"b"}]'
            }
            foreach ($p in $profiles.GetEnumerator()) { $cases["ProfileItem $($p.Key)"] = & $withItemField 'ProfileItem' $p.Value }
        }
        # The cases also sent to the first call alone (then genuine answers): one of each family, to keep the file short.
        $representative = @("$field huge (1e20)", "$field text", "$field null", 'To_Account missing', 'an item left out', 'an extra item',
            "$items missing", 'ErrorCode as text', 'an unknown field 100,000 objects deep', 'truncated in half', 'not JSON',
            'NextCursor a number', 'NextCursor the same on every page', 'FollowTime past 2100 in seconds', 'ProfileItem odd entries')
        foreach ($c in $cases.GetEnumerator()) {
            # A page with no entries may end a list with no row and no error (for follow_get, also one whose FollowItem
            # is null or left out, as protobuf's JSON leaves an empty list out); every other answer must give each
            # list rows or an error.
            $empty = $c.Key -like '* empty' -or ($Api -eq 'follow_get' -and $c.Key -in 'FollowItem null', 'FollowItem missing')
            @{ Name = $c.Key; Body = $c.Value; MayBeEmpty = $empty; Representative = $c.Key -in $representative }
        }
    }

    $from = 'u01'
    $batchIds = @('u02', 'u03', 'u04')
    $listIds = @('u01', 'u02', 'u03')
    $cmdlets = @(
        @{ Cmdlet = 'Get-TencentChatFollowInfo'; Api = 'follow_get_info'; Ids = $batchIds; From = $null; ItemIds = $batchIds }
        @{ Cmdlet = 'Test-TencentChatFollow'; Api = 'follow_check'; Ids = $batchIds; From = $from; ItemIds = $batchIds }
        @{ Cmdlet = 'Add-TencentChatFollow'; Api = 'follow_add'; Ids = $batchIds; From = $from; ItemIds = $batchIds }
        @{ Cmdlet = 'Remove-TencentChatFollow'; Api = 'follow_delete'; Ids = $batchIds; From = $from; ItemIds = $batchIds }
        @{ Cmdlet = 'Get-TencentChatFollow'; Api = 'follow_get'; Ids = $listIds; From = $null; ItemIds = @('u05', 'u06') }
    )
    foreach ($c in $cmdlets) { $c.Cases = @(Get-OddAnswer -Api $c.Api -ItemIds $c.ItemIds) }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $graphPath = Join-Path $TestDrive 'graph.csv'
    Set-Content -LiteralPath $graphPath -Value @('follower,followee', 'u05,u01', 'u06,u01', 'u05,u02', 'u01,u03', 'u06,u03', 'u02,u01')
    # Its own SDKAppID: the rate limiter is per app for the whole process.
    $script:appId = 1400000331
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graphPath, '--sdkappid', $appId
    # A hang guard only: it turns a wait without end into a failure. It is no performance bound, so it is generous
    # for a loaded 2-core machine.
    $script:hangGuard = [TimeSpan]::FromSeconds(120)
    $script:report = $env:TCF_ODD_ANSWERS_REPORT

    # The cmdlets run in a runspace of their own, so that the test can stop one that hangs.
    function New-CmdletRunspace {
        $rs = [runspacefactory]::CreateRunspace()
        $rs.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $rs
        $null = $ps.AddScript({
                param($Module, $AppId, $Credential, $Url)
                $ErrorActionPreference = 'Stop'
                Import-Module $Module
                # One retry: an odd answer is asked again once, then the user's error. A transient code every call
                # gets (30006) is an outage once Connect's check was answered: waited out for -RetryTimeoutSec, then
                # the run stops. 5 s instead of 60 keeps those cases short; what they check is the same.
                Connect-TencentChat -SdkAppId $AppId -Credential $Credential -Endpoint $Url -MaxRetry 1 -RetryTimeoutSec 5
            }).AddParameters(@{ Module = (Get-ModuleUnderTest); AppId = $appId; Credential = (Get-EmulatorCredential); Url = $emulator.Url })
        $null = $ps.Invoke()
        $ps.Dispose()
        $rs
    }
    $script:runspace = New-CmdletRunspace

    <#
    Runs the cmdlet for the ids in the cmdlet runspace; returns its rows, its non-terminating errors and its
    terminating error, or throws when it has not ended within the hang guard.
    #>
    function Invoke-Cmdlet([string] $Cmdlet, [string[]] $Ids, [string] $From) {
        $ps = [powershell]::Create()
        $ps.Runspace = $script:runspace
        $null = $ps.AddScript({
                param($Cmdlet, $Ids, $From)
                $arguments = @{ UserId = $Ids; ErrorVariable = 'errs'; ErrorAction = 'SilentlyContinue' }
                if ($From) { $arguments.From = $From }
                # Add- and Remove- write a pair done only with -PassThru.
                if ((Get-Command $Cmdlet).Parameters.ContainsKey('PassThru')) { $arguments.PassThru = $true }
                $rows = [System.Collections.Generic.List[object]]::new()
                $stop = $null
                try { & $Cmdlet @arguments | ForEach-Object { $rows.Add($_) } } catch { $stop = $_ }
                # The error variable also holds the terminating error (as an exception): that one is Stop.
                [pscustomobject]@{ Rows = $rows.ToArray(); Errors = @($errs | Where-Object { -not ($stop -and ($_ -isnot [System.Management.Automation.ErrorRecord] -or [object]::ReferenceEquals($_.Exception, $stop.Exception))) }); Stop = $stop }
            }).AddParameters(@{ Cmdlet = $Cmdlet; Ids = $Ids; From = $From })
        $run = $ps.BeginInvoke()
        if (-not $run.AsyncWaitHandle.WaitOne($hangGuard)) {
            # The runspace is lost with the hung pipeline: later cases get a new one.
            $null = $ps.BeginStop($null, $null)
            $script:runspace = New-CmdletRunspace
            throw "$Cmdlet did not end within $($hangGuard.TotalSeconds) s"
        }
        try { @($ps.EndInvoke($run))[0] } finally { $ps.Dispose() }
    }

    function Set-CannedAnswer([string] $Api, [string] $Body, [int] $Calls) {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
        $null = Invoke-EmulatorControl -Emulator $emulator -Name answers -Method Post -Body @{ api = $Api; body = $Body; calls = $Calls }
    }

    # The id an error is about: its TargetObject (an id, or an object carrying one).
    function Get-ErrorId($ErrorRecord) {
        $target = $ErrorRecord.TargetObject
        if ($target -is [string]) { $target } elseif ($null -ne $target -and $target.PSObject.Properties['UserId']) { $target.UserId } else { "<$target>" }
    }

    <#
    The checks every case makes: the cmdlet ended with only TencentChat.* errors, and every id came out once.
    For a list (Get-TencentChatFollow) an id comes out as its rows (OfUserId), possibly followed by one error.
    #>
    function Assert-Accounted($Result, [string[]] $Ids, [switch] $List, [switch] $MayBeEmpty) {
        $all = @($Result.Errors) + @(if ($Result.Stop) { $Result.Stop })
        foreach ($e in $all) {
            $e | Should -BeOfType [System.Management.Automation.ErrorRecord]
            $e.FullyQualifiedErrorId | Should -BeLike 'TencentChat.*' -Because "$($e.Exception.GetType().FullName): $($e.Exception.Message)"
        }
        $unanswered = @(if ($Result.Stop) { $Result.Stop.Exception.UnansweredIds; $Result.Stop.Exception.UnknownIds }) # not done, or sent with no usable answer
        $errorIds = @($Result.Errors | ForEach-Object { Get-ErrorId $_ })
        if (-not $List) {
            $out = @($Result.Rows.UserId) + $errorIds + $unanswered
            (@($out | Sort-Object) -join ',') | Should -Be (@($Ids | Sort-Object) -join ',') -Because 'every id comes out once: a row, an error or unanswered'
            return
        }
        @($Result.Rows | Where-Object { $_.OfUserId -notin $Ids }).Count | Should -Be 0 -Because 'rows belong to the lists asked for'
        (@($errorIds + $unanswered | Sort-Object) -join ',') | Should -Be (@($errorIds + $unanswered | Sort-Object -Unique) -join ',') -Because 'a list ends in at most one error'
        @($errorIds + $unanswered | Where-Object { $_ -notin $Ids }).Count | Should -Be 0 -Because 'errors are about the lists asked for'
        if (-not $MayBeEmpty) {
            foreach ($id in $Ids) {
                ($id -in $errorIds -or $id -in $unanswered -or $id -in @($Result.Rows.OfUserId)) | Should -BeTrue -Because "list $id must give rows or an error"
            }
        }
    }

    # One line per case for the report: how the cmdlet ended.
    function Write-CaseReport([string] $Cmdlet, [string] $Case, [string] $When, $Result) {
        if (-not $report) { return }
        $ids = ($Result.Errors | ForEach-Object { $_.FullyQualifiedErrorId -replace ',.*' } | Group-Object | ForEach-Object { "$($_.Count)x $($_.Name)" }) -join ' '
        $stop = if ($Result.Stop) { "stop $($Result.Stop.FullyQualifiedErrorId -replace ',.*') ($(@($Result.Stop.Exception.UnansweredIds).Count) unanswered, $(@($Result.Stop.Exception.UnknownIds).Count) unknown)" } else { '' }
        Add-Content -LiteralPath $report -Value ("{0}`t{1}`t{2}`t{3} rows`t{4}`t{5}" -f $Cmdlet, $When, $Case, @($Result.Rows).Count, $ids, $stop)
    }
}

AfterAll {
    if ($runspace) { $runspace.Dispose() }
    $emulator | Stop-Emulator
}

Describe '<Cmdlet> on odd answers' -ForEach $cmdlets {
    It 'ends with every id accounted for when every call gets: <Name>' -ForEach $Cases {
        Set-CannedAnswer -Api $Api -Body $Body -Calls 1000
        $result = Invoke-Cmdlet -Cmdlet $Cmdlet -Ids $Ids -From $From
        Write-CaseReport $Cmdlet $Name 'always' $result
        Assert-Accounted $result $Ids -List:($Api -eq 'follow_get') -MayBeEmpty:$MayBeEmpty
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object fault -EQ 'answer').Count | Should -BeGreaterThan 0 -Because 'the odd answer was sent'
    }

    It 'ends with every id accounted for when the first call gets: <Name>' -ForEach @($Cases | Where-Object Representative) {
        Set-CannedAnswer -Api $Api -Body $Body -Calls 1
        $result = Invoke-Cmdlet -Cmdlet $Cmdlet -Ids $Ids -From $From
        Write-CaseReport $Cmdlet $Name 'first' $result
        Assert-Accounted $result $Ids -List:($Api -eq 'follow_get') -MayBeEmpty:$MayBeEmpty
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests | Where-Object fault -EQ 'answer').Count | Should -Be 1 -Because 'the odd answer was sent once'
    }
}
