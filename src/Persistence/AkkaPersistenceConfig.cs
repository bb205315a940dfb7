using Akka.Hosting;
using Akka.Persistence.Sql;

namespace Alignak.Persistence;

public static class AkkaPersistenceConfig
{
    /// <summary>Akka.Persistence.Sql journal and snapshots in the backend's database (configured by HOCON: STACK.md 3.2).</summary>
    public static AkkaConfigurationBuilder WithSqlPersistence(this AkkaConfigurationBuilder builder, DatabaseOptions options)
    {
        var cs = options.ConnectionString.Replace("\\", "\\\\").Replace("\"", "\\\"");
        var provider = options.JournalProviderName;
        var hocon = $$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = "{{cs}}"
                  provider-name = "{{provider}}"
                  auto-initialize = true
                }
              }
              query.journal.sql {
                connection-string = "{{cs}}"
                provider-name = "{{provider}}"
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = "{{cs}}"
                  provider-name = "{{provider}}"
                  auto-initialize = true
                }
              }
            }
            """;
        return builder
            .AddHocon(hocon, HoconAddMode.Prepend)
            // The plugin classes are only named in the package's own defaults (STACK.md P1).
            .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append);
    }
}
