<#
.SYNOPSIS
Builds the module's MAML help (TencentChatFollow.dll-Help.xml) from the markdown pages in docs/.

.DESCRIPTION
platyPS is not available here (no PowerShell Gallery), so this script does its job for a binary module:

  1. Imports the built module from -ModulePath and lists its exported cmdlets.
  2. Reads docs/<Cmdlet>.md for each one. The page is the single source of the text: SYNOPSIS, DESCRIPTION,
     EXAMPLES, a description per parameter, INPUTS, OUTPUTS, NOTES and RELATED LINKS. The SYNTAX section is for
     readers only and is ignored. A cmdlet that SupportsShouldProcess documents -WhatIf and -Confirm as parameters
     of its own (### -WhatIf, ### -Confirm), as platyPS does, so that Get-Help X -Parameter WhatIf finds them.
  3. Takes everything that is a fact of the code from the cmdlet itself (Get-Command metadata): parameter sets,
     types, mandatory, position, pipeline input, aliases, wildcards, and the values a ValidateSet (else an enum)
     allows. When a parameter's section has a platyPS-style yaml block, its Type, Parameter Sets, Aliases,
     Required, Position, Accept pipeline input, Accept wildcard characters and Accepted values are checked against
     the cmdlet, so the page cannot say something the code does not do. Only "Default value" is taken from the
     yaml (it often names an environment variable, which metadata cannot).
  4. Writes <OutputPath>/<Assembly>-Help.xml with System.Xml.XmlWriter (UTF-8), in the shape Get-Help loads:
     <helpItems xmlns="http://msh" schema="maml"> with one command:command per cmdlet.
  5. Checks docs/about_TencentChatFollow.help.txt (UTF-8 with BOM, the TOPIC header, lines of 80 characters at
     most) and copies it to the output folder.

It fails, naming every problem found at once, when an exported cmdlet has no page, a page lacks a section, a
parameter of the cmdlet has no description, a page documents a parameter the cmdlet does not have, an example
has no code or no remarks, or a yaml block contradicts the cmdlet.

Markdown understood: '# Name', '## SECTION', '### Sub-heading', paragraphs, '- ' / '* ' / '1. ' list items (one
help paragraph each), fenced code blocks, tables (kept line by line), inline `code`, **bold** and [links](uri),
and an optional '---' front matter block at the top, which is ignored. In an example, the first fenced block is the
code (```powershell); an ```output block, like the text, goes into the remarks.

.EXAMPLE
pwsh -NoProfile -File ./tools/ConvertTo-MamlHelp.ps1 -ModulePath ./out/TencentChatFollow -DocsPath ./docs -OutputPath ./out/TencentChatFollow/en-US
#>
[CmdletBinding()]
param(
    # The folder of the built module (holding TencentChatFollow.psd1), or the manifest itself.
    [Parameter(Mandatory)]
    [string] $ModulePath,

    # The folder of the markdown pages (docs/).
    [Parameter(Mandatory)]
    [string] $DocsPath,

    # Where to write the help files, normally <module folder>/en-US. Created when missing.
    [Parameter(Mandatory)]
    [string] $OutputPath,

    # The about topic to check and copy; by default every about_*.help.txt in -DocsPath.
    [string[]] $AboutTopic
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$RequiredSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
$CommonParameterNames = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
foreach ($n in [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters) { $null = $CommonParameterNames.Add($n) }
$null = $CommonParameterNames.Add('ProgressAction')   # common since 7.4; not in the lists of older versions
# The risk-mitigation parameters of a cmdlet that SupportsShouldProcess: documented on its page and given a parameter
# entry (and a place in SYNTAX) like its own parameters, as platyPS does, so that Get-Help X -Parameter WhatIf works.
$ShouldProcessParameterNames = 'WhatIf', 'Confirm'

#region Markdown

function ConvertFrom-Inline {
    # Markdown inline markup to the plain text Get-Help shows.
    param([string] $Text)
    $t = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)\s]+)\)', {
            param($m)
            $uri = $m.Groups[2].Value
            if ($uri -match '^https?://') { '{0} ({1})' -f $m.Groups[1].Value, $uri } else { $m.Groups[1].Value }
        })
    $t = [regex]::Replace($t, '\*\*(.+?)\*\*', '$1')
    $t = [regex]::Replace($t, '(?<![\w`])__(.+?)__(?![\w`])', '$1')
    $t = [regex]::Replace($t, '`([^`]+)`', '$1')
    $t = $t.Replace('\|', '|')
    $t.Trim()
}

