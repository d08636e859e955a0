using System.Text;
using WebhookFunctions.Engine.Subscriptions.Filters;

namespace WebhookFunctions.UnitTests.Subscriptions.Filters;

public sealed class ExactNumberTests
{
    [Theory]
    [InlineData("0", "-0", 0)]
    [InlineData("0.000", "0e5", 0)]
    [InlineData("1", "1.0", 0)]
    [InlineData("100", "1e2", 0)]
    [InlineData("100", "1E+2", 0)]
    [InlineData("0.01", "1e-2", 0)]
    [InlineData("-1", "1", -1)]
    [InlineData("-2", "-1", -1)]
    [InlineData("9007199254740993", "9007199254740992", 1)]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567891", -1)]
    [InlineData("0.1", "0.10000000000000000000000000001", -1)]
    [InlineData("1e400", "1e399", 1)]
    [InlineData("1e-400", "0", 1)]
    [InlineData("-1e-400", "0", -1)]
    [InlineData("1e99999999999999999999", "1e99999999999999999998", 1)]
    [InlineData("12.5", "125e-1", 0)]
    [InlineData("12.5", "12.49", 1)]
    [InlineData("0.5", "5", -1)]
    public void Compares_decimal_values_exactly(string left, string right, int expected)
    {
        Assert.Equal(expected, Math.Sign(ExactNumber.Compare(Encoding.ASCII.GetBytes(left), Encoding.ASCII.GetBytes(right))));
        Assert.Equal(-expected, Math.Sign(ExactNumber.Compare(Encoding.ASCII.GetBytes(right), Encoding.ASCII.GetBytes(left))));
    }
}
