using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace GenAI.Course.Formats;

/// <summary>
/// numpy's .npy format (versions 1.0, 2.0 and 3.0): read into a tensor of the stored dtype and
/// shape, C or Fortran order; written as version 1.0, C order, little-endian. Anything else is
/// refused with a <see cref="CourseDataException"/> that names the file.
/// </summary>
public static class Npy
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the array in <paramref name="path"/> (float32, float64, uint8, int8-64 or bool).</summary>
    /// <exception cref="CourseDataException">Not a .npy file, an unsupported dtype, or truncated data.</exception>
    public static Tensor Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new CourseDataException(path, $"file not found ({Path.GetFullPath(path)})."); }
        return Read(bytes, path);
    }

    /// <summary>Reads a .npy image held in memory; <paramref name="name"/> is used in error messages.</summary>
    public static Tensor Read(byte[] bytes, string name)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new CourseDataException(name, "not a .npy file (it does not start with \\x93NUMPY).");
        int major = bytes[6];
        int headerLength, offset;
        switch (major)
        {
            case 1: headerLength = BitConverter.ToUInt16(bytes, 8); offset = 10; break;
            case 2 or 3:
                if (bytes.Length < 12) throw new CourseDataException(name, "the header is truncated.");
                headerLength = checked((int)BitConverter.ToUInt32(bytes, 8)); offset = 12; break;
            default: throw new CourseDataException(name, $".npy format version {major}.{bytes[7]} is not supported (1.0, 2.0 and 3.0 are).");
        }
        if (offset + headerLength > bytes.Length) throw new CourseDataException(name, "the header is truncated.");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, offset, headerLength);
        var (descr, fortran, shape) = ParseHeader(header, name);
        var dtype = NumpyDtype.Parse(descr) ?? throw new CourseDataException(name, $"dtype '{descr}' is not supported ({NumpyDtype.Supported} are).");
        return NumpyArrays.ToTensor(bytes[(offset + headerLength)..], dtype, shape, fortran, name);
    }

    /// <summary>Writes <paramref name="tensor"/> as a version 1.0 .npy file that numpy.load reads.</summary>
    public static void Write(string path, Tensor tensor)
    {
        var (data, descr) = NumpyArrays.FromTensor(tensor);
        string shape = tensor.shape.Length switch
        {
            0 => "()",
            1 => $"({tensor.shape[0]},)",
            _ => "(" + string.Join(", ", tensor.shape) + ")",
        };
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        using var file = File.Create(path);
        file.Write(Magic);
        file.Write([1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.Latin1.GetBytes(header));
        file.Write(data);
    }

    /// <summary>Parses the header dict: {'descr': '&lt;f8', 'fortran_order': False, 'shape': (2, 3), }.</summary>
    static (string descr, bool fortran, long[] shape) ParseHeader(string header, string name)
    {
        string? descr = null; bool? fortran = null; long[]? shape = null;
        var p = new HeaderParser(header.Trim(), name);
        p.Expect('{');
        while (!p.TryTake('}'))
        {
            string key = p.String();
            p.Expect(':');
            switch (key)
            {
                case "descr": descr = p.String(); break;
                case "fortran_order": fortran = p.Boolean(); break;
                case "shape": shape = p.IntTuple(); break;
                default: throw new CourseDataException(name, $"unknown header key '{key}'.");
            }
            if (!p.TryTake(',')) { p.Expect('}'); break; }
        }
        if (descr is null || fortran is null || shape is null)
            throw new CourseDataException(name, "the header lacks one of 'descr', 'fortran_order' and 'shape'.");
        return (descr, fortran.Value, shape);
    }

    sealed class HeaderParser(string text, string name)
    {
        int at;
        void Skip() { while (at < text.Length && char.IsWhiteSpace(text[at])) at++; }
        CourseDataException Bad(string what) => new(name, $"malformed header ({what} at character {at}): {text}");
        public bool TryTake(char c) { Skip(); if (at < text.Length && text[at] == c) { at++; return true; } return false; }
        public void Expect(char c) { if (!TryTake(c)) throw Bad($"expected '{c}'"); }
        public string String()
        {
            Skip();
            if (at >= text.Length || text[at] is not ('\'' or '"')) throw Bad("expected a string");
            char q = text[at++];
            int end = text.IndexOf(q, at);
            if (end < 0) throw Bad("unterminated string");
            var s = text[at..end]; at = end + 1; return s;
        }
        public bool Boolean()
        {
            Skip();
            if (text.AsSpan(at).StartsWith("True")) { at += 4; return true; }
            if (text.AsSpan(at).StartsWith("False")) { at += 5; return false; }
            throw Bad("expected True or False");
        }
        public long[] IntTuple()
        {
            Expect('(');
            var items = new List<long>();
            while (!TryTake(')'))
            {
                Skip();
                int start = at;
                while (at < text.Length && char.IsDigit(text[at])) at++;
                if (start == at) throw Bad("expected a dimension");
                items.Add(long.Parse(text.AsSpan(start, at - start), CultureInfo.InvariantCulture));
                if (!TryTake(',')) { Expect(')'); break; }
            }
            return items.ToArray();
        }
    }
}
