using System.Diagnostics;
using System.Text;

namespace Alignak.Tests.Streams;

/// <summary>
/// Reads carbon pickle messages the way carbon does: Debian's python3 takes the bytes on stdin, splits them on the
/// 4-byte big-endian length, unpickles each payload with globals refused (as carbon's safe unpickler), and prints
/// <c>repr</c> of each message's list plus its payload length, one line per message.
/// </summary>
internal static class PythonUnpickler
{
    private const string Script = """
        import io, pickle, struct, sys

        class NoGlobals(pickle.Unpickler):
            def find_class(self, module, name):
                raise pickle.UnpicklingError("global refused: %s.%s" % (module, name))

        data = sys.stdin.buffer.read()
        at = 0
        while at < len(data):
            (length,) = struct.unpack("!L", data[at:at + 4])
            payload = data[at + 4:at + 4 + length]
            assert len(payload) == length, "short message"
            items = NoGlobals(io.BytesIO(payload)).load()
            assert type(items) is list
            for path, (ts, value) in items:
                assert type(path) is str and type(ts) is int and type(value) is float, repr((path, ts, value))
            print(length, repr(items))
            at += 4 + length
        """;

    public static IReadOnlyList<(int PayloadLength, string Repr)> Decode(params byte[][] messages)
    {
        var start = new ProcessStartInfo("python3", ["-c", Script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var input = process.StandardInput.BaseStream)
            foreach (var message in messages) input.Write(message);
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            throw new TimeoutException("python3 did not finish");
        }
        Assert.True(process.ExitCode == 0, $"python3 failed: {stderr.Result}");
        return stdout.Result
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .Select(parts => (int.Parse(parts[0]), parts[1]))
            .ToList();
    }
}
