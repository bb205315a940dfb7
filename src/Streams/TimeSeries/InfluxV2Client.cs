using System.Net.Sockets;
using InfluxDB.Client;
using InfluxDB.Client.Core.Exceptions;
using WritePrecision = InfluxDB.Client.Api.Domain.WritePrecision;

namespace Alignak.Streams.TimeSeries;

/// <summary>
/// InfluxDB 2.x write API (<c>/api/v2/write</c>) through InfluxDB.Client's <see cref="WriteApiAsync"/>: one call per
/// batch of our pipeline, which does the batching (the client's own batching WriteApi is not used), with the item's
/// token, organization and bucket, line protocol in seconds as the 1.x path.
/// </summary>
public sealed class InfluxV2Client : ITimeSeriesClient
{
    private readonly InfluxTarget _target;
    private readonly InfluxDBClient _client;
    private readonly WriteApiAsync _write;

    public InfluxV2Client(InfluxTarget target, TimeSpan timeout)
    {
        _target = target;
        _client = new InfluxDBClient(new InfluxDBClientOptions(new UriBuilder("http", target.Address, target.Port).Uri.ToString())
        {
            Token = target.Token, Org = target.Organization, Bucket = target.V2Bucket, Timeout = timeout,
        });
        _write = _client.GetWriteApiAsync();
    }

    public async Task SendAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        var lines = points.Select(p => InfluxLineProtocol.Format(p, InfluxPrecision.Seconds)).ToList();
        try
        {
            await _write.WriteRecordsAsync(lines, WritePrecision.S, _target.V2Bucket, _target.Organization, cancellationToken);
        }
        // 400 and 422: points the server will never take. 401/403/404 (token, unknown bucket), 5xx and no answer at
        // all are the configuration's or the server's state: parked until they are fixed.
        catch (HttpException e) when (e.Status is 400 or 422)
        {
            throw new TargetRejectedException($"influxdb {_target.Name}: {e.Message}");
        }
        catch (Exception e) when (e is HttpException or HttpRequestException or SocketException or IOException
                                      or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new TargetUnavailableException($"influxdb {_target.Address}:{_target.Port} (v2): {e.Message}", e);
        }
    }

    public void Dispose() => _client.Dispose();
}
