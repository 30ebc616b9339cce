using System.Text;

namespace FragmentCache;

/// <summary>
/// What <see cref="IFragmentCache.GetOrRenderAsync(FragmentKey, FragmentCacheEntryOptions?, Func{CancellationToken, ValueTask{FragmentRender}}, CancellationToken)"/>
/// hands back: how it answered, the stored bytes, and the text.
/// </summary>
/// <remarks>
/// A hit looked up with <see cref="FragmentCacheEntryOptions.PooledResult"/> may hold its bytes in a pooled buffer:
/// <see cref="Dispose"/> gives it back, after which <see cref="Utf8"/>, <see cref="Holes"/> and anything decoded from
/// them must not be read. Any other result holds nothing, and disposing it does nothing.
/// </remarks>
public readonly struct FragmentResult : IDisposable
{
    // A string (the render's own, or the one a joined render shared), a two-tier copy that keeps its decoded forms, or
    // this caller's hold on a pooled read's bytes.
    private readonly object? _source;

    internal FragmentResult(FragmentOutcome outcome, ReadOnlyMemory<byte> utf8, string? text)
        : this(outcome, utf8, (object?)text, default)
    {
    }

    /// <summary>A result from stored content of <paramref name="kind"/>: the markup, and the hole table when it has one.</summary>
    internal FragmentResult(FragmentOutcome outcome, FragmentContentKind kind, ReadOnlyMemory<byte> content, string? text)
    {
        Outcome = outcome;
        Utf8 = FragmentHolesLayout.Split(kind, content, out var holes);
        Holes = holes;
        _source = text;
    }

    private FragmentResult(FragmentOutcome outcome, ReadOnlyMemory<byte> utf8, object? source, ReadOnlyMemory<byte> holes)
    {
        Outcome = outcome;
        Utf8 = utf8;
        _source = source;
        Holes = holes;
    }

    internal FragmentResult(LocalFragmentCopy copy)
    {
        Outcome = FragmentOutcome.LocalHit;
        Utf8 = copy.Markup;
        Holes = copy.Holes;
        _source = copy;
    }

    /// <summary>How the call answered. The default is <see cref="FragmentOutcome.Miss"/>.</summary>
    public FragmentOutcome Outcome { get; }

    /// <summary>The content's bytes (UTF-8 for text), as stored: write them out without building a string. The default is empty.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>
    /// The hole table stored beside the markup (<see cref="FragmentRender.Stored(string, ReadOnlyMemory{byte})"/>), for the
    /// caller to fill the holes for this request; empty (the default) when the fragment has none.
    /// </summary>
    public ReadOnlyMemory<byte> Holes { get; }

    /// <summary>
    /// Whether the content came from the cache or from another call's render (<see cref="FragmentOutcome.Hit"/>,
    /// <see cref="FragmentOutcome.LocalHit"/>, <see cref="FragmentOutcome.StaleHit"/>) rather than this call's render.
    /// </summary>
    public bool IsFromCache => Outcome is FragmentOutcome.Hit or FragmentOutcome.LocalHit or FragmentOutcome.StaleHit;

    /// <summary>
    /// The content as a string. The render's own string when it gave one; a two-tier copy's string, decoded once and kept
    /// with the copy; otherwise <see cref="Utf8"/> decoded on each read (read it once).
    /// </summary>
    public string Text => _source switch
    {
        string text => text,
        LocalFragmentCopy copy => copy.Text,
        _ => Encoding.UTF8.GetString(Utf8.Span),
    };

    /// <summary>
    /// Whether <see cref="Text"/> is a string the result already holds (the render's own, or a two-tier copy's, decoded once
    /// per copy) rather than a decode of <see cref="Utf8"/> on each read. A writer that can write bytes prefers
    /// <see cref="Utf8"/> when this is <see langword="false"/>.
    /// </summary>
    public bool HasText => _source is string or LocalFragmentCopy;

    /// <summary>
    /// What <paramref name="decode"/> makes of <see cref="Utf8"/>. A two-tier copy decodes once and shares the result with
    /// every later hit of that copy (so treat it as immutable); any other result decodes on each call.
    /// </summary>
    /// <typeparam name="T">The decoded form.</typeparam>
    /// <param name="decode">Decodes the content; returns <see langword="null"/> when it cannot.</param>
    /// <returns>The decoded form, or <see langword="null"/>.</returns>
    public T? GetDecoded<T>(Func<ReadOnlyMemory<byte>, T?> decode)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(decode);
        return _source is LocalFragmentCopy copy ? copy.GetDecoded(decode) : decode(Utf8);
    }

    /// <summary>The same content under another outcome (a joiner's view of a flight).</summary>
    internal FragmentResult With(FragmentOutcome outcome) => new(outcome, Utf8, _source, Holes);

    /// <summary>The pooled bytes this result holds a reference on, if any.</summary>
    internal PooledContent? Pooled => (_source as PooledContentHold)?.Content;

    /// <summary>This result holding <paramref name="hold"/>: its bytes live in that pooled content.</summary>
    internal FragmentResult WithHold(PooledContentHold hold) => new(Outcome, Utf8, hold, Holes);

    /// <summary>
    /// A result of its own for a caller that was given one more reference on the pooled bytes (a flight's joiner); the
    /// same result when it holds none.
    /// </summary>
    internal FragmentResult Claim() => _source is PooledContentHold hold ? new(Outcome, Utf8, new PooledContentHold(hold.Content), Holes) : this;

    /// <summary>
    /// Gives back this result's reference on a pooled buffer (<see cref="FragmentCacheEntryOptions.PooledResult"/>), once
    /// however often it is called; the buffer returns to its pool when its last holder has let go. Call it once the
    /// bytes are written. Does nothing for a result that holds none (the default).
    /// </summary>
    public void Dispose() => (_source as PooledContentHold)?.Release();
}
