using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignak.Http.Eve;

/// <summary>Responses in the original's Eve envelopes, written straight to the response stream.</summary>
public static class EveResults
{
    public const string NotFoundMessage =
        "The requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.";
    public const string MethodNotAllowedMessage = "The method is not allowed for the requested URL.";
    public const string ConflictMessage =
        "A conflict happened while processing the request.  The resource might have been modified while the request was being processed.";

    public static IResult Error(int code, string message, Action<HttpResponse>? headers = null) => new JsonResult(code, writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("_status", "ERR");
        writer.WriteStartObject("_error");
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }, headers);

    public static IResult NotFound() => Error(StatusCodes.Status404NotFound, NotFoundMessage);

    /// <summary>The original's hook refusals: a plain message, not the JSON envelope.</summary>
    public static IResult PlainText(int code, string text) => Results.Text(text, "text/html; charset=utf-8", null, code);

    public static IResult Json(int code, JsonNode body) => new JsonResult(code, writer => body.WriteTo(writer));

    public static IResult Json(int code, Action<Utf8JsonWriter> write, Action<HttpResponse>? headers = null) =>
        new JsonResult(code, write, headers);

    /// <summary>Writes a stored document's fields without copying it, then its links.</summary>
    public static void WriteDocument(Utf8JsonWriter writer, JsonObject document, Action<Utf8JsonWriter>? links)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in document)
        {
            writer.WritePropertyName(key);
            if (value is null) writer.WriteNullValue();
            else value.WriteTo(writer);
        }
        links?.Invoke(writer);
        writer.WriteEndObject();
    }

    public static void WriteLink(Utf8JsonWriter writer, string name, string title, string href)
    {
        writer.WriteStartObject(name);
        writer.WriteString("title", title);
        writer.WriteString("href", href);
        writer.WriteEndObject();
    }

    private sealed class JsonResult(int status, Action<Utf8JsonWriter> write, Action<HttpResponse>? headers = null) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "application/json";
            headers?.Invoke(response);
            var pretty = httpContext.Request.Query.ContainsKey("pretty");
            await using var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Indented = pretty });
            write(writer);
            await writer.FlushAsync();
        }
    }
}
