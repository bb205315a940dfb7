using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;

namespace Alignak.Tests.Live;

/// <summary>
/// A native check result's logcheckresult and history rows, written field by field by its entity: the fields and
/// their order as the log writer stores them, and the same stored JSON and ETag the document model would give.
/// </summary>
public class CheckResultLogTests
{
    private static readonly CheckResultLogContext Context = new("5c0000000000000000000001", "srv \"one\"",
        "5c0000000000000000000002", "disk – /var", "5c00000000000000000000aa", false);

    private static IReadOnlyList<LogDocument> Rows(out LiveState state)
    {
        var input = new CheckInput(2, "CRITICAL – 97% used \"/var\" ☠", "line 1\nline 2", "used=97%;80;90;0;100", 1_764_000_000,
            Latency: 0.125, ExecutionTime: 1.5);
        state = LiveRules.ApplyCheck(LiveState.Initial(EntityKind.Service), new CheckConfig(MaxCheckAttempts: 3), input);
        return CheckResultLog.Documents(Context, input, state);
    }

    [Fact]
    public void The_logcheckresult_has_the_original_fields_in_order_then_its_meta_fields()
    {
        var rows = Rows(out var state);

        var lcr = JsonNode.Parse(rows[0].Json)!.AsObject();
        Assert.Equal(
        [
            "_id", "schema_version", "host", "host_name", "service", "service_name", "state", "state_type", "state_id",
            "passive_check", "acknowledged", "acknowledgement_type", "downtimed", "last_check", "last_state",
            "last_state_type", "last_state_id", "output", "long_output", "perf_data", "latency", "execution_time",
            "current_attempt", "state_changed", "last_state_changed", "last_hard_state_changed",
            "last_time_0", "last_time_1", "last_time_2", "last_time_3", "last_time_4",
            "_realm", "_sub_realm", "_created", "_updated", "_etag",
        ], lcr.Select(p => p.Key));
        Assert.Equal(("logcheckresult", rows[0].Id, Context.HostId, Context.ServiceId, (string?)null),
            (rows[0].Resource, (string)lcr["_id"]!, rows[0].Host, rows[0].Service, rows[0].Type));
        Assert.Equal((state.State, state.StateId, "CRITICAL – 97% used \"/var\" ☠", 0.125, 1_764_000_000L),
            ((string)lcr["state"]!, (int)lcr["state_id"]!, (string)lcr["output"]!, (double)lcr["latency"]!, (long)lcr["last_check"]!));
        Assert.Equal(1_764_000_000L, (long)lcr["last_time_2"]!);
        Assert.Equal(("5c00000000000000000000aa", false), ((string)lcr["_realm"]!, (bool)lcr["_sub_realm"]!));
        Assert.True(Rfc1123.TryParse((string)lcr["_created"]!, out _));
        Assert.Equal((string)lcr["_created"]!, (string)lcr["_updated"]!);
    }

    [Fact]
    public void The_history_row_names_its_logcheckresult_and_tells_the_state()
    {
        var rows = Rows(out _);

        var history = JsonNode.Parse(rows[1].Json)!.AsObject();
        Assert.Equal(
        [
            "type", "host", "host_name", "service", "service_name", "user", "user_name", "logcheckresult", "message", "_id",
            "_realm", "_sub_realm", "_created", "_updated", "_etag",
        ], history.Select(p => p.Key));
        Assert.Equal(("history", "check.result", rows[0].Id, rows[1].Id), (rows[1].Resource, rows[1].Type, (string)history["logcheckresult"]!, (string)history["_id"]!));
        Assert.Equal("CRITICAL[SOFT] (False/False): CRITICAL – 97% used \"/var\" ☠", (string)history["message"]!);
        Assert.Equal(("srv \"one\"", "disk – /var", "Alignak"), ((string)history["host_name"]!, (string)history["service_name"]!, (string)history["user_name"]!));
        Assert.Null(history["user"]);
        Assert.NotEqual(rows[0].Id, rows[1].Id);
    }

    [Fact]
    public void Each_row_is_stored_as_the_document_model_would_store_it()
    {
        foreach (var row in Rows(out _))
        {
            // The stored JSON read back and stamped again gives the same bytes and ETag: escaping, numbers and the
            // ETag are those of ETags.Stamp on a document.
            var document = JsonNode.Parse(row.Json)!.AsObject();
            var etag = (string)document["_etag"]!;
            Assert.Equal(row.Json, ETags.Stamp(document));
            Assert.Equal(etag, (string)document["_etag"]!);
        }
    }
}
