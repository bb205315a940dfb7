using Akka.Actor;
using Alignak.Actors.Live;

namespace Alignak.Tests.Live;

/// <summary>
/// The entities' mailbox: messages in the order they came, a stashed message put back in front of them (what a
/// persistent actor does while its event is written), across the buffer's growth, wrap-around and shrinking.
/// </summary>
public class EntityMailboxTests
{
    private static Envelope Message(int n) => new(n, ActorRefs.NoSender);

    private static List<int> Drain(EntityMessageQueue queue)
    {
        var seen = new List<int>();
        while (queue.TryDequeue(out var envelope)) seen.Add((int)envelope.Message);
        return seen;
    }

    [Fact]
    public void Messages_come_out_in_order_with_unstashed_ones_first()
    {
        var queue = new EntityMessageQueue();
        Assert.False(queue.HasMessages);

        // Wrap the ring: take two out of four before the next come in, then grow it past its first size.
        for (var n = 1; n <= 4; n++) queue.Enqueue(ActorRefs.Nobody, Message(n));
        Assert.True(queue.TryDequeue(out var first));
        Assert.True(queue.TryDequeue(out var second));
        for (var n = 5; n <= 12; n++) queue.Enqueue(ActorRefs.Nobody, Message(n));
        // Unstashed messages go back in front, the last unstashed first (the stash prepends in reverse).
        queue.EnqueueFirst(Message(-2));
        queue.EnqueueFirst(Message(-1));

        Assert.Equal((1, 2), ((int)first.Message, (int)second.Message));
        Assert.Equal(12, queue.Count);
        Assert.Equal([-1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], Drain(queue));
        Assert.False(queue.HasMessages);
        Assert.False(queue.TryDequeue(out _));

        // Drained after a burst, it keeps working from its small buffer.
        queue.EnqueueFirst(Message(20));
        queue.Enqueue(ActorRefs.Nobody, Message(21));
        Assert.Equal([20, 21], Drain(queue));
    }

    [Fact]
    public void What_is_left_at_the_end_goes_to_dead_letters()
    {
        var queue = new EntityMessageQueue();
        var deadLetters = new EntityMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, Message(1));
        queue.Enqueue(ActorRefs.Nobody, Message(2));

        queue.CleanUp(ActorRefs.Nobody, deadLetters);

        Assert.False(queue.HasMessages);
        Assert.Equal([1, 2], Drain(deadLetters));
    }
}
