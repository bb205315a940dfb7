using System.Globalization;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;

namespace Alignak.Streams.TimeSeries;

/// <summary>A parked point and the retention document that holds it.</summary>
public sealed record ParkedPoint(string DocumentId, MetricPoint Point);

/// <summary>Where a target's points wait while it is down, oldest first (<see cref="TimeSeriesPark"/>; tests keep theirs in memory).</summary>
public interface ITimeSeriesPark
{
    int LimitPerTarget { get; }

    /// <summary>Parks the points after those already parked; returns how many of the oldest were dropped to stay bounded.</summary>
    Task<int> AddAsync(TimeSeriesTarget target, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken);

    int Count(TimeSeriesTarget target);

    /// <summary>Up to <paramref name="count"/> parked points of the target, oldest first.</summary>
    IReadOnlyList<ParkedPoint> Oldest(TimeSeriesTarget target, int count);

    Task RemoveAsync(IReadOnlyList<ParkedPoint> sent, CancellationToken cancellationToken);
}

/// <summary>
/// Points a database could not take, kept in the original's <c>timeseriesretention</c> resource (one document per
/// point: name, realm, host, service, value as text, uom, timestamp, and the graphite or influxdb id), so they survive
/// a restart and clients see them as they did. Bounded per target: past <paramref name="limitPerTarget"/> points the
/// oldest go, and how many is counted and logged by the caller.
/// </summary>
public sealed class TimeSeriesPark(DocumentIndex index, DocumentWriter writer, int limitPerTarget) : ITimeSeriesPark
{
    public const string Resource = "timeseriesretention";

    // Adds, trims and removals one at a time, so a trim never races a replay's removal of the same documents.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public int LimitPerTarget => limitPerTarget;

    /// <summary>Parks the points after those already parked; returns how many of the oldest were dropped to stay bounded.</summary>
    public async Task<int> AddAsync(TimeSeriesTarget target, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        if (points.Count == 0) return 0;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var items = new JsonArray();
            // More points than the bound in one batch: only the newest can stay.
            foreach (var point in points.Skip(Math.Max(0, points.Count - limitPerTarget)))
                items.Add(Document(target, point));
            var dropped = points.Count - items.Count;
            await WriteAsync(new CreateDocuments(Resource, items.ToJsonString(), null), cancellationToken);

            var parked = Ids(target);
            if (parked.Count > limitPerTarget)
            {
                var oldest = parked.Take(parked.Count - limitPerTarget).ToList();
                await WriteAsync(new DeleteAllDocuments(Resource, null, oldest), cancellationToken);
                dropped += oldest.Count;
            }
            return dropped;
        }
        finally { _gate.Release(); }
    }

    public int Count(TimeSeriesTarget target) => Ids(target).Count;

    /// <summary>Up to <paramref name="count"/> parked points of the target, oldest first.</summary>
    public IReadOnlyList<ParkedPoint> Oldest(TimeSeriesTarget target, int count) =>
        index.Collection(Resource).Read(view => view.All()
            .Where(d => Belongs(d, target.Resource, target.Id))
            .Take(count)
            .Select(d => new ParkedPoint((string)d["_id"]!, Point(d)))
            .ToList());

    public async Task RemoveAsync(IReadOnlyList<ParkedPoint> sent, CancellationToken cancellationToken)
    {
        if (sent.Count == 0) return;
        await _gate.WaitAsync(cancellationToken);
        try { await WriteAsync(new DeleteAllDocuments(Resource, null, sent.Select(p => p.DocumentId).ToList()), cancellationToken); }
        finally { _gate.Release(); }
    }

    /// <summary>Drops every parked point of a deleted target; returns how many.</summary>
    public async Task<int> ForgetAsync(string resource, string id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var ids = index.Collection(Resource).Read(view => view.All()
                .Where(d => Belongs(d, resource, id)).Select(d => (string)d["_id"]!).ToList());
            if (ids.Count > 0) await WriteAsync(new DeleteAllDocuments(Resource, null, ids), cancellationToken);
            return ids.Count;
        }
        finally { _gate.Release(); }
    }

    /// <summary>The targets (resource, id) that have parked points, e.g. after a restart.</summary>
    public IReadOnlyList<(string Resource, string Id)> Owners() =>
        index.Collection(Resource).Read(view => view.All()
            .SelectMany(d => TimeSeriesTargets.Resources.Select(r => (r, Id: (string?)(d[r] as JsonValue))))
            .Where(o => o.Id is not null)
            .Select(o => (o.r, o.Id!))
            .Distinct()
            .ToList());

    private List<string> Ids(TimeSeriesTarget target) =>
        index.Collection(Resource).Read(view => view.All()
            .Where(d => Belongs(d, target.Resource, target.Id)).Select(d => (string)d["_id"]!).ToList());

    private static bool Belongs(StoredDocument document, string resource, string id) => (string?)(document[resource] as JsonValue) == id;

    private async Task WriteAsync(IResourceCommand command, CancellationToken cancellationToken)
    {
        var result = await writer.SendAsync(command, cancellationToken);
        if (result.Status is not (WriteStatus.Created or WriteStatus.Deleted))
            throw new InvalidOperationException($"{Resource}: {result.Status} {result.Message}");
    }

    private static JsonObject Document(TimeSeriesTarget target, MetricPoint point) => new()
    {
        ["name"] = point.Name,
        ["realm"] = point.Source.RealmPath,
        ["host"] = point.Source.Host,
        ["service"] = point.Source.Service,
        ["value"] = point.Value.ToString("R", CultureInfo.InvariantCulture),
        ["uom"] = point.Uom,
        ["timestamp"] = point.Timestamp,
        [target.Resource] = target.Id,
    };

    private static MetricPoint Point(StoredDocument document) => new(
        new MetricSource((string?)document["realm"] ?? "", (string?)document["host"] ?? "", (string?)document["service"] ?? ""),
        (string?)document["name"] ?? "",
        double.Parse((string?)document["value"] ?? "0", CultureInfo.InvariantCulture),
        (string?)document["uom"] ?? "",
        (long?)document["timestamp"] ?? 0);
}
