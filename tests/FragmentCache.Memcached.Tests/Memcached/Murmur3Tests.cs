using System.Text;
using FragmentCache.Memcached;

namespace FragmentCache.Tests.Memcached;

public class Murmur3Tests
{
    [Theory]
    [InlineData("", 0u)]
    [InlineData("foo", 4138058784u)]
    [InlineData("hello", 613153351u)]
    public void Hash32_ReferenceVectors_MatchesPublishedValues(string input, uint expected)
        => Assert.Equal(expected, Murmur3.Hash32(Encoding.UTF8.GetBytes(input)));

    // Lengths 1-8 exercise every tail length (0-3) with and without full blocks.
    [Theory]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("abcd")]
    [InlineData("abcde")]
    [InlineData("abcdef")]
    [InlineData("abcdefg")]
    [InlineData("abcdefgh")]
    public void Hash32_OneByteChanged_ChangesHash(string input)
    {
        byte[] data = Encoding.ASCII.GetBytes(input);
        uint original = Murmur3.Hash32(data);
        for (int i = 0; i < data.Length; i++)
        {
            byte[] changed = (byte[])data.Clone();
            changed[i] ^= 1;
            Assert.NotEqual(original, Murmur3.Hash32(changed));
        }
    }

    [Fact]
    public void Hash32_DifferentSeed_ChangesHash()
        => Assert.NotEqual(Murmur3.Hash32("foo"u8, 0), Murmur3.Hash32("foo"u8, 1));
}
