using System.Net;
using System.Text;

namespace TencentChatFollow.Emulator.Tests;

/// <summary>Runs alone, so that the memory the process allocates during a test is the emulator's and the test's own.</summary>
[CollectionDefinition(nameof(AllocationMeasuringGroup), DisableParallelization = true)]
public sealed class AllocationMeasuringGroup;

/// <summary>The 'oversize' fault: a valid answer padded to --oversize-mb MiB, written in chunks.</summary>
[Collection(nameof(AllocationMeasuringGroup))]
public class OversizeTests
{
    private const string Graph = "alice,bob\nbob,alice\ncarol,alice";
    private const string ThreeIds = """{"From_Account":"alice","To_Account":["alice","bob","carol"]}""";
    private const int MiB = 1024 * 1024;

    /// <summary>
    /// Reads a body as a stream, keeping a copy in which every run of one byte longer than 64 is cut to 64: such a copy
    /// is valid JSON exactly when the original is (when the runs are letters or spaces), and it stays small.
    /// </summary>
    private static async Task<(long Length, string Squeezed)> ReadSqueezedAsync(HttpResponseMessage response)
    {
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        var squeezed = new MemoryStream();
        var (length, last, run) = (0L, -1, 0L);
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            length += read;
            for (var i = 0; i < read; i++)
            {
                run = buffer[i] == last ? run + 1 : 1;
                last = buffer[i];
                if (run <= 64)
                {
                    squeezed.WriteByte(buffer[i]);
                }
            }
        }
        return (length, Encoding.UTF8.GetString(squeezed.ToArray()));
    }

    [Fact]
    public async Task Oversize_is_a_valid_answer_padded_to_the_size_set_at_run_time()
    {
        await using var emulator = await TestEmulator.StartAsync(graphCsv: Graph);
        var genuine = Envelope.AssertOk(await emulator.CallAsync(body: ThreeIds)).Select(i => i.GetRawText()).ToList();
        var settings = await emulator.SetFaultsAsync(new { rate = 1.0, kinds = new[] { "oversize" }, oversizeMb = 1.5 });
        Assert.Equal(1.5, settings.GetProperty("oversizeMb").GetDouble());

        using var response = await emulator.PostAsync(body: ThreeIds);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3 * MiB / 2, body.Length);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var envelope = TestEmulator.Parse(Encoding.UTF8.GetString(body));
        Assert.Equal(genuine, Envelope.AssertOk(envelope).Select(i => i.GetRawText()));
        var entry = (await emulator.GetJsonAsync("/_emulator/requests"))[1];
        Assert.Equal("oversize", entry.GetProperty("fault").GetString());
        Assert.Equal(200, entry.GetProperty("httpStatus").GetInt32());
    }

    [Fact]
    public async Task The_default_20_mib_answer_is_streamed_without_the_emulator_holding_it_in_memory()
    {
        var (options, errors) = EmulatorOptions.Parse(["--fault-rate", "1", "--faults", "oversize"]);
        Assert.Empty(errors);
        await using var emulator = await TestEmulator.StartAsync(options, Graph);
        Assert.Equal(20, (await emulator.GetJsonAsync("/_emulator/faults")).GetProperty("oversizeMb").GetDouble());
        // Warm up the connection and the code paths, so the measurement below sees one call only.
        using (var warmUp = await emulator.PostAsync(body: ThreeIds, completion: HttpCompletionOption.ResponseHeadersRead))
        {
            await ReadSqueezedAsync(warmUp);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var response = await emulator.PostAsync(body: ThreeIds, completion: HttpCompletionOption.ResponseHeadersRead);
        var (length, squeezed) = await ReadSqueezedAsync(response);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(20L * MiB, length);
        Assert.Equal(length, response.Content.Headers.ContentLength);
        Assert.Equal(3, Envelope.AssertOk(TestEmulator.Parse(squeezed)).Length);
        // Building the answer in one piece would take at least its 20 MiB (twice that as a .NET string).
        Assert.True(allocated < 4 * MiB, $"the process allocated {allocated:N0} bytes during the call");
    }

    [Fact]
    public async Task A_size_below_the_answer_itself_still_gives_a_valid_answer()
    {
        var options = new EmulatorOptions { FaultRate = 1, Faults = [FaultKind.Oversize], OversizeMb = 0.0001 }; // 105 bytes
        await using var emulator = await TestEmulator.StartAsync(options, Graph);

        using var response = await emulator.PostAsync(body: ThreeIds);
        var envelope = TestEmulator.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(3, Envelope.AssertOk(envelope).Length);
        Assert.Equal("", envelope.GetProperty(ApiReply.PaddingField).GetString());
    }
}
