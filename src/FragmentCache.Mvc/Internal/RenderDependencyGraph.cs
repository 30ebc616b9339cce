using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Razor.Compilation;
using Microsoft.AspNetCore.Mvc.ViewComponents;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// The compiled views and view components of an application and what each renders, resolved the way MVC
/// resolves them: a partial name against the view-relative, <c>/Views/{controller}/</c>, <c>/Views/Shared/</c>
/// and page-folder locations (any compiled view whose path ends in <c>/{name}.cshtml</c>, as the controller is
/// only known at run time), a path (<c>~/Views/x.cshtml</c>, <c>../x.cshtml</c>) exactly, a component by its
/// short or full name or type, and a component's views under <c>Components/{Name}/</c>. A view's digest covers
/// its own code, the views and component classes it reaches, recursively (cycles end at a view already seen),
/// or, when any of them renders a name that cannot be resolved, every compiled view and view component.
/// </summary>
internal sealed class RenderDependencyGraph
{
    private readonly Dictionary<string, CompiledViewDescriptor> _views = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Type> _components = [];
    private readonly ConcurrentDictionary<string, Node?> _viewNodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Type, Node> _componentNodes = new();
    private string? _all;

    public RenderDependencyGraph(ApplicationPartManager? partManager)
    {
        if (partManager is null)
        {
            return;
        }

        var views = new ViewsFeature();
        partManager.PopulateFeature(views);
        foreach (var view in views.ViewDescriptors)
        {
            _views[view.RelativePath] = view;
        }

        var components = new ViewComponentFeature();
        partManager.PopulateFeature(components);
        foreach (var component in components.ViewComponents)
        {
            _components.Add(component.AsType());
        }
    }

    /// <summary>
    /// The digest of the view at <paramref name="path"/> and all it renders, or <see langword="null"/> when it is not a
    /// compiled view. <paramref name="fallback"/> says why it is <see cref="AllViewsDigest"/> instead, when it is.
    /// </summary>
    public string? Digest(string path, out string? fallback)
    {
        fallback = null;
        if (ViewNode(path) is not { } root)
        {
            return null;
        }

        var seenViews = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { path };
        var seenComponents = new HashSet<Type>();
        var entries = new List<string>();
        var pending = new Stack<Node>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node.Unresolvable is not null)
            {
                fallback = node.Key + ": " + node.Unresolvable;
                return AllViewsDigest();
            }

            entries.Add(node.Key + "=" + node.Digest);
            foreach (var view in node.Views)
            {
                if (seenViews.Add(view) && ViewNode(view) is { } next)
                {
                    pending.Push(next);
                }
            }