function Split-Block {
    <#
    Turns the lines of a section into blocks: @{ Kind = 'Para' | 'Pre' | 'Code'; Text; Lang }.
    A paragraph is a run of lines up to a blank line; each list item starts a new paragraph; a table and a fenced
    block keep their lines.
    #>
    param([string[]] $Lines)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $para = [System.Collections.Generic.List[string]]::new()
    $table = [System.Collections.Generic.List[string]]::new()
    $fence = $null; $lang = ''; $code = [System.Collections.Generic.List[string]]::new()

    $flush = {
        if ($para.Count) { $blocks.Add(@{ Kind = 'Para'; Text = (ConvertFrom-Inline ($para -join ' ')) }); $para.Clear() }
        if ($table.Count) {
            $rows = $table | Where-Object { $_ -notmatch '^\s*\|?\s*:?-{3,}' } | ForEach-Object { ConvertFrom-Inline $_ }
            $blocks.Add(@{ Kind = 'Pre'; Text = ($rows -join "`n") }); $table.Clear()
        }
    }

    foreach ($line in $Lines) {
        if ($null -ne $fence) {
            if ($line.Trim() -eq $fence) {
                $blocks.Add(@{ Kind = 'Code'; Lang = $lang; Text = ($code -join "`n") })
                $fence = $null; $code.Clear()
            } else { $code.Add($line) }
            continue
        }
        if ($line -match '^\s*(```+|~~~+)\s*([\w-]*)\s*$') {
            & $flush
            $fence = $Matches[1]; $lang = $Matches[2].ToLowerInvariant()
            continue
        }
        if ($line.Trim() -eq '') { & $flush; continue }
        if ($line -match '^\s*\|') {
            if ($para.Count) { & $flush }
            $table.Add($line.Trim()); continue
        }
        if ($table.Count) { & $flush }
        if ($line -match '^\s*([-*+]|\d+\.)\s+(.*)$') {
            & $flush
            $para.Add($line.Trim())
            continue
        }
        $para.Add($line.Trim())
    }
    if ($null -ne $fence) { throw 'a fenced code block is not closed' }
    & $flush
    , $blocks.ToArray()
}

