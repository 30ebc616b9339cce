using System.Text;

namespace FragmentCache;

/// <summary>
/// One fragment lookup in flight. It keeps the caller's render delegate as given (a <see cref="FragmentRender"/>, text
/// or bytes) and adapts it only when a render runs, so a hit allocates no adapter.
/// </summary>
internal sealed class FragmentRequest(
    DefaultFragmentCache cache,
    FragmentKey key,
    string fullKey,
    FragmentCacheEntryOptions options,
    string label,
    FragmentContentKind? kind,
    Func<CancellationToken, ValueTask<FragmentRender>>? render,
    Func<CancellationToken, ValueTask<string>>? renderText,
    Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? renderBytes,
    bool declinesByException)
{
    public DefaultFragmentCache Cache { get; } = cache;

    public FragmentKey Key { get; } = key;

    public string FullKey { get; } = fullKey;

    public FragmentCacheEntryOptions Options { get; } = options;

    /// <summary>The metrics label: <see cref="FragmentCacheEntryOptions.MetricName"/> or the key's name.</summary>
    public string Label { get; } = label;

    /// <summary>The only content kind a text or bytes render accepts; null (any) for a <see cref="FragmentRender"/> render.</summary>
    public FragmentContentKind? Kind { get; } = kind;

    /// <summary>
    /// The <see cref="UncacheableRenderException"/> a text or bytes render threw to decline storage, when the caller
    /// asked for that bridge (<c>declinesByException</c>): the render became <see cref="FragmentRender.NotStored(ReadOnlyMemory{byte}, string)"/>
    /// and the caller gets the exception back once the lookup is done.
    /// </summary>
    public UncacheableRenderException? Declined { get; private set; }

    /// <summary>Renders the fragment.</summary>
    public ValueTask<FragmentRender> Render(CancellationToken cancellationToken) =>
        render is not null ? render(cancellationToken) : RenderAdaptedAsync(cancellationToken);

    private async ValueTask<FragmentRender> RenderAdaptedAsync(CancellationToken cancellationToken)
    {
        try
        {
            return renderText is not null
                ? FragmentRender.Stored(await renderText(cancellationToken).ConfigureAwait(false))
                : FragmentRender.Stored(await renderBytes!(cancellationToken).ConfigureAwait(false));
        }
        catch (UncacheableRenderException ex) when (declinesByException)
        {
            Declined = ex;
            return FragmentRender.NotStored(ReadOnlyMemory<byte>.Empty, ex.Message);
        }
    }
}

/// <summary>A render's content as the cache hands it out: the bytes (encoded once for a string) and the render's own string.</summary>
internal static class FragmentRenderContent
{
    public static FragmentResult ToResult(this FragmentRender render, FragmentOutcome outcome, ReadOnlyMemory<byte> bytes) => new(outcome, bytes, render.Text);

    public static ReadOnlyMemory<byte> Bytes(this FragmentRender render) => render.Text is { } text ? Encoding.UTF8.GetBytes(text) : render.Utf8;
}
