using Alignak.Actors.Documents;
using Alignak.Actors.Query;
using Alignak.Actors.Resources;
using Alignak.Actors.Security;

namespace Alignak.Http.Push;

/// <summary>One connected user: its rights, computed again when users, roles or realms change.</summary>
internal sealed class PushViewer(string userId, string? token, Action abort)
{
    private Dictionary<string, Func<IDocumentFields, bool>?> _filters = new(StringComparer.Ordinal);
    private UserRights? _rights;
    private long _epoch = -1;

    public string UserId { get; } = userId;

    public void Abort() => abort();

    /// <summary>Rights for this epoch; false when the user is gone or its token changed (logged out).</summary>
    public bool EnsureFresh(DocumentIndex index, long epoch)
    {
        if (_epoch == epoch) return _rights is not null;
        _epoch = epoch;
        _filters = new Dictionary<string, Func<IDocumentFields, bool>?>(StringComparer.Ordinal);
        _rights = index.Collection(ResourceNames.User).Get(UserId) is { } user && (string?)user["token"] == token ? UserRights.For(user, index) : null;
        return _rights is not null;
    }

    public bool MayRead(string resource, IDocumentFields document)
    {
        if (!_filters.TryGetValue(resource, out var filter)) _filters[resource] = filter = _rights!.ReadFilter(resource);
        return filter?.Invoke(document) ?? true;
    }

    public bool MayRead(PushMessage message) =>
        message.RightsDocument is not { } document || MayRead(message.Resource, new JsonFields(document));
}
