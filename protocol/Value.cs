using static TorchSharp.torch;

namespace GenAI.Worker;

/// <summary>One argument or result of an operation: what crosses between the judge and the worker.</summary>
public abstract record Value
{
    /// <summary>The tensor, or a failure naming what was expected.</summary>
    public Tensor AsTensor => this is TensorValue t ? t.Tensor : throw new InvalidDataException($"expected a tensor, got {GetType().Name}");
    /// <summary>The number, or a failure.</summary>
    public double AsNumber => this is NumberValue n ? n.Number : throw new InvalidDataException($"expected a number, got {GetType().Name}");
    /// <summary>The number as an int, or a failure.</summary>
    public int AsInt => checked((int)AsNumber);
    /// <summary>The numbers, or a failure.</summary>
    public double[] AsNumbers => this is NumbersValue n ? n.Numbers : throw new InvalidDataException($"expected numbers, got {GetType().Name}");
    /// <summary>The text, or a failure.</summary>
    public string AsText => this is TextValue t ? t.Text : throw new InvalidDataException($"expected text, got {GetType().Name}");
    /// <summary>The module handle, or a failure.</summary>
    public int AsHandle => this is HandleValue h ? h.Id : throw new InvalidDataException($"expected a module handle, got {GetType().Name}");
    /// <summary>The items, or a failure.</summary>
    public Value[] AsList => this is ListValue l ? l.Items : throw new InvalidDataException($"expected a list, got {GetType().Name}");

    /// <summary>Every tensor in this value, depth first (the order <see cref="WithTensors"/> consumes them in).</summary>
    public IEnumerable<Tensor> Tensors() => this switch
    {
        TensorValue t => [t.Tensor],
        ListValue l => l.Items.SelectMany(i => i.Tensors()),
        _ => [],
    };

    /// <summary>This value with each tensor replaced by the next one of <paramref name="replacements"/>, depth first.</summary>
    public Value WithTensors(IEnumerator<Tensor> replacements) => this switch
    {
        TensorValue => new TensorValue(replacements.MoveNext() ? replacements.Current : throw new InvalidDataException("too few tensors")),
        ListValue l => new ListValue(l.Items.Select(i => i.WithTensors(replacements)).ToArray()),
        _ => this,
    };
}

/// <summary>A tensor (any device; it crosses as CPU data).</summary>
public sealed record TensorValue(Tensor Tensor) : Value;
/// <summary>A number (also ints and seeds).</summary>
public sealed record NumberValue(double Number) : Value;
/// <summary>An array of numbers.</summary>
public sealed record NumbersValue(double[] Numbers) : Value;
/// <summary>A name.</summary>
public sealed record TextValue(string Text) : Value;
/// <summary>A student object (a module) kept by the side that runs student code.</summary>
public sealed record HandleValue(int Id) : Value;
/// <summary>An ordered group of values: a tuple, a list, a record's fields or a dictionary's (key, value) pairs.</summary>
public sealed record ListValue(Value[] Items) : Value;
/// <summary>Nothing (e.g. no generator).</summary>
public sealed record NullValue : Value
{
    /// <summary>The one instance.</summary>
    public static readonly NullValue Instance = new();
}
