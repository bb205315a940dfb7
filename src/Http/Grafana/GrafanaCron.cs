using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Query;
using Alignak.Actors.Resources;

namespace Alignak.Http.Grafana;

/// <summary>
/// <c>cron_grafana</c> (API.md 2.15): for each <c>grafana</c> item, makes sure Grafana has a datasource per linked
/// time-series database, then posts a dashboard per host that needs one and marks the host and its services with
/// <c>ls_grafana</c> and their panel ids.
/// </summary>
/// <remarks>
/// <c>ls_grafana</c>/<c>ls_grafana_panelid</c> go through the document writer as a server-side PATCH, not to the
/// live entities: they are not monitoring state (the entities do not model them and the live overlay never carries
/// them), they are what a client PATCH of them also becomes, and a PATCH of <c>ls_*</c> keeps <c>_updated</c> as the
/// arbiter expects. Unlike the original, items are marked only once Grafana accepted the dashboard, so a refused or
/// lost one is tried again at the next run, and only accepted dashboards are reported as created.
/// </remarks>
public sealed class GrafanaCron(DocumentIndex index, DocumentWriter writer, GrafanaApi api, ILogger<GrafanaCron> log)
{
    /// <summary>One run at a time: the HTTP route and the scheduler would post the same dashboards twice.</summary>
    private readonly SemaphoreSlim _running = new(1, 1);

