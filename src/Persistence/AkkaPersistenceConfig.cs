using Akka.Hosting;
using Akka.Persistence.Sql;

namespace Alignak.Persistence;

public static class AkkaPersistenceConfig
{
    /// <summary>
    /// The entities' journal (our group-commit <see cref="Journal.SqlJournal"/>) and Akka.Persistence.Sql's snapshot
    /// store, both in the backend's database (configured by HOCON: STACK.md 3.2).
    /// </summary>
    public static AkkaConfigurationBuilder WithSqlPersistence(this AkkaConfigurationBuilder builder, DatabaseOptions options)
    {
        var cs = options.ConnectionString.Replace("\\", "\\\\").Replace("\"", "\\\"");
        var provider = options.JournalProviderName;
        var hocon = $$"""
            akka.persistence {
              journal {
                plugin = "{{Journal.SqlJournal.PluginId}}"
                alignak {
                  class = "{{typeof(Journal.SqlJournal).AssemblyQualifiedName}}"
                  plugin-dispatcher = "akka.actor.default-dispatcher"
                  connection-string = "{{cs}}"
                  provider = "{{(options.Provider == DatabaseProvider.Sqlite ? "sqlite" : "postgresql")}}"
                }
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
            // The snapshot store's class is only named in the package's own defaults (STACK.md P1).
            .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append);
    }
}
