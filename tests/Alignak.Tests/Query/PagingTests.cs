using Alignak.Actors.Query;

namespace Alignak.Tests.Query;

public class PagingTests
{
    [Theory]
    [InlineData(null, 25)]
    [InlineData("", 25)]
    [InlineData("abc", 25)]
    [InlineData("0", 25)]
    [InlineData("-5", 25)]
    [InlineData("10", 10)]
    [InlineData(" 10 ", 10)]
    [InlineData("10.7", 10)]
    [InlineData("4e1", 40)]
    [InlineData("1_0", 10)]
    [InlineData("0.5", 25)]
    [InlineData("50", 50)]
    [InlineData("51", 50)]
    [InlineData("99999999999999", 50)]
    [InlineData("inf", 25)]
    [InlineData("nan", 25)]
    [InlineData("0x10", 25)]
    public void Max_results(string? maxResults, int expected)
    {
        Assert.Equal(expected, Paging.Resolve(maxResults, null, 25, 50).MaxResults);
    }

    [Fact]
    public void Default_is_capped_too() => Assert.Equal(50, Paging.Resolve(null, null, 100, 50).MaxResults);

    [Theory]
    [InlineData(null, 1)]
    [InlineData("", 1)]
    [InlineData("x", 1)]
    [InlineData("1.5", 1)]
    [InlineData("0", 1)]
    [InlineData("1", 1)]
    [InlineData("3", 3)]
    [InlineData("-3", 3)]
    [InlineData(" +4 ", 4)]
    [InlineData("1_2", 12)]
    [InlineData("1__2", 1)]
    [InlineData("99999999999999999999", int.MaxValue)]
    public void Page(string? page, int expected)
    {
        Assert.Equal(expected, Paging.Resolve(null, page, 25, 50).Page);
    }
}
