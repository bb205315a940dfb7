using Akka.Hosting;
using Alignak.Persistence.Journal;

namespace Alignak.Persistence;

public static class AkkaPersistenceConfig
{
    /// <summary>
    /// The entities' journal and snapshot store, in the backend's database. Both are ours (group commit, batched
    /// recovery reads): Akka.Persistence.Sql commits one transaction per event on SQLite (STACK.md P8).
    /// </summary>
    public static AkkaConfigurationBuilder WithSqlPersistence(this AkkaConfigurationBuilder builder, DatabaseOptions options)
    {
        var cs = options.ConnectionString.Replace("\\", "\\\\").Replace("\"", "\\\"");
        var provider = options.Provider == DatabaseProvider.Sqlite ? "sqlite" : "postgresql";
        var hocon = $$"""
            akka.persistence {
              # Start-up recovers every entity at once; their reads are batched (hundreds per query), so the
              # default of 50 concurrent recoveries would leave the batches small and the start slow.
              max-concurrent-recoveries = 2000
              journal {
                plugin = "{{SqlJournal.PluginId}}"
                alignak {
                  class = "{{typeof(SqlJournal).AssemblyQualifiedName}}"
                  plugin-dispatcher = "akka.actor.default-dispatcher"
                  connection-string = "{{cs}}"
                  provider = "{{provider}}"
                }
              }
              snapshot-store {
                plugin = "{{SqlSnapshotStore.PluginId}}"
                alignak {
                  class = "{{typeof(SqlSnapshotStore).AssemblyQualifiedName}}"
                  plugin-dispatcher = "akka.actor.default-dispatcher"
                  connection-string = "{{cs}}"
                  provider = "{{provider}}"
                }
              }
            }
            """;
        return builder.AddHocon(hocon, HoconAddMode.Prepend);
    }
}
