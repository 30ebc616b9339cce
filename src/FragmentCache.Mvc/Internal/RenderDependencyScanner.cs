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
internal static partial class RenderDependencyScanner
{
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
}
