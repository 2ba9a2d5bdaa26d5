using System.IO.Compression;
using System.Text;
using static TorchSharp.torch;

namespace GenAI.Course.Formats;

/// <summary>
/// A strict reader of Python pickles (protocols 2 to 5, optionally gzip-compressed) holding what
/// the course hands out: lists, tuples, dicts, numbers, strings, bytes and numpy arrays. It never
/// runs or instantiates anything: the only globals it accepts are numpy's array and dtype
/// reconstructors (and codecs.encode, which protocol 2 uses for bytes), each rebuilt here from its
/// data. Anything else is refused with a <see cref="CourseDataException"/> naming the file.
/// </summary>
/// <remarks>
/// Results: list → <see cref="List{T}"/> of object?; tuple → object?[]; dict → Dictionary&lt;object, object?&gt;;
/// int → long; float → double; str → string; bytes → byte[]; bool; None → null; numpy array → a
/// tensor of the same dtype and shape; numpy scalar → long or double.
/// </remarks>
public static class Pickle
{
    /// <summary>Reads the object in <paramref name="path"/> (.pkl or .pkl.gz; gzip is detected from the content).</summary>
    /// <exception cref="CourseDataException">Not a pickle, truncated, or holding something this reader refuses.</exception>
    public static object? Load(string path)
    {
        if (!File.Exists(path)) throw new CourseDataException(path, $"file not found ({Path.GetFullPath(path)}).");
        using var file = File.OpenRead(path);
        var head = new byte[2];
        int n = file.Read(head, 0, 2);
        file.Position = 0;
        Stream stream = n == 2 && head[0] == 0x1f && head[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
        using (stream) return Load(stream, path);
    }

    /// <summary>Reads one pickled object from <paramref name="stream"/>; <paramref name="name"/> is used in error messages.</summary>
    public static object? Load(Stream stream, string name)
    {
        try { return new Machine(new BufferedStream(stream, 1 << 16), name).Run(); }
        catch (EndOfStreamException) { throw new CourseDataException(name, "the pickle ends early (the file is truncated)."); }
        catch (InvalidDataException e) { throw new CourseDataException(name, $"the gzip data is corrupt ({e.Message})."); }
    }

    sealed class Mark { public static readonly Mark Instance = new(); }

    /// <summary>A global the reader knows how to rebuild.</summary>
    enum Known { Reconstruct, Ndarray, Dtype, CodecsEncode, FromBuffer, Scalar }

    /// <summary>numpy.dtype(...) before and after its BUILD state.</summary>
    sealed class DtypeValue(string code) { public string Code = code; public char Order = '|'; }

    /// <summary>_reconstruct(ndarray, ...) waiting for its BUILD state.</summary>
    sealed class PendingArray { }

    sealed class Machine(Stream input, string name)
    {
        readonly List<object?> stack = new();
        readonly Dictionary<long, object?> memo = new();
        long position;

        CourseDataException Bad(string problem) => new(name, $"{problem} (at byte {position}).");

