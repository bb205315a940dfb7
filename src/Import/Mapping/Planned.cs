using System.Text.Json.Nodes;
using Alignak.Import.Config;

namespace Alignak.Import.Mapping;

/// <summary>
/// Where a name is looked up: a backend resource, split for templates (a host template and a host may share a
/// name) and keyed <c>host/description</c> for services.
/// </summary>
public enum Space
{
    Realm, Command, Timeperiod, UserTemplate, User, Usergroup, HostTemplate, Host, Hostgroup, HostDependency,
    HostEscalation, ServiceTemplate, Service, Servicegroup, ServiceDependency, ServiceEscalation,
}

/// <summary>A link to other objects by name, resolved to ids when the document is written.</summary>
/// <param name="Later">Written in a second pass (PATCH), once every object of the phase exists (self links, group trees).</param>
/// <param name="Fallback">The name used when none is given or it is unknown (a required period: 24x7).</param>
public sealed record Link(string Field, Space Target, IReadOnlyList<string> Names, bool IsList, bool Later = false, string? Fallback = null);

/// <summary>One backend document to write: fields, links by name, and where it was defined.</summary>
public sealed class Planned
{
    public required Space Space { get; init; }
    public required string Resource { get; init; }
    /// <summary>The name links use to find it (for services <c>host/description</c>; for service templates the template name).</summary>
    public required string Key { get; init; }
    public required string Name { get; init; }
    public required SourceLocation Where { get; init; }
    public JsonObject Fields { get; } = new();
    public List<Link> Links { get; } = [];
    /// <summary>For a service: the key of its host (the backend identity is host id + name).</summary>
    public Link? Host { get; set; }

    public string Describe() => Space switch
    {
        Space.Service => $"service '{Key}'",
        Space.ServiceTemplate => $"service template '{Key}'",
        Space.HostTemplate => $"host template '{Name}'",
        Space.UserTemplate => $"user template '{Name}'",
        _ => $"{Resource} '{Name}'",
    };
}

public static class Spaces
{
    public static string Resource(Space space) => space switch
    {
        Space.UserTemplate => "user",
        Space.HostTemplate => "host",
        Space.ServiceTemplate => "service",
        _ => space.ToString().ToLowerInvariant(),
    };

    public static string Title(Space space) => space switch
    {
        Space.UserTemplate => "user template",
        Space.HostTemplate => "host template",
        Space.ServiceTemplate => "service template",
        _ => space.ToString().ToLowerInvariant(),
    };

    public static bool IsTemplate(Space space) => space is Space.UserTemplate or Space.HostTemplate or Space.ServiceTemplate;
}
