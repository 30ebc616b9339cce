using System.Buffers.Binary;
using System.Reflection;
using System.Reflection.Emit;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Finds the partials and view components a compiled view (or a view component class) renders, by reading the
/// IL of the type and its nested types (async state machines, lambdas, the <c>&lt;vc:*&gt;</c> tag helpers the
/// Razor compiler generates) with a small evaluation-stack simulation. Each rendering call site is recognised
/// by the framework method it calls, and its name argument is known only when a string literal (or a
/// <c>typeof</c>) reaches it directly; <c>&lt;partial name="x"&gt;</c> reads the literal from a static
/// <c>TagHelperAttribute</c> field that the type initializer sets. Anything else marks the result
/// <see cref="RenderDependencies.Unresolvable"/>.
/// </summary>
internal static class RenderDependencyScanner
{
    private const string Rendering = "Microsoft.AspNetCore.Mvc.Rendering";

    // Members of IHtmlHelper a C# 'dynamic' call may reach at run time; their names then appear as binder literals.
    private static readonly HashSet<string> DynamicRenderNames = new(StringComparer.Ordinal)
    {
        "Partial", "PartialAsync", "RenderPartial", "RenderPartialAsync", "InvokeAsync",
        "Display", "DisplayFor", "DisplayForModel", "Editor", "EditorFor", "EditorForModel",
    };

    /// <summary>Scans <paramref name="type"/> and its nested types.</summary>
    public static RenderDependencies Scan(Type type) => Scan([type]);

