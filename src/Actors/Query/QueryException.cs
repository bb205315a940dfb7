namespace Alignak.Actors.Query;

/// <summary>
/// A client error in a query parameter (<c>where</c>, <c>sort</c>, <c>projection</c>). The HTTP edge maps it to
/// 400 with <see cref="Exception.Message"/> as the error description, as Eve does with <c>abort(400, ...)</c>.
/// </summary>
public sealed class QueryException : Exception
{
    public QueryException(string message) : base(message)
    {
    }

    public QueryException(string message, Exception inner) : base(message, inner)
    {
    }

    internal const string UnparsableWhere = "Unable to parse `where` clause";
    internal const string UnparsableProjection = "Unable to parse `projection` clause";
}
