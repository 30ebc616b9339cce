namespace FragmentCache;

/// <summary>
/// How the fragment cache's flights share a result: a result holding pooled bytes gets one reference per joiner and one
/// for the flight (<see cref="PooledContent"/>); any other result is shared as it is.
/// </summary>
internal sealed class FragmentResultSharing : IFlightSharing<FragmentResult>
{
    public static readonly FragmentResultSharing Instance = new();

    public void AddReferences(FragmentResult value, int count) => value.Pooled?.AddReferences(count);

    public void Release(FragmentResult value) => value.Pooled?.Release();

    public FragmentResult Claim(FragmentResult value) => value.Claim();
}
