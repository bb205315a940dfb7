using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Alignak.Import.Backend;
using Alignak.Import.Config;
using Alignak.Import.Mapping;
using Spectre.Console;

namespace Alignak.Import.Run;

/// <summary>
/// One run: parse, plan, log in, optionally delete, then write phase by phase (bulk POSTs, links resolved by
/// name to ids, a second pass for self links), collecting every problem for the final report and summary.
/// </summary>
public sealed class Importer
{
    /// <summary>Collection DELETEs of <c>-d</c>, in the original's order (spec a.3); protected defaults stay.</summary>
    private static readonly string[] DeleteOrder =
    [
        "realm", "command", "timeperiod", "user", "usergroup", "host", "hostdependency", "hostgroup", "hostescalation",
        "service", "servicedependency", "servicegroup", "serviceescalation", "userrestrictrole", "livesynthesis",
        "actionacknowledge", "actiondowntime", "actionforcecheck", "alignakretention",
    ];

    private readonly ImportOptions _options;
    private readonly IAnsiConsole _console;
    private readonly TextWriter _out;
    private readonly Dictionary<(Space, string), string> _ids = [];
    private readonly Dictionary<string, string> _etags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hostNames = new(StringComparer.Ordinal);
    /// <summary>Backend identities (resource, template?, name, host id) of what exists, with ids.</summary>
    private readonly Dictionary<string, string> _existing = new(StringComparer.Ordinal);
    private readonly Dictionary<Space, Row> _rows = [];
    private ProblemList _problems = new();
    private BackendClient _client = null!;
    private int _fakeIds;

    public sealed class Row
    {
        public int Parsed, Created, Updated, Skipped, Failed;
    }

    public Importer(ImportOptions options, IAnsiConsole console, TextWriter output)
    {
        _options = options;
        _console = console;
        _out = output;
    }

    /// <summary>Plain lines (the report, the steps) go to the output as they are: no wrapping, easy to grep.</summary>
    private void Say(int level, string text)
    {
        if (_options.Verbosity >= level) _out.WriteLine(text);
    }

    public async Task<int> RunAsync()
    {
        if (_options.Files.Count == 0 && !_options.Delete)
        {
            _out.WriteLine("No configuration file given (a delete-only run needs -d).");
            return ExitCodes.AccessDenied;
        }
        List<(Space Space, List<Planned> Documents)> plan = [];
        if (_options.Files.Count > 0)
        {
            var watch = Stopwatch.StartNew();
            var config = Configuration.Load(_options.Files);
            _problems = config.Problems;
            Say(1, $"Read {config.Files.Count} file(s) in {watch.Elapsed.TotalSeconds:F1} s: {config.Hosts.Count} hosts, " +
                   $"{config.Services.Count} services, {config.HostTemplates.Count + config.ServiceTemplates.Count + config.ContactTemplates.Count} templates.");
            if (_problems.Any(ProblemKind.Syntax))
            {
                PrintReport();
                _out.WriteLine("The configuration cannot be loaded: nothing was written.");
                return ExitCodes.BadConfiguration;
            }
            plan = new Mapper(config).Plan();
            foreach (var (space, childrenField) in new[] { (Space.Usergroup, "usergroups"), (Space.Hostgroup, "hostgroups"), (Space.Servicegroup, "servicegroups") })
                Mapper.AddGroupParents(plan.First(p => p.Space == space).Documents, childrenField);
            foreach (var (space, documents) in plan) _rows[space] = new Row { Parsed = documents.Count };
        }

        using var client = new BackendClient(_options.Backend);
        _client = client;
        try
        {
            if (await client.LoginAsync(_options.Username, _options.Password) is null)
            {
                _out.WriteLine($"Access denied for user {_options.Username} on {_options.Backend}.");
                return ExitCodes.AccessDenied;
            }
        }
        catch (HttpRequestException e)
        {
            _out.WriteLine($"Cannot reach the backend {_options.Backend}: {e.Message}");
            return ExitCodes.AccessDenied;
        }

        try
        {
            if (_options.Delete) await DeleteAsync();
            await LoadExistingAsync(plan.Select(p => p.Space));
            foreach (var (space, documents) in plan)
            {
                if (space == Space.Service) await LoadExistingAsync([Space.Service]); // the backend's own template hooks may have made some
                await WritePhaseAsync(space, documents);
            }
            await SecondPassAsync(plan);
        }
        catch (Exception e) when (e is HttpRequestException or BackendException or TaskCanceledException)
        {
            // The backend went away or answered a read with an error: say what was done so far.
            _problems.Add(ProblemKind.Refused, null, $"the run stopped: {e.Message}");
        }

        PrintReport();
        if (plan.Count > 0) PrintSummary();
        if (_problems.Any(ProblemKind.Refused)) return ExitCodes.Refused;
        if (_problems.Any(ProblemKind.NoName)) return ExitCodes.NoName;
        if (_problems.Any(ProblemKind.Unresolved)) return ExitCodes.Unresolved;
        return ExitCodes.Ok;
    }

