using SkiaSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Figures;

/// <summary>Grayscale image grids written as PNG (the collages the assignments ask for).</summary>
public static class Collage
{
    /// <summary>
    /// Writes <paramref name="images"/> [K, H*W] (or [K, H, W]) with values in [0, 1] as a
    /// <paramref name="rows"/> x <paramref name="columns"/> grid, filled row by row, each pixel drawn
    /// as a <paramref name="scale"/> x <paramref name="scale"/> square, 2-pixel gaps. Values outside
    /// [0, 1] are clipped; with <paramref name="normalise"/> each image is first stretched to [0, 1].
    /// </summary>
    /// <exception cref="ArgumentException">More images than cells, or rows that are not square images.</exception>
    public static void Write(string path, Tensor images, int rows, int columns, int scale = 4, bool normalise = false)
    {
        long count = images.shape[0];
        long pixels = images[0].numel();
        int side = (int)Math.Round(Math.Sqrt(pixels));
        if (side * side != pixels) throw new ArgumentException($"images of {pixels} pixels are not square.", nameof(images));
        if (count > rows * columns) throw new ArgumentException($"{count} images do not fit a {rows} x {columns} grid.", nameof(images));
        using var flat = images.detach().cpu().to(float64).reshape(count, pixels);
        using var shown = normalise ? Stretch(flat) : flat.clamp(0, 1);
        var values = shown.data<double>().ToArray();
        const int gap = 2;
        int cell = side * scale;
        using var bitmap = new SKBitmap(columns * (cell + gap) + gap, rows * (cell + gap) + gap, SKColorType.Gray8, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(96, 96, 96));
        for (int k = 0; k < count; k++)
        {
            int left = gap + (k % columns) * (cell + gap), top = gap + (k / columns) * (cell + gap);
            for (int p = 0; p < pixels; p++)
            {
                byte v = (byte)Math.Round(255 * values[k * pixels + p]);
                var colour = new SKColor(v, v, v);
                int x0 = left + (p % side) * scale, y0 = top + (p / side) * scale;
                for (int dy = 0; dy < scale; dy++)
                    for (int dx = 0; dx < scale; dx++) bitmap.SetPixel(x0 + dx, y0 + dy, colour);
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    static Tensor Stretch(Tensor flat)
    {
        using var low = flat.amin([1], keepdim: true);
        using var high = flat.amax([1], keepdim: true);
        using var range = (high - low).clamp_min(1e-12);
        using var shifted = flat - low;
        return shifted / range;
    }
}