        public object? Run()
        {
            while (true)
            {
                int op = input.ReadByte();
                if (op < 0) throw new EndOfStreamException();
                position++;
                switch (op)
                {
                    case 0x80: int protocol = Byte(); if (protocol is < 2 or > 5) throw Bad($"pickle protocol {protocol} is not supported (2 to 5 are)"); break;
                    case 0x95: Bytes(8); break; // FRAME: a length hint only
                    case '.': if (stack.Count != 1) throw Bad("the pickle stops with a malformed stack"); return Finish(stack[0]);
                    case '(': stack.Add(Mark.Instance); break;
                    case ']': stack.Add(new List<object?>()); break;
                    case ')': stack.Add(Array.Empty<object?>()); break;
                    case '}': stack.Add(new Dictionary<object, object?>()); break;
                    case 'l': stack.Add(PopToMark().ToList()); break;
                    case 't': stack.Add(PopToMark()); break;
                    case 'd': { var items = PopToMark(); var d = new Dictionary<object, object?>(); SetItems(d, items); stack.Add(d); break; }
                    case 0x85: stack.Add(new[] { Pop() }); break;
                    case 0x86: { var b = Pop(); var a = Pop(); stack.Add(new[] { a, b }); break; }
                    case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); stack.Add(new[] { a, b, c }); break; }
                    case 'a': { var v = Pop(); ListOnTop().Add(v); break; }
                    case 'e': { var items = PopToMark(); ListOnTop().AddRange(items); break; }
                    case 's': { var v = Pop(); var k = Pop(); SetItems(DictOnTop(), [k, v]); break; }
                    case 'u': { var items = PopToMark(); SetItems(DictOnTop(), items); break; }
                    case 'J': stack.Add((long)BitConverter.ToInt32(Bytes(4))); break;
                    case 'K': stack.Add((long)Byte()); break;
                    case 'M': stack.Add((long)BitConverter.ToUInt16(Bytes(2))); break;
                    case 0x8a: stack.Add(Long1()); break;
                    case 'G': { var b = Bytes(8); Array.Reverse(b); stack.Add(BitConverter.ToDouble(b)); break; }
                    case 'N': stack.Add(null); break;
                    case 0x88: stack.Add(true); break;
                    case 0x89: stack.Add(false); break;
                    case 0x8c: stack.Add(Encoding.UTF8.GetString(Bytes(Byte()))); break;
                    case 'X': stack.Add(Encoding.UTF8.GetString(Bytes(Length(4)))); break;
                    case 0x8d: stack.Add(Encoding.UTF8.GetString(Bytes(Length(8)))); break;
                    case 'U': stack.Add(Encoding.Latin1.GetString(Bytes(Byte()))); break;
                    case 'T': stack.Add(Encoding.Latin1.GetString(Bytes(Length(4)))); break;
                    case 'C': stack.Add(Bytes(Byte())); break;
                    case 'B': stack.Add(Bytes(Length(4))); break;
                    case 0x8e: case 0x96: stack.Add(Bytes(Length(8))); break;
                    case 0x94: memo[memo.Count] = Peek(); break;
                    case 'q': memo[Byte()] = Peek(); break;
                    case 'r': memo[BitConverter.ToUInt32(Bytes(4))] = Peek(); break;
                    case 'h': stack.Add(Recall(Byte())); break;
                    case 'j': stack.Add(Recall(BitConverter.ToUInt32(Bytes(4)))); break;
                    case '0': Pop(); break;
                    case '1': PopToMark(); break;
                    case '2': stack.Add(Peek()); break;
                    case 'c': stack.Add(Global(Line(), Line())); break;
                    case 0x93: { var n = Pop() as string; var m = Pop() as string; if (m is null || n is null) throw Bad("STACK_GLOBAL without two strings"); stack.Add(Global(m, n)); break; }
                    case 'R': { var args = Pop() as object?[] ?? throw Bad("REDUCE without an argument tuple"); var f = Pop(); stack.Add(Reduce(f, args)); break; }
                    case 'b': { var state = Pop(); var target = Pop(); stack.Add(Build(target, state)); break; }
                    case 0x81 or 0x92: throw Bad("the pickle creates an object of a class (NEWOBJ), which this reader refuses");
                    case 0x97 or 0x98: throw Bad("the pickle uses out-of-band buffers (protocol 5 with buffer_callback), which this reader does not support");
                    default:
                        throw Bad(op is 'I' or 'L' or 'F' or 'S' or 'V' or 'p' or 'g'
                            ? $"text pickle opcode '{(char)op}' (protocol 0 or 1) is not supported; save with protocol 2 or higher"
                            : $"opcode 0x{op:x2} is not supported");
                }
            }
        }

        object? Finish(object? value) => value switch
        {
            PendingArray or DtypeValue or Known => throw Bad("the pickle ends with an unfinished numpy object"),
            _ => value,
        };

        int Byte() { int b = input.ReadByte(); if (b < 0) throw new EndOfStreamException(); position++; return b; }

        int Length(int size)
        {
            long n = size == 4 ? BitConverter.ToUInt32(Bytes(4)) : BitConverter.ToInt64(Bytes(8));
            if (n is < 0 or > int.MaxValue - 64) throw Bad($"a {n}-byte item is larger than this reader supports (2 GB)");
            return (int)n;
        }

        byte[] Bytes(int count)
        {
            var b = new byte[count];
            input.ReadExactly(b);
            position += count;
            return b;
        }

        string Line()
        {
            var sb = new StringBuilder();
            for (int c = Byte(); c != '\n'; c = Byte())
            {
                if (sb.Length > 256) throw Bad("an over-long GLOBAL name");
                sb.Append((char)c);
            }
            return sb.ToString();
        }

        long Long1()
        {
            int n = Byte();
            if (n > 8) throw Bad($"an integer of {n} bytes does not fit in 64 bits");
            var b = Bytes(n);
            long v = 0;
            for (int i = n - 1; i >= 0; i--) v = (v << 8) | b[i];
            if (n is > 0 and < 8 && (b[n - 1] & 0x80) != 0) v -= 1L << (8 * n);
            return v;
        }

        object? Pop()
        {
            if (stack.Count == 0) throw Bad("the pickle pops an empty stack");
            var v = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            if (v is Mark) throw Bad("the pickle pops a MARK");
            return v;
        }

