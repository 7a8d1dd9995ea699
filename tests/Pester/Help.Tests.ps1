# Help: every exported cmdlet has a page in docs/, and Get-Help on the built module shows that page's text
# (out/TencentChatFollow/en-US/TencentChatFollow.dll-Help.xml, made by tools/ConvertTo-MamlHelp.ps1), with the
# facts of each parameter taken from the cmdlet itself. No emulator needed.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $module = Import-Module (Get-ModuleUnderTest) -Force -PassThru
    $script:cmdletNames = @($module.ExportedCmdlets.Keys | Sort-Object)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:module = Import-Module (Get-ModuleUnderTest) -Force -PassThru
    $script:docs = Join-Path $PSScriptRoot '../../docs'
    $script:generator = Join-Path $PSScriptRoot '../../tools/ConvertTo-MamlHelp.ps1'
    $script:commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters +
        [System.Management.Automation.Cmdlet]::OptionalCommonParameters + 'ProgressAction'

    function Get-PageSynopsis([string] $Name) {
        # The SYNOPSIS section of docs/<Name>.md as one line, without markdown markup.
        $lines = @(Get-Content -LiteralPath (Join-Path $docs "$Name.md") -Encoding UTF8)
        $start = [array]::IndexOf($lines, '## SYNOPSIS')
        if ($start -lt 0) { return $null }
        $body = [System.Collections.Generic.List[string]]::new()
        for ($i = $start + 1; $i -lt $lines.Count -and $lines[$i] -notmatch '^#'; $i++) {
            if ($lines[$i].Trim()) { $body.Add($lines[$i].Trim()) }
        }
        (($body -join ' ') -replace '`([^`]+)`', '$1' -replace '\*\*(.+?)\*\*', '$1').Trim()
    }

    function Get-Text($Node) {
        # The text of a help node that holds paragraphs (description, remarks, alert...).
        (@($Node | ForEach-Object { $_.Text }) -join "`n").Trim()
    }
}

Describe 'Help for <_>' -ForEach $cmdletNames {
    BeforeAll {
        $name = $_
        $command = Get-Command -Name $name -Module TencentChatFollow
        $help = Get-Help -Name $name -Full
    }

    It 'has a page in docs/' {
        Join-Path $docs "$name.md" | Should -Exist
    }

    It 'shows the synopsis of its page, not the generated syntax' {
        $expected = Get-PageSynopsis $name
        $expected | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -BeExactly $expected
    }

    It 'has a description' {
        Get-Text $help.description | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter, with the facts of the cmdlet' {
        # -WhatIf and -Confirm (SupportsShouldProcess) have entries of their own, as in PowerShell's own help.
        $names = @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters -or $_ -in 'WhatIf', 'Confirm' })
        $documented = @($help.parameters.parameter | Where-Object { $_ })
        @($documented.name | Sort-Object) | Should -Be @($names | Sort-Object) -Because 'help lists exactly the parameters of the cmdlet'
        foreach ($p in $names) {
            $meta = $command.Parameters[$p]
            $h = $documented | Where-Object name -EQ $p
            Get-Text $h.description | Should -Not -BeNullOrEmpty -Because "-$p needs a description"
            $sets = @($meta.ParameterSets.Values)
            $h.required | Should -Be ([bool]@($sets | Where-Object IsMandatory).Count).ToString().ToLowerInvariant() -Because "-$p required"
            $position = @($sets | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Select-Object -First 1)
            $h.position | Should -Be $(if ($position.Count) { [string]$position[0] } else { 'named' }) -Because "-$p position"
            $byValue = [bool]@($sets | Where-Object ValueFromPipeline).Count
            $byName = [bool]@($sets | Where-Object ValueFromPipelineByPropertyName).Count
            $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
            $h.pipelineInput | Should -Be $pipeline -Because "-$p pipeline input"
            $aliases = if ($meta.Aliases.Count) { $meta.Aliases -join ', ' } else { 'none' }
            $h.aliases | Should -Be $aliases -Because "-$p aliases"
            $h.type.name | Should -Be $meta.ParameterType.FullName -Because "-$p type"
        }
    }

    It 'has inputs, outputs and notes' {
        @($help.inputTypes.inputType | ForEach-Object { $_.type.name } | Where-Object { $_ }).Count | Should -BeGreaterThan 0
        @($help.returnValues.returnValue | ForEach-Object { $_.type.name } | Where-Object { $_ }).Count | Should -BeGreaterThan 0
        Get-Text $help.alertSet.alert | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples, each with code and remarks' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($e in $examples) {
            $e.code | Should -Not -BeNullOrEmpty -Because $e.title
            Get-Text $e.remarks | Should -Not -BeNullOrEmpty -Because $e.title
            $e.code | Should -Match ([regex]::Escape($name)) -Because "$($e.title) should use $name"
        }
    }

    It 'has examples that parse and pass the module''s cmdlets only parameters they have' {
        foreach ($e in @($help.examples.example)) {
            $tokens = $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($e.code, [ref] $tokens, [ref] $errors)
            @($errors).Count | Should -Be 0 -Because "$($e.title) should parse: $($errors -join '; ')"
            $calls = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)
            foreach ($call in $calls) {
                $called = $call.GetCommandName()
                if ($called -notin $cmdletNames) { continue }
                $known = (Get-Command -Name $called -Module TencentChatFollow).Parameters.Values
                foreach ($p in @($call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] })) {
                    $match = @($known | Where-Object { $_.Name -eq $p.ParameterName -or $_.Aliases -contains $p.ParameterName })
                    $match.Count | Should -Be 1 -Because "$($e.title): $called has no parameter -$($p.ParameterName)"
                }
            }
        }
    }

    It 'shows -WhatIf and -Confirm with Get-Help -Parameter when it supports them, and not otherwise' {
        if (-not $command.Parameters.ContainsKey('WhatIf')) {
            @($help.parameters.parameter | ForEach-Object name) | Should -Not -Contain 'WhatIf'
            return
        }
        foreach ($p in 'WhatIf', 'Confirm') {
            $h = Get-Help -Name $name -Parameter $p
            $h.name | Should -Be $p
            Get-Text $h.description | Should -Not -BeNullOrEmpty -Because "-$p needs a description"
        }
        (Get-Text (Get-Help -Name $name -Parameter WhatIf).description) | Should -Match 'What if:'
        $syntax = Get-Help -Name $name | Select-Object -ExpandProperty syntax | Out-String -Width 300
        $syntax | Should -Match '\[-WhatIf\] \[-Confirm\]'
    }

    It 'links to the about topic' {
        @($help.relatedLinks.navigationLink.linkText) | Should -Contain 'about_TencentChatFollow'
    }
}

