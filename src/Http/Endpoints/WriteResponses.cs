using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Resources;
using Alignak.Http.Eve;

namespace Alignak.Http.Endpoints;

/// <summary>Maps a writer's result to the original's status codes and bodies.</summary>
public static class WriteResponses
{
    public const string PreconditionRequiredMessage = "To edit a document its etag must be provided using the If-Match header";
    public const string PreconditionFailedMessage = "Client and server etags don't match";

    public static IResult ForCreate(string resource, WriteResult result)
    {
        if (result.Status == WriteStatus.Created)
            return EveResults.Json(StatusCodes.Status201Created, writer =>
            {
                if (result.Batch)
                {
                    writer.WriteStartObject();
                    writer.WriteString("_status", "OK");
                    writer.WriteStartArray("_items");
                    foreach (var item in result.Items) WriteMeta(writer, resource, item);
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
                else WriteMeta(writer, resource, result.Items[0]);
            });
        if (result.Status == WriteStatus.Invalid)
        {
            var failed = result.Items.Count(i => !i.IsValid);
            return EveResults.Json(StatusCodes.Status422UnprocessableEntity, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("_status", "ERR");
                if (result.Batch)
                {
                    writer.WriteStartArray("_items");
                    foreach (var item in result.Items)
                    {
                        writer.WriteStartObject();
                        if (item.IsValid) writer.WriteString("_status", "OK");
                        else
                        {
                            writer.WriteString("_status", "ERR");
                            WriteIssues(writer, item.IssuesJson!);
                        }
                        writer.WriteEndObject();
                    }
                    writer.WriteEndArray();
                }
                else WriteIssues(writer, result.Items.First(i => !i.IsValid).IssuesJson!);
                writer.WriteStartObject("_error");
                writer.WriteNumber("code", 422);
                writer.WriteString("message", $"Insertion failure: {failed} document(s) contain(s) error(s)");
                writer.WriteEndObject();
                writer.WriteEndObject();
            });
        }
        return ForFailure(result);
    }

    public static IResult ForUpdate(string resource, WriteResult result) => result.Status switch
    {
        WriteStatus.Updated => EveResults.Json(StatusCodes.Status200OK, writer => WriteMeta(writer, resource, result.Items[0])),
        // The original's PATCH failure body has no _error.
        WriteStatus.Invalid => EveResults.Json(StatusCodes.Status422UnprocessableEntity, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("_status", "ERR");
            WriteIssues(writer, result.Items[0].IssuesJson!);
            writer.WriteEndObject();
        }),
        _ => ForFailure(result),
    };

    public static IResult ForDelete(WriteResult result) =>
        result.Status == WriteStatus.Deleted ? Results.NoContent() : ForFailure(result);

    private static IResult ForFailure(WriteResult result) => result.Status switch
    {
        WriteStatus.NotFound => EveResults.NotFound(),
        WriteStatus.PreconditionRequired => EveResults.Error(StatusCodes.Status428PreconditionRequired, PreconditionRequiredMessage),
        WriteStatus.PreconditionFailed => EveResults.Error(StatusCodes.Status412PreconditionFailed, PreconditionFailedMessage),
        WriteStatus.Refused => EveResults.PlainText(StatusCodes.Status412PreconditionFailed, result.Message ?? ""),
        WriteStatus.Unauthorized => EveResults.Error(StatusCodes.Status401Unauthorized, result.Message ?? ""),
        WriteStatus.Forbidden => EveResults.Error(StatusCodes.Status403Forbidden, result.Message ?? ""),
        WriteStatus.Conflict => EveResults.Error(StatusCodes.Status409Conflict, EveResults.ConflictMessage),
        WriteStatus.BadRequest => EveResults.Error(StatusCodes.Status400BadRequest, result.Message ?? RequestBody.BadRequestMessage),
        WriteStatus.TooLarge => EveResults.Error(StatusCodes.Status413PayloadTooLarge, result.Message ?? ""),
        _ => EveResults.Error(StatusCodes.Status503ServiceUnavailable, result.Message ?? "The backend could not complete the request"),
    };

    private static void WriteMeta(Utf8JsonWriter writer, string resource, ItemOutcome item)
    {
        writer.WriteStartObject();
        writer.WriteString("_id", item.Id);
        writer.WriteString("_created", item.Created);
        writer.WriteString("_updated", item.Updated);
        writer.WriteString("_etag", item.ETag);
        writer.WriteStartObject("_links");
        EveResults.WriteLink(writer, "self", Schemas.Find(resource)?.ItemTitle ?? resource, $"{resource}/{item.Id}");
        writer.WriteEndObject();
        writer.WriteString("_status", "OK");
        writer.WriteEndObject();
    }

    private static void WriteIssues(Utf8JsonWriter writer, string issuesJson)
    {
        writer.WritePropertyName("_issues");
        JsonNode.Parse(issuesJson)!.WriteTo(writer);
    }
}
