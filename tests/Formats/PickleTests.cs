using FluentAssertions;
using GenAI.Course.Formats;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Formats;

/// <summary>
/// The strict pickle reader against pickles Python and numpy wrote (protocols 2, 4, 5 and gzip),
/// and against pickles it must refuse: code, objects, object arrays, old protocols, damage.
/// </summary>
[Parallelizable]
public sealed class PickleTests
{
    static string Sample(string name) => Path.Combine(Paths.Repo, "fixtures", "course-data", "formats", name);

    /// <summary>
    /// The nested value of make_course_data.py, [array, (Fortran float32 array, int64 array, bool array),
    /// dict, [numpy uint8 scalar, numpy float64 scalar]], reads the same in every protocol.
    /// </summary>
    [TestCase("nested_p2.pkl")]
    [TestCase("nested_p4.pkl")]
    [TestCase("nested_p5.pkl")]
    [TestCase("nested_p4.pkl.gz")]
    public void ReadsListsTuplesDictsAndArrays(string file)
    {
        var value = Pickle.Load(Sample(file)).Should().BeOfType<List<object?>>().Subject;
        value.Should().HaveCount(4);
        var expected = (arange(24, dtype: float64).reshape(2, 3, 4) / 8 - 1);

        var array = value[0].Should().BeAssignableTo<Tensor>().Subject;
        array.dtype.Should().Be(ScalarType.Float64);
        array.eq(expected).all().item<bool>().Should().BeTrue();

        var tuple = value[1].Should().BeOfType<object?[]>().Subject;
        var fortran = tuple[0].Should().BeAssignableTo<Tensor>().Subject;
        fortran.dtype.Should().Be(ScalarType.Float32);
        fortran.to(float64).eq(expected).all().item<bool>().Should().BeTrue("a Fortran-ordered array reads in logical order");
        ((Tensor)tuple[1]!).data<long>().ToArray().Should().Equal(0, 1, 2, 3, 4, 5);
        ((Tensor)tuple[2]!).data<bool>().ToArray().Should().Equal(true, false);

        var dict = value[2].Should().BeOfType<Dictionary<object, object?>>().Subject;
        dict["name"].Should().Be("graph");
        dict["a"].Should().Be(2.5);
        dict["n"].Should().Be(15L);
        dict["big"].Should().Be(-(1L << 40));
        dict["flag"].Should().Be(true);
        dict["none"].Should().BeNull();
        dict["raw"].Should().BeEquivalentTo(new byte[] { 0x00, 0xff });

        var scalars = value[3].Should().BeOfType<List<object?>>().Subject;
        scalars.Should().Equal(200L, 0.25);
    }

    /// <summary>A pickle that would run os.system is refused by name, and nothing runs.</summary>
    [Test]
    public void RefusesCode()
    {
        var act = () => Pickle.Load(Sample("evil.pkl"));
        act.Should().Throw<CourseDataException>().WithMessage("evil.pkl: the pickle refers to *system; only lists, tuples, dicts, numbers, strings and numpy arrays are read*");
    }

    /// <summary>Object arrays, protocol 0, truncation, corrupt gzip and non-pickles fail with the file's name and the reason.</summary>
    [Test]
    public void RefusesWhatItCannotRead()
    {
        var objects = () => Pickle.Load(Sample("object_array.pkl"));
        objects.Should().Throw<CourseDataException>().WithMessage("object_array.pkl: the numpy array holds Python objects*");

        var old = () => Pickle.Load(Sample("protocol0.pkl"));
        old.Should().Throw<CourseDataException>().WithMessage("protocol0.pkl: text pickle opcode * (protocol 0 or 1) is not supported*");

        var bytes = File.ReadAllBytes(Sample("nested_p4.pkl"));
        var truncated = () => Pickle.Load(new MemoryStream(bytes[..(bytes.Length / 2)]), "half.pkl");
        truncated.Should().Throw<CourseDataException>().WithMessage("half.pkl: the pickle ends early (the file is truncated).");

        string corrupt = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.pkl.gz");
        var gz = File.ReadAllBytes(Sample("nested_p4.pkl.gz"));
        for (int i = 20; i < gz.Length - 12; i++) gz[i] ^= 0x5a;
        File.WriteAllBytes(corrupt, gz);
        try
        {
            var damaged = () => Pickle.Load(corrupt);
            damaged.Should().Throw<CourseDataException>().WithMessage($"{Path.GetFileName(corrupt)}: *");
        }
        finally { File.Delete(corrupt); }

        var text = () => Pickle.Load(new MemoryStream("just some text"u8.ToArray()), "notes.pkl");
        text.Should().Throw<CourseDataException>().WithMessage("notes.pkl: *");
    }
}