            foreach (var component in node.Components)
            {
                if (seenComponents.Add(component))
                {
                    pending.Push(ComponentNode(component));
                }
            }
        }

        entries.Sort(StringComparer.Ordinal);
        return Hash("views\n" + string.Join('\n', entries));
    }

    /// <summary>Why the view at <paramref name="path"/> or something it renders cannot be resolved, or <see langword="null"/>.</summary>
    public string? UnresolvableReason(string path)
    {
        var seen = new HashSet<Node>();
        var pending = new Stack<Node>();
        if (ViewNode(path) is { } root)
        {
            pending.Push(root);
        }

        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (!seen.Add(node))
            {
                continue;
            }

            if (node.Unresolvable is not null)
            {
                return node.Key + ": " + node.Unresolvable;
            }

            foreach (var view in node.Views)
            {
                if (ViewNode(view) is { } next)
                {
                    pending.Push(next);
                }
            }

            foreach (var component in node.Components)
            {
                pending.Push(ComponentNode(component));
            }
        }

        return null;
    }

    /// <summary>The digest of every compiled view and view component: the fallback for a view whose dependencies are unknown.</summary>
    public string AllViewsDigest()
    {
        if (_all is { } all)
        {
            return all;
        }

        var entries = new List<string>();
        foreach (var path in _views.Keys)
        {
            if (ViewNode(path) is { } node)
            {
                entries.Add(node.Key + "=" + node.Digest);
            }
        }

        foreach (var component in _components)
        {
            var node = ComponentNode(component);
            entries.Add(node.Key + "=" + node.Digest);
        }

        entries.Sort(StringComparer.Ordinal);
        return _all = Hash("all\n" + string.Join('\n', entries));
    }

    private Node? ViewNode(string path) => _viewNodes.GetOrAdd(path, BuildViewNode);

    private Node ComponentNode(Type type) => _componentNodes.GetOrAdd(type, BuildComponentNode);

    private Node? BuildViewNode(string path)
    {
        if (!_views.TryGetValue(path, out var descriptor) || descriptor.Type is not { } type)
        {
            return null;
        }

        var key = descriptor.RelativePath;
        var digest = ViewDigestProvider.DigestOf(type, descriptor.Item?.Metadata) ?? string.Empty;
        var deps = Scan([type]);
        var views = new List<string>();
        var components = new List<Type>(deps.ComponentTypes);
        var unresolvable = deps.Unresolvable;
        foreach (var partial in deps.Partials)
        {
            if (!ResolveView(partial, key, null, views))
            {
                unresolvable ??= "partial '" + partial + "' is not a compiled view";
            }
        }

        foreach (var name in deps.ComponentNames)
        {
            if (!ResolveComponent(name, components))
            {
                unresolvable ??= "view component '" + name + "' is not in the application";
            }
        }

        if (deps.Templates)
        {
            foreach (var candidate in _views.Keys)
            {
                if (IsTemplate(candidate))
                {
                    views.Add(candidate);
                }
            }
        }

        return new Node("view " + key, digest, views, components, unresolvable);
    }

    private Node BuildComponentNode(Type type)
    {
        // The class and its base classes from the same assembly (a shared widget base), with their nested types.
        var roots = new List<Type>();
        for (var current = type; current is not null && current.Assembly == type.Assembly; current = current.BaseType)
        {
            roots.Add(current);
        }

        var code = new StringBuilder();
        foreach (var root in roots)
        {
            CompiledViewFingerprint.Append(code, root);
        }

        var deps = Scan(roots);
        var shortName = ViewComponentConventions.GetComponentName(type.GetTypeInfo());
        var views = new List<string>();
        var components = new List<Type>(deps.ComponentTypes);
        var unresolvable = deps.Unresolvable;
        foreach (var viewName in deps.ComponentViews)
        {
            if (!ResolveView(viewName, null, shortName, views))
            {
                unresolvable ??= "view '" + viewName + "' of view component '" + shortName + "' is not a compiled view";
            }
        }

        foreach (var name in deps.ComponentNames)
        {
            if (!ResolveComponent(name, components))
            {
                unresolvable ??= "view component '" + name + "' is not in the application";
            }
        }

        return new Node("component " + type.FullName, Hash(code.ToString()), views, components, unresolvable);
    }

    // Reflection over foreign code can fail in ways the scanner does not foresee: that is a fallback, never a failed page.
    private static RenderDependencies Scan(List<Type> roots)
    {
        try
        {
            return RenderDependencyScanner.Scan(roots);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NotSupportedException
            or TypeLoadException or BadImageFormatException or IOException or MemberAccessException)
        {
            return new RenderDependencies { Unresolvable = "code that could not be read (" + ex.GetType().Name + ")" };
        }
    }

    // Adds every compiled view that MVC could pick for this name; false when there is none.
    private bool ResolveView(string name, string? fromPath, string? componentName, List<string> views)
    {
        if (name.Length == 0)
        {
            return false;
        }

        if (name.StartsWith("~/", StringComparison.Ordinal) || name[0] == '/')
        {
            var path = name[0] == '~' ? name[1..] : name;
            if (_views.ContainsKey(path))
            {
                views.Add(path);
                return true;
            }

            return false;
        }

        string suffix;
        if (name.EndsWith(".cshtml", StringComparison.OrdinalIgnoreCase))
        {
            if (fromPath is not null)
            {
                var path = Combine(fromPath, name);
                if (_views.ContainsKey(path))
                {
                    views.Add(path);
                    return true;
                }

                return false;
            }

            // A component's relative view path is relative to whichever view invoked it: any view with that tail.
            suffix = "/" + TrimRelative(name);
        }
        else
        {
            suffix = componentName is null ? "/" + name + ".cshtml" : "/Components/" + componentName + "/" + name + ".cshtml";
        }

        var found = false;
        foreach (var candidate in _views.Keys)
        {
            if (candidate.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                views.Add(candidate);
                found = true;
            }
        }

        return found;
    }

    private bool ResolveComponent(string name, List<Type> components)
    {
        var found = false;
        foreach (var component in _components)
        {
            var info = component.GetTypeInfo();
            if (string.Equals(ViewComponentConventions.GetComponentName(info), name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(ViewComponentConventions.GetComponentFullName(info), name, StringComparison.OrdinalIgnoreCase))
            {
                components.Add(component);
                found = true;
            }
        }

        return found;
    }

    private static bool IsTemplate(string path)
        => path.Contains("/DisplayTemplates/", StringComparison.OrdinalIgnoreCase)
        || path.Contains("/EditorTemplates/", StringComparison.OrdinalIgnoreCase);

    private static string Combine(string fromPath, string relative)
    {
        var segments = new List<string>(fromPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        if (segments.Count > 0)
        {
            segments.RemoveAt(segments.Count - 1);
        }

        foreach (var segment in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }

        return "/" + string.Join('/', segments);
    }

    private static string TrimRelative(string name)
    {
        var start = 0;
        while (true)
        {
            if (string.CompareOrdinal(name, start, "./", 0, 2) == 0)
            {
                start += 2;
            }
            else if (string.CompareOrdinal(name, start, "../", 0, 3) == 0)
            {
                start += 3;
            }
            else
            {
                return name[start..];
            }
        }
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 12);

    private sealed record Node(string Key, string Digest, List<string> Views, List<Type> Components, string? Unresolvable);
}
