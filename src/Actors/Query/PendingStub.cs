// TEMPORARY: replaced by the query branch merge.
using System.Text.Json.Nodes;
namespace Alignak.Actors.Query;
public sealed class QueryException(string m) : Exception(m);
public sealed class WhereFilter { public static WhereFilter Parse(string? w) => new(); public bool Matches(JsonObject d) => true; public IReadOnlyList<(string Field, JsonNode? Value)> TopLevelEqualities => []; public WhereFilter And(WhereFilter o) => this; }
public sealed class SortSpec { public static SortSpec? Parse(string? s) => null; public IComparer<JsonObject> Comparer => null!; }
public sealed class Projection { public static Projection? Parse(string? p) => null; public JsonObject Apply(JsonObject d) => d; }
public static class Paging { public static (int MaxResults, int Page) Resolve(string? m, string? p, int d, int l) => (d, 1); }
