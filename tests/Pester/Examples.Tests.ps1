# Issues 9 and 17: what a user reads is what they get. Every example of every help page (docs/<Command>.md, the source
# of Get-Help) and every PowerShell block of README.md runs as written, each in a fresh pwsh (pwsh -File, as a
# scheduler runs a script) in a folder of its own, against the emulator, with the module installed the way users
# install it: on PSModulePath, found by name, never imported by this test. README's blocks also run with the module
# imported by path, as README's "From a clone" shows. Where an example shows output (an ```output block), the module
# must print it: each of its lines, white space normalised, in order, among the lines the example printed. An example
# prints no warning that it does not show in an ```output block, other than those the test's own set-up causes
# (Assert-NoOtherWarning): a warning a user is not told to expect is a doubt at 3 a.m.
#
# What the test puts around an example is what the example's text states it assumes (Get-Help shows that text):
#   - a session: Connect-TencentChat to the emulator (or, for examples that show a region's endpoint, a session for
#     that region made with -SkipCheck), before the example; examples that connect themselves replace it;
#   - $credential (the App admin and the secret key) and $key (the secret key), the emulator's;
#   - Get-AutomationPSCredential and Get-AutomationVariable, stand-ins for Azure Automation's, and a default
#     -Endpoint for Connect-TencentChat, which wins over an example's -Region (docs/runbooks.md, Trying a runbook
#     without Tencent, shows the same two steps);
#   - Read-Host and Get-Credential, stand-ins for what a user types at a prompt: the secret key (a UserSig when the
#     prompt asks for one) and the App admin's credential;
#   - the data files an example reads (users.txt, vip.txt, pairs.csv, ...), with ids of docs/samples/graph.csv, and
#     that graph with the account 'official' added (examples say it is the app's official account), which user040
#     follows, so that a list of its fans is not empty;
#   - the emulator's address in place of http://127.0.0.1:5080 (the test's emulator listens on a free port).
# Examples that need what the emulator cannot give (two Tencent apps, a proxy, an API it does not serve) are in
# $Skips below with the reason, and show as skipped with it.
BeforeDiscovery {
    $root = Join-Path $PSScriptRoot '../..'

    function Get-Fence([string[]] $Lines) {
        # The fenced blocks of markdown lines: @{ Lang; Text; Line (1-based, of the opening fence) }.
        $blocks = [System.Collections.Generic.List[object]]::new()
        $fence = $null
        for ($i = 0; $i -lt $Lines.Count; $i++) {
            if ($null -eq $fence) {
                if ($Lines[$i] -match '^\s*(```+)\s*([\w-]*)\s*$') { $fence = $Matches[1]; $lang = $Matches[2].ToLowerInvariant(); $start = $i; $body = [System.Collections.Generic.List[string]]::new() }
            } elseif ($Lines[$i].Trim() -eq $fence) {
                $blocks.Add(@{ Lang = $lang; Text = ($body -join "`n"); Line = $start + 1 }); $fence = $null
            } else { $body.Add($Lines[$i]) }
        }
        , $blocks.ToArray()
    }

    # Every example of every cmdlet page: the first code block is the code, each ```output block is output it shows.
    $script:examples = foreach ($page in Get-ChildItem -LiteralPath (Join-Path $root 'docs') -Filter '*.md' | Sort-Object Name) {
        $lines = [System.IO.File]::ReadAllLines($page.FullName)
        if ($lines -notcontains '## SYNOPSIS') { continue }
        $inExamples = $false; $current = $null; $sections = [System.Collections.Generic.List[object]]::new()
        foreach ($line in $lines) {
            if ($line -match '^## ') { $inExamples = $line -eq '## EXAMPLES'; $current = $null; continue }
            if ($inExamples -and $line -match '^### (Example (\d+): .+)$') { $current = @{ Title = $Matches[1]; Number = [int]$Matches[2]; Lines = [System.Collections.Generic.List[string]]::new() }; $sections.Add($current); continue }
            if ($current) { $current.Lines.Add($line) }
        }
        foreach ($s in $sections) {
            $fences = Get-Fence $s.Lines.ToArray()
            @{
                Key = "$($page.BaseName) $($s.Number)"; Command = $page.BaseName; Number = $s.Number; Title = $s.Title
                Code = @($fences | Where-Object { $_.Lang -notin 'output', 'text' })[0].Text
                Outputs = @($fences | Where-Object Lang -EQ 'output' | ForEach-Object Text)
            }
        }
    }

    # README's code blocks, by their place in the file; the PowerShell ones run twice (installed, imported by path).
    $readme = Get-Fence ([System.IO.File]::ReadAllLines((Join-Path $root 'README.md')))
    $script:readmeBlocks = foreach ($b in $readme) {
        foreach ($mode in @(if ($b.Lang -eq 'powershell') { 'installed', 'imported by path' } else { 'not PowerShell' })) {
            @{ Key = "README.md line $($b.Line) ($mode)"; Mode = $mode; Lang = $b.Lang; Code = $b.Text; Outputs = @(); Line = $b.Line }
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $script:manifest = Get-ModuleUnderTest
    Import-Module $manifest -Force
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:goodKey = (Get-EmulatorIdentity).SecretKey
    $script:wrongKey = 'f' * 64
    $script:sep = [IO.Path]::PathSeparator

    # The module as users install it: a folder on PSModulePath holding TencentChatFollow (a copy of the build).
    $script:modules = Join-Path $TestDrive 'modules'
    $null = New-Item -ItemType Directory -Path $modules
    Copy-Item -LiteralPath (Split-Path $manifest) -Destination (Join-Path $modules 'TencentChatFollow') -Recurse

    function Invoke-Example([string] $Prelude, [string] $Code, [string] $Postlude = '', [hashtable] $Environment = @{}, [string] $Work) {
        # Writes prelude + the example's code + postlude to a script and runs it with pwsh -File in a fresh process,
        # in a working folder (and temp folder) of its own.
        if (-not $Work) { $Work = Join-Path $TestDrive ([guid]::NewGuid().ToString('n')) }
        $temp = Join-Path $Work 'tmp'
        $null = New-Item -ItemType Directory -Path $temp -Force
        $file = Join-Path $Work 'job.ps1'
        Set-Content -LiteralPath $file -Value "$Prelude`n$Code`n$Postlude" -Encoding utf8
        $Environment = $Environment.Clone()
        foreach ($name in 'TMPDIR', 'TMP', 'TEMP') { $Environment[$name] = $temp }
        $r = Invoke-PwshFile -Path $file -WorkingDirectory $Work -Environment $Environment
        $r | Add-Member -NotePropertyMembers @{ Work = $Work; Temp = $temp } -PassThru
    }
}

Describe 'Every help example and README block runs as written' {
    BeforeAll {
        # The sample graph and the account 'official' (a self-edge: the account exists), which user040 follows: an
        # official account has fans, and README's "every fan of the official account" block then has rows to write.
        $script:graphPath = Join-Path $TestDrive 'examples-graph.csv'
        Set-Content -LiteralPath $graphPath -Value (@(Get-Content -LiteralPath (Join-Path $root 'docs/samples/graph.csv')) + 'official,official' + 'user040,official')
        $script:shared = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graphPath

        # The data files the examples read, with ids of the sample graph.
        $ids = 1..40 | ForEach-Object { 'user{0:d3}' -f $_ }
        $pairs = 'From,UserId', 'user040,user010', 'user040,user020'
        $script:files = [ordered]@{
            'users.txt'       = $ids[0..29]
            'users-a.txt'     = $ids[0..4]
            'users-b.txt'     = $ids[5..9]
            'members.txt'     = $ids[1..11]
            'members.csv'     = @('UserId,Name') + @($ids[0..29] | ForEach-Object { "$_,Member $_" })
            'new-members.txt' = $ids[30..34]
            'vip.txt'         = $ids[0..2]
            'pairs.csv'       = $pairs
            'followed.csv'    = @('From,UserId,Action') + @($ids[0..2] | ForEach-Object { "official,$_,Added" })
            'testers.csv'     = 'UserId', 'user001', 'user002'
            'graph.csv'       = 'follower,followee', 'user002,user001', 'user003,user001', 'user001,user002'
            'signups.txt'     = 'user031', 'ghost.account', 'user032', 'user999', 'user033'
        }

        # What the test puts before an example (see the top of the file). $env:TCF_* carry the emulator's address and key.
        $assumptions = @'
$ProgressPreference = 'SilentlyContinue'
[cultureinfo]::CurrentCulture = 'en-US'   # the help shows en-US output
$credential = [pscredential]::new('administrator', (ConvertTo-SecureString $env:TCF_TEST_KEY -AsPlainText -Force))
$key = $credential.Password
function Get-AutomationPSCredential([string] $Name) {
    if ($Name -ne 'TencentChat') { throw "No credential asset '$Name'." }
    $credential
}
function Get-AutomationVariable([string] $Name) {
    $value = @{ TencentChatSdkAppId = 1400000001; WatchedUserIds = 'user001,user002,user003' }[$Name]
    if ($null -eq $value) { throw "No variable asset '$Name'." }
    $value
}
function Read-Host([string] $Prompt, [switch] $AsSecureString, [switch] $MaskInput) {
    # What the user types: the secret key, or, asked for a UserSig ('UserSig for administrator'), one made with it.
    if ($Prompt -match 'UserSig(?: for (\S+))?') {
        $sig = New-TencentChatUserSig -SdkAppId 1400000001 -Identifier $(if ($Matches[1]) { $Matches[1] } else { 'administrator' }) -SecretKey $key
        if ($AsSecureString) { return $sig }
        return [System.Net.NetworkCredential]::new('', $sig).Password
    }
    if ($AsSecureString) { return $key }
    $env:TCF_TEST_KEY
}
function Get-Credential([string] $UserName) {
    # The App admin and the secret key, as typed into the credential prompt.
    [pscredential]::new($(if ($UserName) { $UserName } else { 'administrator' }), $key)
}
'@
        $script:setups = @{
            # Connected to the emulator; a -Region of the example's goes there too.
            Emulator   = $assumptions + @'

$PSDefaultParameterValues['Connect-TencentChat:Endpoint'] = $env:TCF_TEST_ENDPOINT
Connect-TencentChat -SdkAppId 1400000001 -Credential $credential
'@
            # Not connected: the example connects (to the emulator, through the default -Endpoint).
            NotConnected = $assumptions + @'

$PSDefaultParameterValues['Connect-TencentChat:Endpoint'] = $env:TCF_TEST_ENDPOINT
'@
            # A session for a Tencent region, made offline: for examples that show that region's endpoint.
            China      = $assumptions + "`nConnect-TencentChat -SdkAppId 1400000001 -Credential `$credential -SkipCheck"
            Singapore  = $assumptions + "`nConnect-TencentChat -SdkAppId 1400000001 -Credential `$credential -Region Singapore -SkipCheck"
        }

        # Examples that cannot run here, and why. Keyed by page and number; the title guards against renumbering.
        $script:skips = @{
            'Connect-TencentChat 8'      = @{ Title = 'Several tenants in one process, one per runspace'; Reason = 'it needs two Tencent apps (two SDKAppIDs with their keys); the emulator is one app. Get-TencentChatContext example 4 runs ForEach-Object -Parallel' }
            'Connect-TencentChat 10'     = @{ Title = 'Through a corporate proxy'; Reason = 'it needs a proxy' }
            'Disconnect-TencentChat 4'   = @{ Title = 'Give up a tenant''s runspace session and fall back to the process-wide one'; Reason = 'it needs two Tencent apps (a second SDKAppID with its key); the emulator is one app' }
            'Get-TencentChatFollowInfo 7' = @{ Title = 'Two apps, one session each'; Reason = 'it needs two Tencent apps (two SDKAppIDs with their keys); the emulator is one app' }
            'Invoke-TencentChatRestMethod 3' = @{ Title = 'Read profiles (needs a real Tencent app)'; Reason = 'the emulator does not serve profile/portrait_get (it answers 60009, as for any API it does not serve)' }
        }
        $script:readmeSkips = @(
            @{ Match = 'dotnet tool install --global'; Reason = 'it installs a global .NET tool and starts the emulator, which runs until stopped; EmulatorTool.Tests.ps1 installs the packed tool and runs the about topic''s lines' }
        )

        # How each example runs, where it is not the default (the Emulator set-up, the shared emulator, no errors).
        $script:special = @{
            # Shows a session for Singapore, with the expiry of its UserSig (which is the time of the run).
            'Get-TencentChatContext 1'    = @{ Setup = 'Singapore'; Normalize = { param($t) $t -replace '(?m)^(UserSigExpiresAt\s*:).*$', '$1 1/6/2026 5:30:00 PM +08:00' } }
            'Get-TencentChatContext 2'    = @{ Setup = 'NotConnected' }
            'Disconnect-TencentChat 2'    = @{ Setup = 'China' }
            # The endpoint the help shows is Tencent's; a call's time is the run's.
            'Get-TencentChatFollowInfo 6' = @{ Normalize = { param($t, $url) $t.Replace($url, 'https://console.tim.qq.com') -replace 'HTTP 200, \d+ ms', 'HTTP 200, 41 ms' } }
            'Connect-TencentChat 4'       = @{ Setup = 'NotConnected'; Environment = @{ TENCENTCHAT_SDKAPPID = '1400000001'; TENCENTCHAT_SECRETKEY = $goodKey } }
            # A session on a ready-made UserSig: Connect-TencentChat warns with its expiry, as the remarks say.
            'New-TencentChatUserSig 2'    = @{ Warns = '^WARNING: The UserSig you passed cannot be renewed by the module: it expires at ' }
            'Connect-TencentChat 5'       = @{ Warns = '^WARNING: The UserSig you passed cannot be renewed by the module: it expires at ' }
        }

        function Get-Skip($Case) {
            if ($Case.Command) {
                $skip = $skips[$Case.Key]
                if ($skip) { $Case.Title | Should -Be "Example $($Case.Number): $($skip.Title)" -Because 'a skip names the example it is for' }
                return $skip.Reason
            }
            if ($Case.Mode -eq 'not PowerShell') { return "a $(if ($Case.Lang) { $Case.Lang } else { 'plain' }) block, not PowerShell: the repository's build commands, which this test run is part of" }
            foreach ($s in $readmeSkips) { if ($Case.Code -match [regex]::Escape($s.Match)) { return $s.Reason } }
            if ($Case.Mode -eq 'installed' -and $Case.Code -match 'Import-Module \./out/') { return 'the block imports the module by path itself: it runs in the other mode' }
        }

        function Assert-OutputShown([string] $Shown, [string] $Printed, [string] $Because) {
            # Each line of what the help shows, white space normalised, among the printed lines, in the same order.
            $normal = { param($t) @($t -split '\r?\n' | ForEach-Object { ($_ -replace '\s+', ' ').Trim() } | Where-Object { $_ }) }
            $want = @(& $normal $Shown)
            $have = @(& $normal $Printed)
            $i = 0
            foreach ($line in $have) { if ($i -lt $want.Count -and $line -ceq $want[$i]) { $i++ } }
            $missing = if ($i -lt $want.Count) { $want[$i] } else { $null }
            $missing | Should -BeNullOrEmpty -Because "$Because shows it, after the lines before it; printed:`n$Printed"
        }

        function Assert-NoOtherWarning([string] $Printed, [string[]] $Shown, [string] $Because, [string] $Expected) {
            # Every WARNING line printed is shown in an ```output block of the example, or is the test's own doing: the
            # default -Endpoint that stands in for Tencent wins over an example's -Region, and Connect-TencentChat says so.
            $normal = { param($t) @($t -split '\r?\n' | ForEach-Object { ($_ -replace '\s+', ' ').Trim() } | Where-Object { $_ }) }
            $shownLines = @(foreach ($o in $Shown) { & $normal $o })
            $other = @(& $normal $Printed | Where-Object { $_ -clike 'WARNING:*' -and $_ -cnotin $shownLines -and $_ -notmatch '^WARNING: -Region \w+ is not used: -Endpoint ' })
            # A warning whose text changes from run to run (a time) cannot be in an output block: the example's remarks say it.
            if ($Expected) { $other = @($other | Where-Object { $_ -notmatch $Expected }) }
            $other | Should -BeNullOrEmpty -Because "$Because prints no warning it does not show; printed:`n$Printed"
        }

        function Invoke-Case($Case) {
            $options = if ($Case.Command) { $special[$Case.Key] } else { $null }
            if (-not $options) { $options = @{} }
            $code = $Case.Code
            # README's "From a clone": the test's emulator stands in for the one its first line starts.
            if ($code -match '(?m)^# in another shell\s*$') { $code = ($code -split '(?m)^# in another shell\s*$', 2)[1] }
            # A write changes the graph: those examples get an emulator of their own.
            $writes = $code -match '(Add|Remove)-TencentChatFollow'
            $emulator = if ($writes) { Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graphPath } else { $shared }
            try {
                $code = $code.Replace('http://127.0.0.1:5080', $emulator.Url)
                $work = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
                $null = New-Item -ItemType Directory -Path $work
                foreach ($name in $files.Keys) { Set-Content -LiteralPath (Join-Path $work $name) -Value $files[$name] }
                $environment = @{ TCF_TEST_ENDPOINT = $emulator.Url; TCF_TEST_KEY = $goodKey }
                foreach ($k in 'TENCENTCHAT_SDKAPPID', 'TENCENTCHAT_SECRETKEY', 'TENCENTCHAT_IDENTIFIER', 'TENCENTCHAT_REGION', 'TENCENTCHAT_ENDPOINT') { $environment[$k] = $null }
                if ($options.Environment) { foreach ($k in $options.Environment.Keys) { $environment[$k] = $options.Environment[$k] } }
                $prelude = $setups[$(if ($options.Setup) { $options.Setup } else { 'Emulator' })]
                if ($Case.Mode -eq 'imported by path') {
                    # As README shows from a clone: the build's folder in ./out, docs/samples next to it; not on PSModulePath.
                    $null = New-Item -ItemType Directory -Path (Join-Path $work 'out'), (Join-Path $work 'docs')
                    Copy-Item -LiteralPath (Split-Path $manifest) -Destination (Join-Path $work 'out/TencentChatFollow') -Recurse
                    Copy-Item -LiteralPath (Join-Path $root 'docs/samples') -Destination (Join-Path $work 'docs/samples') -Recurse
                    $prelude = "Import-Module ./out/TencentChatFollow`n" + $prelude
                } else {
                    $environment['PSModulePath'] = "$modules$sep$env:PSModulePath"
                }
                # Every error the example met, shown or not, for the examples that expect some.
                $postlude = '$Error | ForEach-Object { "ERRORID:$($_.FullyQualifiedErrorId.Split('','')[0]):$($_.TargetObject)" }'
                Invoke-Example $prelude $code -Postlude $postlude -Environment $environment -Work $work
            } finally {
                if ($writes) { $emulator | Stop-Emulator }
            }
        }
    }

    AfterAll { $shared | Stop-Emulator }

    It 'Get-Help shows the code of each page''s example' {
        foreach ($group in $examples | Group-Object { $_.Command }) {
            $shown = @((Get-Help -Name $group.Name -Examples).examples.example)
            $shown.Count | Should -Be $group.Count -Because "$($group.Name) has $($group.Count) examples on its page"
            foreach ($e in $group.Group) { $shown[$e.Number - 1].code | Should -BeExactly $e.Code.TrimEnd() -Because $e.Key }
        }
    }

    It 'knows every example it skips' {
        foreach ($key in @($skips.Keys) + @($special.Keys)) { @($examples | Where-Object Key -EQ $key).Count | Should -Be 1 -Because "'$key' is an example of a page" }
    }

    It '<Key>: <Title>' -ForEach $examples {
        $reason = Get-Skip $_
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        $r = Invoke-Case $_
        $r.ExitCode | Should -Be 0 -Because "the example runs to its end`n$($r.Output)`n$($r.Errors)"
        $r.Errors | Should -BeNullOrEmpty -Because "the example writes no error`n$($r.Output)"
        $printed = $r.Output
        if ($special[$Key].Normalize) { $printed = & $special[$Key].Normalize $printed $(if ($shared) { $shared.Url }) }
        foreach ($shown in $Outputs) { Assert-OutputShown $shown $printed "the help for $Key" }
        Assert-NoOtherWarning $printed $Outputs "the help for $Key" $special[$Key].Warns
    }

    It 'Get-TencentChatContext example 4 (ForEach-Object -Parallel) after Import-Module ./out/TencentChatFollow: fails as the help says, and works with README''s PSModulePath line' {
        $parallel = @($examples | Where-Object Key -EQ 'Get-TencentChatContext 4')[0]
        $parallel.Code | Should -Match 'ForEach-Object -Parallel'
        $line = [regex]::Match([System.IO.File]::ReadAllText((Join-Path $root 'README.md')), '`(\$env:PSModulePath = [^`]+)`').Groups[1].Value
        $line | Should -Not -BeNullOrEmpty -Because 'README shows the line for ForEach-Object -Parallel'
        $byPath = @{ Mode = 'imported by path'; Code = $parallel.Code }
        $without = Invoke-Case $byPath
        $without.Errors | Should -Match "The term 'Get-TencentChatContext' is not recognized" -Because 'a parallel runspace loads modules by name'
        $with = Invoke-Case @{ Mode = 'imported by path'; Code = "$line`n$($parallel.Code)" }
        $with.ExitCode | Should -Be 0
        $with.Errors | Should -BeNullOrEmpty -Because "$($with.Output)"
        @($with.Output -split '\r?\n' | Where-Object { $_ -match '^\s*1400000001\s*$' }).Count | Should -Be 2 -Because 'each runspace sees the session'
    }

    It '<Key>' -ForEach $readmeBlocks {
        $reason = Get-Skip $_
        if ($reason) { Set-ItResult -Skipped -Because $reason; return }
        $r = Invoke-Case $_
        $r.ExitCode | Should -Be 0 -Because "the block runs to its end`n$($r.Output)`n$($r.Errors)"
        $met = @($r.Output -split '\r?\n' | Where-Object { $_ -like 'ERRORID:*' } | Sort-Object)
        if ($Code -match 'docs/samples/users\.txt') {
            # docs/samples/users.txt holds two ids the sample graph has not, on purpose (docs/emulator.md): one error each.
            $met -join ' ' | Should -Be 'ERRORID:TencentChat.UserNotFound:ghost.account ERRORID:TencentChat.UserNotFound:user999'
        } else {
            $r.Errors | Should -BeNullOrEmpty -Because "the block writes no error`n$($r.Output)"
            $met | Should -BeNullOrEmpty
        }
        Assert-NoOtherWarning $r.Output @() "README's block at line $Line"
    }
}

Describe 'Get-TencentChatFollowInfo example 5, the Azure Automation runbook: a job that cannot go on fails' {
    # A run that cannot go on must fail the script (non-zero exit), leave no file that looks complete and print no
    # summary; a good run exits 0 with the right rows.
    BeforeAll {
        $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 60 -Edges 300
        $script:expected = Get-ExpectedCount -Path $graph.Path
        foreach ($id in $graph.Users) {
            if (-not $expected.ContainsKey($id)) { $expected[$id] = [pscustomobject]@{ FollowerCount = 0; FollowingCount = 0; MutualFollowingCount = 0 } }
        }
        $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path
        $script:runbook = @((Get-Help -Name Get-TencentChatFollowInfo -Examples).examples.example)[4].code
        $runbook | Should -Match 'Get-AutomationPSCredential'
        $script:ids = @($graph.Users | Select-Object -First 45) + 'ghost.account'
        # The module, the two Automation cmdlets and the emulator's endpoint (a default parameter value, which wins
        # over the example's -Region).
        $script:automationPrelude = @"
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$manifest'
"@ + @'

function Get-AutomationPSCredential([string] $Name) {
    if ($Name -ne 'TencentChat') { throw "No credential asset '$Name'." }
    [pscredential]::new('administrator', (ConvertTo-SecureString $env:TCF_TEST_KEY -AsPlainText -Force))
}
function Get-AutomationVariable([string] $Name) {
    if ($Name -ne 'WatchedUserIds') { throw "No variable asset '$Name'." }
    $env:TCF_TEST_IDS
}
$PSDefaultParameterValues['Connect-TencentChat:Endpoint'] = $env:TCF_TEST_ENDPOINT
'@
    }

    AfterAll { $emulator | Stop-Emulator }

    It 'fails the job with a wrong secret key: non-zero exit, the error, no summary, no CSV' {
        $r = Invoke-Example $automationPrelude $runbook -Environment @{ TCF_TEST_KEY = $wrongKey; TCF_TEST_ENDPOINT = $emulator.Url; TCF_TEST_IDS = $ids -join ',' }
        $r.ExitCode | Should -Not -Be 0 -Because "a run that cannot go on fails the job`n$($r.Output)"
        $r.Errors | Should -Match 'secret key'
        $r.Output | Should -Not -Match 'users counted'
        "$($r.Output)$($r.Errors)" | Should -Not -Match 'WARNING: :'
        Join-Path $r.Temp 'follow-counts.csv' | Should -Not -Exist
        "$($r.Output)$($r.Errors)" | Should -Not -Match $wrongKey
    }

    It 'counts the users with the right key: exit 0, the rows in order, one warning for the unknown id' {
        $r = Invoke-Example $automationPrelude $runbook -Environment @{ TCF_TEST_KEY = $goodKey; TCF_TEST_ENDPOINT = $emulator.Url; TCF_TEST_IDS = $ids -join ',' }
        $r.ExitCode | Should -Be 0 -Because $r.Errors
        $csv = Join-Path $r.Temp 'follow-counts.csv'
        $csv | Should -Exist
        Join-Path $r.Temp 'follow-counts.csv.part' | Should -Not -Exist
        $known = @($ids | Where-Object { $_ -ne 'ghost.account' })
        Assert-Exact -Rows @(Import-Csv $csv) -Ids $known -Expected $expected
        $r.Output | Should -Match ([regex]::Escape("45 users counted, 1 failed: $csv"))
        $warnings = @(($r.Output + $r.Errors) -split '\r?\n' | Where-Object { $_ -match '^WARNING:' })
        # The default -Endpoint that stands in for Azure wins over the runbook's -Region, and Connect-TencentChat says so.
        @($warnings | Where-Object { $_ -match '^WARNING: -Region Singapore is not used' }).Count | Should -Be 1
        $warnings = @($warnings | Where-Object { $_ -notmatch '^WARNING: -Region' })
        $warnings.Count | Should -Be 1
        $warnings[0] | Should -Match '^WARNING: ghost\.account: .*does not exist'
    }
}

Describe 'Get-TencentChatFollowInfo example 4, collect the ids that failed and try them again' {
    BeforeAll {
        $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph4.csv') -Users 60 -Edges 300
        $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path
        $script:retry = @((Get-Help -Name Get-TencentChatFollowInfo -Examples).examples.example)[3].code
        $retry | Should -Match 'ErrorVariable failed'
        $script:connect = @"
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$manifest'
Connect-TencentChat -SdkAppId 1400000001 -Credential ([pscredential]::new('administrator', (ConvertTo-SecureString '$goodKey' -AsPlainText -Force))) -Endpoint '$($emulator.Url)'
Set-Content -Path users.txt -Value `$env:TCF_TEST_IDS.Split(',')
"@
        $script:ids = @($graph.Users | Select-Object -First 30) + 'ghost.account' + @($graph.Users | Select-Object -Skip 30 -First 10)
    }

    AfterAll { $emulator | Stop-Emulator }

    It 'ends the script with the run''s error when the run stops, instead of failing on a null TargetObject' {
        # A -From account that does not exist stops the run at its first call, as a wrong key does.
        $stop = $connect + "`n`$PSDefaultParameterValues['Get-TencentChatFollowInfo:From'] = 'nobody.here'"
        $r = Invoke-Example $stop $retry -Postlude '"REACHED THE END"' -Environment @{ TCF_TEST_IDS = $ids -join ',' }
        $r.ExitCode | Should -Not -Be 0 -Because $r.Output
        $r.Errors | Should -Match 'nobody\.here'
        "$($r.Output)$($r.Errors)" | Should -Not -Match 'null-valued'
        $r.Output | Should -Not -Match 'REACHED THE END'
    }

    It 'counts, groups the failures by error id and leaves the unknown id out of the retry' {
        $postlude = '"COUNTS=$($counts.Count) RETRIED=$($retry.Count) STILLFAILED=$($stillFailed.Count)"'
        $r = Invoke-Example $connect $retry -Postlude $postlude -Environment @{ TCF_TEST_IDS = $ids -join ',' }
        $r.ExitCode | Should -Be 0 -Because $r.Errors
        $r.Output | Should -Match '\b1\s+TencentChat\.UserNotFound\b'
        $r.Output | Should -Match 'COUNTS=40 RETRIED=0 STILLFAILED=0'
    }
}
