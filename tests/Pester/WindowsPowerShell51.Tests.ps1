# The Windows PowerShell 5.1 path, as far as it can be run here. No Windows: Mono runs the built module's engine
# (netstandard2.0) as a .NET Framework 4.7.2 program would (tests/Mono), with System.Text.Json and its dependencies
# loaded from the module's dependencies/ folder by the module's own DependencyResolver, as ModuleInitializer does
# on .NET Framework: alone, and beside a stand-in for another module (Az.Accounts, Microsoft.Graph.Authentication)
# that brings older copies of the same assemblies and its own AssemblyResolve handler (tests/Mono/OtherModule).
# Skipped, saying why, where mono is not installed (.ci/run installs mono-devel when it can). README's "Windows
# PowerShell 5.1" section says what this does not cover; docs/runbooks.md ("Beside Az.Accounts and Microsoft.Graph")
# what it means for a runbook.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $script:NoMono = 'mono is not installed, so the Windows PowerShell 5.1 path (the engine on a .NET Framework runtime) was not run: install mono-devel (apt-get install mono-devel) to run it.'
    $script:mono = Get-Command mono -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source
    $script:moduleFolder = Split-Path -Parent (Get-ModuleUnderTest)
    $script:dependencies = Join-Path $moduleFolder 'dependencies'
    $script:identity = Get-EmulatorIdentity

    # Name and version of each DLL of a folder, without loading it.
    function Get-Identity([string] $Folder) {
        foreach ($file in Get-ChildItem -LiteralPath $Folder -Filter *.dll) {
            $name = [System.Reflection.AssemblyName]::GetAssemblyName($file.FullName)
            [pscustomobject]@{ Name = $name.Name; Version = "$($name.Version)"; Path = $file.FullName; AssemblyName = $name }
        }
    }
    # The assemblies a DLL references, read from its metadata (System.Reflection.Metadata), without loading it.
    function Get-Reference([string] $Path) {
        $stream = [System.IO.File]::OpenRead($Path)
        try {
            $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
            $reader = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            foreach ($handle in $reader.AssemblyReferences) {
                $reference = $reader.GetAssemblyReference($handle)
                $token = $reader.GetBlobBytes($reference.PublicKeyOrToken)
                [pscustomobject]@{ Name = $reader.GetString($reference.Name); Version = $reference.Version; Token = (-join ($token | ForEach-Object { $_.ToString('x2') })) }
            }
            $pe.Dispose()
        } finally {
            $stream.Dispose()
        }
    }
    $script:shipped = @(Get-Identity $dependencies)

    if (-not $mono) { return }

    # The program, built for net472 (tests/Mono), and the stand-in for another module, published with its own
    # older copies from NuGet (System.Text.Json 4.7.2, System.Memory 4.5.4, Unsafe 6.0.0) into a folder of its own.
    $script:program = Join-Path $TestDrive 'monocheck/TencentChatFollow.MonoCheck.exe'
    $project = Join-Path $PSScriptRoot '../Mono/TencentChatFollow.MonoCheck.csproj'
    $build = & dotnet build $project -c Release -o (Split-Path -Parent $program) --nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Building $project failed: $($build -join [Environment]::NewLine)" }
    $script:otherFolder = Join-Path $TestDrive 'other-module'
    $otherProject = Join-Path $PSScriptRoot '../Mono/OtherModule/TencentChatFollow.MonoCheck.OtherModule.csproj'
    $build = & dotnet publish $otherProject -c Release -o $otherFolder --nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Publishing $otherProject failed: $($build -join [Environment]::NewLine)" }
    $script:other = @(Get-Identity $otherFolder | Where-Object Name -NE 'TencentChatFollow.MonoCheck.OtherModule')

    # The emulator's sample graph and ids (docs/samples); the expected counts are worked out here from the graph.
    $samples = Join-Path $PSScriptRoot '../../docs/samples'
    $edges = @(Get-Content -LiteralPath (Join-Path $samples 'graph.csv') | Where-Object { $_ -and $_ -notmatch '^\s*#' })
    $graphFile = Join-Path $TestDrive 'graph.csv'
    Set-Content -LiteralPath $graphFile -Value $edges
    $script:expected = Get-ExpectedCount -Path $graphFile
    $script:accounts = [System.Collections.Generic.HashSet[string]]::new([string[]]@($edges | Select-Object -Skip 1 | ForEach-Object { $_.Split(',') }))
    $script:idsFile = Join-Path $samples 'users.txt'
    $script:ids = @(Get-Content -LiteralPath $idsFile | ForEach-Object Trim | Where-Object { $_ })
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', (Join-Path $samples 'graph.csv')

    function Invoke-MonoCheck([string[]] $Extra = @()) {
        $env:TCF_MONO_SECRETKEY = $identity.SecretKey
        try {
            $lines = @(& $mono $program $moduleFolder $emulator.Url $identity.SdkAppId $identity.Identifier $idsFile @Extra 2>&1 | ForEach-Object { "$_" })
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Lines = $lines; Text = $lines -join "`n" }
        } finally {
            Remove-Item Env:TCF_MONO_SECRETKEY
        }
    }

    # One line per id, in input order, with the counts the graph gives (30003 for an id that is not in it); both
    # batches of 20 sent, signed with a UserSig the module made on Mono (the emulator verified it); no secret shown.
    function Assert-SampleCount($Run) {
        $Run.ExitCode | Should -Be 0 -Because $Run.Text
        $results = @($Run.Lines | Where-Object { $_ -match '^(ok|error) ' })
        @($results | ForEach-Object { $_.Split(' ')[1] }) | Should -Be $ids
        foreach ($line in $results) {
            $null, $id, $null = $line.Split(' ')
            if ($accounts.Contains($id)) {
                $e = $expected[$id]
                if ($null -eq $e) { $e = [pscustomobject]@{ FollowerCount = 0; FollowingCount = 0; MutualFollowingCount = 0 } }
                $line | Should -Be "ok $id $($e.FollowerCount) $($e.FollowingCount) $($e.MutualFollowingCount)"
            } else {
                $line | Should -BeLike "error $id TencentChat.UserNotFound 30003 *"
            }
        }
        @($results | Where-Object { $_ -like 'error *' }).Count | Should -Be 2 -Because 'the sample lists user999 and ghost.account, which are not in the graph'
        $Run.Lines | Should -Contain 'calls 2'
        $log = @(Invoke-EmulatorControl -Emulator $emulator -Name requests)
        ($log | ForEach-Object { $_.toAccount.Count } | Sort-Object) -join ',' | Should -Be "$($ids.Count - 20),20"
        $Run.Text | Should -Not -Match $identity.SecretKey
    }

    # Core's own code bound the module's System.Text.Json 8, and each shipped identity is in the process once:
    # the module's file, or the stand-in's when it loaded exactly the same identity first (the binder then hands
    # back that one: same version, same API).
    function Assert-OwnAssembly($Run, [switch] $OtherFirst) {
        $Run.Lines | Should -Contain "bound System.Text.Json 8.0.0.0 $(Join-Path $dependencies 'System.Text.Json.dll')" -Because $Run.Text
        foreach ($dll in $shipped) {
            $loaded = @($Run.Lines | Where-Object { $_ -like "loaded $($dll.Name) $($dll.Version) *" })
            $loaded.Count | Should -Be 1 -Because "$($dll.Name) $($dll.Version) is in the process once ($($Run.Text))"
            $same = if ($OtherFirst) { $other | Where-Object { $_.Name -eq $dll.Name -and $_.Version -eq $dll.Version } }
            $from = if ($same) { $same.Path } else { $dll.Path }
            $loaded[0] | Should -Be "loaded $($dll.Name) $($dll.Version) $from"
        }
    }
}