    // ---- delete ----------------------------------------------------------------------------------

    private async Task DeleteAsync()
    {
        foreach (var resource in DeleteOrder)
        {
            if (_options.Check)
            {
                var count = await _client.CountAsync(resource);
                if (count > 0) Say(1, $"would delete {resource}: {count} document(s) (the backend's protected defaults stay)");
                continue;
            }
            var reply = await _client.SendAsync(HttpMethod.Delete, resource);
            if (!reply.Ok && resource != "alignakretention" && reply.Status is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed))
                _problems.Add(ProblemKind.Refused, null, $"DELETE {resource}: {(int)reply.Status} {reply.Text}");
            else Say(3, $"DELETE {resource}: {(int)reply.Status}");
        }
    }

    // ---- what exists -----------------------------------------------------------------------------

    private static string Identity(string resource, bool template, string name, string? host = null) =>
        $"{resource}\u0001{(template ? "T" : "")}\u0001{name}\u0001{host}";

    private async Task LoadExistingAsync(IEnumerable<Space> spaces)
    {
        var resources = spaces.Select(Spaces.Resource).Append("realm").Append("timeperiod").Append("command").Append("host")
            .Append("usergroup").Append("hostgroup").Append("servicegroup").Distinct().ToList();
        if (resources.Contains("service") && !resources.Contains("host")) resources.Insert(0, "host");
        foreach (var resource in resources.OrderBy(r => r == "service" ? 1 : 0))
        {
            var items = await _client.GetAllAsync(resource, "name", "host", "_is_template");
            foreach (var item in items)
            {
                var id = (string)item["_id"]!;
                var name = (string?)item["name"] ?? "";
                var template = (bool?)item["_is_template"] == true;
                var host = (string?)item["host"];
                _existing[Identity(resource, template, name, resource == "service" ? host : null)] = id;
                var space = resource switch
                {
                    "host" => template ? Space.HostTemplate : Space.Host,
                    "user" => template ? Space.UserTemplate : Space.User,
                    "service" => template ? Space.ServiceTemplate : Space.Service,
                    _ => Enum.Parse<Space>(resource, ignoreCase: true),
                };
                if (resource == "host") _hostNames[id] = name;
                var key = resource == "service" && !template ? $"{(host is null ? "" : _hostNames.GetValueOrDefault(host))}/{name}" : name;
                _ids.TryAdd((space, key), id);
            }
        }
    }

    // ---- writes ----------------------------------------------------------------------------------

    private string? Resolve(Space space, string name) =>
        _ids.TryGetValue((space, space == Space.Service ? name : Mapper.Sanitize(space, name)), out var id) ? id
        : _ids.TryGetValue((space, name), out id) ? id : null;

    /// <summary>The document to send: its fields with links of this pass resolved; unknown names reported.</summary>
    private JsonObject Body(Planned planned, bool later)
    {
        var body = later ? new JsonObject() : planned.Fields.DeepClone().AsObject();
        foreach (var link in planned.Links.Where(l => l.Later == later))
        {
            var ids = new List<string>();
            foreach (var name in link.Names)
            {
                if (Resolve(link.Target, name) is { } id) ids.Add(id);
                else
                {
                    _problems.Add(ProblemKind.Unresolved, planned.Where,
                        $"{planned.Describe()}: {link.Field} names unknown {Spaces.Title(link.Target)} '{name}'");
                    if (link.Fallback is { } fallback && Resolve(link.Target, fallback) is { } fallbackId) ids.Add(fallbackId);
                }
            }
            if (link.IsList) body[link.Field] = new JsonArray(ids.Distinct().Select(i => (JsonNode)i).ToArray());
            else if (ids.Count > 0) body[link.Field] = ids[0];
        }
        // Everything lives in a realm: the backend's All unless the definition names one.
        if (!later && planned.Resource != "realm" && !body.ContainsKey("_realm") && Resolve(Space.Realm, "All") is { } all)
            body["_realm"] = all;
        return body;
    }

    /// <summary>
    /// Templates that use templates of the same phase, and realms under realms of the config, are written after
    /// them, wave by wave, so that <c>_templates</c> and <c>_parent</c> name ids that exist (a loop was reported
    /// by the parser and is cut here).
    /// </summary>
    private static List<List<Planned>> Waves(List<Planned> documents)
    {
        var space = documents.FirstOrDefault()?.Space ?? Space.Host;
        var field = space == Space.Realm ? "_parent" : Spaces.IsTemplate(space) ? "_templates" : null;
        if (field is null) return [documents];
        var byKey = documents.GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var depth = new Dictionary<Planned, int>();
        int Depth(Planned d, int guard)
        {
            if (depth.TryGetValue(d, out var known)) return known;
            if (guard > byKey.Count) return 0;
            var parents = d.Links.Where(l => l.Field == field).SelectMany(l => l.Names)
                .Select(n => byKey.GetValueOrDefault(n)).OfType<Planned>().Where(p => p != d);
            var result = parents.Select(p => Depth(p, guard + 1) + 1).DefaultIfEmpty(0).Max();
            depth[d] = result;
            return result;
        }
        return documents.GroupBy(d => Depth(d, 0)).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
    }

    private async Task WritePhaseAsync(Space space, List<Planned> documents)
    {
        var watch = Stopwatch.StartNew();
        await Progress(Spaces.Title(space), documents.Count, async advance =>
        {
            foreach (var wave in Waves(documents)) await WriteWaveAsync(space, wave, advance);
        });
        var row = _rows[space];
        Say(2, $"{Spaces.Title(space)}: {row.Created} created, {row.Updated} updated, {row.Skipped} skipped, {row.Failed} failed ({watch.Elapsed.TotalSeconds:F1} s)");
    }

    private async Task WriteWaveAsync(Space space, List<Planned> documents, Action<int> advance)
    {
        var row = _rows[space];
        var toCreate = new List<(Planned Planned, JsonObject Body)>();
        foreach (var planned in documents)
        {
            var body = Body(planned, later: false);
            string? hostId = null;
            if (planned.Host is { } hostLink)
            {
                hostId = Resolve(hostLink.Target, hostLink.Names[0]);
                if (hostId is null)
                {
                    _problems.Add(ProblemKind.Unresolved, planned.Where, $"{planned.Describe()}: unknown host '{hostLink.Names[0]}'");
                    row.Failed++;
                    continue;
                }
                body["host"] = hostId;
            }
            var identity = Identity(planned.Resource, Spaces.IsTemplate(space), planned.Name, planned.Resource == "service" ? hostId : null);
            var existing = _existing.GetValueOrDefault(identity);
            if (existing is not null && (_options.Duplicate || _options.Update))
            {
                Register(planned, existing);
                if (_options.Update) await UpdateAsync(planned, existing, body, row);
                else row.Skipped++;
                continue;
            }
            if (_options.Update)
            {
                _problems.Add(ProblemKind.Warning, planned.Where, $"{planned.Describe()} is not in the backend: not created (-e only updates)");
                row.Skipped++;
                continue;
            }
            toCreate.Add((planned, body));
        }
        advance(documents.Count - toCreate.Count);
        foreach (var chunk in toCreate.Chunk(_options.BatchSize))
        {
            await CreateAsync(chunk, row);
            advance(chunk.Length);
        }
    }

    private void Register(Planned planned, string id, string? etag = null)
    {
        _ids[(planned.Space, planned.Key)] = id;
        if (planned.Space == Space.Host) _hostNames[id] = planned.Name;
        if (etag is not null) _etags[id] = etag;
    }

    private async Task CreateAsync(IReadOnlyList<(Planned Planned, JsonObject Body)> chunk, Row row)
    {
        if (_options.Check)
        {
            foreach (var (planned, _) in chunk) Register(planned, $"_fake{++_fakeIds}");
            row.Created += chunk.Count;
            return;
        }
        var reply = await _client.SendAsync(HttpMethod.Post, chunk[0].Planned.Resource,
            new JsonArray(chunk.Select(c => c.Body.DeepClone()).ToArray()));
        Say(3, $"POST {chunk[0].Planned.Resource}: {chunk.Count} document(s), {(int)reply.Status}");
        if (reply.Status == HttpStatusCode.Created && reply.Body?["_items"] is JsonArray created && created.Count == chunk.Count)
        {
            for (var i = 0; i < chunk.Count; i++) Register(chunk[i].Planned, (string)created[i]!["_id"]!, (string?)created[i]!["_etag"]);
            row.Created += chunk.Count;
            return;
        }
        if (chunk.Count == 1)
        {
            Refused(chunk[0].Planned, "POST", reply);
            row.Failed++;
            return;
        }
        // A bulk insert is all or nothing: keep the items the backend found valid, report the others.
        if (reply.Status == HttpStatusCode.UnprocessableEntity && reply.Body?["_items"] is JsonArray statuses && statuses.Count == chunk.Count)
        {
            var valid = new List<(Planned, JsonObject)>();
            for (var i = 0; i < chunk.Count; i++)
            {
                if ((string?)statuses[i]?["_status"] == "OK") valid.Add(chunk[i]);
                else
                {
                    _problems.Add(ProblemKind.Refused, chunk[i].Planned.Where,
                        $"{chunk[i].Planned.Describe()}: refused by the backend (422): {statuses[i]?["_issues"]?.ToJsonString()}");
                    row.Failed++;
                }
            }
            if (valid.Count > 0) await CreateAsync(valid, row);
            return;
        }
        // Anything else (a hook's refusal names no item): one by one, to know which.
        foreach (var item in chunk) await CreateAsync([item], row);
    }

    private void Refused(Planned planned, string verb, BackendClient.Reply reply)
    {
        var detail = reply.Body?["_issues"]?.ToJsonString() ?? reply.Body?["_items"]?[0]?["_issues"]?.ToJsonString()
            ?? reply.Body?["_error"]?["message"]?.ToString() ?? reply.Text;
        _problems.Add(ProblemKind.Refused, planned.Where, $"{planned.Describe()}: {verb} refused by the backend ({(int)reply.Status}): {detail}");
    }

    private async Task UpdateAsync(Planned planned, string id, JsonObject body, Row row)
    {
        if (_options.Check)
        {
            row.Updated++;
            return;
        }
        body.Remove("_is_template");
        var reply = await PatchAsync(planned.Resource, id, body);
        if (reply.Ok) row.Updated++;
        else
        {
            Refused(planned, "PATCH", reply);
            row.Failed++;
        }
    }

    /// <summary>PATCH with the known ETag; on a stale one (a hook changed the document) read it and try once more.</summary>
    private async Task<BackendClient.Reply> PatchAsync(string resource, string id, JsonObject body)
    {
        if (!_etags.TryGetValue(id, out var etag))
        {
            var current = await _client.SendAsync(HttpMethod.Get, $"{resource}/{id}");
            etag = (string?)current.Body?["_etag"] ?? "";
        }
        var reply = await _client.SendAsync(HttpMethod.Patch, $"{resource}/{id}", body, etag);
        Say(3, $"PATCH {resource}/{id}: {(int)reply.Status}");
        if (reply.Status == HttpStatusCode.PreconditionFailed && reply.Body is JsonObject)
        {
            var current = await _client.SendAsync(HttpMethod.Get, $"{resource}/{id}");
            reply = await _client.SendAsync(HttpMethod.Patch, $"{resource}/{id}", body, (string?)current.Body?["_etag"] ?? "");
        }
        if (reply.Ok && (string?)reply.Body?["_etag"] is { } newTag) _etags[id] = newTag;
        return reply;
    }

    /// <summary>Links to objects of the same phase (host parents, group trees, service dependencies), once all exist.</summary>
    private async Task SecondPassAsync(List<(Space Space, List<Planned> Documents)> plan)
    {
        var pending = plan.SelectMany(p => p.Documents).Where(d => d.Links.Any(l => l.Later)).ToList();
        if (pending.Count == 0) return;
        await Progress("links", pending.Count, async advance =>
        {
            foreach (var planned in pending)
            {
                advance(1);
                if (!_ids.TryGetValue((planned.Space, planned.Key), out var id)) continue;
                var body = Body(planned, later: true);
                if (_options.Check || body.Count == 0) continue;
                var reply = await PatchAsync(planned.Resource, id, body);
                if (!reply.Ok)
                {
                    Refused(planned, "PATCH", reply);
                    _rows[planned.Space].Failed++;
                }
            }
        });
    }

    // ---- output ----------------------------------------------------------------------------------

    private bool Interactive => _options.Verbosity >= 1 && _console.Profile.Capabilities.Interactive;

    private async Task Progress(string title, int total, Func<Action<int>, Task> work)
    {
        if (!Interactive || total == 0)
        {
            await work(_ => { });
            if (total > 0) Say(1, $"{title}: {total} done");
            return;
        }
        await _console.Progress().AutoClear(false).Columns(
            new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: total);
                await work(n => task.Increment(n));
            });
    }

    private void PrintReport()
    {
        var shown = _problems.Items.Where(p => p.Kind != ProblemKind.Warning || _options.Verbosity >= 2).ToList();
        if (shown.Count == 0) return;
        _out.WriteLine();
        _out.WriteLine(_options.Check ? "Report (dry run):" : "Report:");
        foreach (var group in shown.GroupBy(p => p.Kind).OrderBy(g => g.Key))
        {
            _out.WriteLine($"{Title(group.Key)} ({group.Count()}):");
            foreach (var problem in group) _out.WriteLine("  " + problem);
        }
    }

    private static string Title(ProblemKind kind) => kind switch
    {
        ProblemKind.Syntax => "configuration errors",
        ProblemKind.Unresolved => "unresolved references and bad values",
        ProblemKind.NoName => "objects without a name",
        ProblemKind.Refused => "writes refused by the backend",
        _ => "warnings",
    };

    private void PrintSummary()
    {
        if (_options.Verbosity == 0) return;
        var table = new Table().AddColumns("type", "parsed", _options.Check ? "to create" : "created", _options.Check ? "to update" : "updated", "skipped", "failed");
        foreach (var (space, row) in _rows.Where(r => r.Value.Parsed > 0))
            table.AddRow(Spaces.Title(space), row.Parsed.ToString(), row.Created.ToString(), row.Updated.ToString(), row.Skipped.ToString(), row.Failed.ToString());
        _console.Write(table);
    }
}
