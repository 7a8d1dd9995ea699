# The Windows PowerShell 5.1 path, as far as it can be run here. No Windows: Mono runs the built module's engine
# (netstandard2.0) as a .NET Framework 4.7.2 program would, with System.Text.Json and its dependencies taken from
# the module's dependencies/ folder by the module's own DependencyResolver, hooked to AppDomain.AssemblyResolve
# as ModuleInitializer does on .NET Framework (tests/Mono). Skipped, saying why, where mono is not installed
# (.ci/run installs mono-devel when it can). README's "Windows PowerShell 5.1" says what this does not cover.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    $script:NoMono = 'mono is not installed, so the Windows PowerShell 5.1 path (the engine on a .NET Framework runtime) was not run: install mono-devel (apt-get install mono-devel) to run it.'
    $script:mono = Get-Command mono -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source
    $script:moduleFolder = Split-Path -Parent (Get-ModuleUnderTest)
    $script:identity = Get-EmulatorIdentity
    if (-not $mono) { return }

    # The program, built for net472 (tests/Mono/TencentChatFollow.MonoCheck.csproj).
    $script:program = Join-Path $TestDrive 'monocheck/TencentChatFollow.MonoCheck.exe'
    $project = Join-Path $PSScriptRoot '../Mono/TencentChatFollow.MonoCheck.csproj'
    $build = & dotnet build $project -c Release -o (Split-Path -Parent $program) --nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Building $project failed: $($build -join [Environment]::NewLine)" }

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
}

AfterAll {
    if ($mono -and (Get-Variable emulator -Scope Script -ErrorAction SilentlyContinue)) { $emulator | Stop-Emulator }
}

Describe 'Windows PowerShell 5.1 path: the engine on a .NET Framework runtime (Mono)' {
    BeforeEach {
        if ($mono) { $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post }
    }

    It 'loads Core and System.Text.Json 8 from the built module''s dependencies folder and counts the sample ids right' {
        if (-not $mono) { Set-ItResult -Skipped -Because $NoMono; return }

        $run = Invoke-MonoCheck

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Lines[0] | Should -BeLike 'runtime Mono *'
        $dependencies = Join-Path $moduleFolder 'dependencies'
        $run.Lines | Should -Contain "resolved System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51 => $(Join-Path $dependencies 'System.Text.Json.dll')"
        foreach ($name in 'System.Text.Json', 'System.Text.Encodings.Web', 'Microsoft.Bcl.AsyncInterfaces', 'System.Memory', 'System.Buffers', 'System.Runtime.CompilerServices.Unsafe') {
            $loaded = @($run.Lines | Where-Object { $_ -like "loaded $name *" })
            $loaded.Count | Should -Be 1 -Because "$name is loaded once ($($run.Text))"
            $loaded[0] | Should -BeLike "* $(Join-Path $dependencies "$name.dll")" -Because "$name comes from the module's own copy"
        }

        # One line per id, in input order: the counts the graph gives, or 30003 for an id that is not in it.
        $results = @($run.Lines | Where-Object { $_ -match '^(ok|error) ' })
        @($results | ForEach-Object { $_.Split(' ')[1] }) | Should -Be $ids
        foreach ($line in $results) {
            $kind, $id, $rest = $line.Split(' ')
            if ($accounts.Contains($id)) {
                $e = $expected[$id]
                if ($null -eq $e) { $e = [pscustomobject]@{ FollowerCount = 0; FollowingCount = 0; MutualFollowingCount = 0 } }
                $line | Should -Be "ok $id $($e.FollowerCount) $($e.FollowingCount) $($e.MutualFollowingCount)"
            } else {
                $line | Should -BeLike "error $id TencentChat.UserNotFound 30003 *"
            }
        }
        @($results | Where-Object { $_ -like 'error *' }).Count | Should -Be 2 -Because 'the sample lists user999 and ghost.account, which are not in the graph'

        # Batches of 20, both sent, signed with a UserSig the module made on Mono (the emulator verified it).
        $run.Lines | Should -Contain 'calls 2'
        $log = @(Invoke-EmulatorControl -Emulator $emulator -Name requests)
        $log.Count | Should -Be 2
        ($log | ForEach-Object { $_.toAccount.Count } | Sort-Object) -join ',' | Should -Be "$($ids.Count - 20),20"
        $run.Text | Should -Not -Match $identity.SecretKey
    }

    It 'cannot run without the resolver: Mono has no System.Text.Json of its own, so the test above rests on the module''s copy' {
        if (-not $mono) { Set-ItResult -Skipped -Because $NoMono; return }

        $run = Invoke-MonoCheck -Extra '--no-resolver'

        $run.ExitCode | Should -Be 3 -Because $run.Text
        $run.Text | Should -Match "failed System\.(TypeLoadException|IO\.FileNotFoundException|IO\.FileLoadException): .*System\.Text\.Json, Version=8\.0\.0\.0"
        @(Invoke-EmulatorControl -Emulator $emulator -Name requests).Count | Should -Be 0
    }
}
