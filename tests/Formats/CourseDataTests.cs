using FluentAssertions;
using GenAI.Course.Autoregressive;
using GenAI.Course.Formats;
using GenAI.Course.Graphs;
using GenAI.Course.Ppca;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Formats;

/// <summary>The shipped course-format fixtures load through the course loaders and hold what make_course_data.py says they hold.</summary>
[Parallelizable]
public sealed class CourseDataTests
{
    static string Data(string name) => Path.Combine(Paths.Repo, "fixtures", "course-data", name);

    /// <summary>
    /// image_cpts.pkl.gz: 25 tables of shape [2]*i whose distribution is uniform on the 26 letters of
    /// letters.npy: entropy log 26, and 5200 reference samples are all letters, each near 1/26 (Hoeffding, Bonferroni).
    /// </summary>
    [Test]
    public void TheCptFixtureIsUniformOnTheLetters()
    {
        using var scope = NewDisposeScope();
        var cpts = CptSampler.Load(Data("image_cpts.pkl.gz"));
        cpts.Should().HaveCount(25);
        for (int i = 0; i < 25; i++) cpts[i].shape.Should().Equal(Enumerable.Repeat(2L, i + 1));
        CptSampler.Entropy(cpts).Should().BeApproximately(Math.Log(26), 1e-5);
        var letters = Npy.Read(Data("letters.npy"));
        letters.shape.Should().Equal(26, 25);
        var index = Keys(letters).Select((key, k) => (key, k)).ToDictionary(p => p.key, p => p.k);
        const int n = 5200;
        var samples = Keys(CptSampler.Sample(cpts, n, new Generator(7)));
        samples.Should().HaveCount(n);
        var counts = new int[26];
        for (int k = 0; k < n; k++)
        {
            index.TryGetValue(samples[k], out int letter).Should().BeTrue($"sample {k} must be a letter");
            counts[letter]++;
        }
        double bound = Math.Sqrt(Math.Log(2 * 26 / 1e-6) / (2.0 * n));
        counts.Should().OnlyContain(c => Math.Abs(c / (double)n - 1 / 26.0) < bound);
    }

    /// <summary>
    /// A float64, uncompressed CPT pickle (as the course's own file is) of two 3-pixel images weighted
    /// 1/4 and 3/4 loads as float64 tables with those conditionals.
    /// </summary>
    [Test]
    public void Float64CptsLoadWithTheirConditionals()
    {
        using var scope = NewDisposeScope();
        var cpts = CptSampler.Load(Path.Combine(Paths.Repo, "fixtures", "course-data", "formats", "cpts_3px_f64.pkl"));
        cpts.Select(t => t.dtype).Should().OnlyContain(d => d == ScalarType.Float64);
        cpts[0].data<double>().ToArray().Should().Equal(0.75, 0.25);
        cpts[1][1, 0].ToDouble().Should().Be(1.0, "after x1 = 1 (image 101) x2 is 0");
        cpts[2][0, 1, 1].ToDouble().Should().Be(1.0, "after 01 (image 011) x3 is 1");
        cpts[2][0, 0, 1].ToDouble().Should().Be(0.5, "impossible prefixes hold 0.5");
        CptSampler.Entropy(cpts).Should().BeApproximately(-(0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)), 1e-12);
    }

    /// <summary>Each row of a binary [N, 25] tensor as a string of 0s and 1s (one copy of the data, not one per row).</summary>
    static string[] Keys(Tensor rows) =>
        rows.to(float32).contiguous().data<float>().ToArray().Chunk((int)rows.shape[1]).Select(r => string.Concat(r.Select(v => v > 0.5f ? '1' : '0'))).ToArray();

    /// <summary>classroom_graphs.pkl: 100 graphs of 15 students with 3 features in [-1, 1] and valid edge matrices.</summary>
    [Test]
    public void TheGraphFixtureHoldsOneHundredClassrooms()
    {
        using var scope = NewDisposeScope();
        var graphs = ClassroomGraphs.Load(Data("classroom_graphs.pkl"));
        graphs.Features.shape.Should().Equal(100, 15, 3);
        graphs.Edges.shape.Should().Equal(100, 15, 15);
        graphs.Features.abs().max().ToDouble().Should().BeLessThanOrEqualTo(1);
        graphs.Edges.sum().ToDouble().Should().BeGreaterThan(0);
    }

    /// <summary>eigenfaces.npy: 300 synthetic faces of 576 pixels in [0, 1].</summary>
    [Test]
    public void TheFaceFixtureHoldsFaceSizedImages()
    {
        using var faces = Ppca.LoadFaces(Data("eigenfaces.npy"));
        faces.shape.Should().Equal(300, 576);
        faces.min().ToDouble().Should().BeGreaterThanOrEqualTo(0);
        faces.max().ToDouble().Should().BeLessThanOrEqualTo(1);
    }

    /// <summary>Files of the wrong kind fail in the loaders with the file and what was expected.</summary>
    [Test]
    public void LoadersExplainFilesOfTheWrongKind()
    {
        var cpts = () => CptSampler.Load(Path.Combine(Paths.Repo, "fixtures", "course-data", "formats", "nested_p4.pkl"));
        cpts.Should().Throw<CourseDataException>().WithMessage("nested_p4.pkl: CPT 1 (list index 0) must be an array of shape [2]*1, found shape (2, 3, 4).");
        var graphs = () => ClassroomGraphs.Load(Path.Combine(Paths.Repo, "fixtures", "course-data", "formats", "nested_p4.pkl"));
        graphs.Should().Throw<CourseDataException>().WithMessage("nested_p4.pkl: graph 0 must be a tuple (X [n, m], E [n, n]).");
        var faces = () => Ppca.LoadFaces(Path.Combine(Paths.Repo, "fixtures", "course-data", "formats", "u1.npy"));
        faces.Should().Throw<CourseDataException>().WithMessage("u1.npy: expected face images of 24x24 = 576 pixels, found shape (4, 6).");
    }
}
