using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace TencentChatFollow.Tests.Fuzz;

/// <summary>
/// Replays fuzz cases with every request and answer in the test output, to look into a failing seed:
/// <c>TENCENTCHAT_FUZZ_REPLAY=FollowGet:11 dotnet test tests/TencentChatFollow.Tests --filter FuzzReplay --logger "console;verbosity=detailed"</c>
/// Without it, seed 0 of each API, which must end well.
/// </summary>
public class FuzzReplayTests
{
    private readonly ITestOutputHelper _output;

    public FuzzReplayTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Replays_a_case_with_its_requests_and_answers()
    {
        var asked = Environment.GetEnvironmentVariable("TENCENTCHAT_FUZZ_REPLAY");
        var cases = string.IsNullOrWhiteSpace(asked)
            ? Enum.GetValues<FuzzApi>().Select(api => (api, 0)).ToList()
            : new List<(FuzzApi, int)> { Parse(asked) };
        foreach (var (api, seed) in cases)
        {
            var lines = new List<string>();
            var outcome = FuzzRunner.RunCase(api, seed, trace: lines.Add);
            _output.WriteLine($"{api} seed {seed.ToString(CultureInfo.InvariantCulture)}: {outcome ?? "ended well"}");
            lines.ForEach(_output.WriteLine);
            Assert.True(outcome is null, $"{api} seed {seed.ToString(CultureInfo.InvariantCulture)}: {outcome}");
        }
    }

    private static (FuzzApi, int) Parse(string text)
    {
        var parts = text.Split(':');
        return (Enum.Parse<FuzzApi>(parts[0]), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
