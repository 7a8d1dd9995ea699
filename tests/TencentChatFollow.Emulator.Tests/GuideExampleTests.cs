using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TencentChatFollow.Emulator.Tests;

/// <summary>
/// docs/emulator.md's curl examples against the control endpoints, run as written against a fresh emulator at the
/// well-known address's path: each answers with the JSON the guide shows under it (compared as JSON), or, when the
/// guide shows none, with an empty body.
/// </summary>
public class GuideExampleTests
{
    public static TheoryData<string> CurlExamples()
    {
        var guide = File.ReadAllText(RepositoryFiles.PathOf("docs/emulator.md")).ReplaceLineEndings("\n");
        var examples = new TheoryData<string>();
        foreach (Match block in Regex.Matches(guide, "(?ms)^```sh\n(curl .*?)^```$"))
        {
            examples.Add(block.Groups[1].Value);
        }
        return examples;
    }

    [Fact]
    public void The_guide_has_curl_examples_for_the_control_endpoints() =>
        Assert.True(CurlExamples().Count >= 4, "docs/emulator.md's ```sh blocks with curl lines");

    [Theory]
    [MemberData(nameof(CurlExamples))]
    public async Task A_curl_example_answers_as_the_guide_shows(string example)
    {
        var lines = example.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var command = Regex.Match(lines[0], @"^curl (?:-X (?<method>[A-Z]+) )?http://127\.0\.0\.1:5080(?<path>/\S+)\s*(?:-d '(?<body>[^']*)')?\s*$");
        Assert.True(command.Success, $"a curl line this test reads: {lines[0]}");
        var shown = string.Join("\n", lines.Skip(1));

        await using var emulator = await TestEmulator.StartAsync();
        using var request = new HttpRequestMessage(
            new HttpMethod(command.Groups["method"].Success ? command.Groups["method"].Value : command.Groups["body"].Success ? "POST" : "GET"),
            command.Groups["path"].Value);
        if (command.Groups["body"].Success)
        {
            request.Content = new StringContent(command.Groups["body"].Value, Encoding.UTF8, "application/x-www-form-urlencoded");
        }
        using var response = await emulator.Http.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {answer}");
        if (shown.Length == 0)
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            return;
        }
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(shown), JsonNode.Parse(answer)), $"the guide shows\n{shown}\nthe emulator answered\n{answer}");
    }
}
