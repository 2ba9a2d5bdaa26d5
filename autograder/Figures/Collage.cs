using SkiaSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Figures;

/// <summary>Grayscale image grids written as PNG (the collages the assignments ask for), with a title and row and column labels.</summary>
public static class Collage
{
    const int Gap = 2, TextSize = 13, Line = 18;

    /// <summary>
    /// Writes <paramref name="images"/> [K, H*W] (or [K, H, W]) with values in [0, 1] as a
    /// <paramref name="rows"/> x <paramref name="columns"/> grid, filled row by row, each pixel drawn
    /// as a <paramref name="scale"/> x <paramref name="scale"/> square, 2-pixel gaps. Values outside
    /// [0, 1] are clipped; with <paramref name="normalise"/> each image is first stretched to [0, 1].
    /// A <paramref name="title"/> goes above the grid, <paramref name="rowLabels"/> left of each row and
    /// <paramref name="columnLabels"/> above each column.
    /// </summary>
    /// <exception cref="ArgumentException">More images than cells, rows that are not square images, or more labels than rows or columns.</exception>
    public static void Write(string path, Tensor images, int rows, int columns, int scale = 4, bool normalise = false,
        string? title = null, IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null)
    {
        using var bitmap = Render(images, rows, columns, scale, normalise, title, rowLabels, columnLabels);
        Save(bitmap, path);
    }

    /// <summary>The grid <see cref="Write"/> draws, as a bitmap (the caller disposes it).</summary>
    public static SKBitmap Render(Tensor images, int rows, int columns, int scale = 4, bool normalise = false,
        string? title = null, IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null)
    {
        long count = images.shape[0];
        long pixels = images[0].numel();
        int side = (int)Math.Round(Math.Sqrt(pixels));
        if (side * side != pixels) throw new ArgumentException($"images of {pixels} pixels are not square.", nameof(images));
        if (count > rows * columns) throw new ArgumentException($"{count} images do not fit a {rows} x {columns} grid.", nameof(images));
        if (rowLabels?.Count > rows || columnLabels?.Count > columns) throw new ArgumentException("more labels than rows or columns.");
        using var flat = images.detach().cpu().to(float64).reshape(count, pixels);
        using var shown = normalise ? Stretch(flat) : flat.clamp(0, 1);
        var values = shown.data<double>().ToArray();
        int cell = side * scale;
        using var font = new SKFont(SKTypeface.Default, TextSize);
        int labelWidth = rowLabels is { Count: > 0 } ? (int)Math.Ceiling(rowLabels.Max(l => font.MeasureText(l))) + 8 : 0;
        int titleHeight = string.IsNullOrEmpty(title) ? 0 : Line + 4;
        int columnHeight = columnLabels is { Count: > 0 } ? Line : 0;
        int gridWidth = columns * (cell + Gap) + Gap, gridHeight = rows * (cell + Gap) + Gap;
        int width = Math.Max(labelWidth + gridWidth, string.IsNullOrEmpty(title) ? 0 : (int)Math.Ceiling(font.MeasureText(title)) + 8);
        var bitmap = new SKBitmap(width, titleHeight + columnHeight + gridHeight, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        if (!string.IsNullOrEmpty(title)) canvas.DrawText(title, 4, Line, font, ink);
        int top = titleHeight + columnHeight;
        using var frame = new SKPaint { Color = new SKColor(96, 96, 96) };
        canvas.DrawRect(labelWidth, top, gridWidth, gridHeight, frame);
        for (int c = 0; c < (columnLabels?.Count ?? 0); c++)
            canvas.DrawText(columnLabels![c], labelWidth + Gap + c * (cell + Gap) + cell / 2f, top - 4, SKTextAlign.Center, font, ink);
        for (int r = 0; r < (rowLabels?.Count ?? 0); r++)
            canvas.DrawText(rowLabels![r], labelWidth - 4, top + Gap + r * (cell + Gap) + cell / 2f + TextSize / 3f, SKTextAlign.Right, font, ink);
        using var pixel = new SKPaint();
        for (int k = 0; k < count; k++)
        {
            int left = labelWidth + Gap + (k % columns) * (cell + Gap), cellTop = top + Gap + (k / columns) * (cell + Gap);
            for (int p = 0; p < pixels; p++)
            {
                byte v = (byte)Math.Round(255 * values[k * pixels + p]);
                pixel.Color = new SKColor(v, v, v);
                canvas.DrawRect(left + (p % side) * scale, cellTop + (p / side) * scale, scale, scale, pixel);
            }
        }
        return bitmap;
    }

    /// <summary>Places <paramref name="panels"/> side by side, top-aligned on white, 12 pixels apart, and writes them as one PNG.</summary>
    public static void SideBySide(string path, params SKBitmap[] panels)
    {
        using var bitmap = new SKBitmap(panels.Sum(p => p.Width) + 12 * (panels.Length - 1), panels.Max(p => p.Height), SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            int left = 0;
            foreach (var panel in panels) { canvas.DrawBitmap(panel, left, 0); left += panel.Width + 12; }
        }
        Save(bitmap, path);
    }

    static void Save(SKBitmap bitmap, string path)
    {
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
