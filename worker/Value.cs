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
/// <summary>Nothing (e.g. no generator).</summary>
public sealed record NullValue : Value
{
    /// <summary>The one instance.</summary>
    public static readonly NullValue Instance = new();
}
