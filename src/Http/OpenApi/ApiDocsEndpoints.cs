using System.Text.Json;
using Alignak.Http.Settings;
using Scalar.AspNetCore;

namespace Alignak.Http.OpenApi;

/// <summary>
/// The API description, with no token needed: the OpenAPI document at <c>/openapi/v1.json</c> and the Scalar
/// page at <c>/scalar/v1</c> (where the original's Swagger UI address <c>/docs</c> leads). The page loads its
/// script from this server (the bundle embedded in Scalar.AspNetCore) and no web fonts, so it works offline.
/// Literal first segments win over the resource routes' <c>/{resource}</c> parameter.
/// </summary>
public static class ApiDocsEndpoints
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";
    public const string PagePath = "/scalar/" + DocumentName;

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder routes, BackendSettings settings)
    {
        // Built once: the schemas and the paging settings do not change while the server runs.
        var document = new Lazy<byte[]>(() =>
            JsonSerializer.SerializeToUtf8Bytes(BackendOpenApiDocument.Build(settings)));
        routes.MapMethods(DocumentPath, ["GET", "HEAD"], () => Results.Bytes(document.Value, "application/json; charset=utf-8"));

        routes.MapScalarApiReference("/scalar", options =>
        {
            options
                .WithTitle("Alignak backend API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddPreferredSecuritySchemes(EveComponents.SecurityScheme)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp();
            // Its toolbar offers hosted services (deploy, share) that have no place on a monitoring backend.
            options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
        });

        // The original served Swagger UI under /docs.
        routes.MapGet("/docs", () => Results.Redirect(PagePath));
        routes.MapGet("/docs/{**path}", () => Results.Redirect(PagePath));
        return routes;
    }
}
