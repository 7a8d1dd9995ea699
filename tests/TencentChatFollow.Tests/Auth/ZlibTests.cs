using System.IO.Compression;
using System.Text;
using TencentChatFollow.Auth;
using Xunit;

namespace TencentChatFollow.Tests.Auth;

public class ZlibTests
{
    private static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    private static byte[] Compressible(int length) => Enumerable.Range(0, length).Select(i => (byte)(i % 251 / 7)).ToArray();

    public static TheoryData<byte[]> Samples() => new()
    {
        RandomBytes(0),
        RandomBytes(1),
        RandomBytes(65537),
        Compressible(300_000),
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Compress_then_Decompress_round_trips(byte[] data)
    {
        Assert.Equal(data, Zlib.Decompress(Zlib.Compress(data)));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Compress_output_is_read_by_ZLibStream(byte[] data)
    {
        using var zlib = new ZLibStream(new MemoryStream(Zlib.Compress(data)), CompressionMode.Decompress);
        using var output = new MemoryStream();
        zlib.CopyTo(output);
        Assert.Equal(data, output.ToArray());
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.SmallestSize)]
    public void Decompress_reads_ZLibStream_output(CompressionLevel level)
    {
        var data = Compressible(100_000);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            zlib.Write(data);
        }
        Assert.Equal(data, Zlib.Decompress(compressed.ToArray()));
    }

    [Fact]
    public void Compress_writes_a_valid_header_and_a_big_endian_Adler32_trailer()
    {
        var data = Encoding.ASCII.GetBytes("Wikipedia");
        var compressed = Zlib.Compress(data);
        Assert.Equal(0x78, compressed[0]);
        Assert.Equal(0, (compressed[0] << 8 | compressed[1]) % 31);
        Assert.Equal(new byte[] { 0x11, 0xE6, 0x03, 0x98 }, compressed[^4..]);
    }

    [Theory]
    [InlineData("", 0x00000001u)]
    [InlineData("a", 0x00620062u)]
    [InlineData("Wikipedia", 0x11E60398u)]
    public void Adler32_matches_known_values(string text, uint expected)
    {
        var data = Encoding.ASCII.GetBytes(text);
        Assert.Equal(expected, Zlib.Adler32(data, 0, data.Length));
    }

    [Fact]
    public void Adler32_of_long_input_matches_a_naive_modular_sum()
    {
        var data = Enumerable.Repeat((byte)0xFF, 100_000).ToArray();
        ulong a = 1, b = 0;
        foreach (var x in data)
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }
        Assert.Equal((uint)(b << 16 | a), Zlib.Adler32(data, 0, data.Length));
    }

    [Fact]
    public void Adler32_honours_offset_and_count()
    {
        var data = Encoding.ASCII.GetBytes("xxWikipediayy");
        Assert.Equal(0x11E60398u, Zlib.Adler32(data, 2, 9));
    }

    [Fact]
    public void Decompress_rejects_a_corrupted_Adler32()
    {
        var compressed = Zlib.Compress(Encoding.ASCII.GetBytes("hello, hello, hello"));
        compressed[^1] ^= 0x01;
        var ex = Assert.Throws<FormatException>(() => Zlib.Decompress(compressed));
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x78, 0x9D)] // FCHECK wrong
    [InlineData(0x77, 0x85)] // CM 7, FCHECK right
    [InlineData(0x88, 0x1C)] // CINFO 8 (window too large), FCHECK right
    [InlineData(0x78, 0xBB)] // preset dictionary, FCHECK right
    public void Decompress_rejects_a_bad_header(byte cmf, byte flg)
    {
        Assert.Equal(0x9D == flg, (cmf << 8 | flg) % 31 != 0); // only the first case fails on FCHECK
        var compressed = Zlib.Compress(Encoding.ASCII.GetBytes("hello"));
        compressed[0] = cmf;
        compressed[1] = flg;
        Assert.Throws<FormatException>(() => Zlib.Decompress(compressed));
    }

    [Fact]
    public void Decompress_rejects_truncated_and_corrupt_data()
    {
        var compressed = Zlib.Compress(RandomBytes(1000));
        Assert.Throws<FormatException>(() => Zlib.Decompress(compressed[..5]));
        Assert.Throws<FormatException>(() => Zlib.Decompress(compressed[..^10]));
        Assert.Throws<FormatException>(() => Zlib.Decompress([0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1]));
    }

    [Fact]
    public void Decompress_rejects_output_beyond_maxLength()
    {
        var compressed = Zlib.Compress(new byte[10_000]);
        Assert.Equal(10_000, Zlib.Decompress(compressed, 10_000).Length);
        Assert.Throws<FormatException>(() => Zlib.Decompress(compressed, 9_999));
    }
}
