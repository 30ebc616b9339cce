using System.Reflection;
using System.Reflection.Emit;

namespace FragmentCache.Mvc.Internal;

// The evaluation stack of the simulation, and token resolution that never throws.
internal static partial class RenderDependencyScanner
{
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
