using System.Text;

namespace FragmentCache;

/// <summary>
/// One fragment lookup in flight. It keeps the caller's render delegate as given (a <see cref="FragmentRender"/>, text
/// or bytes) and adapts it only when a render runs, so a hit allocates no adapter; it holds no more than a hit needs.
/// </summary>
internal sealed class FragmentRequest
{
    // Func<CancellationToken, ValueTask<FragmentRender>>, or, for the text and bytes forms (Kind set),
    // Func<CancellationToken, ValueTask<string>> or Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>>.
    private readonly Delegate _render;

    public FragmentRequest(FragmentKey key, string fullKey, FragmentCacheEntryOptions options, FragmentContentKind? kind, Delegate render)
    {
        Key = key;
        FullKey = fullKey;
        Options = options;
        Kind = kind;
        _render = render;
    }

    public FragmentKey Key { get; }

    public string FullKey { get; }

    public FragmentCacheEntryOptions Options { get; }

    /// <summary>The only content kind a text or bytes render accepts; null (any) for a <see cref="FragmentRender"/> render.</summary>
    public FragmentContentKind? Kind { get; }

    /// <summary>The metrics label: <see cref="FragmentCacheEntryOptions.MetricName"/> or the key's name.</summary>
    public string Label => Options.MetricName ?? Key.Name;

    /// <summary>Renders the fragment.</summary>
    public ValueTask<FragmentRender> Render(CancellationToken cancellationToken) =>
        _render is Func<CancellationToken, ValueTask<FragmentRender>> render ? render(cancellationToken) : RenderAdaptedAsync(cancellationToken);

    private async ValueTask<FragmentRender> RenderAdaptedAsync(CancellationToken cancellationToken)
        => _render is Func<CancellationToken, ValueTask<string>> text
            ? FragmentRender.Stored(await text(cancellationToken).ConfigureAwait(false))
            : FragmentRender.Stored(await ((Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>>)_render)(cancellationToken).ConfigureAwait(false));
}

/// <summary>A render's content as the cache hands it out: the bytes (encoded once for a string) and the render's own string.</summary>
internal static class FragmentRenderContent
{
    public static FragmentResult ToResult(this FragmentRender render, FragmentOutcome outcome, ReadOnlyMemory<byte> bytes) => new(outcome, bytes, render.Text);

    public static ReadOnlyMemory<byte> Bytes(this FragmentRender render) => render.Text is { } text ? Encoding.UTF8.GetBytes(text) : render.Utf8;
}
