using System.IO.Compression;
using FluentAssertions;
using GenAI.Course.Formats;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Formats;

/// <summary>The IDX reader (MNIST, Fashion-MNIST, KMNIST) on files laid out here byte by byte, plain and gzipped, and on broken ones.</summary>
[Parallelizable]
public sealed class IdxTests
{
    string folder = "";

    /// <summary>A fresh folder per test.</summary>
    [SetUp]
    public void MakeFolder() => folder = Directory.CreateTempSubdirectory("genai-idx").FullName;

    /// <summary>Removes it.</summary>
    [TearDown]
    public void RemoveFolder() => Directory.Delete(folder, recursive: true);

    static byte[] Header(byte dimensions, params int[] shape) =>
        new byte[] { 0, 0, 0x08, dimensions }.Concat(shape.SelectMany(s => new[] { (byte)(s >> 24), (byte)(s >> 16), (byte)(s >> 8), (byte)s })).ToArray();

    void Write(string name, byte[] bytes, bool gzip)
    {
        if (!gzip) { File.WriteAllBytes(Path.Combine(folder, name), bytes); return; }
        using var file = File.Create(Path.Combine(folder, name + ".gz"));
        using var zip = new GZipStream(file, CompressionLevel.Optimal);
        zip.Write(bytes);
    }

    /// <summary>Three 28x28 images with known pixels and their labels read back scaled to [0, 1], in order, plain or gzipped.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void ReadsImagesAndLabels(bool gzip)
    {
        var pixels = new byte[3 * 784];
        pixels[0] = 255; pixels[784 + 28] = 51; pixels[2 * 784 + 783] = 102;
        Write("train-images-idx3-ubyte", Header(3, 3, 28, 28).Concat(pixels).ToArray(), gzip);
        Write("train-labels-idx1-ubyte", Header(1, 3).Concat(new byte[] { 7, 0, 9 }).ToArray(), gzip);
        var (images, labels) = Idx.LoadSplit(folder, "train");
        images.shape.Should().Equal(3, 1, 28, 28);
        images.dtype.Should().Be(ScalarType.Float32);
        images[0, 0, 0, 0].ToSingle().Should().Be(1f);
        images[1, 0, 1, 0].ToSingle().Should().BeApproximately(0.2f, 1e-7f);
        images[2, 0, 27, 27].ToSingle().Should().BeApproximately(0.4f, 1e-7f);
        images.sum().ToSingle().Should().BeApproximately(1.6f, 1e-6f);
        labels.data<long>().ToArray().Should().Equal(7, 0, 9);
        Idx.LoadSplit(folder, "train", limit: 2).images.shape[0].Should().Be(2);
    }

    /// <summary>The shipped subsets have 1,200 training and 300 test images with labels 0-9.</summary>
    [TestCase("digits-idx")]
    [TestCase("fashion-mnist-small")]
    public void ShippedSubsetsRead(string name)
    {
        string path = Path.Combine(Paths.Repo, "fixtures", "course-data", name);
        var (train, trainLabels) = Idx.LoadSplit(path, "train");
        var (test, testLabels) = Idx.LoadSplit(path, "t10k");
        train.shape.Should().Equal(1200, 1, 28, 28);
        test.shape.Should().Equal(300, 1, 28, 28);
        trainLabels.min().ToInt64().Should().Be(0);
        trainLabels.max().ToInt64().Should().Be(9);
        testLabels.unique().Item1.numel().Should().Be(10);
    }

    /// <summary>Missing files, a wrong magic, a truncated body and disagreeing counts are errors that name the file.</summary>
    [Test]
    public void BrokenFilesAreExplained()
    {
        var act = () => Idx.LoadSplit(folder, "train");
        act.Should().Throw<CourseDataException>().WithMessage("*neither train-images-idx3-ubyte.gz nor train-images-idx3-ubyte is in*");

        Write("t10k-images-idx3-ubyte", Header(3, 2, 28, 28).Concat(new byte[784 * 2 - 5]).ToArray(), gzip: false);
        Write("t10k-labels-idx1-ubyte", Header(1, 2).Concat(new byte[] { 1, 2 }).ToArray(), gzip: false);
        act = () => Idx.LoadSplit(folder, "t10k");
        act.Should().Throw<CourseDataException>().WithMessage("t10k-images-idx3-ubyte: the header promises 1568 bytes of data (2x28x28) but the file holds 1563.");

        Write("t10k-images-idx3-ubyte", Header(3, 3, 28, 28).Concat(new byte[784 * 3]).ToArray(), gzip: false);
        act.Should().Throw<CourseDataException>().WithMessage("t10k-labels-idx1-ubyte: 2 labels for 3 images.");

        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), "\x89PNG not idx"u8.ToArray());
        act.Should().Throw<CourseDataException>().WithMessage("*not an IDX file*");

        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), [1, 2, 3]);
        act.Should().Throw<CourseDataException>().WithMessage("t10k-images-idx3-ubyte.gz: not a valid gzip file*");
    }
}
