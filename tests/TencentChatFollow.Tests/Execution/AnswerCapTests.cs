using System.Net;
using System.Net.Http;
using TencentChatFollow.Execution;
using Xunit;

namespace TencentChatFollow.Tests.Execution;

/// <summary>The answer size cap: a body over the cap is refused without being read whole; one under it comes back exact.</summary>
public class AnswerCapTests
{
    /// <summary>A stream that counts what was read from it and would go on for ever.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }
        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)'x', offset, count);
            BytesRead += count;
            return count;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_is_refused_without_reading_anything()
    {
        var stream = new EndlessStream();
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream) };
        response.Content.Headers.ContentLength = 20L * 1024 * 1024;

        Assert.Null(await CallTransport.ReadCappedAsync(response, 1024 * 1024, CancellationToken.None));
        Assert.Equal(0, stream.BytesRead);
    }

    [Fact]
    public async Task An_endless_body_without_a_length_is_read_only_to_just_past_the_cap()
    {
        var stream = new EndlessStream();
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream, 4096) };
        response.Content.Headers.ContentLength = null;

        Assert.Null(await CallTransport.ReadCappedAsync(response, 1024 * 1024, CancellationToken.None));
        Assert.InRange(stream.BytesRead, 1024 * 1024 + 1, 1024 * 1024 + 64 * 1024);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3000)]
    [InlineData(16 * 1024 + 5)]
    [InlineData(1024 * 1024)]
    public async Task A_body_within_the_cap_comes_back_exactly(int size)
    {
        var body = Enumerable.Range(0, size).Select(i => (byte)(i % 251)).ToArray();
        foreach (var declared in new[] { true, false })
        {
            using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(body), 1000) };
            response.Content.Headers.ContentLength = declared ? size : null;
            Assert.Equal(body, await CallTransport.ReadCappedAsync(response, 1024 * 1024, CancellationToken.None));
        }
    }
}
