using System.Data.Common;
using System.Text;

namespace Alignak.Persistence.Logs;

/// <summary>One log row: the document as served, and the columns it is found by.</summary>
public sealed record LogRow(string Id, long Created, string? Host, string? Service, string? User, string? Type, string Json);

/// <summary>What SQL can answer of a query: equalities and ranges on the log's columns, an order, a window.</summary>
public sealed class LogQuery
{
    public Dictionary<string, string> Equal { get; } = new(StringComparer.Ordinal);
    public long? CreatedFrom { get; set; }
    public long? CreatedTo { get; set; }
    public bool Descending { get; set; }
}

/// <summary>
/// history and logcheckresult in their own tables: written with group commit (a request's rows are committed
/// together, with those of other requests waiting meanwhile); read in pages straight from SQL, so memory does
/// not grow with the logs.
/// </summary>
public sealed class SqlLogStore(DatabaseOptions options) : IAsyncDisposable
{
    private readonly GroupCommit<(string Resource, LogRow Row)> _writes = new(options, async (connection, transaction, rows) =>
    {
        foreach (var group in rows.GroupBy(r => r.Resource))
            await InsertRowsAsync(connection, transaction, group.Key, group.Select(r => r.Row), CancellationToken.None);
    });

    /// <summary>The columns a where clause may narrow on (the query field → the column).</summary>
    public static readonly IReadOnlyDictionary<string, string> Columns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["_id"] = "id", ["host"] = "host", ["service"] = "service", ["user"] = "user_id", ["type"] = "type",
    };

    private static string Table(string resource) => resource switch
    {
        "history" => "alignak_history",
        "logcheckresult" => "alignak_logcheckresult",
        _ => throw new ArgumentException($"'{resource}' is not a log resource", nameof(resource)),
    };

    /// <summary>Commits what is queued, then stops the writer (the host disposes the store last).</summary>
    public ValueTask DisposeAsync() => _writes.DisposeAsync();

    /// <summary>
    /// Rows of either log, all in one transaction (shared with other requests' rows); returns once durable, on the
    /// thread pool: the group commit completes its writers on its own thread, and a request's rest is no short step.
    /// No rows, no commit (nor a wait for one).
    /// </summary>
    public async Task InsertAsync(IReadOnlyList<(string Resource, LogRow Row)> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await _writes.WriteAsync(rows).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
    }

    private static readonly string[] InsertColumns = ["id", "created", "host", "service", "user_id", "type", "body"];

    /// <summary>Rows of one log in the caller's transaction (also the journal's, for rows that come with an event).</summary>
    internal static Task InsertRowsAsync(DbConnection connection, DbTransaction transaction, string resource, IEnumerable<LogRow> rows,
        CancellationToken cancellationToken) =>
        Sql.InsertRowsAsync(connection, transaction, Table(resource), InsertColumns,
            rows.Select(r => new object?[] { r.Id, r.Created, r.Host, r.Service, r.User, r.Type, r.Json }), cancellationToken);

    public async Task<string?> GetAsync(string resource, string id, CancellationToken cancellationToken)
    {
        await using var connection = options.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT body FROM {Table(resource)} WHERE id = @id";
        command.Parameter("@id").Value = id;
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>
    /// Replaces a row's document if it still holds <paramref name="expected"/> (compare-and-set, so a
    /// concurrent edit is never overwritten); false when the row is gone or changed meanwhile.
    /// </summary>
    public async Task<bool> UpdateAsync(string resource, LogRow row, string expected, CancellationToken cancellationToken) =>
        await ExecuteAsync($"UPDATE {Table(resource)} SET host = @host, service = @service, user_id = @user, type = @type, body = @body WHERE id = @id AND body = @expected",
            command =>
            {
                command.Parameter("@expected").Value = expected;
                command.Parameter("@id").Value = row.Id;
                command.Parameter("@host").Value = (object?)row.Host ?? DBNull.Value;
                command.Parameter("@service").Value = (object?)row.Service ?? DBNull.Value;
                command.Parameter("@user").Value = (object?)row.User ?? DBNull.Value;
                command.Parameter("@type").Value = (object?)row.Type ?? DBNull.Value;
                command.Parameter("@body").Value = row.Json;
            }, cancellationToken) == 1;

    /// <summary>Deletes every row, or the row <paramref name="id"/> if it still holds <paramref name="expected"/>.</summary>
    public async Task<int> DeleteAsync(string resource, string? id, string? expected, CancellationToken cancellationToken) =>
        await ExecuteAsync($"DELETE FROM {Table(resource)}" + (id is null ? "" : " WHERE id = @id AND body = @expected"),
            command =>
            {
                if (id is null) return;
                command.Parameter("@id").Value = id;
                command.Parameter("@expected").Value = expected ?? "";
            }, cancellationToken);

    /// <summary>Removes the rows created before <paramref name="before"/> (epoch seconds); returns how many.</summary>
    public async Task<int> PurgeAsync(string resource, long before, CancellationToken cancellationToken) =>
        await ExecuteAsync($"DELETE FROM {Table(resource)} WHERE created < @before",
            command => command.Parameter("@before").Value = before, cancellationToken);

    public async Task<long> CountAsync(string resource, LogQuery query, CancellationToken cancellationToken)
    {
        await using var connection = options.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {Table(resource)}{Where(command, query)}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>The matching documents in creation order (or reversed), from <paramref name="skip"/>, at most <paramref name="take"/>.</summary>
    public async IAsyncEnumerable<string> ReadAsync(string resource, LogQuery query, long skip, long? take,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = options.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var order = query.Descending ? "DESC" : "ASC";
        var sql = new StringBuilder($"SELECT body FROM {Table(resource)}{Where(command, query)} ORDER BY created {order}, id {order}");
        if (take is { } limit) sql.Append($" LIMIT {limit}");
        else if (skip > 0) sql.Append(options.Provider == DatabaseProvider.Sqlite ? " LIMIT -1" : " LIMIT ALL");
        if (skip > 0) sql.Append($" OFFSET {skip}");
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return reader.GetString(0);
    }

    private static string Where(DbCommand command, LogQuery query)
    {
        var clauses = new List<string>();
        var n = 0;
        foreach (var (field, value) in query.Equal)
        {
            var name = $"@p{n++}";
            clauses.Add($"{Columns[field]} = {name}");
            command.Parameter(name).Value = value;
        }
        if (query.CreatedFrom is { } from)
        {
            clauses.Add("created >= @from");
            command.Parameter("@from").Value = from;
        }
        if (query.CreatedTo is { } to)
        {
            clauses.Add("created <= @to");
            command.Parameter("@to").Value = to;
        }
        return clauses.Count == 0 ? "" : " WHERE " + string.Join(" AND ", clauses);
    }

    private Task<int> ExecuteAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken) =>
        options.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            bind(command);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
}
