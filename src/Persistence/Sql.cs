using System.Data.Common;

namespace Alignak.Persistence;

internal static class Sql
{
    /// <summary>Adds a named parameter to <paramref name="command"/> (both providers take '@name').</summary>
    public static DbParameter Parameter(this DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
