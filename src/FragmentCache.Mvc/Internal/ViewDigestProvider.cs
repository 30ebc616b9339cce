using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Razor.Hosting;
using Microsoft.Extensions.Logging;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// The digest of a compiled view and everything it renders, so a changed template, partial or view component
/// gets new fragment keys (Rails' template digests). Each view's own digest uses the checksums the Razor
/// compiler records on the compiled item (<see cref="IRazorSourceChecksumMetadata"/>, the view and its imports)
/// when there are any; the .NET 10 Razor generator records none, so then a <see cref="CompiledViewFingerprint"/>
/// of the compiled code. <see cref="RenderDependencyGraph"/> adds the partials, view components and their views
/// the view renders, or falls back to a digest of every compiled view when a rendered name is not a literal.
/// Computed once per path; a hit is one dictionary lookup.
/// </summary>
internal sealed partial class ViewDigestProvider(ApplicationPartManager? partManager = null, ILogger? logger = null)
{
    private readonly ConcurrentDictionary<string, string?> _byPath = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Type, string?> _byComponent = new();
    private RenderDependencyGraph? _graph;

    private RenderDependencyGraph Graph => _graph ??= new RenderDependencyGraph(partManager);

    /// <summary>Returns the digest of the view at <paramref name="path"/>, or <see langword="null"/> when unknown (runtime-compiled or not a view).</summary>
    public string? GetDigest(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        // TryGetValue first: a hit allocates no delegate.
        return _byPath.TryGetValue(path, out var digest) ? digest : _byPath.GetOrAdd(path, Compute);
    }

    /// <summary>
    /// The digest of the compiled component that declares <paramref name="content"/> (the <c>.razor</c> file holding a
    /// <c>&lt;MemcacheFragment&gt;</c>), found by walking out of the compiler's closure and lambda types; what that file
    /// renders is not followed. <see langword="null"/> for content declared outside a component (a test, plain C#).
    /// </summary>
    public string? GetComponentDigest(Delegate? content)
    {
        var type = content?.Method.DeclaringType;
        while (type is { IsNested: true } && type.Name.StartsWith('<'))
        {
            type = type.DeclaringType;
        }

        if (type is null || !typeof(Microsoft.AspNetCore.Components.IComponent).IsAssignableFrom(type))
        {
            return null;
        }

        return _byComponent.TryGetValue(type, out var digest) ? digest : _byComponent.GetOrAdd(type, static t => DigestOf(t, null));
    }

    internal static string? DigestOf(Type viewType, IReadOnlyList<object>? metadata)
    {
        var checksums = new List<string>();
        if (metadata is not null)
        {
            foreach (var item in metadata)
            {
                if (item is IRazorSourceChecksumMetadata checksum)
                {
                    checksums.Add(checksum.Identifier + "=" + checksum.ChecksumAlgorithm + ":" + checksum.Checksum);
                }
            }
        }

        foreach (var attribute in viewType.GetCustomAttributes<RazorSourceChecksumAttribute>(inherit: false))
        {
            checksums.Add(attribute.Identifier + "=" + attribute.ChecksumAlgorithm + ":" + attribute.Checksum);
        }

        string text;
        if (checksums.Count > 0)
        {
            checksums.Sort(StringComparer.Ordinal);
            text = "c\n" + string.Join('\n', checksums);
        }
        else
        {
            var fingerprint = new StringBuilder("f\n");
            CompiledViewFingerprint.Append(fingerprint, viewType);
            text = fingerprint.ToString();
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexString(hash, 0, 12);
    }

    /// <summary>The digest every view falls back to when what it renders cannot be resolved: all compiled views and view components.</summary>
    internal string AllViewsDigest() => Graph.AllViewsDigest();

    /// <summary>Why the view at <paramref name="path"/> falls back to <see cref="AllViewsDigest"/>, or <see langword="null"/> when it does not.</summary>
    internal string? FallbackReason(string path) => Graph.UnresolvableReason(path);

    private string? Compute(string path)
    {
        var digest = Graph.Digest(path, out var fallback);
        if (fallback is not null && logger is not null)
        {
            LogFallback(logger, path, fallback);
        }

        return digest;
    }

    [LoggerMessage(140, LogLevel.Information, "FragmentCache: the fragments of view {Path} carry a digest of every compiled view, as what it renders cannot be resolved statically ({Reason}).", EventName = "ViewDigestCoversAllViews")]
    private static partial void LogFallback(ILogger logger, string path, string reason);
}
