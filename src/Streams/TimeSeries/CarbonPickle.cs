using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Alignak.Streams.TimeSeries;

/// <summary>
/// Messages for carbon's pickle receiver (port 2004, what the original used): a 4-byte big-endian payload length, then
/// a pickle (protocol 2 opcodes only) of <c>[(path, (timestamp, value)), ...]</c>. Timestamps are ints and values
/// floats; carbon casts both to float anyway. No globals are pickled, so carbon's safe unpickler accepts it.
/// </summary>
public static class CarbonPickle
{
    public const int DefaultPort = 2004;

    /// <summary>
    /// Carbon's receiver drops the connection on a payload above 2^20 bytes (its Int32StringReceiver MAX_LENGTH), losing
    /// the whole message, so batches are cut below it.
    /// </summary>
    public const int MaxPayloadBytes = 1 << 20;

    private const byte Proto = 0x80, EmptyList = (byte)']', Mark = (byte)'(', Appends = (byte)'e', Stop = (byte)'.';
    private const byte BinUnicode = (byte)'X', BinInt = (byte)'J', Long1 = 0x8a, BinFloat = (byte)'G', Tuple2 = 0x86;

    // PROTO 2, EMPTY_LIST, MARK ... APPENDS, STOP.
    private const int FrameBytes = 2 + 1 + 1 + 1 + 1;

    /// <summary>One message with every datapoint, whatever its size; <see cref="EncodeMessages"/> is what a sender uses.</summary>
    public static byte[] Encode(IReadOnlyCollection<CarbonDatapoint> datapoints)
    {
        var buffer = new MemoryStream();
        WriteMessage(buffer, datapoints);
        return buffer.ToArray();
    }

    /// <summary>
    /// Messages of whole datapoints, each payload at most <paramref name="maxPayloadBytes"/>. A datapoint too big
    /// for any message on its own goes alone (carbon will refuse it; it does not take its neighbours down with it).
    /// </summary>
    public static IEnumerable<byte[]> EncodeMessages(IEnumerable<CarbonDatapoint> datapoints, int maxPayloadBytes = MaxPayloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadBytes, FrameBytes + 1);
        var batch = new List<CarbonDatapoint>();
        var size = FrameBytes;
        foreach (var point in datapoints)
        {
            var itemSize = EncodedSize(point);
            if (batch.Count > 0 && size + itemSize > maxPayloadBytes)
            {
                yield return Encode(batch);
                batch = [];
                size = FrameBytes;
            }
            batch.Add(point);
            size += itemSize;
        }
        if (batch.Count > 0) yield return Encode(batch);
    }

    private static void WriteMessage(MemoryStream buffer, IReadOnlyCollection<CarbonDatapoint> datapoints)
    {
        Span<byte> scratch = stackalloc byte[9];
        buffer.Write(scratch[..4]); // length, patched below
        buffer.WriteByte(Proto);
        buffer.WriteByte(2);
        buffer.WriteByte(EmptyList);
        if (datapoints.Count > 0)
        {
            buffer.WriteByte(Mark);
            foreach (var point in datapoints)
            {
                var path = Encoding.UTF8.GetBytes(point.Path);
                buffer.WriteByte(BinUnicode);
                BinaryPrimitives.WriteInt32LittleEndian(scratch, path.Length);
                buffer.Write(scratch[..4]);
                buffer.Write(path);

                WriteInt(buffer, point.Timestamp, scratch);

                buffer.WriteByte(BinFloat);
                BinaryPrimitives.WriteDoubleBigEndian(scratch, point.Value);
                buffer.Write(scratch[..8]);

                buffer.WriteByte(Tuple2); // (timestamp, value)
                buffer.WriteByte(Tuple2); // (path, (timestamp, value))
            }
            buffer.WriteByte(Appends);
        }
        buffer.WriteByte(Stop);

        var payloadLength = (int)buffer.Length - 4;
        BinaryPrimitives.WriteInt32BigEndian(buffer.GetBuffer().AsSpan(0, 4), payloadLength);
    }

    private static void WriteInt(MemoryStream buffer, long value, Span<byte> scratch)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            buffer.WriteByte(BinInt);
            BinaryPrimitives.WriteInt32LittleEndian(scratch, (int)value);
            buffer.Write(scratch[..4]);
            return;
        }
        // Past 2038 (or before 1901): LONG1, little-endian two's complement, as Python writes big ints.
        var bytes = new BigInteger(value).ToByteArray();
        buffer.WriteByte(Long1);
        buffer.WriteByte((byte)bytes.Length);
        buffer.Write(bytes);
    }

    private static int EncodedSize(CarbonDatapoint point)
    {
        var timestamp = point.Timestamp is >= int.MinValue and <= int.MaxValue
            ? 5
            : 2 + new BigInteger(point.Timestamp).GetByteCount();
        return 1 + 4 + Encoding.UTF8.GetByteCount(point.Path) + timestamp + 9 + 2;
    }
}