    /// <summary><c>{"&lt;grafana name&gt;": {"connection": bool, "created_dashboards": [...]}}</c>.</summary>
    public async Task<JsonObject> RunAsync(bool forceGenerate, CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            var report = new JsonObject();
            var grafanas = index.Collection(ResourceNames.Grafana).Read(view => view.All().Select(d => d.ToJsonObject()).ToList());
            foreach (var grafana in grafanas)
            {
                var name = grafana["name"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : (string)grafana["_id"]!;
                try
                {
                    report[name] = await RunAsync(grafana, forceGenerate, cancellationToken);
                }
                catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
                {
                    // A stored grafana item whose fields do not have their schema's types: logged and skipped.
                    log.LogWarning("Grafana {Id} is skipped: {Problem}", grafana["_id"], e.Message);
                    report[name] = new JsonObject { ["connection"] = false, ["created_dashboards"] = new JsonArray() };
                }
            }
            return report;
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<JsonObject> RunAsync(JsonObject grafana, bool forceGenerate, CancellationToken cancellationToken)
    {
        var created = new JsonArray();
        var result = new JsonObject { ["connection"] = true, ["created_dashboards"] = created };
        if (GrafanaServer.TryFrom(grafana) is not { } server)
        {
            log.LogWarning("Grafana {Grafana}: {Address}:{Port} is not a server address", grafana["name"], grafana["address"], grafana["port"]);
            result["connection"] = false;
            return result;
        }
        var topology = GrafanaTopology.Build(grafana, index, log);
        try
        {
            var datasources = await DatasourcesAsync(server, topology, cancellationToken);
            foreach (var host in HostsToGenerate(topology, forceGenerate))
                if (await CreateDashboardAsync(server, grafana, topology, datasources, host, cancellationToken))
                    created.Add((string?)host["name"]);
            if (forceGenerate) return result;

            // Hosts already graphed whose services gained perfdata since: their dashboard again.
            var done = new HashSet<string>(StringComparer.Ordinal);
            foreach (var service in NotGraphed(ResourceNames.Service, topology))
            {
                var hostId = (string)service["host"]!;
                if (!done.Add(hostId) || index.Collection(ResourceNames.Host).Get(hostId)?.ToJsonObject() is not { } host || (bool?)host["_is_template"] == true) continue;
                if (await CreateDashboardAsync(server, grafana, topology, datasources, host, cancellationToken))
                    created.Add($"{(string?)host["name"]}/{(string?)service["name"]}");
            }
        }
        catch (GrafanaUnreachableException e)
        {
            log.LogWarning("{Message}", e.Message);
            result["connection"] = false;
        }
        return result;
    }

    /// <summary>
    /// The datasource name of each linked database (by its id), creating those Grafana lacks. A Grafana that
    /// answers something else than its list (a bad API key) gets no datasources, hence no dashboards.
    /// </summary>
    private async Task<Dictionary<string, string>> DatasourcesAsync(GrafanaServer server, GrafanaTopology topology, CancellationToken cancellationToken)
    {
        var linked = new Dictionary<string, string>(StringComparer.Ordinal);
        var (ok, body) = await api.GetDatasourcesAsync(server, cancellationToken);
        if (!ok || body is not JsonArray existing)
        {
            log.LogWarning("Grafana {Grafana} did not list its datasources: {Answer}", server.Name, body?.ToJsonString());
            return linked;
        }
        var names = existing.Select(d => (string?)(d?["name"] as JsonValue)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var database in topology.Databases)
        {
            if (!names.Contains(database.DatasourceName))
            {
                var (createdOk, answer) = await api.CreateDatasourceAsync(server, database.DatasourceRequest(), cancellationToken);
                if (!createdOk || answer?["id"] is null)
                {
                    log.LogWarning("Grafana {Grafana} did not create datasource {Datasource}: {Answer}", server.Name, database.DatasourceName,
                        answer?.ToJsonString());
                    continue;
                }
                log.LogInformation("Grafana {Grafana}: datasource {Datasource} created", server.Name, database.DatasourceName);
            }
            linked[database.Id] = database.DatasourceName;
        }
        return linked;
    }

    /// <summary>Non-template hosts of the covered realms; unless forced, only those not graphed yet that have perfdata.</summary>
    private IEnumerable<JsonObject> HostsToGenerate(GrafanaTopology topology, bool forceGenerate) =>
        forceGenerate
            ? index.Collection(ResourceNames.Host).Read(view => view.All()
                .Where(h => (bool?)h["_is_template"] != true && topology.Realms.Contains((string?)h["_realm"] ?? "")).Select(h => h.ToJsonObject()).ToList())
            : NotGraphed(ResourceNames.Host, topology);

    private List<JsonObject> NotGraphed(string resource, GrafanaTopology topology) =>
        index.Collection(resource).Read(view => view.All()
            .Where(d => (bool?)d["_is_template"] != true && (bool?)d["ls_grafana"] != true && HasPerfData(d)
                && topology.Realms.Contains((string?)d["_realm"] ?? ""))
            .Select(d => d.ToJsonObject())
            .ToList());

    private static bool HasPerfData(IDocumentFields item) =>
        !string.IsNullOrEmpty((string?)item["ls_perf_data"]) && (long?)item["ls_last_check"] is not (null or 0);

    private async Task<bool> CreateDashboardAsync(GrafanaServer server, JsonObject grafana, GrafanaTopology topology,
        IReadOnlyDictionary<string, string> datasources, JsonObject host, CancellationToken cancellationToken)
    {
        var hostName = (string)host["name"]!;
        if (topology.For((string?)host["_realm"]) is not { } timeSeries || !datasources.TryGetValue(timeSeries.Id, out var datasource))
        {
            log.LogInformation("Grafana {Grafana}: no time-series datasource for the realm of host {Host}", server.Name, hostName);
            return false;
        }
        var services = index.Collection(ResourceNames.Service).IdsWhere("host", (string)host["_id"]!)
            .Select(id => index.Collection(ResourceNames.Service).Get(id)).OfType<StoredDocument>()
            .Where(s => (bool?)s["_is_template"] != true && HasPerfData(s)).Select(s => s.ToJsonObject()).ToList();
        var (request, panels) = HostDashboard.Build(grafana, host, services, timeSeries, datasource, RealmPath((string?)host["_realm"]));
        var (ok, answer) = await api.PostDashboardAsync(server, request, cancellationToken);
        if (!ok)
        {
            log.LogWarning("Grafana {Grafana} refused the dashboard of {Host}: {Answer}", server.Name, hostName, answer?.ToJsonString());
            return false;
        }
        foreach (var panel in panels)
        {
            var patch = new JsonObject { ["ls_grafana"] = true, ["ls_grafana_panelid"] = panel.PanelId };
            var written = await writer.SendAsync(new PatchDocument(panel.Resource, panel.Id, patch.ToJsonString(), null, PatchMode.Internal), cancellationToken);
            if (written.Status != WriteStatus.Updated)
                log.LogWarning("Grafana {Grafana}: {Item} not marked as graphed ({Status})", server.Name, panel.Name, written.Status);
        }
        return true;
    }

    /// <summary>Realm names from the root to <paramref name="realmId"/>, dot-joined (<c>All.North</c>).</summary>
    private string RealmPath(string? realmId)
    {
        var realms = index.Collection(ResourceNames.Realm);
        if (realmId is null || realms.Get(realmId) is not { } realm) return "";
        var names = (realm["_tree_parents"] as JsonArray ?? [])
            .Select(id => realms.Get((string?)id ?? "")?["name"]).Select(n => (string?)n).OfType<string>()
            .Append((string)realm["name"]!);
        return string.Join('.', names);
    }
}
