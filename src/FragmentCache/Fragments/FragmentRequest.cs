using System.Text;

namespace FragmentCache;

/// <summary>
/// One fragment lookup in flight. It keeps the caller's render delegate as given (bytes or text) and adapts it only
/// when a render runs, so a hit allocates no adapter.
/// </summary>
internal sealed class FragmentRequest(
    FragmentKey key,
    string fullKey,
    FragmentContentKind kind,
    FragmentCacheEntryOptions options,
    Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? renderBytes,
    Func<CancellationToken, ValueTask<string>>? renderText)
{
    public FragmentKey Key { get; } = key;

    public string FullKey { get; } = fullKey;

    public FragmentContentKind Kind { get; } = kind;

    public FragmentCacheEntryOptions Options { get; } = options;

    /// <summary>Renders the fragment: the bytes render, or the text render's string as UTF-8.</summary>
    public ValueTask<ReadOnlyMemory<byte>> Render(CancellationToken cancellationToken) =>
        renderText is null ? renderBytes!(cancellationToken) : RenderTextAsync(renderText, cancellationToken);

    private static async ValueTask<ReadOnlyMemory<byte>> RenderTextAsync(Func<CancellationToken, ValueTask<string>> render, CancellationToken cancellationToken) =>
        Encoding.UTF8.GetBytes(await render(cancellationToken).ConfigureAwait(false) ?? "");
}