function Read-HelpPage {
    <#
    Reads a page into @{ Name; Sections = @{ 'SYNOPSIS' = @{ Lines; Subs = @( @{ Title; Lines } ) } } }.
    Headings inside fenced blocks are not headings.
    #>
    param([string] $Path)
    $lines = @([System.IO.File]::ReadAllLines($Path, [System.Text.UTF8Encoding]::new($false)))
    $start = 0
    if ($lines.Count -and $lines[0].Trim() -eq '---') {
        for ($i = 1; $i -lt $lines.Count; $i++) { if ($lines[$i].Trim() -eq '---') { $start = $i + 1; break } }
    }
    $page = @{ Name = $null; Sections = [ordered]@{}; Path = $Path }
    $section = $null; $sub = $null; $inFence = $null
    for ($i = $start; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($null -eq $inFence -and $line -match '^\s*(```+|~~~+)') { $inFence = $Matches[1] }
        elseif ($null -ne $inFence -and $line.Trim() -eq $inFence) { $inFence = $null }
        elseif ($null -eq $inFence) {
            if ($line -match '^#\s+(.+?)\s*#*\s*$') { $page.Name = $Matches[1].Trim(); $section = $null; $sub = $null; continue }
            if ($line -match '^##\s+(.+?)\s*#*\s*$') {
                $title = $Matches[1].Trim().ToUpperInvariant()
                if ($page.Sections.Contains($title)) { throw "the section '## $title' appears twice" }
                $section = @{ Lines = [System.Collections.Generic.List[string]]::new(); Subs = [System.Collections.Generic.List[object]]::new() }
                $page.Sections[$title] = $section; $sub = $null; continue
            }
            if ($line -match '^###\s+(.+?)\s*#*\s*$') {
                if ($null -eq $section) { throw "'### $($Matches[1])' comes before any '## ' section" }
                $sub = @{ Title = $Matches[1].Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
                $section.Subs.Add($sub); continue
            }
        }
        if ($null -ne $sub) { $sub.Lines.Add($line) }
        elseif ($null -ne $section) { $section.Lines.Add($line) }
    }
    $page
}

function Get-Paragraph {
    # The text of the blocks as help paragraphs (code and tables keep their line breaks).
    param([object[]] $Blocks)
    foreach ($b in $Blocks) { if ($b.Text.Trim()) { $b.Text } }
}

function Read-Yaml {
    # The "Key: Value" lines of a platyPS parameter yaml block.
    param([string] $Text)
    $map = @{}
    foreach ($line in $Text -split "`n") {
        if ($line -match '^\s*([^:#][^:]*?)\s*:\s*(.*?)\s*$') { $map[$Matches[1]] = $Matches[2] }
    }
    $map
}

#endregion

#region Cmdlet metadata

function Get-TypeDisplayName {
    # The short name Get-Help shows between < >: String[], UInt32, ChatRegion, Nullable`1 as its argument.
    param([type] $Type)
    if ($Type.IsArray) { return (Get-TypeDisplayName $Type.GetElementType()) + '[]' }
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { return Get-TypeDisplayName $underlying }
    if ($Type.IsGenericType) {
        $typeArguments = ($Type.GetGenericArguments() | ForEach-Object { Get-TypeDisplayName $_ }) -join ', '
        return '{0}[{1}]' -f ($Type.Name -replace '`\d+$'), $typeArguments
    }
    $Type.Name
}

function Get-EnumName {
    # The values Get-Help shows in SYNTAX as {A | B}: the parameter's ValidateSet when it has one (an enum parameter
    # may take only some of its names), else the names of its enum type.
    param([type] $Type, [object[]] $Attributes = @())
    $set = @($Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1)
    if ($set.Count) { return $set[0].ValidValues }
    $t = $Type
    if ($t.IsArray) { $t = $t.GetElementType() }
    $u = [Nullable]::GetUnderlyingType($t); if ($u) { $t = $u }
    if ($t.IsEnum) { [Enum]::GetNames($t) }
}

function Get-PipelineInputText {
    param([bool] $ByValue, [bool] $ByPropertyName)
    if ($ByValue -and $ByPropertyName) { 'True (ByValue, ByPropertyName)' }
    elseif ($ByValue) { 'True (ByValue)' }
    elseif ($ByPropertyName) { 'True (ByPropertyName)' }
    else { 'False' }
}

function Get-ParameterFact {
    <#
    What the cmdlet says about one parameter, across its parameter sets:
    @{ Name; Type; TypeName; IsSwitch; Required; Position; PipelineInput; Globbing; Aliases; Sets; Enum }
    #>
    param([System.Management.Automation.CommandInfo] $Command, [string] $Name)
    $meta = $Command.Parameters[$Name]
    $setNames = @($meta.ParameterSets.Keys)
    $data = @($meta.ParameterSets.Values)
    $mandatory = @($data | Where-Object IsMandatory)
    $positions = @($data | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Sort-Object -Unique)
    $byValue = [bool]@($data | Where-Object ValueFromPipeline).Count
    $byName = [bool]@($data | Where-Object ValueFromPipelineByPropertyName).Count
    $globbing = [bool]@($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count
    $allSets = $setNames -contains [System.Management.Automation.ParameterAttribute]::AllParameterSets
    $declaredSets = @($Command.ParameterSets | ForEach-Object Name)
    @{
        Name          = $meta.Name
        Type          = $meta.ParameterType
        TypeName      = Get-TypeDisplayName $meta.ParameterType
        IsSwitch      = $meta.SwitchParameter
        Required      = if ($mandatory.Count -eq 0) { 'False' } elseif ($mandatory.Count -eq $data.Count) { 'True' } else { 'Varies' }
        RequiredAny   = $mandatory.Count -gt 0
        Position      = if ($positions.Count) { [string]$positions[0] } else { 'Named' }
        PipelineInput = Get-PipelineInputText $byValue $byName
        Globbing      = $globbing
        Aliases       = @($meta.Aliases)
        Sets          = if ($allSets -or ($declaredSets.Count -gt 1 -and $setNames.Count -eq $declaredSets.Count)) { @('(All)') } else { @($setNames | Sort-Object) }
        Enum          = @(Get-EnumName $meta.ParameterType $meta.Attributes)
    }
}

function Test-YamlAgainstFact {
    # Problems where the page's yaml block says something the cmdlet does not do.
    param([hashtable] $Yaml, [hashtable] $Fact, [string] $Where)
    $norm = { param($s) ($s -replace '\s+', ' ').Trim().ToLowerInvariant() }
    $checks = [ordered]@{
        'Type'                       = { param($v) $v -in @($Fact.TypeName, $Fact.Type.FullName, $Fact.Type.Name) }
        'Parameter Sets'             = { param($v) (& $norm ((($v -split ',') | ForEach-Object { $_.Trim() } | Sort-Object) -join ', ')) -eq (& $norm ($Fact.Sets -join ', ')) }
        'Aliases'                    = {
            param($v)
            $given = @(($v -split ',') | ForEach-Object { $_.Trim() } | Where-Object { $_ -and $_ -ne 'None' } | Sort-Object)
            ($given -join ',') -eq (@($Fact.Aliases | Sort-Object) -join ',')
        }
        'Required'                   = { param($v) (& $norm $v) -eq (& $norm $Fact.Required) }
        'Position'                   = { param($v) (& $norm $v) -eq (& $norm $Fact.Position) }
        'Accept pipeline input'      = { param($v) (& $norm $v) -eq (& $norm $Fact.PipelineInput) }
        'Accept wildcard characters' = { param($v) (& $norm $v) -eq (& $norm ([string]$Fact.Globbing)) }
        'Accepted values'            = { param($v) (@(($v -split ',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) -join ', ') -eq ($Fact.Enum -join ', ') }
    }
    $expected = @{
        'Type' = $Fact.TypeName; 'Parameter Sets' = ($Fact.Sets -join ', '); 'Required' = $Fact.Required; 'Position' = $Fact.Position
        'Aliases' = $(if ($Fact.Aliases.Count) { $Fact.Aliases -join ', ' } else { 'None' })
        'Accept pipeline input' = $Fact.PipelineInput; 'Accept wildcard characters' = [string]$Fact.Globbing
        'Accepted values' = ($Fact.Enum -join ', ')
    }
    foreach ($key in $checks.Keys) {
        if ($Yaml.ContainsKey($key) -and -not (& $checks[$key] $Yaml[$key])) {
            "${Where}: the yaml says '${key}: $($Yaml[$key])' but the cmdlet says '$($expected[$key])'."
        }
    }
}

#endregion

#region Page to help model

function ConvertTo-HelpModel {
    <#
    Checks a page against its cmdlet and returns @{ Model; Problems }. The model holds the text from the page and
    the facts from the cmdlet.
    #>
    param([System.Management.Automation.CmdletInfo] $Command, [string] $Path)
    $problems = [System.Collections.Generic.List[string]]::new()
    $file = Split-Path -Leaf $Path
    try { $page = Read-HelpPage $Path } catch { $problems.Add("${file}: $($_.Exception.Message)."); return @{ Model = $null; Problems = $problems } }

    if ($page.Name -ne $Command.Name) { $problems.Add("${file}: the title must be '# $($Command.Name)', not '# $($page.Name)'.") }
    foreach ($s in $RequiredSections) { if (-not $page.Sections.Contains($s)) { $problems.Add("${file}: the section '## $s' is missing.") } }
    foreach ($s in $page.Sections.Keys) { if ($s -notin $RequiredSections) { $problems.Add("${file}: '## $s' is not a help section (expected: $($RequiredSections -join ', ')).") } }
    if ($problems.Count) { return @{ Model = $null; Problems = $problems } }

    $blocksOf = {
        param($lines, $where)
        try { Split-Block $lines } catch { $problems.Add("${file}: ${where}: $($_.Exception.Message)."); , @() }
    }

    $synopsis = @(Get-Paragraph (& $blocksOf $page.Sections['SYNOPSIS'].Lines 'SYNOPSIS')) -join ' '
    if (-not $synopsis) { $problems.Add("${file}: '## SYNOPSIS' is empty.") }
    $description = @(Get-Paragraph (& $blocksOf $page.Sections['DESCRIPTION'].Lines 'DESCRIPTION'))
    if (-not $description.Count) { $problems.Add("${file}: '## DESCRIPTION' is empty.") }

    # Examples: '### Example N: title'; the first fenced block that is not ```output is the code, every other block
    # (output included) a remark.
    $examples = [System.Collections.Generic.List[object]]::new()
    foreach ($sub in $page.Sections['EXAMPLES'].Subs) {
        $blocks = & $blocksOf $sub.Lines "example '$($sub.Title)'"
        $code = $null; $remarks = [System.Collections.Generic.List[string]]::new()
        foreach ($b in $blocks) {
            if ($b.Kind -eq 'Code' -and $b.Lang -notin 'output', 'text' -and $null -eq $code) { $code = $b.Text.TrimEnd() } else { $remarks.Add($b.Text) }
        }
        if (-not $code) { $problems.Add("${file}: example '$($sub.Title)' has no fenced code block.") }
        if (-not $remarks.Count) { $problems.Add("${file}: example '$($sub.Title)' has no remarks after its code.") }
        $examples.Add(@{ Title = $sub.Title; Code = $code; Remarks = $remarks.ToArray() })
    }
    if (-not $examples.Count) { $problems.Add("${file}: '## EXAMPLES' has no '### Example N: title' sub-section.") }

    # Parameters: every parameter of the cmdlet (common ones aside, but -WhatIf and -Confirm included) needs a
    # '### -Name' with a description.
    $names = @($Command.Parameters.Keys | Where-Object { -not $CommonParameterNames.Contains($_) -or $_ -in $ShouldProcessParameterNames })
    $documented = @{}
    foreach ($sub in $page.Sections['PARAMETERS'].Subs) {
        if ($sub.Title -eq 'CommonParameters') { continue }
        if ($sub.Title -notmatch '^-(\w+)$') { $problems.Add("${file}: '### $($sub.Title)' under PARAMETERS is not '### -ParameterName' or '### CommonParameters'."); continue }
        $name = $Matches[1]
        $real = @($names | Where-Object { $_ -eq $name })
        if (-not $real.Count) { $problems.Add("${file}: documents -$name, which $($Command.Name) does not have."); continue }
        $name = $real[0]
        if ($documented.ContainsKey($name)) { $problems.Add("${file}: -$name is documented twice."); continue }
        $blocks = & $blocksOf $sub.Lines "-$name"
        $fact = Get-ParameterFact $Command $name
        $yaml = @{}
        $text = [System.Collections.Generic.List[string]]::new()
        foreach ($b in $blocks) {
            if ($b.Kind -eq 'Code' -and $b.Lang -eq 'yaml') { $yaml = Read-Yaml $b.Text; foreach ($p in (Test-YamlAgainstFact $yaml $fact "${file}: -$name")) { $problems.Add($p) } }
            else { $text.Add($b.Text) }
        }
        if (-not $text.Count) { $problems.Add("${file}: -$name has no description.") }
        $default = if ($yaml.ContainsKey('Default value') -and $yaml['Default value']) { $yaml['Default value'] } elseif ($fact.IsSwitch) { 'False' } else { 'None' }
        $documented[$name] = @{ Fact = $fact; Description = $text.ToArray(); Default = $default }
    }
    foreach ($name in $names) {
        if (-not $documented.ContainsKey($name)) { $problems.Add("${file}: the parameter -$name has no '### -$name' section with a description.") }
    }

    $typed = {
        param($section)
        $list = [System.Collections.Generic.List[object]]::new()
        foreach ($sub in $page.Sections[$section].Subs) {
            $text = @(Get-Paragraph (& $blocksOf $sub.Lines "$section $($sub.Title)"))
            if (-not $text.Count) { $problems.Add("${file}: '### $($sub.Title)' under $section has no description.") }
            $list.Add(@{ Type = (ConvertFrom-Inline $sub.Title); Description = $text })
        }
        if (-not $list.Count) { $problems.Add("${file}: '## $section' needs a '### TypeName' (or '### None') with a description.") }
        , $list.ToArray()
    }
    $inputs = & $typed 'INPUTS'
    $outputs = & $typed 'OUTPUTS'

    $notes = @(Get-Paragraph (& $blocksOf $page.Sections['NOTES'].Lines 'NOTES'))
    if (-not $notes.Count) { $problems.Add("${file}: '## NOTES' is empty.") }

    $links = [System.Collections.Generic.List[object]]::new()
    foreach ($line in $page.Sections['RELATED LINKS'].Lines) {
        if ($line -match '^\s*(?:[-*+]\s+)?\[([^\]]+)\]\(([^)\s]*)\)') {
            $text = $Matches[1]; $target = $Matches[2]
            # Get-Help -Online opens the first link with a URI, so only an 'Online Version' link (platyPS's
            # convention) gets one; another web link shows its address in the text, and a relative link (another
            # page) only its name. Without a URI, -Online falls back to the cmdlet's HelpUri, if it has one.
            if ($target -match '^https?://' -and $text -match '^Online Version') { $links.Add(@{ Text = (ConvertFrom-Inline $text); Uri = $target }) }
            elseif ($target -match '^https?://') { $links.Add(@{ Text = ('{0}: {1}' -f (ConvertFrom-Inline $text), $target); Uri = '' }) }
            else { $links.Add(@{ Text = (ConvertFrom-Inline $text); Uri = '' }) }
        } elseif ($line -match '^\s*[-*+]\s+(.+)$') {
            $links.Add(@{ Text = (ConvertFrom-Inline $Matches[1]); Uri = '' })
        }
    }

    $ordered = foreach ($name in $names) { if ($documented.ContainsKey($name)) { $documented[$name] } }
    @{
        Problems = $problems
        Model    = @{
            Command = $Command; Synopsis = $synopsis; Description = $description; Examples = $examples.ToArray()
            Parameters = @($ordered); Inputs = $inputs; Outputs = $outputs; Notes = $notes; Links = $links.ToArray()
        }
    }
}

#endregion

#region MAML

function Write-Para {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Text)
    foreach ($t in $Text) { $Writer.WriteElementString('maml', 'para', $NsMaml, $t) }
}

function Write-MamlParameter {
    param([System.Xml.XmlWriter] $Writer, [hashtable] $Param, [string] $Required, [string] $Position, [switch] $InSyntax)
    $f = $Param.Fact
    $w = $Writer
    $w.WriteStartElement('command', 'parameter', $NsCommand)
    $w.WriteAttributeString('required', $Required)
    $w.WriteAttributeString('variableLength', $(if ($f.Type.IsArray) { 'true' } else { 'false' }))
    $w.WriteAttributeString('globbing', $f.Globbing.ToString().ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $f.PipelineInput)
    $w.WriteAttributeString('position', $Position.ToLowerInvariant())
    $w.WriteAttributeString('aliases', $(if ($f.Aliases.Count) { $f.Aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('maml', 'name', $NsMaml, $f.Name)
    $w.WriteStartElement('maml', 'description', $NsMaml)
    Write-Para $w $Param.Description
    $w.WriteEndElement()
    if ($InSyntax -and $f.Enum.Count) {
        # Get-Help shows these in SYNTAX as {China | Singapore | ...}.
        $w.WriteStartElement('command', 'parameterValueGroup', $NsCommand)
        foreach ($e in $f.Enum) {
            $w.WriteStartElement('command', 'parameterValue', $NsCommand)
            $w.WriteAttributeString('required', 'false')
            $w.WriteAttributeString('command', 'variableLength', $NsCommand, 'false')
            $w.WriteString($e)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    if (-not ($InSyntax -and ($f.Enum.Count -or $f.IsSwitch))) {
        $w.WriteStartElement('command', 'parameterValue', $NsCommand)
        $w.WriteAttributeString('required', $(if ($f.IsSwitch) { 'false' } else { 'true' }))
        $w.WriteAttributeString('variableLength', $(if ($f.Type.IsArray) { 'true' } else { 'false' }))
        $w.WriteString($f.TypeName)
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $NsDev)
    $w.WriteElementString('maml', 'name', $NsMaml, $f.Type.FullName)
    $w.WriteElementString('maml', 'uri', $NsMaml, '')
    $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $NsDev, $Param.Default)
    $w.WriteEndElement()
}

function Write-MamlCommand {
    param([System.Xml.XmlWriter] $Writer, [hashtable] $Model)
    $w = $Writer
    $cmd = $Model.Command
    $byName = @{}; foreach ($p in $Model.Parameters) { $byName[$p.Fact.Name] = $p }

    $w.WriteStartElement('command', 'command', $NsCommand)
    $w.WriteAttributeString('xmlns', 'maml', 'http://www.w3.org/2000/xmlns/', $NsMaml)
    $w.WriteAttributeString('xmlns', 'command', 'http://www.w3.org/2000/xmlns/', $NsCommand)
    $w.WriteAttributeString('xmlns', 'dev', 'http://www.w3.org/2000/xmlns/', $NsDev)

    $w.WriteStartElement('command', 'details', $NsCommand)
    $w.WriteElementString('command', 'name', $NsCommand, $cmd.Name)
    $w.WriteElementString('command', 'verb', $NsCommand, $cmd.Verb)
    $w.WriteElementString('command', 'noun', $NsCommand, $cmd.Noun)
    $w.WriteStartElement('maml', 'description', $NsMaml); Write-Para $w $Model.Synopsis; $w.WriteEndElement()
    $w.WriteEndElement()

    $w.WriteStartElement('maml', 'description', $NsMaml); Write-Para $w $Model.Description; $w.WriteEndElement()

    # One syntax item per parameter set: positional parameters by position, then mandatory, then the rest.
    $w.WriteStartElement('command', 'syntax', $NsCommand)
    $sets = @($cmd.ParameterSets | Sort-Object { -not $_.IsDefault })
    foreach ($set in $sets) {
        $w.WriteStartElement('command', 'syntaxItem', $NsCommand)
        $w.WriteElementString('maml', 'name', $NsMaml, $cmd.Name)
        $params = @($set.Parameters | Where-Object { -not $CommonParameterNames.Contains($_.Name) -or $_.Name -in $ShouldProcessParameterNames })
        $i = 0
        $sorted = $params | ForEach-Object { [pscustomobject]@{ P = $_; I = $i++ } } | Sort-Object `
            @{ Expression = { if ($_.P.Position -ge 0) { 0 } elseif ($_.P.IsMandatory) { 1 } else { 2 } } },
            @{ Expression = { if ($_.P.Position -ge 0) { $_.P.Position } else { 0 } } },
            @{ Expression = { $_.I } }
        foreach ($entry in $sorted) {
            $p = $entry.P
            $position = if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }
            Write-MamlParameter $w $byName[$p.Name] -Required $p.IsMandatory.ToString().ToLowerInvariant() -Position $position -InSyntax
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $NsCommand)
    foreach ($p in $Model.Parameters) {
        Write-MamlParameter $w $p -Required $p.Fact.RequiredAny.ToString().ToLowerInvariant() -Position $p.Fact.Position
    }
    $w.WriteEndElement()

    foreach ($kind in @(@('inputTypes', 'inputType', $Model.Inputs), @('returnValues', 'returnValue', $Model.Outputs))) {
        $w.WriteStartElement('command', $kind[0], $NsCommand)
        foreach ($t in $kind[2]) {
            $w.WriteStartElement('command', $kind[1], $NsCommand)
            $w.WriteStartElement('dev', 'type', $NsDev)
            $w.WriteElementString('maml', 'name', $NsMaml, $t.Type)
            $w.WriteEndElement()
            $w.WriteStartElement('maml', 'description', $NsMaml); Write-Para $w $t.Description; $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    $w.WriteStartElement('maml', 'alertSet', $NsMaml)
    $w.WriteStartElement('maml', 'alert', $NsMaml); Write-Para $w $Model.Notes; $w.WriteEndElement()
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $NsCommand)
    foreach ($e in $Model.Examples) {
        $w.WriteStartElement('command', 'example', $NsCommand)
        $dashes = '-' * [Math]::Max(4, [int]((64 - $e.Title.Length) / 2))
        $w.WriteElementString('maml', 'title', $NsMaml, "$dashes $($e.Title) $dashes")
        $w.WriteElementString('dev', 'code', $NsDev, $e.Code)
        # The empty last paragraph puts a blank line between examples, as in PowerShell's own help.
        $w.WriteStartElement('dev', 'remarks', $NsDev); Write-Para $w ($e.Remarks + ''); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $NsCommand)
    foreach ($l in $Model.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $NsMaml)
        $w.WriteElementString('maml', 'linkText', $NsMaml, $l.Text)
        $w.WriteElementString('maml', 'uri', $NsMaml, $l.Uri)
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement()
}

#endregion

#region About topics

function Test-AboutTopic {
    # Problems with an about_*.help.txt file: encoding, header and width, as Get-Help and the docs want them.
    param([string] $Path)
    $file = Split-Path -Leaf $Path
    $bytes = [System.IO.File]::ReadAllBytes($Path)
    if ($bytes.Length -lt 3 -or $bytes[0] -ne 0xEF -or $bytes[1] -ne 0xBB -or $bytes[2] -ne 0xBF) { "${file}: must be saved as UTF-8 with a BOM." }
    $text = [System.Text.UTF8Encoding]::new($false, $true).GetString($bytes).TrimStart([char]0xFEFF)
    $lines = $text -split '\r?\n'
    $topic = [System.IO.Path]::GetFileName($Path) -replace '\.help\.txt$'
    if ($lines.Count -lt 5) { "${file}: is too short for the TOPIC header."; return }
    if ($lines[0] -cne 'TOPIC') { "${file}: line 1 must be 'TOPIC'." }
    if ($lines[1] -cne "    $topic") { "${file}: line 2 must be the topic name indented by exactly four spaces ('    $topic')." }
    if ($lines[2] -ne '') { "${file}: line 3 must be blank." }
    if ($lines[3] -cnotin 'SHORT DESCRIPTION', 'SYNOPSIS') { "${file}: line 4 must be 'SHORT DESCRIPTION' or 'SYNOPSIS'." }
    if ($lines[4] -notmatch '^\s+\S') { "${file}: line 5 must be the indented one-line synopsis." }
    for ($i = 0; $i -lt $lines.Count; $i++) {
        if ($lines[$i].Length -gt 80) { "${file}: line $($i + 1) is $($lines[$i].Length) characters long; 80 at most." }
        if ($lines[$i] -match "`t") { "${file}: line $($i + 1) has a tab; use spaces." }
    }
}

#endregion

# --- Main -------------------------------------------------------------------------------------------------------

$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$DocsPath = (Resolve-Path -LiteralPath $DocsPath).ProviderPath
$manifest = if (Test-Path -LiteralPath $ModulePath -PathType Leaf) { $ModulePath } else {
    $candidates = @(Get-ChildItem -LiteralPath $ModulePath -Filter *.psd1 -File)
    if ($candidates.Count -ne 1) { throw "ConvertTo-MamlHelp: expected one module manifest (.psd1) in '$ModulePath', found $($candidates.Count)." }
    $candidates[0].FullName
}
$module = Import-Module -Name $manifest -Force -PassThru -DisableNameChecking -ErrorAction Stop | Select-Object -First 1
$cmdlets = @($module.ExportedCmdlets.Values | Sort-Object Name)
if (-not $cmdlets.Count) { throw "ConvertTo-MamlHelp: the module at '$manifest' exports no cmdlets." }

$problems = [System.Collections.Generic.List[string]]::new()
$models = [System.Collections.Generic.List[object]]::new()
foreach ($cmd in $cmdlets) {
    $page = Join-Path $DocsPath "$($cmd.Name).md"
    if (-not (Test-Path -LiteralPath $page -PathType Leaf)) { $problems.Add("$($cmd.Name) is exported but has no page: $page is missing."); continue }
    $result = ConvertTo-HelpModel -Command $cmd -Path $page
    foreach ($p in $result.Problems) { $problems.Add($p) }
    if ($result.Model) { $models.Add($result.Model) }
}

# A cmdlet page left behind (a cmdlet renamed or removed) would silently ship nothing: say so.
foreach ($md in Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' -File) {
    if ($md.BaseName -in $cmdlets.Name) { continue }
    if (Select-String -LiteralPath $md.FullName -Pattern '^## SYNOPSIS\s*$' -Quiet) {
        $problems.Add("$($md.Name) is a cmdlet page, but the module exports no cmdlet $($md.BaseName).")
    }
}

$abouts = @(if ($AboutTopic) { $AboutTopic } else { Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.help.txt' -File | ForEach-Object FullName })
foreach ($a in $abouts) {
    if (-not (Test-Path -LiteralPath $a -PathType Leaf)) { $problems.Add("The about topic $a is missing."); continue }
    foreach ($p in (Test-AboutTopic $a)) { $problems.Add($p) }
}

if ($problems.Count) {
    throw ("ConvertTo-MamlHelp: the help cannot be built from $DocsPath ($($problems.Count) problems):`n  " + ($problems -join "`n  "))
}

# Get-Help looks for <assembly file name>-Help.xml next to (or in a culture folder under) the module.
$assemblies = @($cmdlets | ForEach-Object { [System.IO.Path]::GetFileName($_.ImplementingType.Assembly.Location) } | Sort-Object -Unique)
if ($assemblies.Count -ne 1) { throw "ConvertTo-MamlHelp: the cmdlets come from $($assemblies.Count) assemblies ($($assemblies -join ', ')); one help file per assembly is not supported yet." }
$null = New-Item -ItemType Directory -Path $OutputPath -Force
$OutputPath = (Resolve-Path -LiteralPath $OutputPath).ProviderPath
$helpFile = Join-Path $OutputPath "$($assemblies[0])-Help.xml"

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
$writer = [System.Xml.XmlWriter]::Create($helpFile, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteComment(' Generated by tools/ConvertTo-MamlHelp.ps1 from docs/*.md. Do not edit: edit the pages. ')
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($m in $models) { Write-MamlCommand $writer $m }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
} finally {
    $writer.Dispose()
}

foreach ($a in $abouts) { Copy-Item -LiteralPath $a -Destination $OutputPath -Force }

Write-Host "Help: $helpFile ($($models.Count) cmdlets) and $($abouts.Count) about topic(s) in $OutputPath"
