using System.Text;

namespace Alignak.Actors.Messaging;

/// <summary>
/// What one message between nodes may hold. Akka.Remote drops a message larger than its frame (and says so only in
/// the sender's log), so a node would silently miss it: what may grow with a write (a reply, a publication) is cut
/// into parts under <see cref="PartBudget"/>, and what cannot be cut (one document, one command's body) is refused
/// with 413 before anything is written when it could not cross. Akka.Remote's frame is derived from here
/// (<see cref="FrameSize"/>), so the two cannot drift apart.
/// </summary>
public sealed class MessageLimits
{
    /// <summary>
    /// Estimated bytes (UTF-8 of the texts, plus a little per item) of one part. Serialized, a part is at most about
    /// twice that (JSON text inside JSON: a quote or backslash costs two bytes), well under the smallest frame.
    /// </summary>
    public const long PartBudget = 1 << 20;

    public const long MinimumFrame = 4 << 20;

    /// <summary>A frame's length is an int on the wire; past 1 GiB a body limit no longer raises it.</summary>
    public const long MaximumFrame = 1 << 30;

    /// <param name="maxRequestBytes">The largest request body the server reads (MAX_REQUEST_BODY_SIZE).</param>
    public MessageLimits(long maxRequestBytes)
    {
        FrameSize = Math.Clamp(2 * maxRequestBytes + PartBudget, MinimumFrame, MaximumFrame);
        MaxTextBytes = (FrameSize - PartBudget) / 2;
    }

    /// <summary>Akka.Remote's <c>maximum-frame-size</c>: a whole request body fits in one command, escaped.</summary>
    public long FrameSize { get; }

    /// <summary>The largest JSON text (a document, a command's body) that one message between nodes carries.</summary>
    public long MaxTextBytes { get; }

    /// <summary>Whether a text of these UTF-8 bytes can cross in one message.</summary>
    public bool Fits(long textBytes) => textBytes <= MaxTextBytes;

    /// <summary>Whether <paramref name="text"/> can cross in one message (counted only when it might not).</summary>
    public bool Fits(string? text) => text is null || (long)text.Length * 3 <= MaxTextBytes || Fits(Bytes(text));

    public static long Bytes(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);

    /// <summary>
    /// Consecutive ranges of <paramref name="sizes"/> whose sums stay within <paramref name="budget"/>; an item larger
    /// than the budget has a range of its own. At least one range, empty when there is nothing.
    /// </summary>
    public static List<Range> Pack(IReadOnlyList<long> sizes, long budget = PartBudget)
    {
        var ranges = new List<Range>();
        var (start, sum) = (0, 0L);
        for (var i = 0; i < sizes.Count; i++)
        {
            if (i > start && sum + sizes[i] > budget)
            {
                ranges.Add(start..i);
                (start, sum) = (i, 0);
            }
            sum += sizes[i];
        }
        ranges.Add(start..sizes.Count);
        return ranges;
    }
}
