using FragmentCache.Mvc.Holes;

namespace FragmentCache.Mvc.Internal;

/// <summary>A fragment's markup (as <see cref="FragmentOutput"/>) and the holes to fill in it for this request, at UTF-8 byte offsets of the markup.</summary>
internal readonly record struct HoledFragmentOutput(FragmentOutput Markup, PlacedHole[] Holes);
