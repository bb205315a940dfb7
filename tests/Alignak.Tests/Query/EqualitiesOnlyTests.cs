using Alignak.Actors.Query;

namespace Alignak.Tests.Query;

public sealed class EqualitiesOnlyTests
{
    [Theory]
    [InlineData("""{"ls_state":"CRITICAL","_realm":"5a0000000000000000000001"}""", true)]
    [InlineData("""{"name":"x"}""", true)]
    [InlineData("""{"ls_state_id":2}""", true)]
    [InlineData("""{"name":{"$regex":"^x"}}""", false)]
    [InlineData("""{"name":"x","$or":[{"a":1},{"b":2}]}""", false)]
    [InlineData("""{"_updated":"Tue, 25 Aug 2015 14:10:02 GMT"}""", false)]
    [InlineData("""{"customs._A":"1"}""", false)]
    [InlineData("""{"f":null}""", false)]
    [InlineData("""{"tags":["a"]}""", false)]
    public void Only_flat_scalar_equalities_can_be_answered_by_lookups(string where, bool expected) =>
        Assert.Equal(expected, WhereFilter.Parse(where).EqualitiesOnly);
}
