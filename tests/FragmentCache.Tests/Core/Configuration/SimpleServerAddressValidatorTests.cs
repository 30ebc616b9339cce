namespace FragmentCache.Tests.Core;

public sealed class SimpleServerAddressValidatorTests
{
    [Theory]
    [InlineData("127.0.0.1:11211")]
    [InlineData("cache1.internal:11211")]
    [InlineData("cache1")]
    [InlineData("[::1]:11211")]
    [InlineData("/var/run/memcached.sock")]
    public void Validate_WellFormed_ReturnsNull(string address)
        => Assert.Null(new SimpleServerAddressValidator().Validate(address));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("host name:11211")]
    [InlineData("host:")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:-1")]
    [InlineData(":11211")]
    [InlineData("[::1:11211")]
    [InlineData("a:b:c")]
    public void Validate_Malformed_SaysWhy(string address)
        => Assert.NotNull(new SimpleServerAddressValidator().Validate(address));
}
