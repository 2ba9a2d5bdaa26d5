using System.Collections;
using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Worker.Dispatch;

/// <summary>A student object's handle itself, for harness methods that manage objects (release) rather than use them.</summary>
public readonly record struct HandleId(int Id);

/// <summary>
/// Converts between .NET values and <see cref="Value"/>s by type, the same way on both sides: tensors; numbers
/// (double, float, int, long, bool, enums such as ScalarType); text; devices; generators (as their seed: the
/// receiving side makes a generator of that seed and seeds the global generator with it too, so code that ignores
/// its generator argument draws the same numbers); arrays, lists, dictionaries keyed by text, value tuples and
/// records (their constructor's fields), nested. Anything else (modules, optimizers) is an object that stays where
/// student code runs and crosses as a handle.
/// </summary>
public static class Values
{
    /// <summary>Whether values of <paramref name="type"/> cross as data; otherwise they are objects kept behind handles.</summary>
    public static bool IsData(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (typeof(Tensor).IsAssignableFrom(type) || type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(Generator)
            || type == typeof(Device) || type == typeof(HandleId)) return true;
        if (type.IsArray) return IsData(type.GetElementType()!);
        if (Element(type) is { } element) return IsData(element);
        if (DictionaryValue(type) is { } value) return IsData(value);
        if (IsTuple(type)) return type.GetGenericArguments().All(IsData);
        return RecordConstructor(type) is { } ctor && ctor.GetParameters().All(p => IsData(p.ParameterType));
    }

