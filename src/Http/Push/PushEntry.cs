namespace Alignak.Http.Push;

/// <summary>One message for one subscription; numbered when taken for sending (replays keep their number).</summary>
internal sealed class PushEntry(PushSubscription subscription, PushMessage message)
{
    public PushSubscription Subscription { get; } = subscription;
    public PushMessage Message { get; set; } = message;
    public long? Seq { get; set; }
}
