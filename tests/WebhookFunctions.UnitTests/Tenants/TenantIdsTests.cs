using WebhookFunctions.Engine.Tenants;

namespace WebhookFunctions.UnitTests.Tenants;

public sealed class TenantIdsTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("customer-42")]
    [InlineData("Acme_Corp.eu-west")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Letters_digits_dot_underscore_and_dash_up_to_64_are_valid(string tenantId) =>
        Assert.True(TenantIds.IsValid(tenantId));

    [Theory]
    [InlineData("")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    [InlineData("has space")]
    [InlineData("slash/")]
    [InlineData("star*")]
    [InlineData("pipe|")]
    [InlineData("ümlaut")]
    public void Anything_else_is_invalid(string tenantId) =>
        Assert.False(TenantIds.IsValid(tenantId));

    [Fact]
    public void An_absent_filter_is_fine_and_an_invalid_one_names_the_field()
    {
        Assert.Null(TenantIds.CheckFilter(null));
        Assert.Null(TenantIds.CheckFilter("t-1"));
        Assert.Equal([TenantIds.Field], TenantIds.CheckFilter("bad tenant")!.FieldErrors!.Keys);
    }
}
