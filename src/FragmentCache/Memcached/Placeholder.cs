namespace FragmentCache.Memcached;

internal static class Placeholder
{
}
