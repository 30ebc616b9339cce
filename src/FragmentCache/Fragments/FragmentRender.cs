namespace FragmentCache;

/// <summary>
/// What a render callback returns: the fragment's content (UTF-8 bytes, or a string stored as UTF-8) and whether
/// it may be stored. "Render, but don't store" (a response that sets a cookie, content over a size limit) is
/// <see cref="NotStored(string, string)"/>: the caller gets the content, nothing is cached, nothing is logged as a failure.
/// </summary>
public readonly struct FragmentRender
{
    private FragmentRender(ReadOnlyMemory<byte> utf8, string? text, bool store, string? reason, ReadOnlyMemory<byte> holes = default)
    {
        Utf8 = utf8;
        Text = text;
        Store = store;
        Reason = reason;
        Holes = holes;
    }

    /// <summary>The content as bytes; empty when the render gave a string (<see cref="Text"/>). The default is empty.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>The content as a string when the render gave one, else <see langword="null"/> (the default).</summary>
    public string? Text { get; }

    /// <summary>Whether the content may be stored. The default (a <see langword="default"/> instance) is <see langword="false"/>.</summary>
    public bool Store { get; }

    /// <summary>
    /// The caller's hole table: per-request parts of the markup, kept beside it (never inside it) and handed back on every hit
    /// as <see cref="FragmentResult.Holes"/>. The core never reads it. The default is empty: no holes.
    /// </summary>
    public ReadOnlyMemory<byte> Holes { get; }

    /// <summary>Why the content is not stored (logged at Debug); <see langword="null"/> (the default) when it is stored.</summary>
    public string? Reason { get; }

    /// <summary>Content to store, as bytes (UTF-8 for text).</summary>
    /// <param name="utf8">The content.</param>
    /// <returns>The render.</returns>
    public static FragmentRender Stored(ReadOnlyMemory<byte> utf8) => new(utf8, null, store: true, null);

    /// <summary>Content to store, as a string (stored as UTF-8; the caller's result keeps this string).</summary>
    /// <param name="text">The content; <see langword="null"/> counts as empty.</param>
    /// <returns>The render.</returns>
    public static FragmentRender Stored(string? text) => new(default, text ?? "", store: true, null);

    /// <summary>
    /// Markup to store with a hole table beside it: the table comes back with every hit as <see cref="FragmentResult.Holes"/>,
    /// so the caller can fill the holes for each request. An empty table stores plain text.
    /// </summary>
    /// <param name="text">The markup; <see langword="null"/> counts as empty.</param>
    /// <param name="holes">The caller's hole table (opaque to the cache).</param>
    /// <returns>The render.</returns>
    public static FragmentRender Stored(string? text, ReadOnlyMemory<byte> holes) => new(default, text ?? "", store: true, null, holes);

    /// <summary>Markup as UTF-8 bytes to store with a hole table beside it (see <see cref="Stored(string, ReadOnlyMemory{byte})"/>).</summary>
    /// <param name="utf8">The markup.</param>
    /// <param name="holes">The caller's hole table (opaque to the cache).</param>
    /// <returns>The render.</returns>
    public static FragmentRender Stored(ReadOnlyMemory<byte> utf8, ReadOnlyMemory<byte> holes) => new(utf8, null, store: true, null, holes);

    /// <summary>Content to hand to the caller without storing it.</summary>
    /// <param name="utf8">The content.</param>
    /// <param name="reason">Why it is not stored (for the log, at Debug).</param>
    /// <returns>The render.</returns>
    public static FragmentRender NotStored(ReadOnlyMemory<byte> utf8, string reason) => new(utf8, null, store: false, reason ?? "");

    /// <summary>Content to hand to the caller without storing it.</summary>
    /// <param name="text">The content; <see langword="null"/> counts as empty.</param>
    /// <param name="reason">Why it is not stored (for the log, at Debug).</param>
    /// <returns>The render.</returns>
    public static FragmentRender NotStored(string? text, string reason) => new(default, text ?? "", store: false, reason ?? "");
}
