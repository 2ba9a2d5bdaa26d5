using System.Text.Json;
using FluentAssertions;
using GenAI.Course.Formats;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Formats;

/// <summary>
/// The .npy reader against files numpy itself wrote (fixtures/course-data/formats, made by
/// make_course_data.py with numpy's np.save), the writer by round trip and by the format's layout rules.
/// </summary>
[Parallelizable]
public sealed class NpyTests
{
    static string Sample(string name) => Path.Combine(Paths.Repo, "fixtures", "course-data", "formats", name);

    /// <summary>The values numpy saved, from the JSON the same script wrote.</summary>
    static Tensor Expected()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Sample("expected.json")));
        var values = json.RootElement.GetProperty("base").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        return tensor(values, [2, 3, 4], dtype: float64);
    }

    /// <summary>C order, Fortran order, big-endian, float32 and format version 2.0 all read as numpy's array.</summary>
    [TestCase("f8_c.npy", ScalarType.Float64)]
    [TestCase("f4_c.npy", ScalarType.Float32)]
    [TestCase("f8_fortran.npy", ScalarType.Float64)]
    [TestCase("f8_big_endian.npy", ScalarType.Float64)]
    [TestCase("f8_c_v2.npy", ScalarType.Float64)]
    public void ReadsTheLayoutsNumpyWrites(string file, ScalarType dtype)
    {
        using var array = Npy.Read(Sample(file));
        array.dtype.Should().Be(dtype);
        array.shape.Should().Equal(2, 3, 4);
        array.to(float64).allclose(Expected(), rtol: 0, atol: 0).Should().BeTrue();
    }

    /// <summary>uint8, bool and a 0-d int64 array keep their type, shape and values.</summary>
    [Test]
    public void ReadsIntegerBoolAndScalarArrays()
    {
        using var bytes = Npy.Read(Sample("u1.npy"));
        bytes.dtype.Should().Be(ScalarType.Byte);
        bytes.shape.Should().Equal(4, 6);
        bytes.reshape(-1).data<byte>().ToArray().Should().Equal(Enumerable.Range(0, 24).Select(i => (byte)(10 * i)));
        using var flags = Npy.Read(Sample("b1.npy"));
        flags.data<bool>().ToArray().Should().Equal(true, false, true, false, true, false);
        using var scalar = Npy.Read(Sample("i8_scalar.npy"));
        scalar.shape.Should().BeEmpty();
        scalar.item<long>().Should().Be(-7);
    }

    /// <summary>What Write produces reads back identically, and follows the format: magic, version 1.0, header padded so data starts on a 64-byte boundary.</summary>
    [TestCase(ScalarType.Float64)]
    [TestCase(ScalarType.Float32)]
    [TestCase(ScalarType.Byte)]
    [TestCase(ScalarType.Int64)]
    public void WritesWhatItReads(ScalarType dtype)
    {
        string path = Path.Combine(Path.GetTempPath(), $"npy-{Guid.NewGuid():N}.npy");
        try
        {
            using var original = (arange(30, dtype: float64).reshape(5, 6) * 3).to(dtype);
            Npy.Write(path, original);
            var bytes = File.ReadAllBytes(path);
            bytes[..8].Should().Equal(0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0);
            int dataStart = 10 + BitConverter.ToUInt16(bytes, 8);
            (dataStart % 64).Should().Be(0);
            bytes[dataStart - 1].Should().Be((byte)'\n');
            using var back = Npy.Read(path);
            back.dtype.Should().Be(dtype);
            back.eq(original).all().item<bool>().Should().BeTrue();
        }
        finally { File.Delete(path); }
    }

    /// <summary>Unsupported, truncated, foreign and missing files fail with the file's name and the reason.</summary>
    [Test]
    public void RefusesWhatItCannotRead()
    {
        var complex = () => Npy.Read(Sample("complex.npy"));
        complex.Should().Throw<CourseDataException>().WithMessage("complex.npy: dtype '<c16' is not supported*");

        var bytes = File.ReadAllBytes(Sample("f8_c.npy"));
        var truncated = () => Npy.Read(bytes[..^5], "cut.npy");
        truncated.Should().Throw<CourseDataException>().WithMessage("cut.npy: array of shape (2, 3, 4) needs 192 bytes of data but has 187*");

        var text = () => Npy.Read("not numpy at all"u8.ToArray(), "notes.npy");
        text.Should().Throw<CourseDataException>().WithMessage("notes.npy: not a .npy file*");

        var missing = () => Npy.Read(Path.Combine(Path.GetTempPath(), "no-such-faces.npy"));
        missing.Should().Throw<CourseDataException>().WithMessage("no-such-faces.npy: file not found*");
    }
}
