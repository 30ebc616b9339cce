using System.Text;

namespace FragmentCache;

/// <summary>
/// One fragment lookup in flight. It keeps the caller's render delegate as given (a <see cref="FragmentRender"/>, text
/// or bytes) and adapts it only when a render runs, so a hit allocates no adapter; it holds no more than a hit needs.
/// </summary>
internal class FragmentRequest
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
    public virtual ValueTask<FragmentRender> Render(CancellationToken cancellationToken) =>
        _render is Func<CancellationToken, ValueTask<FragmentRender>> render ? render(cancellationToken) : RenderAdaptedAsync(cancellationToken);

    private async ValueTask<FragmentRender> RenderAdaptedAsync(CancellationToken cancellationToken)
        => _render is Func<CancellationToken, ValueTask<string>> text
            ? FragmentRender.Stored(await text(cancellationToken).ConfigureAwait(false))
            : FragmentRender.Stored(await ((Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>>)_render)(cancellationToken).ConfigureAwait(false));
}

/// <summary>
/// A lookup whose render was given with a state argument (<see cref="FragmentCacheExtensions"/>' state form): the state
/// lives here, made only past the two-tier copy, so the other lookups carry no field for it.
/// </summary>
internal sealed class StatefulFragmentRequest(FragmentKey key, string fullKey, FragmentCacheEntryOptions options, Delegate render, object? state, StatefulRender invoke)
    : FragmentRequest(key, fullKey, options, null, render)
{
    private readonly Delegate _stateRender = render;

    public override ValueTask<FragmentRender> Render(CancellationToken cancellationToken) => invoke(_stateRender, state, cancellationToken);
}

/// <summary>Calls a render given with a state argument (<c>Func&lt;TState, CancellationToken, ValueTask&lt;FragmentRender&gt;&gt;</c>) with its state.</summary>
internal delegate ValueTask<FragmentRender> StatefulRender(Delegate render, object? state, CancellationToken cancellationToken);

/// <summary>One <see cref="StatefulRender"/> per state type, made once.</summary>
/// <typeparam name="TState">The render's state.</typeparam>
internal static class StatefulRender<TState>
{
    public static readonly StatefulRender Invoke = static (render, state, cancellationToken)
        => ((Func<TState, CancellationToken, ValueTask<FragmentRender>>)render)((TState)state!, cancellationToken);
}

/// <summary>A render's content as the cache hands it out: the bytes (encoded once for a string) and the render's own string.</summary>
internal static class FragmentRenderContent
{
    public static FragmentResult ToResult(this FragmentRender render, FragmentOutcome outcome, ReadOnlyMemory<byte> bytes) => new(outcome, FragmentHolesLayout.KindOf(render), bytes, render.Text);

    public static ReadOnlyMemory<byte> Bytes(this FragmentRender render) => FragmentHolesLayout.Encode(render);
}