        object? Peek() => stack.Count > 0 ? stack[^1] : throw Bad("the pickle memoizes from an empty stack");

        object? Recall(long key) => memo.TryGetValue(key, out var v) ? v : throw Bad($"the pickle recalls memo {key}, which was never stored");

        object?[] PopToMark()
        {
            int at = stack.FindLastIndex(v => v is Mark);
            if (at < 0) throw Bad("the pickle has no MARK to pop to");
            var items = stack.Skip(at + 1).ToArray();
            stack.RemoveRange(at, stack.Count - at);
            return items;
        }

        List<object?> ListOnTop() => Peek() as List<object?> ?? throw Bad("APPEND to something that is not a list");

        Dictionary<object, object?> DictOnTop() => Peek() as Dictionary<object, object?> ?? throw Bad("SETITEM on something that is not a dict");

        void SetItems(Dictionary<object, object?> d, object?[] items)
        {
            if (items.Length % 2 != 0) throw Bad("a dict with an odd number of keys and values");
            for (int i = 0; i < items.Length; i += 2)
                d[items[i] is string or long or double or bool ? items[i]! : throw Bad("a dict key that is not a string or a number")] = items[i + 1];
        }

        object Global(string module, string name) => (module, name) switch
        {
            ("numpy.core.multiarray" or "numpy._core.multiarray", "_reconstruct") => Known.Reconstruct,
            ("numpy.core.multiarray" or "numpy._core.multiarray", "scalar") => Known.Scalar,
            ("numpy.core.numeric" or "numpy._core.numeric", "_frombuffer") => Known.FromBuffer,
            ("numpy", "ndarray") => Known.Ndarray,
            ("numpy", "dtype") => Known.Dtype,
            ("_codecs" or "codecs", "encode") => Known.CodecsEncode,
            _ => throw Bad($"the pickle refers to {module}.{name}; only lists, tuples, dicts, numbers, strings and numpy arrays are read, never other classes or functions"),
        };

        object? Reduce(object? function, object?[] args)
        {
            switch (function)
            {
                case Known.Reconstruct when args.Length == 3 && args[0] is Known.Ndarray:
                    return new PendingArray();
                case Known.Dtype when args.Length >= 1 && args[0] is string code:
                    return new DtypeValue(code);
                case Known.CodecsEncode when args.Length == 2 && args[0] is string text && args[1] is "latin1" or "latin-1":
                    return Encoding.Latin1.GetBytes(text);
                case Known.FromBuffer when args.Length == 4 && args[0] is byte[] data && args[1] is DtypeValue dtype && args[3] is string order:
                    return NumpyArrays.ToTensor(data, Dtype(dtype), Shape(args[2]), order == "F", name);
                case Known.Scalar when args.Length == 2 && args[0] is DtypeValue dtype && args[1] is byte[] data:
                    {
                        using var t = NumpyArrays.ToTensor(data, Dtype(dtype), [], false, name);
                        return t.is_floating_point() ? t.to(ScalarType.Float64).item<double>() : t.to(ScalarType.Int64).item<long>();
                    }
                default:
                    throw Bad($"the pickle calls {function ?? "None"} with arguments this reader does not understand");
            }
        }

        object? Build(object? target, object? state)
        {
            switch (target)
            {
                case DtypeValue dtype when state is object?[] s && s.Length >= 2 && s[1] is string order && order.Length == 1:
                    dtype.Order = order[0];
                    return dtype;
                case PendingArray when state is object?[] s && s.Length == 5 && s[2] is DtypeValue dtype && s[3] is bool fortran:
                    if (s[4] is not byte[] data) throw Bad("the numpy array holds Python objects (dtype=object), which this reader refuses");
                    return NumpyArrays.ToTensor(data, Dtype(dtype), Shape(s[1]), fortran, name);
                default:
                    throw Bad("the pickle sets the state of an object this reader does not build");
            }
        }

        NumpyDtype Dtype(DtypeValue d)
        {
            char order = d.Order == '|' ? '<' : d.Order;
            string code = d.Code.Length > 0 && d.Code[0] is '<' or '>' or '|' or '=' ? d.Code : order + d.Code;
            return NumpyDtype.Parse(code) ?? throw Bad($"numpy dtype '{d.Code}' is not supported ({NumpyDtype.Supported} are)");
        }

        long[] Shape(object? value) => value switch
        {
            object?[] items when items.All(i => i is long) => items.Select(i => (long)i!).ToArray(),
            long n => [n],
            _ => throw Bad("a numpy array shape that is not a tuple of integers"),
        };
    }
}
