using System.IO.Compression;
using static TorchSharp.torch;

namespace GenAI.Course.Formats;

/// <summary>
/// The IDX format of MNIST, Fashion-MNIST and KMNIST (big-endian header, unsigned bytes), plain or
/// gzip-compressed. A split is a folder holding <c>{train,t10k}-images-idx3-ubyte[.gz]</c> and
/// <c>{train,t10k}-labels-idx1-ubyte[.gz]</c>, the names all three datasets ship with.
/// </summary>
public static class Idx
{
    /// <summary>Images of a split scaled to [0, 1], float32 [N, 1, 28, 28], and their labels, int64 [N].</summary>
    /// <param name="folder">The dataset folder.</param>
    /// <param name="split"><c>train</c> or <c>t10k</c> (test).</param>
    /// <param name="limit">Keep only the first <paramref name="limit"/> examples (all when null).</param>
    /// <exception cref="CourseDataException">A file is missing, truncated, not IDX, or images and labels disagree in number.</exception>
    public static (Tensor images, Tensor labels) LoadSplit(string folder, string split, int? limit = null)
    {
        if (split is not ("train" or "t10k")) throw new ArgumentException($"split must be 'train' or 't10k', not '{split}'.", nameof(split));
        var images = Read(Find(folder, $"{split}-images-idx3-ubyte"), 3);
        var labels = Read(Find(folder, $"{split}-labels-idx1-ubyte"), 1);
        if (images.shape[0] != labels.shape[0])
            throw new CourseDataException(Find(folder, $"{split}-labels-idx1-ubyte"), $"{labels.shape[0]} labels for {images.shape[0]} images.");
        long n = limit is { } l ? Math.Min(l, images.shape[0]) : images.shape[0];
        return (images[..(int)n].unsqueeze(1).to(float32) / 255, labels[..(int)n].to(int64));
    }

    /// <summary>The path of <paramref name="stem"/> in <paramref name="folder"/>, gzipped or not.</summary>
    static string Find(string folder, string stem)
    {
        foreach (string candidate in new[] { stem + ".gz", stem })
        {
            string path = Path.Combine(folder, candidate);
            if (System.IO.File.Exists(path)) return path;
        }
        throw new CourseDataException(Path.Combine(folder, stem), $"file not found: neither {stem}.gz nor {stem} is in {Path.GetFullPath(folder)}.");
    }

    /// <summary>Reads an unsigned-byte IDX file with <paramref name="dimensions"/> dimensions into a uint8 tensor.</summary>
    /// <exception cref="CourseDataException">Not IDX, another element type or rank, or fewer bytes than the header promises.</exception>
    public static Tensor Read(string path, int dimensions)
    {
        byte[] bytes;
        try
        {
            using var file = System.IO.File.OpenRead(path);
            using Stream input = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var memory = new MemoryStream();
            input.CopyTo(memory);
            bytes = memory.ToArray();
        }
        catch (FileNotFoundException) { throw new CourseDataException(path, $"file not found ({Path.GetFullPath(path)})."); }
        catch (InvalidDataException e) { throw new CourseDataException(path, $"not a valid gzip file ({e.Message})."); }
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new CourseDataException(path, "not an IDX file (it does not start with two zero bytes).");
        if (bytes[2] != 0x08) throw new CourseDataException(path, $"element type 0x{bytes[2]:X2} is not supported (unsigned byte, 0x08, is).");
        if (bytes[3] != dimensions) throw new CourseDataException(path, $"{bytes[3]} dimensions where {dimensions} were expected.");
        int header = 4 + 4 * dimensions;
        if (bytes.Length < header) throw new CourseDataException(path, "the header is truncated.");
        var shape = new long[dimensions];
        long count = 1;
        for (int d = 0; d < dimensions; d++)
        {
            int o = 4 + 4 * d;
            shape[d] = (uint)(bytes[o] << 24 | bytes[o + 1] << 16 | bytes[o + 2] << 8 | bytes[o + 3]);
            count *= shape[d];
        }
        if (bytes.Length - header != count)
            throw new CourseDataException(path, $"the header promises {count} bytes of data ({string.Join("x", shape)}) but the file holds {bytes.Length - header}.");
        return tensor(bytes[header..], shape, dtype: uint8);
    }
}
