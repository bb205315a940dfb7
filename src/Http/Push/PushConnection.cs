namespace Alignak.Http.Push;

/// <summary>One SignalR connection: its subscriptions and the wake-up of its sender.</summary>
internal sealed class PushConnection(string id, PushViewer viewer)
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _closing = new();
    private int _awake;

    public string Id { get; } = id;
    public PushViewer Viewer { get; } = viewer;
    /// <summary>Guards the subscriptions' reading, numbering and moves.</summary>
    public Lock Gate { get; } = new();
    public PushSubscription[] Subscriptions { get; set; } = [];
    public Task? Sender { get; set; }
    public CancellationToken Closing => _closing.Token;

    public void Wake()
    {
        if (Interlocked.Exchange(ref _awake, 1) == 0) _wake.Release();
    }

    /// <summary>Waits to be woken; false once the connection is closed. Wakes do nothing until <see cref="Rearm"/>.</summary>
    public async Task<bool> WaitAsync()
    {
        try
        {
            await _wake.WaitAsync(_closing.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Called before reading the log: a change appended from now on wakes the sender again.</summary>
    public void Rearm() => Volatile.Write(ref _awake, 0);

    public void Close() => _closing.Cancel();
}
