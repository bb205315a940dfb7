using System.Text.Json.Nodes;
using Alignak.Persistence;
using Alignak.Tests.Api;
using Alignak.Tests.Support;

namespace Alignak.Tests.Rights;

/// <summary>
/// Realms All → A → A1 and All → B, with one host and one command in each position:
/// own realm (A), child (A1), sibling (B), parent (All) shared with sub-realms, and parent not shared.
/// </summary>
public abstract class RealmTreeFixture(DatabaseProvider provider) : BackendFixture(provider)
{
    public string A { get; private set; } = "";
    public string A1 { get; private set; } = "";
    public string B { get; private set; } = "";
    public Dictionary<string, Dictionary<string, string>> Items { get; } = new();

    public static readonly string[] Positions = ["own", "child", "sibling", "parent-shared", "parent-private"];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        A = (string)(await CreateAsync("realm", new JsonObject { ["name"] = "A" }))["_id"]!;
        A1 = (string)(await CreateAsync("realm", new JsonObject { ["name"] = "A1", ["_parent"] = A }))["_id"]!;
        B = (string)(await CreateAsync("realm", new JsonObject { ["name"] = "B" }))["_id"]!;
        foreach (var resource in new[] { "host", "command" })
        {
            Items[resource] = new Dictionary<string, string>();
            foreach (var (position, realm, sub) in new[]
                     {
                         ("own", A, false), ("child", A1, false), ("sibling", B, true),
                         ("parent-shared", RealmAll, true), ("parent-private", RealmAll, false),
                     })
                Items[resource][position] = (string)(await CreateAsync(resource, new JsonObject
                {
                    ["name"] = $"{resource}-{position}", ["_realm"] = realm, ["_sub_realm"] = sub,
                }))["_id"]!;
        }
    }

    /// <summary>A new non-admin user of realm A with one role on realm A; returns a client logged in as it.</summary>
    public async Task<(EveClient Client, string UserId)> UserAsync(string[] crud, bool subRealm, string resource = "*", bool canSubmitCommands = false)
    {
        var name = "u-" + Guid.NewGuid().ToString("N")[..8];
        var user = await CreateAsync("user", new JsonObject
        {
            ["name"] = name, ["password"] = "pw", ["_realm"] = A, ["_sub_realm"] = subRealm, ["can_submit_commands"] = canSubmitCommands,
        });
        var id = (string)user["_id"]!;
        // Replace the default read-only row by the one under test.
        foreach (var role in await Admin.AllAsync("userrestrictrole", "where=" + Uri.EscapeDataString($$"""{"user":"{{id}}"}""")))
            await Admin.DeleteAsync($"/userrestrictrole/{role["_id"]}", (string)role["_etag"]!);
        await CreateAsync("userrestrictrole", new JsonObject
        {
            ["user"] = id, ["realm"] = A, ["sub_realm"] = subRealm, ["resource"] = resource,
            ["crud"] = new JsonArray(crud.Select(c => (JsonNode)c).ToArray()),
        });
        return (await Backend.Client().AsAsync(name, "pw"), id);
    }
}

public sealed class SqliteRealmTreeFixture() : RealmTreeFixture(DatabaseProvider.Sqlite);

public sealed class PostgresRealmTreeFixture() : RealmTreeFixture(DatabaseProvider.PostgreSql);
