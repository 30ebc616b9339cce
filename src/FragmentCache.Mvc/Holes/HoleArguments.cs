using System.Collections;
using System.Reflection;

namespace FragmentCache.Mvc.Holes;

/// <summary>
/// Reads a hole's arguments (an anonymous object, or a dictionary of name to value) and checks each value is one a
/// stored entry can carry: string, bool, char, the integer and floating-point types, decimal, <see cref="Guid"/>,
/// <see cref="DateTime"/>, <see cref="DateTimeOffset"/>, <see cref="TimeSpan"/>, an enum, or null.
/// </summary>
internal static class HoleArguments
{
    /// <summary>The arguments of <paramref name="arguments"/>, in order; throws, naming the hole and the argument, for any other value.</summary>
    public static HoleArgument[] From(object? arguments, string label)
    {
        if (arguments is null)
        {
            return [];
        }

        var list = new List<HoleArgument>();
        switch (arguments)
        {
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var (name, value) in pairs)
                {
                    list.Add(Checked(name, value, label));
                }

                break;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    list.Add(Checked(entry.Key as string ?? throw Bad(label, "a dictionary key that is not a string"), entry.Value, label));
                }

                break;
            default:
                if (IsSimple(arguments.GetType()))
                {
                    throw new InvalidOperationException(
                        $"{label}: args must name its values, as in args=\"@(new {{ postId = Model.Id }})\"; got a single {arguments.GetType().Name}.");
                }

                foreach (var property in arguments.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (property.GetIndexParameters().Length == 0)
                    {
                        list.Add(Checked(property.Name, property.GetValue(arguments), label));
                    }
                }

                break;
        }

        return [.. list];
    }

    /// <summary>Whether a value of <paramref name="type"/> can be stored as a hole argument.</summary>
    public static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsEnum || type == typeof(string) || type == typeof(bool) || type == typeof(char)
            || type == typeof(byte) || type == typeof(sbyte) || type == typeof(short) || type == typeof(ushort)
            || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong)
            || type == typeof(float) || type == typeof(double) || type == typeof(decimal)
            || type == typeof(Guid) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan);
    }

    private static HoleArgument Checked(string name, object? value, string label)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw Bad(label, "an argument without a name");
        }

        if (value is not null && !IsSimple(value.GetType()))
        {
            throw new InvalidOperationException(
                $"{label}: argument '{name}' is a {value.GetType().FullName}, which a cached entry cannot carry. A hole takes simple values "
                + "(string, numbers, bool, char, Guid, DateTime, DateTimeOffset, TimeSpan, enums): pass an id and load the rest in the component.");
        }

        return new HoleArgument(name, value);
    }

    private static InvalidOperationException Bad(string label, string what) => new($"{label}: args has {what}.");
}
