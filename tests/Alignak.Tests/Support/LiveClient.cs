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
    /// <summary>When set, the client stops reading until it completes (a slow consumer).</summary>
    public Task? Stall { get; set; }

    private LiveClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<JsonElement>("live", async batch =>
        {
            if (Stall is { } stall) await stall;
            foreach (var message in batch.EnumerateArray()) _received.Writer.TryWrite(JsonNode.Parse(message.GetRawText())!.AsObject());
        });
    }

    public static HubConnection Build(Uri server, string? token) => new HubConnectionBuilder()
        .WithUrl(new Uri(server, "/hubs/live"), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            if (token is not null) options.AccessTokenProvider = () => Task.FromResult<string?>(token);
        })
        .Build();

    public static async Task<LiveClient> ConnectAsync(Uri server, string token)
    {
        var client = new LiveClient(Build(server, token));
        await client.Connection.StartAsync(TestContext.Current.CancellationToken);
        return client;
    }

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
            throw new Xunit.Sdk.XunitException($"No {what} within {Patience.TotalSeconds} s; got: {string.Join("\n", Seen.Select(m => m.ToJsonString()))}");
        }
    }

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

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