AfterAll {
    if ($mono -and (Get-Variable emulator -Scope Script -ErrorAction SilentlyContinue)) { $emulator | Stop-Emulator }
}

Describe 'The module''s assemblies for Windows PowerShell 5.1' {
    It 'keeps the cmdlet assembly free of the shipped dependencies: PowerShell reflects over it before OnImport loads them' {
        $names = @($shipped.Name)
        $names | Should -Contain 'System.Text.Json'
        @(Get-Reference (Join-Path $moduleFolder 'TencentChatFollow.dll') | Where-Object { $names -contains $_.Name }) | Should -BeNullOrEmpty
    }

    It 'ships, for every reference of Core and of the shipped files to a shipped name, that version or a later one with the same key (what DependencyResolver redirects)' {
        $byName = @{}
        foreach ($dll in $shipped) { $byName[$dll.Name] = $dll }
        $files = @((Join-Path $moduleFolder 'TencentChatFollow.Core.dll')) + @($shipped.Path)
        $checked = 0
        foreach ($file in $files) {
            foreach ($reference in Get-Reference $file | Where-Object { $byName.ContainsKey($_.Name) }) {
                $ours = $byName[$reference.Name].AssemblyName
                $reference.Version | Should -BeLessOrEqual $ours.Version -Because "$(Split-Path -Leaf $file) asks for $($reference.Name) $($reference.Version)"
                $reference.Token | Should -Be (-join ($ours.GetPublicKeyToken() | ForEach-Object { $_.ToString('x2') }))
                $checked++
            }
        }
        $checked | Should -BeGreaterThan 10
    }
}

