using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Alignak.Streams.TimeSeries;

/// <summary>The database could not be reached or did not take the points now: they are parked and sent again later.</summary>
public sealed class TargetUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The database refused the points themselves: sending them again would fail again, so they are dropped and counted.</summary>
public sealed class TargetRejectedException(string message) : Exception(message);

/// <summary>Sends points to one database; throws <see cref="TargetUnavailableException"/> or <see cref="TargetRejectedException"/>.</summary>
public interface ITimeSeriesClient : IDisposable
{
    Task SendAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken);

    public static ITimeSeriesClient For(TimeSeriesTarget target, TimeSpan timeout) => target switch
    {
        { Statsd: { } statsd } => new StatsdClient(statsd, (target as GraphiteTarget)?.Prefix),
        GraphiteTarget graphite => new CarbonPickleClient(graphite, timeout),
        InfluxTarget { V2: true } influx => new InfluxV2Client(influx, timeout),
        InfluxTarget influx => new InfluxClient(influx, timeout),
        _ => throw new ArgumentException($"no client for {target.GetType().Name}", nameof(target)),
    };
}

/// <summary>
/// Carbon's pickle receiver, one connection per batch. Carbon never acknowledges, so after the last message the
/// connection is half-closed and the sender waits for carbon to close its side: carbon reads and caches every message
/// before it does, so a batch counts as sent only once carbon has it. A batch cut by a failure is sent again whole;
/// the points it repeats land on the same whisper slots (timestamp, value), so nothing is counted twice.
/// </summary>
public sealed class CarbonPickleClient(GraphiteTarget target, TimeSpan timeout) : ITimeSeriesClient
{
    public async Task SendAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var datapoints = points.Select(p => GraphitePaths.ToCarbon(p, target.Prefix, target.RealmsPrefix));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(target.Address, target.Port, deadline.Token);
            var stream = client.GetStream();
            foreach (var message in CarbonPickle.EncodeMessages(datapoints))
                await stream.WriteAsync(message, deadline.Token);
            client.Client.Shutdown(SocketShutdown.Send);
            var scratch = new byte[256];
            while (await stream.ReadAsync(scratch, deadline.Token) > 0)
            {
                // Carbon sends nothing; whatever comes is ignored until it closes.
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new TargetUnavailableException($"carbon {target.Address}:{target.Port}: {e.Message}", e);
        }
    }

    public void Dispose() { }
}

/// <summary>
/// InfluxDB 1.x <c>/write</c> (line protocol, seconds precision), with the item's login and password as Basic
/// authentication (1.x reads it as u/p, and it keeps the password out of URLs and proxy logs).
/// </summary>
public sealed class InfluxClient : ITimeSeriesClient
{
    private readonly HttpClient _http;
    private readonly InfluxTarget _target;
    private readonly string _writePath;

    public InfluxClient(InfluxTarget target, TimeSpan timeout)
    {
        _target = target;
        _http = new HttpClient { Timeout = timeout, BaseAddress = new UriBuilder("http", target.Address, target.Port).Uri };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{target.Login}:{target.Password}")));
        _writePath = $"/write?db={Uri.EscapeDataString(target.Database)}&precision={InfluxPrecision.Seconds.QueryValue()}";
    }

    public async Task SendAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        var body = string.Join('\n', points.Select(p => InfluxLineProtocol.Format(p, InfluxPrecision.Seconds)));
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(_writePath, new StringContent(body, Encoding.UTF8, "text/plain"), cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new TargetUnavailableException($"influxdb {_target.Address}:{_target.Port}: {e.Message}", e);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode) return;
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            // 400: points InfluxDB will never take (a field type conflict). 401/403/404 (credentials, unknown
            // database) and 5xx are the configuration's or the server's state: parked until they are fixed.
            if (response.StatusCode == HttpStatusCode.BadRequest)
                throw new TargetRejectedException($"influxdb {_target.Name}: {detail.Trim()}");
            throw new TargetUnavailableException($"influxdb {_target.Name}: HTTP {(int)response.StatusCode} {detail.Trim()}");
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>StatsD over UDP, one datagram per point; as the original, a send is always a success (UDP cannot tell).</summary>
public sealed class StatsdClient(StatsdEndpoint endpoint, string? prefix) : ITimeSeriesClient
{
    private readonly UdpClient _udp = new(AddressFamily.InterNetwork);

    public async Task SendAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        foreach (var point in points)
        {
            var datagram = Encoding.UTF8.GetBytes(StatsdLines.Format(point, prefix));
            try
            {
                await _udp.SendAsync(datagram, endpoint.Address, endpoint.Port, cancellationToken);
            }
            catch (SocketException)
            {
                // Nobody listening (an ICMP refusal seen on a later send): UDP metrics are best effort.
            }
        }
    }

    public void Dispose() => _udp.Dispose();
}
