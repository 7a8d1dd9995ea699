# Issue 10: spoiled items are asked for again, and oversized answers are refused unread, so no wrong count and no
# memory blow-up whatever the service (or a proxy) sends.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Support/Emulator.psm1') -Force
    Import-Module (Get-ModuleUnderTest) -Force
    $script:graph = New-TestGraph -Path (Join-Path $TestDrive 'graph.csv') -Users 3000 -Edges 15000 -Seed 17
    $script:expected = Get-ExpectedCount -Path $graph.Path
    # Its own SDKAppID: the rate limiter is per app for the whole process.
    $script:appId = 1400000311
    $script:emulator = Start-Emulator -EmulatorPath (Get-EmulatorBuildPath) -ArgumentList '--graph', $graph.Path, '--seed', '23', '--sdkappid', $appId
    $script:cred = Get-EmulatorCredential

    function Set-Faults([hashtable] $Settings) {
        $null = Invoke-EmulatorControl -Emulator $emulator -Name faults -Method Post -Body $Settings
        $null = Invoke-EmulatorControl -Emulator $emulator -Name reset -Method Post
    }

}

AfterAll {
    Disconnect-TencentChat
    $emulator | Stop-Emulator
}

Describe 'Spoiled answers' {
    It 'asks again for items that are missing, doubled, mistyped or negative, and every row comes out right' {
        Connect-TencentChat -SdkAppId $appId -Credential $cred -Endpoint $emulator.Url
        Set-Faults @{ rate = 0.2; kinds = @('missing', 'doubled', 'wrongtype', 'negative') }
        $ids = @($graph.Users | Select-Object -First 3000)
        $rows = @($ids | Get-TencentChatFollowInfo -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs | Should -BeNullOrEmpty
        Assert-Exact $rows $ids $expected
        (Invoke-EmulatorControl -Emulator $emulator -Name stats).faultsInjected | Should -BeGreaterThan 10
    }
}

Describe 'Oversized answers' {
    It 'refuses 20 MB answers unread and retries them; every row is right and the peak working set stays under 600 MB' {
        Set-Faults @{ rate = 0.2; kinds = @('oversize'); oversizeMb = 20 }
        $idsPath = Join-Path $TestDrive 'ids.txt'
        $ids = @($graph.Users | Select-Object -First 2000)
        Set-Content -LiteralPath $idsPath -Value $ids
        $script = @'
param($Module, $Url, $AppId, $Key, $Ids)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$secure = ConvertTo-SecureString $Key -AsPlainText -Force
Connect-TencentChat -SdkAppId $AppId -SecretKey $secure -Endpoint $Url -MaxRetry 8
$rows = @(Get-Content -LiteralPath $Ids | Get-TencentChatFollowInfo)
[pscustomobject]@{ Rows = $rows; PeakMB = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB } | ConvertTo-Json -Depth 3 -Compress
'@
        $scriptPath = Join-Path $TestDrive 'oversize.ps1'
        Set-Content -LiteralPath $scriptPath -Value $script
        $pwsh = Get-PwshCommandLine
        $out = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $scriptPath `
            -Module (Get-ModuleUnderTest) -Url $emulator.Url -AppId $appId -Key (Get-EmulatorIdentity).SecretKey -Ids $idsPath
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $result = @($out)[-1] | ConvertFrom-Json
        Assert-Exact $result.Rows $ids $expected
        $result.PeakMB | Should -BeLessThan 600
        (Invoke-EmulatorControl -Emulator $emulator -Name stats).faultsInjected | Should -BeGreaterThan 5
    }
}
