using System.Data.Common;
using System.Text;

namespace Alignak.Persistence;

internal static class Sql
{
    /// <summary>Rows per multi-row INSERT: few round trips, and well under both databases' parameter limits.</summary>
    private const int RowsPerStatement = 200;

    /// <summary>Adds a named parameter to <paramref name="command"/> (both providers take '@name').</summary>
    public static DbParameter Parameter(this DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>
    /// Inserts rows in the cheapest way for the database: on PostgreSQL multi-row INSERTs, one round trip per
    /// <see cref="RowsPerStatement"/> rows (a statement per row costs a network round trip each); on SQLite, in
    /// process, one prepared statement run per row (binding a long multi-row statement costs more there).
    /// </summary>
    public static async Task InsertRowsAsync(DbConnection connection, DbTransaction transaction, string table, string[] columns,
        IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection)
        {
            await using var single = connection.CreateCommand();
            single.Transaction = transaction;
            single.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, c) => $"@p{c}"))})";
            var parameters = columns.Select((_, c) => single.Parameter($"@p{c}")).ToArray();
            // Synchronously: Microsoft.Data.Sqlite's async calls complete synchronously anyway, at the cost of a task each.
            foreach (var row in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var c = 0; c < columns.Length; c++) parameters[c].Value = row[c] ?? DBNull.Value;
                single.ExecuteNonQuery();
            }
            return;
        }
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            for (var r = 0; r < chunk.Length; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = $"@p{r}_{c}";
                    sql.Append(c == 0 ? name : ", " + name);
                    insert.Parameter(name).Value = chunk[r][c] ?? DBNull.Value;
                }
                sql.Append(')');
            }
            insert.CommandText = sql.ToString();
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
