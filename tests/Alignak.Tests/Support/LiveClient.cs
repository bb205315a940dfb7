using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Alignak.Tests.Support;

/// <summary>A real SignalR client of the live push hub (WebSockets over loopback), recording every message it gets.</summary>
public sealed class LiveClient : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly Channel<JsonObject> _received = Channel.CreateUnbounded<JsonObject>();

    public HubConnection Connection { get; }
    /// <summary>Every message so far, in arrival order.</summary>
    public List<JsonObject> Seen { get; } = [];
    private readonly SlowSocket? _socket;

    private LiveClient(HubConnection connection, SlowSocket? socket)
    {
        Connection = connection;
        _socket = socket;
        connection.On<JsonElement>("live", batch =>
        {
            foreach (var message in batch.EnumerateArray()) _received.Writer.TryWrite(JsonNode.Parse(message.GetRawText())!.AsObject());
        });
    }

    public static HubConnection Build(Uri server, string? token, SlowSocket? socket = null) => new HubConnectionBuilder()
        .WithUrl(new Uri(server, "/hubs/live"), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            if (token is not null) options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            if (socket is not null) options.WebSocketFactory = (context, cancellationToken) => socket.ConnectAsync(context.Uri, token, cancellationToken);
        })
        .Build();

    /// <param name="slow">The client's socket can stop reading (<see cref="StopReading"/>): a slow or dead consumer.</param>
    public static async Task<LiveClient> ConnectAsync(Uri server, string token, bool slow = false)
    {
        var socket = slow ? new SlowSocket() : null;
        var client = new LiveClient(Build(server, token, socket), socket);
        await client.Connection.StartAsync(TestContext.Current.CancellationToken);
        return client;
    }

    /// <summary>The client stops reading its socket (its SignalR client would queue messages without limit otherwise).</summary>
    public void StopReading() => _socket!.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ResumeReading() => _socket!.Gate.TrySetResult();

    public async Task<JsonObject> SubscribeAsync(string scope, string? id = null, bool subRealms = false, string? resume = null, long seq = 0)
    {
        var request = new JsonObject { ["scope"] = scope, ["id"] = id, ["sub_realms"] = subRealms, ["resume"] = resume, ["seq"] = seq };
        var reply = await Connection.InvokeAsync<JsonElement>("Subscribe", request, TestContext.Current.CancellationToken);
        return JsonNode.Parse(reply.GetRawText())!.AsObject();
    }

    /// <summary>The next message that matches, skipping (and keeping in <see cref="Seen"/>) the others.</summary>
    public async Task<JsonObject> NextAsync(Func<JsonObject, bool> match, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        try
        {
            while (true)
            {
                var message = await _received.Reader.ReadAsync(timeout.Token);
                Seen.Add(message);
                if (match(message)) return message;
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            var last = Seen.TakeLast(20).Select(m => m.ToJsonString()).Select(json => json.Length > 300 ? json[..300] + "…" : json);
            throw new Xunit.Sdk.XunitException($"No {what} within {Patience.TotalSeconds} s; got {Seen.Count} messages, the last: {string.Join("\n", last)}");
        }
    }

    /// <summary>A message already seen that matches, or the next one.</summary>
    public async Task<JsonObject> SeenOrNextAsync(Func<JsonObject, bool> match, string what) =>
        Seen.FirstOrDefault(match) ?? await NextAsync(match, what);

    /// <summary>Whatever arrives within <paramref name="quiet"/> (to check that something did not arrive).</summary>
    public async Task<List<JsonObject>> DrainAsync(TimeSpan quiet)
    {
        var got = new List<JsonObject>();
        using var timeout = new CancellationTokenSource(quiet);
        try
        {
            while (true)
            {
                var message = await _received.Reader.ReadAsync(timeout.Token);
                Seen.Add(message);
                got.Add(message);
            }
        }
        catch (OperationCanceledException) { }
        return got;
    }

    public static bool IsState(JsonObject message, string id) => (string?)message["type"] == "state" && (string?)message["id"] == id;

    public async ValueTask DisposeAsync()
    {
        _socket?.Gate.TrySetResult();
        await Connection.DisposeAsync();
    }
}

/// <summary>A client WebSocket whose reads wait while its gate is closed: the network side of a slow consumer.</summary>
public sealed class SlowSocket : WebSocket
{
    private readonly ClientWebSocket _inner = new();

    public TaskCompletionSource Gate { get; set; } = Opened();

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource();
        open.SetResult();
        return open;
    }

    public async ValueTask<WebSocket> ConnectAsync(Uri uri, string? token, CancellationToken cancellationToken)
    {
        if (token is not null) _inner.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await _inner.ConnectAsync(uri, cancellationToken);
        return this;
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        await Gate.Task.WaitAsync(cancellationToken);
        return await _inner.ReceiveAsync(buffer, cancellationToken);
    }

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await Gate.Task.WaitAsync(cancellationToken);
        return await _inner.ReceiveAsync(buffer, cancellationToken);
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        _inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        _inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    public override WebSocketCloseStatus? CloseStatus => _inner.CloseStatus;
    public override string? CloseStatusDescription => _inner.CloseStatusDescription;
    public override WebSocketState State => _inner.State;
    public override string? SubProtocol => _inner.SubProtocol;
    public override void Abort() => _inner.Abort();

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        _inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        _inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Dispose() => _inner.Dispose();
}
