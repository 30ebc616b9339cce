namespace FragmentCache;

/// <summary>
/// Checks one <see cref="FragmentCacheOptions.Servers"/> entry at startup. The Memcached client
/// replaces the simple default with its full address parser (register it before <c>AddFragmentCache</c>;
/// registration uses <c>TryAdd</c>).
/// </summary>
public interface IServerAddressValidator
{
    /// <summary>Checks an address.</summary>
    /// <param name="address">The configured string.</param>
    /// <returns><see langword="null"/> when valid; otherwise why it is not.</returns>
    string? Validate(string address);
}
