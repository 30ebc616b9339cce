using System.Reflection;
using System.Reflection.Emit;

namespace FragmentCache.Mvc.Internal;

// The call sites the scan recognises: which framework methods render a partial, a view component or a template.
internal static partial class RenderDependencyScanner
{
    private const string Rendering = "Microsoft.AspNetCore.Mvc.Rendering";

    // Members of IHtmlHelper a C# 'dynamic' call may reach at run time; their names then appear as binder literals.
    private static readonly HashSet<string> DynamicRenderNames = new(StringComparer.Ordinal)
    {
        "Partial", "PartialAsync", "RenderPartial", "RenderPartialAsync", "InvokeAsync",
        "Display", "DisplayFor", "DisplayForModel", "Editor", "EditorFor", "EditorForModel",
    };

    private static void Call(OpCode op, MethodBase callee, List<object?> stack, RenderDependencies deps, Dictionary<string, string> attributeValues)
    {
        var parameters = callee.GetParameters();
        var first = !callee.IsStatic && op != OpCodes.Newobj ? 1 : 0;
        var args = new object?[first + parameters.Length];
        for (var i = args.Length - 1; i >= 0; i--)
        {
            args[i] = Pop(stack);
        }

        Inspect(callee, parameters, args, first, deps);

        object? result = null;
        var declaring = callee.DeclaringType?.FullName;
        if (op == OpCodes.Newobj)
        {
            // new TagHelperAttribute("name", "_Sidebar", style): remember the literal value for the stsfld that follows.
            if (declaring == "Microsoft.AspNetCore.Razor.TagHelpers.TagHelperAttribute" && args.Length >= 2 && args[1] is string text)
            {
                result = new AttributeLiteral(text);
            }

            stack.Add(result);
            return;
        }

        if (callee is not MethodInfo { ReturnType: var returnType } || returnType == typeof(void))
        {
            return;
        }

        if (declaring == "System.Type" && callee.Name == nameof(Type.GetTypeFromHandle))
        {
            result = args[0];
        }
        else if (declaring == "Microsoft.AspNetCore.Razor.TagHelpers.TagHelperAttribute" && callee.Name == "get_Value"
            && args[0] is StaticField field && attributeValues.TryGetValue(field.Key, out var value))
        {
            result = value;
        }

        stack.Add(result);
    }

    private static void Inspect(MethodBase callee, ParameterInfo[] parameters, object?[] args, int first, RenderDependencies deps)
    {
        var declaring = callee.DeclaringType is { } type ? (type.IsGenericType ? type.GetGenericTypeDefinition() : type) : null;
        var name = declaring?.FullName;
        var method = callee.Name;
        if (declaring?.Namespace == Rendering)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                if (parameters[i].Name == "partialViewName")
                {
                    AddName(deps.Partials, args[first + i], deps, "a partial name");
                }
            }

            if (method is "Display" or "DisplayFor" or "DisplayForModel" or "Editor" or "EditorFor" or "EditorForModel")
            {
                deps.Templates = true;
            }
        }

        switch (name)
        {
            case "Microsoft.AspNetCore.Mvc.TagHelpers.PartialTagHelper" when method is "set_Name" or "set_FallbackName":
                AddName(deps.Partials, args[1], deps, "a <partial> name");
                break;
            case "Microsoft.AspNetCore.Mvc.IViewComponentHelper" or "Microsoft.AspNetCore.Mvc.Rendering.ViewComponentHelperExtensions" when method == "InvokeAsync":
                if (callee.IsGenericMethod)
                {
                    deps.ComponentTypes.Add(callee.GetGenericArguments()[0]);
                }

                for (var i = 0; i < parameters.Length; i++)
                {
                    if (parameters[i].Name == "name")
                    {
                        AddName(deps.ComponentNames, args[first + i], deps, "a view component name");
                    }
                    else if (parameters[i].Name == "componentType")
                    {
                        if (args[first + i] is Type component)
                        {
                            deps.ComponentTypes.Add(component);
                        }
                        else
                        {
                            deps.Unresolvable = "a view component type computed at run time";
                        }
                    }
                }

                break;
            case "Microsoft.AspNetCore.Mvc.ViewComponent" when method == "View":
                var named = false;
                for (var i = 0; i < parameters.Length; i++)
                {
                    if (parameters[i].Name == "viewName")
                    {
                        AddName(deps.ComponentViews, args[first + i], deps, "a view component's view name");
                        named = true;
                    }
                }

                if (!named)
                {
                    deps.ComponentViews.Add("Default");
                }

                break;
            case "Microsoft.AspNetCore.Mvc.ViewComponents.ViewViewComponentResult" when method == "set_ViewName":
                AddName(deps.ComponentViews, args[1], deps, "a view component's view name");
                break;
            case "Microsoft.AspNetCore.Mvc.ViewComponents.ViewViewComponentResult" when callee.IsConstructor:
                deps.ComponentViews.Add("Default");
                break;
            case "Microsoft.AspNetCore.Mvc.ViewEngines.IViewEngine" or "Microsoft.AspNetCore.Mvc.ViewEngines.ICompositeViewEngine"
                or "Microsoft.AspNetCore.Mvc.Razor.IRazorViewEngine" when method is "FindView" or "GetView" or "FindPage" or "GetPage":
                deps.Unresolvable = "a view found through the view engine at run time";
                break;
            case "Microsoft.CSharp.RuntimeBinder.Binder" when method == "InvokeMember":
                for (var i = 0; i < parameters.Length; i++)
                {
                    if (parameters[i].Name == "name" && (args[first + i] is not string member || DynamicRenderNames.Contains(member)))
                    {
                        deps.Unresolvable = "a dynamic call that may render a partial, component or template";
                    }
                }

                break;
        }
    }

    private static void AddName(List<string> names, object? value, RenderDependencies deps, string what)
    {
        if (value is string text)
        {
            names.Add(text);
        }
        else
        {
            deps.Unresolvable = what + " computed at run time";
        }
    }
}
