using System.Buffers.Binary;
using System.Reflection;
using System.Reflection.Emit;
using System.Text;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// A fingerprint of a compiled view's code for SDKs whose Razor generator records no source checksum
/// (.NET 10 emits only <c>RazorCompiledItemMetadata("Identifier", path)</c>): every method body of the view
/// type and its nested (state machine, lambda) types, decoded instruction by instruction, with metadata
/// tokens replaced by what they name (string literals, member and type names). Tokens themselves shift when
/// unrelated code changes, names do not, so an unchanged template keeps its fingerprint across builds.
/// </summary>
internal static class CompiledViewFingerprint
{
    internal const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    internal static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static void Append(StringBuilder text, Type viewType)
    {
        var types = new List<Type>();
        Collect(viewType, types);
        types.Sort((a, b) => string.CompareOrdinal(a.FullName, b.FullName));
        foreach (var type in types)
        {
            text.Append("T ").Append(type.FullName).Append('\n');
            var methods = type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)).ToList();
            methods.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
            foreach (var method in methods)
            {
                text.Append("M ").Append(method).Append('\n');
                if (method.GetMethodBody()?.GetILAsByteArray() is { } il)
                {
                    AppendIl(text, method.Module, il);
                }
            }
        }
    }

    internal static void Collect(Type type, List<Type> types)
    {
        types.Add(type);
        foreach (var nested in type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic))
        {
            Collect(nested, types);
        }
    }

    private static void AppendIl(StringBuilder text, Module module, byte[] il)
    {
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE && position < il.Length)
            {
                value = unchecked((short)(0xFE00 | il[position++]));
            }

            if (!OpCodesByValue.TryGetValue(value, out var opCode))
            {
                text.Append('?').Append(value);
                continue;
            }

            text.Append(opCode.Name).Append(' ');
            var size = OperandSize(opCode.OperandType, il, position);
            if (position + size > il.Length)
            {
                return;
            }

            if (opCode.OperandType is OperandType.InlineString or OperandType.InlineMethod or OperandType.InlineField
                or OperandType.InlineType or OperandType.InlineTok or OperandType.InlineSig)
            {
                text.Append(Resolve(module, opCode.OperandType, BinaryPrimitives.ReadInt32LittleEndian(il.AsSpan(position, 4))));
            }
            else
            {
                text.Append(Convert.ToHexString(il, position, size));
            }

            text.Append('\n');
            position += size;
        }
    }

    internal static int OperandSize(OperandType type, byte[] il, int position) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => position + 4 <= il.Length ? 4 + (4 * BinaryPrimitives.ReadInt32LittleEndian(il.AsSpan(position, 4))) : 4,
        _ => 4,
    };

    private static string Resolve(Module module, OperandType type, int token)
    {
        try
        {
            return type switch
            {
                OperandType.InlineString => "\"" + module.ResolveString(token) + "\"",
                OperandType.InlineSig => "sig",
                // Type.ToString() names generic arguments without their assemblies, so a version bump changes nothing.
                _ => module.ResolveMember(token) is { } member ? member.DeclaringType?.ToString() + "::" + member : "?",
            };
        }
        catch (ArgumentException)
        {
            return "?";
        }
        catch (BadImageFormatException)
        {
            return "?";
        }
    }
}