    /// <summary>
    /// <paramref name="value"/> (declared as <paramref name="type"/>) as a value; a null where data is required fails
    /// as a <see cref="StudentFailure"/> naming <paramref name="function"/> (results come from student code).
    /// </summary>
    public static Value ToValue(object? value, Type type, string function, Func<object, Value>? keep = null)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (value is null)
        {
            if (underlying == typeof(Generator) || Nullable.GetUnderlyingType(type) is not null) return NullValue.Instance;
            throw new StudentFailure($"{function} returned null.");
        }
        switch (value)
        {
            case Tensor t: return new TensorValue(t);
            case Generator g: return new NumberValue(g.initial_seed());
            case string s: return new TextValue(s);
            case Device d: return new TextValue(d.ToString());
            case HandleId h: return new HandleValue(h.Id);
            case bool b: return new NumberValue(b ? 1 : 0);
            case Enum e: return new NumberValue(Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture));
            case double[] ds: return new NumbersValue(ds);
            case float[] fs: return new NumbersValue(fs.Select(f => (double)f).ToArray());
            case int[] ints: return new NumbersValue(ints.Select(i => (double)i).ToArray());
            case long[] longs: return new NumbersValue(longs.Select(l => (double)l).ToArray());
        }
        if (underlying.IsPrimitive) return new NumberValue(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
        if (DictionaryValue(underlying) is { } valueType)
            return new ListValue(((IEnumerable)value).Cast<object>().Select(pair =>
            {
                var kv = pair.GetType();
                return (Value)new ListValue([new TextValue((string)kv.GetProperty("Key")!.GetValue(pair)!), ToValue(kv.GetProperty("Value")!.GetValue(pair), valueType, function, keep)]);
            }).ToArray());
        if ((underlying.IsArray ? underlying.GetElementType() : Element(underlying)) is { } element)
            return new ListValue(((IEnumerable)value).Cast<object?>().Select(item => ToValue(item, element, function, keep)).ToArray());
        if (IsTuple(underlying))
            return new ListValue(underlying.GetGenericArguments().Select((t, i) => ToValue(underlying.GetField($"Item{i + 1}")!.GetValue(value), t, function, keep)).ToArray());
        if (RecordConstructor(underlying) is { } ctor)
            return new ListValue(ctor.GetParameters().Select(p =>
            {
                var field = underlying.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)!.GetValue(value);
                return field is null && !p.ParameterType.IsValueType
                    ? throw new StudentFailure($"{function} returned a {underlying.Name} whose {p.Name} is null.")
                    : ToValue(field, p.ParameterType, function, keep);
            }).ToArray());
        return keep is not null ? keep(value) : throw new InvalidDataException($"a {value.GetType().Name} cannot be sent as data");
    }

    /// <summary>
    /// <paramref name="value"/> as a <paramref name="type"/>; handles become the objects <paramref name="resolve"/> gives.
    /// </summary>
    /// <exception cref="InvalidDataException">The value does not fit the type (a harness bug, not the student's).</exception>
    public static object? FromValue(Value value, Type type, Func<int, object>? resolve = null)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (value is NullValue) return !type.IsValueType || Nullable.GetUnderlyingType(type) is not null ? null : throw new InvalidDataException($"null for a {type.Name}");
        if (value is HandleValue handle)
        {
            if (underlying == typeof(HandleId)) return new HandleId(handle.Id);
            var o = (resolve ?? throw new InvalidDataException("a handle where none can be resolved"))(handle.Id);
            return underlying.IsInstanceOfType(o) ? o : throw new InvalidDataException($"handle {handle.Id} is a {o.GetType().Name}, not a {underlying.Name}");
        }
        if (typeof(Tensor).IsAssignableFrom(underlying)) return value.AsTensor;
        if (underlying == typeof(Generator))
        {
            long seed = (long)value.AsNumber;
            manual_seed(seed);
            return new Generator((ulong)seed);
        }
        if (underlying == typeof(string)) return value.AsText;
        if (underlying == typeof(Device)) return torch.device(value.AsText);
        if (underlying == typeof(bool)) return value.AsNumber != 0;
        if (underlying.IsEnum) return Enum.ToObject(underlying, (long)value.AsNumber);
        if (underlying.IsPrimitive) return underlying == typeof(int) ? value.AsInt : Convert.ChangeType(value.AsNumber, underlying, System.Globalization.CultureInfo.InvariantCulture);
        if (value is NumbersValue numbers && (underlying.IsArray ? underlying.GetElementType() : Element(underlying)) is { IsPrimitive: true } numeric)
        {
            var array = Array.CreateInstance(numeric, numbers.Numbers.Length);
            for (int i = 0; i < array.Length; i++) array.SetValue(Convert.ChangeType(numbers.Numbers[i], numeric, System.Globalization.CultureInfo.InvariantCulture), i);
            return underlying.IsArray ? array : Activator.CreateInstance(typeof(List<>).MakeGenericType(numeric), array);
        }
        var items = value.AsList;
        if (DictionaryValue(underlying) is { } valueType)
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            foreach (var pair in items) dictionary[pair.AsList[0].AsText] = FromValue(pair.AsList[1], valueType, resolve);
            return dictionary;
        }
        if (underlying.IsArray)
        {
            var array = Array.CreateInstance(underlying.GetElementType()!, items.Length);
            for (int i = 0; i < items.Length; i++) array.SetValue(FromValue(items[i], underlying.GetElementType()!, resolve), i);
            return array;
        }
        if (Element(underlying) is { } element)
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            foreach (var item in items) list.Add(FromValue(item, element, resolve));
            return list;
        }
        if (IsTuple(underlying))
            return Activator.CreateInstance(underlying, underlying.GetGenericArguments().Select((t, i) => FromValue(items[i], t, resolve)).ToArray());
        if (RecordConstructor(underlying) is { } ctor)
            return ctor.Invoke(ctor.GetParameters().Select((p, i) => FromValue(items[i], p.ParameterType, resolve)).ToArray());
        throw new InvalidDataException($"a {underlying.Name} cannot be made from data");
    }

    /// <summary>The element type of a list-like type (List, IList, IReadOnlyList, IEnumerable, ...), except text and tensors.</summary>
    static Type? Element(Type type)
    {
        if (!type.IsGenericType || type == typeof(string) || typeof(Tensor).IsAssignableFrom(type)) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0] : null;
    }

    /// <summary>The value type of a dictionary keyed by text.</summary>
    static Type? DictionaryValue(Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        var args = type.GetGenericArguments();
        return (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)) && args[0] == typeof(string) ? args[1] : null;
    }

    static bool IsTuple(Type type) => type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) && type.GetGenericArguments().Length <= 7;

    /// <summary>The primary constructor of a record (a type the compiler gave a clone method), whose parameters name its fields.</summary>
    static ConstructorInfo? RecordConstructor(Type type)
    {
        if (type.GetMethod("<Clone>$") is null) return null;
        return type.GetConstructors().Where(c => c.GetParameters().All(p => type.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is not null))
                   .OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
    }
}
