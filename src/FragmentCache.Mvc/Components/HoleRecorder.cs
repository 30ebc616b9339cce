using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FragmentCache.Mvc.Holes;

namespace FragmentCache.Mvc;

/// <summary>
/// Records the holes of one capture of a <see cref="MemcacheFragment"/>'s child content (cascaded to it). The content
/// renders in an <see cref="Microsoft.AspNetCore.Components.Web.HtmlRenderer"/> of its own, so a hole cannot be seen out
/// of band there: each <see cref="FragmentHole"/> writes a placeholder made of this capture's nonce (128 random bits,
/// never sent to a client, never stored) and its index instead. <see cref="Split"/> cuts the captured HTML at exactly
/// those placeholders: content cannot forge one, as it never sees the nonce.
/// </summary>
internal sealed class HoleRecorder
{
    private const int IndexDigits = 8;

    private readonly string _nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly List<Hole> _holes = [];
    private readonly Lock _lock = new();

    /// <summary>Records <paramref name="hole"/> and returns the placeholder to render in its place.</summary>
    public string Add(Hole hole)
    {
        int index;
        lock (_lock)
        {
            _holes.Add(hole);
            index = _holes.Count - 1;
        }

        return _nonce + index.ToString("X8", CultureInfo.InvariantCulture);
    }

    /// <summary>The captured HTML without the placeholders, and the holes at the UTF-8 byte offsets they stood at.</summary>
    public HoledMarkup Split(string html)
    {
        var at = html.IndexOf(_nonce, StringComparison.Ordinal);
        if (at < 0)
        {
            return new HoledMarkup(html, [], []);
        }

        var markup = new StringBuilder(html.Length);
        var placed = new List<PlacedHole>();
        var bytes = 0;
        var from = 0;
        while (at >= 0)
        {
            var segment = html.AsSpan(from, at - from);
            markup.Append(segment);
            bytes += Encoding.UTF8.GetByteCount(segment);
            var digits = at + _nonce.Length;
            if (html.Length - digits < IndexDigits
                || !int.TryParse(html.AsSpan(digits, IndexDigits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var index)
                || index < 0)
            {
                throw new InvalidOperationException("<MemcacheFragment>: a hole placeholder was cut short in the captured HTML.");
            }

            Hole hole;
            lock (_lock)
            {
                hole = index < _holes.Count ? _holes[index] : throw new InvalidOperationException("<MemcacheFragment>: a hole placeholder names no recorded hole.");
            }

            placed.Add(new PlacedHole(bytes, hole));
            from = digits + IndexDigits;
            at = html.IndexOf(_nonce, from, StringComparison.Ordinal);
        }

        markup.Append(html.AsSpan(from));
        return new HoledMarkup(markup.ToString(), [.. placed], []);
    }
}