Describe 'Windows PowerShell 5.1 path: the engine on a .NET Framework runtime (Mono)' {
    BeforeEach {
        if ($mono) { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }
    }

    It 'loads the module''s own System.Text.Json 8 and its dependencies at import and counts the sample ids right' {
        if (-not $mono) { Set-ItResult -Skipped -Because $NoMono; return }

        $run = Invoke-MonoCheck

        $run.Lines[0] | Should -BeLike 'runtime Mono *'
        Assert-SampleCount $run
        Assert-OwnAssembly $run
    }

    It 'serializes an Invoke-TencentChatRestMethod body and reads an answer as on PowerShell 7 (nested, long, double, bool, null, date; a byte order mark)' {
        if (-not $mono) { Set-ItResult -Skipped -Because $NoMono; return }

        $run = Invoke-MonoCheck

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Lines | Should -Contain 'rest-body {"CheckItem":[{"UserID":"user001"},{"UserID":"ghost"}],"Count":3,"Ratio":0.5,"On":true,"Nothing":null,"At":1700000000}' -Because $run.Text
        $run.Lines | Should -Contain 'rest-read ResultItem=Object[][1] Big=Int64:9223372036854775807 Half=Double:0.5 ActionStatus=String:OK ErrorCode=Int64:0 ErrorInfo=String:' -Because $run.Text
    }

    It 'the module''s .NET Framework handler sets the lease, no 100-continue and no Nagle on the ServicePoint HttpWebRequest uses, on every send, direct or through a proxy' {
        if (-not $mono) { Set-ItResult -Skipped -Because $NoMono; return }

        # Under Mono the module itself takes SocketsHttpHandler: tests/Mono/ServicePointCheck.cs asks for the
        # .NET Framework branch, and sets each ServicePoint back to a new one's values before the send.
        $run = Invoke-MonoCheck

        $run.ExitCode | Should -Be 0 -Because $run.Text
        foreach ($route in 'direct https://adminapisgp.im.qcloud.com', '-Proxy http://given-proxy.invalid:8080', 'system-proxy http://system-proxy.invalid:8080') {
            $run.Lines | Should -Contain "servicepoint $route lease=300000 expect100=False nagle=False" -Because $run.Text
        }
    }

    It 'cannot run without the module''s loading: Mono has no System.Text.Json of its own, so the test above rests on the module''s copy' {
        if (-not $mono) { Set-ItResult -Skipped -Because $NoMono; return }

        $run = Invoke-MonoCheck -Extra '--loading', 'none'

        $run.ExitCode | Should -Be 3 -Because $run.Text
        $run.Text | Should -Match "failed System\.(TypeLoadException|IO\.FileNotFoundException|IO\.FileLoadException): .*(System\.Text\.Json, Version=8\.0\.0\.0|System\.Memory, Version=4\.0\.1\.2)"
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests).Count | Should -Be 0
    }
}

Describe 'Beside another module with older copies (a stand-in for Az.Accounts and Microsoft.Graph), under Mono' {
    BeforeEach {
        if ($mono) { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }
    }

    It 'counts right on its own System.Text.Json 8 when the other module, with a handler for <Kind>, is imported <Order>' -ForEach @(
        @{ Order = 'first'; Kind = 'its own versions only'; Arguments = @('--other-kind', 'own') }
        @{ Order = 'first'; Kind = 'any version'; Arguments = @('--other-kind', 'any') }
        @{ Order = 'after'; Kind = 'its own versions only'; Arguments = @('--other-kind', 'own', '--other-after') }
        @{ Order = 'after'; Kind = 'any version'; Arguments = @('--other-kind', 'any', '--other-after') }
    ) {
        if (-not $mono) { Set-ItResult -Skipped -Because $NoMono; return }

        $run = Invoke-MonoCheck -Extra (@('--other', $otherFolder) + $Arguments)

        Assert-SampleCount $run
        Assert-OwnAssembly $run -OtherFirst:($Order -eq 'first')
        # The other module's handler was never asked for anything of ours: the binder found our copies first.
        @($run.Lines | Where-Object { $_ -like 'other-answered *' }) | Should -BeNullOrEmpty
        # And the other module keeps its own System.Text.Json 4.7.2 (4.0.1.2), before and after the module ran.
        @($run.Lines | Where-Object { $_ -like 'other-uses *' }) | Should -Be @('other-uses 4.0.1.2 {"n":1}', 'other-uses 4.0.1.2 {"n":1}')
        $run.Lines | Should -Contain "loaded System.Text.Json 4.0.1.2 $(Join-Path $otherFolder 'System.Text.Json.dll')"
    }

    It 'is a real threat to the earlier way: with only a handler added at import, a catch-all handler added first hands Core its System.Text.Json 4.0.1.2' {
        if (-not $mono) { Set-ItResult -Skipped -Because $NoMono; return }

        $run = Invoke-MonoCheck -Extra '--loading', 'naive', '--other', $otherFolder, '--other-kind', 'any'

        $run.Lines | Should -Contain 'other-answered System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51 => 4.0.1.2' -Because $run.Text
        $run.Lines | Should -Contain "bound System.Text.Json 4.0.1.2 $(Join-Path $otherFolder 'System.Text.Json.dll')"
        @($run.Lines | Where-Object { $_ -like 'resolved *' }) | Should -BeNullOrEmpty -Because 'the module''s handler came second and was never asked'
    }
}