Describe 'Help examples and topics' {
    It 'shows the Azure Automation runbook pattern in Get-Help <_> -Examples' -ForEach 'Connect-TencentChat', 'Get-TencentChatFollowInfo' {
        $examples = Get-Help -Name $_ -Examples
        @($examples.examples.example).Count | Should -BeGreaterThan 0
        ($examples | Out-String -Width 200) | Should -Match 'Get-AutomationPSCredential'
    }

    It 'shows one parameter with Get-Help -Parameter' {
        $p = Get-Help Get-TencentChatFollowInfo -Parameter UserId
        $p.pipelineInput | Should -Be 'True (ByValue, ByPropertyName)'
        $p.aliases | Should -Be 'To_Account, Account'
        Get-Text $p.description | Should -Match 'trimmed'
    }

    It 'says in Get-Help <_> -Parameter UserId to quote an id that is not a plain integer as written' -ForEach @(
        'Get-TencentChatFollowInfo', 'Get-TencentChatFollow', 'Test-TencentChatFollow', 'Add-TencentChatFollow', 'Remove-TencentChatFollow') {
        # PowerShell reads an unquoted 007 as the number 7, which is what the module then sends (audit-unicode finding 9).
        $text = Get-Text (Get-Help -Name $_ -Parameter UserId).description
        $text | Should -Match 'quote an id that is not a plain integer'
        $text | Should -Match ([regex]::Escape("-UserId '007', '1.50'"))
        (Get-Help -Name about_TencentChatFollow | Out-String) | Should -Match 'Quote an id that is not a plain integer'
    }

    It 'finds about_TencentChatFollow' {
        $topic = Get-Help -Name about_TencentChatFollow
        $text = $topic | Out-String
        $text | Should -Match 'about_TencentChatFollow'
        $text | Should -Match 'LONG DESCRIPTION'
        $text | Should -Match 'TENCENTCHAT_SDKAPPID'
        (Get-Help -Name about_TencentChatFollow -Category HelpFile | Select-Object -First 1).Name | Should -Be 'about_TencentChatFollow'
    }

    It 'ships the about topic as UTF-8 with BOM and its TOPIC header' {
        $path = Join-Path $module.ModuleBase 'en-US/about_TencentChatFollow.help.txt'
        $bytes = [System.IO.File]::ReadAllBytes($path)
        $bytes[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
        $lines = [System.IO.File]::ReadAllLines($path)
        $lines[0] | Should -BeExactly 'TOPIC'
        $lines[1] | Should -BeExactly '    about_TencentChatFollow'
        $lines[2] | Should -BeExactly ''
        $lines[3] | Should -BeIn 'SHORT DESCRIPTION', 'SYNOPSIS'
        @($lines | Where-Object Length -GT 80).Count | Should -Be 0
    }
}

Describe 'Tab completion' {
    It 'offers every region after Connect-TencentChat -Region' {
        $line = 'Connect-TencentChat -Region '
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $offered = @($result.CompletionMatches.CompletionText)
        $regions = [enum]::GetNames([TencentChatFollow.Endpoints.ChatRegion])
        $regions.Count | Should -Be 8
        @($offered | Sort-Object) | Should -Be @($regions | Sort-Object)
    }

    It 'offers the APIs the module knows after Invoke-TencentChatRestMethod -Api, filtered by what was typed: <Typed>' -ForEach @(
        @{ Typed = ''; Offered = 'follow/follow_add', 'follow/follow_check', 'follow/follow_delete', 'follow/follow_get', 'follow/follow_get_info', 'im_open_login_svc/account_check' }
        @{ Typed = 'follow/follow_get'; Offered = 'follow/follow_get', 'follow/follow_get_info' }
        @{ Typed = 'v4/im'; Offered = 'im_open_login_svc/account_check' }
        @{ Typed = 'acc'; Offered = 'im_open_login_svc/account_check' }
        @{ Typed = "'follow/follow_d"; Offered = "'follow/follow_delete'" }
        @{ Typed = 'profile/'; Offered = @() }
    ) {
        $line = "Invoke-TencentChatRestMethod -Api $Typed"
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($result.CompletionMatches.CompletionText) | Should -Be $Offered
    }

    It 'completes a partly typed region' {
        $line = 'Connect-TencentChat -SdkAppId 1400000001 -Region si'
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($result.CompletionMatches.CompletionText | Sort-Object) | Should -Be @('SiliconValley', 'Singapore')
    }
}

Describe 'ConvertTo-MamlHelp.ps1 refuses pages that do not match the cmdlets' {
    BeforeEach {
        $work = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $pages = Join-Path $work 'docs'
        $null = New-Item -ItemType Directory -Path $pages
        Copy-Item -Path (Join-Path $docs '*.md'), (Join-Path $docs 'about_*.help.txt') -Destination $pages
        $output = Join-Path $work 'en-US'
        $page = Join-Path $pages 'Get-TencentChatFollowInfo.md'
        function Edit-Page([scriptblock] $Change) {
            $text = [System.IO.File]::ReadAllText($page)
            [System.IO.File]::WriteAllText($page, (& $Change $text))
        }
        function Invoke-Generator { & $generator -ModulePath $module.ModuleBase -DocsPath $pages -OutputPath $output 6>$null }
    }

    It 'builds the help from the real pages' {
        Invoke-Generator
        $xml = [xml](Get-Content -Raw -LiteralPath (Join-Path $output 'TencentChatFollow.dll-Help.xml'))
        $xml.helpItems.schema | Should -Be 'maml'
        $xml.helpItems.NamespaceURI | Should -Be 'http://msh'
        @($xml.helpItems.command | ForEach-Object { $_.details.name }) | Should -Be @($module.ExportedCmdlets.Keys | Sort-Object)
        Join-Path $output 'about_TencentChatFollow.help.txt' | Should -Exist
    }

    It 'when an exported cmdlet has no page' {
        Remove-Item -LiteralPath (Join-Path $pages 'New-TencentChatUserSig.md')
        { Invoke-Generator } | Should -Throw '*New-TencentChatUserSig is exported but has no page*'
    }

    It 'when a cmdlet page has no exported cmdlet' {
        Copy-Item -LiteralPath $page -Destination (Join-Path $pages 'Get-TencentChatFollower.md')
        { Invoke-Generator } | Should -Throw '*Get-TencentChatFollower.md is a cmdlet page, but the module exports no cmdlet Get-TencentChatFollower*'
    }

    It 'when a page lacks a section' {
        Edit-Page { param($t) $t -replace '(?s)## NOTES.*?(?=## RELATED LINKS)', '' }
        { Invoke-Generator } | Should -Throw "*'## NOTES' is missing*"
    }

    It 'when a parameter has no description' {
        Edit-Page { param($t) $t -replace '(?s)### -ThrottleLimit.*?(?=### -Session)', '' }
        { Invoke-Generator } | Should -Throw '*-ThrottleLimit has no*'
    }

    It 'when a page documents a parameter the cmdlet does not have' {
        Edit-Page { param($t) $t.Replace('### -Session', "### -Force`nMakes it so.`n`n### -Session") }
        { Invoke-Generator } | Should -Throw '*documents -Force, which Get-TencentChatFollowInfo does not have*'
    }

    It 'when a yaml block contradicts the cmdlet' {
        Edit-Page { param($t) $t.Replace('Aliases: To_Account, Account', 'Aliases: To_Account') }
        { Invoke-Generator } | Should -Throw "*-UserId: the yaml says 'Aliases: To_Account'*"
    }

    It 'when an example has no code' {
        Edit-Page { param($t) $t -replace '```powershell\r?\nGet-TencentChatFollowInfo -UserId user001, user002, user003\r?\n```', '' }
        { Invoke-Generator } | Should -Throw "*example 'Example 2: A few users by name' has no fenced code block*"
    }
}
