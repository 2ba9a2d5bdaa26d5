using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Course.Formats;

/// <summary>A numpy dtype this project reads: element kind, size and byte order.</summary>
/// <param name="Kind">'f' float, 'i' signed integer, 'u' unsigned integer, 'b' bool.</param>
/// <param name="Size">Bytes per element.</param>
/// <param name="BigEndian">Whether elements are stored most significant byte first.</param>
internal sealed record NumpyDtype(char Kind, int Size, bool BigEndian)
{
    /// <summary>Parses a descr such as "&lt;f8", "|u1" or "&gt;i4"; null when unsupported.</summary>
    public static NumpyDtype? Parse(string descr)
    {
        if (descr.Length < 3) return null;
        if (descr[0] is not ('<' or '|' or '=' or '>')) return null;
        bool big = descr[0] == '>';
        if (!int.TryParse(descr.AsSpan(2), out int size)) return null;
        var d = new NumpyDtype(descr[1], size, big);
        return d.ScalarType is null ? null : d;
    }

    /// <summary>The matching torch element type, or null for one this project does not read.</summary>
    public ScalarType? ScalarType => (Kind, Size) switch
    {
        ('f', 4) => torch.ScalarType.Float32,
        ('f', 8) => torch.ScalarType.Float64,
        ('u', 1) => torch.ScalarType.Byte,
        ('i', 1) => torch.ScalarType.Int8,
        ('i', 2) => torch.ScalarType.Int16,
        ('i', 4) => torch.ScalarType.Int32,
        ('i', 8) => torch.ScalarType.Int64,
        ('b', 1) => torch.ScalarType.Bool,
        _ => null,
    };

    /// <summary>The supported dtypes, for error messages.</summary>
    public const string Supported = "float32, float64, uint8, int8, int16, int32, int64 and bool";
}

/// <summary>Turns the raw bytes of a numpy array into a tensor (shared by the .npy and pickle readers).</summary>
internal static class NumpyArrays
{
    /// <summary>A tensor of <paramref name="shape"/> from <paramref name="data"/> laid out in C or Fortran order.</summary>
    public static Tensor ToTensor(byte[] data, NumpyDtype dtype, long[] shape, bool fortranOrder, string file)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (shape.Any(s => s < 0)) throw new CourseDataException(file, $"array shape ({string.Join(", ", shape)}) has a negative size.");
        if (count * dtype.Size != data.LongLength)
            throw new CourseDataException(file, $"array of shape ({string.Join(", ", shape)}) needs {count * dtype.Size} bytes of data but has {data.LongLength} (truncated or corrupt).");
        if (dtype.BigEndian && dtype.Size > 1) SwapBytes(data, dtype.Size);
        var stored = fortranOrder ? shape.Reverse().ToArray() : shape;
        Tensor flat = dtype.ScalarType switch
        {
            ScalarType.Bool => torch.tensor(data.Select(b => b != 0).ToArray(), stored),
            ScalarType type => FromBytes(data, type, stored),
            _ => throw new CourseDataException(file, "unsupported dtype."),
        };
        if (!fortranOrder || shape.Length < 2) return flat;
        using (flat) return flat.permute(Enumerable.Range(0, shape.Length).Reverse().Select(i => (long)i).ToArray()).contiguous();
    }

    /// <summary>A new tensor holding a copy of <paramref name="data"/>'s bytes as elements of <paramref name="type"/> (one copy, no managed array of elements in between).</summary>
    static Tensor FromBytes(byte[] data, ScalarType type, long[] shape)
    {
        var tensor = torch.empty(shape, type);
        if (data.Length > 0) tensor.bytes = data;
        return tensor;
    }

    static void SwapBytes(byte[] data, int size)
    {
        for (int i = 0; i + size <= data.Length; i += size) data.AsSpan(i, size).Reverse();
    }

    /// <summary>Little-endian bytes of a contiguous CPU tensor, with its numpy descr.</summary>
    public static (byte[] data, string descr) FromTensor(Tensor t)
    {
        using var c = t.detach().cpu().contiguous();
        string descr = c.dtype switch
        {
            ScalarType.Float32 => "<f4",
            ScalarType.Float64 => "<f8",
            ScalarType.Byte => "|u1",
            ScalarType.Int32 => "<i4",
            ScalarType.Int64 => "<i8",
            ScalarType.Bool => "|b1",
            _ => throw new ArgumentException($"cannot write a {c.dtype} tensor as .npy (use {NumpyDtype.Supported}).", nameof(t)),
        };
        return (c.bytes.ToArray(), descr);
    }
}