    /// <summary>Scans each of <paramref name="roots"/> and its nested types into one result.</summary>
    public static RenderDependencies Scan(IEnumerable<Type> roots)
    {
        var deps = new RenderDependencies();
        var types = new List<Type>();
        foreach (var root in roots)
        {
            CompiledViewFingerprint.Collect(root, types);
        }

        // Static initializers first: they set the TagHelperAttribute fields that <partial name="x"> reads.
        var attributeValues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (type.TypeInitializer is { } initializer)
            {
                Simulate(initializer, deps, attributeValues);
            }
        }

        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(CompiledViewFingerprint.All))
            {
                Simulate(method, deps, attributeValues);
            }

            foreach (var constructor in type.GetConstructors(CompiledViewFingerprint.All & ~BindingFlags.Static))
            {
                Simulate(constructor, deps, attributeValues);
            }
        }

        return deps;
    }

    private static void Simulate(MethodBase method, RenderDependencies deps, Dictionary<string, string> attributeValues)
    {
        if (deps.Unresolvable is not null || method.GetMethodBody() is not { } body || body.GetILAsByteArray() is not { } il)
        {
            return;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var stack = new List<object?>();
        var atTarget = new Dictionary<int, object?[]>();
        foreach (var clause in body.ExceptionHandlingClauses)
        {
            if (clause.Flags == ExceptionHandlingClauseOptions.Filter)
            {
                atTarget[clause.FilterOffset] = [null];
                atTarget[clause.HandlerOffset] = [null];
            }
            else if (clause.Flags == ExceptionHandlingClauseOptions.Clause)
            {
                atTarget[clause.HandlerOffset] = [null];
            }
        }

        var reachable = true;
        var position = 0;
        while (position < il.Length && deps.Unresolvable is null)
        {
            if (atTarget.TryGetValue(position, out var saved))
            {
                if (reachable)
                {
                    Merge(stack, saved);
                }
                else
                {
                    stack.Clear();
                    stack.AddRange(saved);
                }
            }
            else if (!reachable)
            {
                stack.Clear();
            }

            reachable = true;
            short value = il[position++];
            if (value == 0xFE && position < il.Length)
            {
                value = unchecked((short)(0xFE00 | il[position++]));
            }

            if (!CompiledViewFingerprint.OpCodesByValue.TryGetValue(value, out var op))
            {
                deps.Unresolvable = "unreadable IL in " + method.DeclaringType?.FullName;
                return;
            }

            var size = CompiledViewFingerprint.OperandSize(op.OperandType, il, position);
            if (position + size > il.Length)
            {
                return;
            }

            var next = position + size;
            var token = size == 4 ? BinaryPrimitives.ReadInt32LittleEndian(il.AsSpan(position, 4)) : 0;
            if (op.OperandType == OperandType.InlineString)
            {
                stack.Add(ResolveString(method.Module, token));
            }
            else if (op == OpCodes.Ldtoken)
            {
                stack.Add(ResolveMember(method.Module, token, typeArguments, methodArguments) as Type);
            }
            else if (op == OpCodes.Dup)
            {
                stack.Add(stack.Count > 0 ? stack[^1] : null);
            }
            else if (op == OpCodes.Castclass || op == OpCodes.Isinst || op == OpCodes.Box || op == OpCodes.Unbox_Any)
            {
                // The value passes through (a TagHelperAttribute's Value is cast to string before Name is set).
                if (stack.Count == 0)
                {
                    stack.Add(null);
                }
            }
            else if (op == OpCodes.Ldsfld)
            {
                stack.Add(ResolveMember(method.Module, token, typeArguments, methodArguments) is FieldInfo field ? new StaticField(FieldKey(field)) : null);
            }
            else if (op == OpCodes.Stsfld)
            {
                if (Pop(stack) is AttributeLiteral literal && ResolveMember(method.Module, token, typeArguments, methodArguments) is FieldInfo field)
                {
                    attributeValues[FieldKey(field)] = literal.Text;
                }
            }
            else if (op == OpCodes.Calli)
            {
                deps.Unresolvable = "an indirect call in " + method.DeclaringType?.FullName;
                return;
            }
            else if (op.FlowControl == FlowControl.Call)
            {
                if (ResolveMember(method.Module, token, typeArguments, methodArguments) is not MethodBase callee)
                {
                    deps.Unresolvable = "an unresolvable call in " + method.DeclaringType?.FullName;
                    return;
                }

                Call(op, callee, stack, deps, attributeValues);
            }
            else if (op.OperandType == OperandType.InlineSwitch)
            {
                Pop(stack);
                var count = BinaryPrimitives.ReadInt32LittleEndian(il.AsSpan(position, 4));
                for (var i = 0; i < count; i++)
                {
                    Record(atTarget, next + BinaryPrimitives.ReadInt32LittleEndian(il.AsSpan(position + 4 + (4 * i), 4)), stack);
                }
            }
            else if (op.OperandType is OperandType.ShortInlineBrTarget or OperandType.InlineBrTarget)
            {
                var offset = op.OperandType == OperandType.ShortInlineBrTarget ? (sbyte)il[position] : token;
                if (op == OpCodes.Leave || op == OpCodes.Leave_S)
                {
                    stack.Clear();
                }
                else
                {
                    PopCount(stack, Pops(op.StackBehaviourPop));
                }

                Record(atTarget, next + offset, stack);
                reachable = op.FlowControl != FlowControl.Branch;
            }
            else
            {
                PopCount(stack, Pops(op.StackBehaviourPop));
                for (var i = Pushes(op.StackBehaviourPush); i > 0; i--)
                {
                    stack.Add(null);
                }

                reachable = op.FlowControl is not (FlowControl.Return or FlowControl.Throw);
                if (op == OpCodes.Endfinally || op == OpCodes.Endfilter || op == OpCodes.Jmp)
                {
                    reachable = false;
                }
            }

            position = next;
        }
    }

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

    private static void Record(Dictionary<int, object?[]> atTarget, int target, List<object?> stack)
    {
        if (atTarget.TryGetValue(target, out var existing))
        {
            var merged = new List<object?>(existing);
            Merge(merged, [.. stack]);
            atTarget[target] = [.. merged];
        }
        else
        {
            atTarget[target] = [.. stack];
        }
    }

    // Two paths meet: keep what they agree on, forget the rest (a ternary of two literals is not one literal).
    private static void Merge(List<object?> stack, object?[] other)
    {
        if (stack.Count != other.Length)
        {
            var count = Math.Max(stack.Count, other.Length);
            stack.Clear();
            stack.AddRange(new object?[count]);
            return;
        }

        for (var i = 0; i < other.Length; i++)
        {
            if (!Equals(stack[i], other[i]))
            {
                stack[i] = null;
            }
        }
    }

    private static object? Pop(List<object?> stack)
    {
        if (stack.Count == 0)
        {
            return null;
        }

        var top = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return top;
    }

    private static void PopCount(List<object?> stack, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Pop(stack);
        }
    }

    private static int Pops(StackBehaviour behaviour) => behaviour switch
    {
        StackBehaviour.Pop0 => 0,
        StackBehaviour.Pop1 or StackBehaviour.Popi or StackBehaviour.Popref => 1,
        StackBehaviour.Pop1_pop1 or StackBehaviour.Popi_pop1 or StackBehaviour.Popi_popi or StackBehaviour.Popi_popi8
            or StackBehaviour.Popi_popr4 or StackBehaviour.Popi_popr8 or StackBehaviour.Popref_pop1 or StackBehaviour.Popref_popi => 2,
        StackBehaviour.Popi_popi_popi or StackBehaviour.Popref_popi_popi or StackBehaviour.Popref_popi_popi8 or StackBehaviour.Popref_popi_popr4
            or StackBehaviour.Popref_popi_popr8 or StackBehaviour.Popref_popi_popref or StackBehaviour.Popref_popi_pop1 => 3,
        _ => 0,
    };

    private static int Pushes(StackBehaviour behaviour) => behaviour switch
    {
        StackBehaviour.Push0 => 0,
        StackBehaviour.Push1_push1 => 2,
        StackBehaviour.Varpush => 0,
        _ => 1,
    };

    private static string FieldKey(FieldInfo field) => field.DeclaringType?.FullName + "::" + field.Name;

    private static string? ResolveString(Module module, int token)
    {
        try
        {
            return module.ResolveString(token);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static MemberInfo? ResolveMember(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        try
        {
            return module.ResolveMember(token, typeArguments, methodArguments);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (BadImageFormatException)
        {
            return null;
        }
        catch (TypeLoadException)
        {
            return null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private sealed record StaticField(string Key);

    private sealed record AttributeLiteral(string Text);
}
