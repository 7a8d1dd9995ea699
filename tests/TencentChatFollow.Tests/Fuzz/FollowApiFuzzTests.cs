using Xunit;
using Xunit.Abstractions;

namespace TencentChatFollow.Tests.Fuzz;

/// <summary>
/// Issue 16: no answer a server sends can make a run wait without end, hand an id out twice or never, or show a
/// non-TencentChat error. Each API gets <see cref="CasesPerApi"/> seeded cases (FuzzAnswers says what is sent)
/// through the engine as the cmdlets drive it, on the fake transport and the instant clock.
/// </summary>
public class FollowApiFuzzTests
{
    private const int CasesPerApi = 10_000;

    /// <summary>
    /// The seeds to run: 0 to 9,999, or what TENCENTCHAT_FUZZ_SEEDS says ("123" for one case, "0-199999" for more)
    /// when looking into a failure or fuzzing longer.
    /// </summary>
    private static IReadOnlyList<int> Seeds()
    {
        var text = Environment.GetEnvironmentVariable("TENCENTCHAT_FUZZ_SEEDS");
        if (string.IsNullOrWhiteSpace(text)) return Enumerable.Range(0, CasesPerApi).ToList();
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var first = int.Parse(dash < 0 ? text : text[..dash], System.Globalization.CultureInfo.InvariantCulture);
        var last = dash < 0 ? first : int.Parse(text[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return Enumerable.Range(first, last - first + 1).ToList();
    }

    private readonly ITestOutputHelper _output;

    public FollowApiFuzzTests(ITestOutputHelper output) => _output = output;

    private void Fuzz(FuzzApi api)
    {
        var seeds = Seeds();
        var totals = new FuzzRunner.Totals();
        var failures = FuzzRunner.Run(api, seeds, totals);
        _output.WriteLine($"{api}: {seeds.Count} cases, {totals}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {seeds.Count} cases failed:\n" + string.Join("\n", failures.Take(40)));
        // The answers reach every way a run ends: results, errors for ids, runs stopped by a fatal answer.
        if (seeds.Count >= 1000)
        {
            Assert.InRange(totals.Results, seeds.Count / 2, int.MaxValue);
            Assert.InRange(totals.IdErrors, seeds.Count / 10, int.MaxValue);
            Assert.InRange(totals.Stops, seeds.Count / 50, int.MaxValue);
        }
    }

    [Fact]
    public void Follow_get_info_survives_every_answer() => Fuzz(FuzzApi.FollowGetInfo);

    [Fact]
    public void Follow_check_survives_every_answer() => Fuzz(FuzzApi.FollowCheck);

    [Fact]
    public void Follow_add_survives_every_answer() => Fuzz(FuzzApi.FollowAdd);

    [Fact]
    public void Follow_delete_survives_every_answer() => Fuzz(FuzzApi.FollowDelete);

    [Fact]
    public void Follow_get_survives_every_answer() => Fuzz(FuzzApi.FollowGet);
}
