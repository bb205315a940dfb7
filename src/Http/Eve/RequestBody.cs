using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignak.Http.Eve;

/// <summary>Reads a POST/PATCH body as Eve does: JSON, or form fields as strings.</summary>
public static class RequestBody
{
    public const string BadRequestMessage = "The browser (or proxy) sent a request that this server could not understand.";
    public const string NoContentTypeMessage = "Unknown or no Content-Type header supplied";

    /// <summary>
    /// A key given twice is refused rather than one of them silently kept (Python kept the last, .NET's objects
    /// would fail later, deep in a write); the depth is System.Text.Json's default.
    /// </summary>
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>The body, or the error response to send instead.</summary>
    public static async Task<(JsonNode? Body, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasJsonContentType())
        {
            // Kestrel's MaxRequestBodySize bounds what is read here.
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken);
            var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            // The parser checks UTF-8 only where a string is decoded, so text that is not UTF-8 would pass here
            // and fail wherever a field is first read.
            if (!System.Text.Unicode.Utf8.IsValid(bytes.Span)) return (null, BadRequest("The body is not valid UTF-8"));
            try
            {
                var body = JsonNode.Parse(bytes.Span, documentOptions: Strict);
                if (body is null) return (null, BadRequest(BadRequestMessage));
                // Reading every value now turns text that JSON allows but .NET cannot hold (a lone
                // surrogate escape) into a 400 here rather than an error deep in a write.
                _ = body.ToJsonString();
                return (body, null);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
            {
                return (null, BadRequest(BadRequestMessage));
            }
        }
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (Exception e) when (e is InvalidDataException || (e is IOException && e is not BadHttpRequestException))
            {
                // A multipart body cut short or without its parts' names, a form over the limits of its reader
                // (a body over the server's limit stays a 413).
                return (null, BadRequest(BadRequestMessage));
            }
            var fields = new JsonObject();
            foreach (var (key, value) in form) fields[key] = value.ToString();
            return (fields, null);
        }
        return (null, BadRequest(NoContentTypeMessage));
    }

    private static IResult BadRequest(string message) => EveResults.Error(StatusCodes.Status400BadRequest, message);
}
