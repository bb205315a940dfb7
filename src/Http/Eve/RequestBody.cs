using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignak.Http.Eve;

/// <summary>Reads a POST/PATCH body as Eve does: JSON, or form fields as strings.</summary>
public static class RequestBody
{
    public const string BadRequestMessage = "The browser (or proxy) sent a request that this server could not understand.";
    public const string NoContentTypeMessage = "Unknown or no Content-Type header supplied";

    /// <summary>The body, or the error response to send instead.</summary>
    public static async Task<(JsonNode? Body, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasJsonContentType())
        {
            try
            {
                var body = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
                if (body is null) return (null, EveResults.Error(StatusCodes.Status400BadRequest, BadRequestMessage));
                // Reading every value now turns text that JSON allows but .NET cannot hold (a lone
                // surrogate escape) into a 400 here rather than an error deep in a write.
                _ = body.ToJsonString();
                return (body, null);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
            {
                return (null, EveResults.Error(StatusCodes.Status400BadRequest, BadRequestMessage));
            }
        }
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            var fields = new JsonObject();
            foreach (var (key, value) in form) fields[key] = value.ToString();
            return (fields, null);
        }
        return (null, EveResults.Error(StatusCodes.Status400BadRequest, NoContentTypeMessage));
    }
}
