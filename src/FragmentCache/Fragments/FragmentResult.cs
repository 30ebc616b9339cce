using System.Text;

namespace FragmentCache;

/// <summary>
/// What <see cref="IFragmentCache.GetOrRenderAsync(FragmentKey, FragmentCacheEntryOptions?, Func{CancellationToken, ValueTask{FragmentRender}}, CancellationToken)"/>
/// hands back: how it answered, the stored bytes, and the text.
/// </summary>
public readonly struct FragmentResult
{
    // A string (the render's own, or the one a joined render shared) or a two-tier copy that keeps its decoded forms.
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
    public bool HasText => _source is not null;

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
}
