using System;
using System.IO;
using System.IO.Compression;

namespace TencentChatFollow.Auth;

/// <summary>
/// RFC 1950 zlib framing around <see cref="DeflateStream"/>: netstandard2.0 has no ZLibStream.
/// </summary>
internal static class Zlib
{
    // CMF 0x78: deflate, 32 KiB window. FLG 0x9C: default level, no dictionary, (0x789C % 31 == 0).
    private const byte Cmf = 0x78;
    private const byte Flg = 0x9C;
    private const int HeaderLength = 2;
    private const int TrailerLength = 4;

    public static byte[] Compress(byte[] data)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        using var output = new MemoryStream();
        output.WriteByte(Cmf);
        output.WriteByte(Flg);
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data, 0, data.Length);
        }

        var adler = Adler32(data, 0, data.Length);
        output.WriteByte((byte)(adler >> 24));
        output.WriteByte((byte)(adler >> 16));
        output.WriteByte((byte)(adler >> 8));
        output.WriteByte((byte)adler);
        return output.ToArray();
    }

    /// <summary>Inflates a zlib stream and checks its header and Adler-32.</summary>
    /// <param name="data">The zlib stream.</param>
    /// <param name="maxLength">Inflated size above which the data is rejected (guards against zip bombs).</param>
    /// <exception cref="FormatException">The data is not a valid zlib stream.</exception>
    public static byte[] Decompress(byte[] data, int maxLength = int.MaxValue)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }
        if (data.Length < HeaderLength + TrailerLength)
        {
            throw new FormatException("zlib data is too short.");
        }

        int cmf = data[0], flg = data[1];
        if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0)
        {
            throw new FormatException("zlib header is invalid.");
        }
        if ((flg & 0x20) != 0)
        {
            throw new FormatException("zlib data with a preset dictionary is not supported.");
        }

        byte[] inflated;
        try
        {
            using var input = new MemoryStream(data, HeaderLength, data.Length - HeaderLength - TrailerLength, writable: false);
            using var deflate = new DeflateStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = deflate.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > maxLength)
                {
                    throw new FormatException("zlib data inflates beyond the allowed size.");
                }
                output.Write(buffer, 0, read);
            }
            inflated = output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new FormatException("zlib data is corrupt.", ex);
        }

        var end = data.Length - TrailerLength;
        var expected = (uint)(data[end] << 24 | data[end + 1] << 16 | data[end + 2] << 8 | data[end + 3]);
        if (Adler32(inflated, 0, inflated.Length) != expected)
        {
            throw new FormatException("zlib checksum does not match.");
        }
        return inflated;
    }

    public static uint Adler32(byte[] data, int offset, int count)
    {
        const uint mod = 65521;
        const int maxRun = 5552; // the longest run before the sums can overflow 32 bits (zlib's NMAX)
        uint a = 1, b = 0;
        while (count > 0)
        {
            var run = Math.Min(count, maxRun);
            count -= run;
            while (run-- > 0)
            {
                a += data[offset++];
                b += a;
            }
            a %= mod;
            b %= mod;
        }
        return (b << 16) | a;
    }
}
