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

    /// <summary>
    /// The in-process flight this request leads: the requests that joined it wait on its task. Null when the request
    /// leads no flight.
    /// </summary>
    public TaskCompletionSource<ReadOnlyMemory<byte>>? Flight { get; set; }

    /// <summary>
    /// Hands the stored copy to the requests that joined this one's flight (and to any that join before it ends), so
    /// they do not wait for the re-render this request runs. Only the first answer counts.
    /// </summary>
    public void AnswerJoiners(ReadOnlyMemory<byte> content) => Flight?.TrySetResult(content);

    /// <summary>Renders the fragment: the bytes render, or the text render's string as UTF-8.</summary>
    public ValueTask<ReadOnlyMemory<byte>> Render(CancellationToken cancellationToken) =>
        renderText is null ? renderBytes!(cancellationToken) : RenderTextAsync(renderText, cancellationToken);

    private static async ValueTask<ReadOnlyMemory<byte>> RenderTextAsync(Func<CancellationToken, ValueTask<string>> render, CancellationToken cancellationToken) =>
        Encoding.UTF8.GetBytes(await render(cancellationToken).ConfigureAwait(false) ?? "");
}
