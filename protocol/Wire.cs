using static TorchSharp.torch;

namespace GenAI.Worker;

/// <summary>
/// The judge-worker protocol: length-prefixed binary frames on the worker's standard input and
/// output. A request names an operation and its arguments (and, for a vector-Jacobian product,
/// which tensor arguments to differentiate and the output cotangents); a reply carries results or
/// a failure message. Everything is plain data: tensors travel as dtype, shape and values.
/// </summary>
public static class Wire
{
    /// <summary>Largest frame accepted (a guard against garbage on the pipe).</summary>
    public const int MaxFrame = 1 << 30;

    /// <summary>Request kinds.</summary>
    public const byte Call = 1, Vjp = 2;
    /// <summary>
    /// Reply kinds: a failure that ended at a NotImplementedException (a stub) is told apart, since it leaves nothing in
    /// the worker that a successful call would not, and so does not cost a fresh worker.
    /// </summary>
    public const byte Ok = 0, Failure = 1, NotImplemented = 2;

    /// <summary>Writes one frame built by <paramref name="body"/>.</summary>
    public static void WriteFrame(Stream stream, Action<BinaryWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) body(writer);
        var header = BitConverter.GetBytes((int)buffer.Length);
        stream.Write(header);
        buffer.Position = 0;
        buffer.CopyTo(stream);
        stream.Flush();
    }

    /// <summary>Reads one frame; null at the end of the stream.</summary>
    /// <exception cref="InvalidDataException">A truncated or oversized frame.</exception>
    public static BinaryReader? ReadFrame(Stream stream)
    {
        var header = new byte[4];
        if (!Fill(stream, header)) return null;
        int length = BitConverter.ToInt32(header);
        if (length < 0 || length > MaxFrame) throw new InvalidDataException($"bad frame length {length}");
        var payload = new byte[length];
        if (!Fill(stream, payload)) throw new InvalidDataException("the stream ended inside a frame");
        return new BinaryReader(new MemoryStream(payload));
    }

    static bool Fill(Stream stream, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0)
            {
                if (read == 0) return false;
                throw new InvalidDataException("the stream ended inside a frame");
            }
            read += n;
        }
        return true;
    }

    /// <summary>Writes a list of values.</summary>
    public static void WriteValues(BinaryWriter w, IReadOnlyList<Value> values)
    {
        w.Write(values.Count);
        foreach (var v in values) WriteValue(w, v);
    }

    /// <summary>Reads a list of values.</summary>
    public static Value[] ReadValues(BinaryReader r) => ReadValues(r, 0);

    static Value[] ReadValues(BinaryReader r, int depth)
    {
        if (depth > 16) throw new InvalidDataException("values nested too deeply");
        int count = r.ReadInt32();
        if (count < 0 || count > 1_000_000) throw new InvalidDataException($"bad value count {count}");
        var values = new Value[count];
        for (int i = 0; i < count; i++) values[i] = ReadValue(r, depth);
        return values;
    }

    static void WriteValue(BinaryWriter w, Value v)
    {
        switch (v)
        {
            case NullValue: w.Write((byte)0); break;
            case TensorValue t: w.Write((byte)1); WriteTensor(w, t.Tensor); break;
            case NumberValue n: w.Write((byte)2); w.Write(n.Number); break;
            case NumbersValue ns: w.Write((byte)3); w.Write(ns.Numbers.Length); foreach (var x in ns.Numbers) w.Write(x); break;
            case TextValue s: w.Write((byte)4); w.Write(s.Text); break;
            case HandleValue h: w.Write((byte)5); w.Write(h.Id); break;
            case ListValue l: w.Write((byte)6); WriteValues(w, l.Items); break;
            default: throw new InvalidDataException($"cannot send {v.GetType().Name}");
        }
    }

    static Value ReadValue(BinaryReader r, int depth) => r.ReadByte() switch
    {
        0 => NullValue.Instance,
        1 => new TensorValue(ReadTensor(r)),
        2 => new NumberValue(r.ReadDouble()),
        3 => new NumbersValue(Enumerable.Range(0, Count(r.ReadInt32())).Select(_ => r.ReadDouble()).ToArray()),
        4 => new TextValue(r.ReadString()),
        5 => new HandleValue(r.ReadInt32()),
        6 => new ListValue(ReadValues(r, depth + 1)),
        var tag => throw new InvalidDataException($"unknown value tag {tag}"),
    };

    static int Count(int n) => n is >= 0 and <= MaxFrame / 8 ? n : throw new InvalidDataException($"bad length {n}");

    /// <summary>dtype, shape and values of a tensor (float32, float64, int64, int32 or bool), always as CPU data.</summary>
    public static void WriteTensor(BinaryWriter w, Tensor tensor)
    {
        using var t = tensor.detach().cpu().contiguous();
        w.Write((int)t.dtype);
        w.Write(t.shape.Length);
        foreach (var d in t.shape) w.Write(d);
        switch (t.dtype)
        {
            case ScalarType.Float32: foreach (var x in t.data<float>()) w.Write(x); break;
            case ScalarType.Float64: foreach (var x in t.data<double>()) w.Write(x); break;
            case ScalarType.Int64: foreach (var x in t.data<long>()) w.Write(x); break;
            case ScalarType.Int32: foreach (var x in t.data<int>()) w.Write(x); break;
            case ScalarType.Bool: foreach (var x in t.data<bool>()) w.Write(x); break;
            default: throw new InvalidDataException($"tensors of dtype {t.dtype} cannot be sent");
        }
    }

    /// <summary>Reads a tensor written by <see cref="WriteTensor"/>.</summary>
    public static Tensor ReadTensor(BinaryReader r)
    {
        var dtype = (ScalarType)r.ReadInt32();
        int rank = r.ReadInt32();
        if (rank is < 0 or > 16) throw new InvalidDataException($"bad tensor rank {rank}");
        var shape = new long[rank];
        long n = 1;
        for (int i = 0; i < rank; i++) { shape[i] = r.ReadInt64(); if (shape[i] < 0) throw new InvalidDataException("negative dimension"); n *= shape[i]; }
        int count = Count(checked((int)n));
        Tensor flat = dtype switch
        {
            ScalarType.Float32 => tensor(Enumerable.Range(0, count).Select(_ => r.ReadSingle()).ToArray()),
            ScalarType.Float64 => tensor(Enumerable.Range(0, count).Select(_ => r.ReadDouble()).ToArray()),
            ScalarType.Int64 => tensor(Enumerable.Range(0, count).Select(_ => r.ReadInt64()).ToArray()),
            ScalarType.Int32 => tensor(Enumerable.Range(0, count).Select(_ => r.ReadInt32()).ToArray()),
            ScalarType.Bool => tensor(Enumerable.Range(0, count).Select(_ => r.ReadBoolean()).ToArray()),
            _ => throw new InvalidDataException($"unknown tensor dtype {(int)dtype}"),
        };
        return flat.reshape(shape);
    }
}
