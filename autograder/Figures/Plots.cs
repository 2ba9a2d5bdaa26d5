using ScottPlot;

namespace GenAI.Autograder.Figures;

/// <summary>Line plots, scatter plots and graph drawings written as PNG (ScottPlot).</summary>
public static class Plots
{
    /// <summary>One named series of points.</summary>
    /// <param name="Label">Legend text.</param>
    /// <param name="X">Abscissae.</param>
    /// <param name="Y">Ordinates.</param>
    /// <param name="Color">A colour as "#RRGGBB" (the palette's next colour when null).</param>
    public sealed record Series(string Label, double[] X, double[] Y, string? Color = null);

    /// <summary>Ten distinguishable colours, one per class.</summary>
    static readonly string[] ClassColours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>One point series per class: the rows of <paramref name="points"/> [N, 2] whose label ([N], 0 .. 9) is k, named <paramref name="names"/>[k].</summary>
    public static Series[] ByClass(TorchSharp.torch.Tensor points, TorchSharp.torch.Tensor labels, IReadOnlyList<string> names)
    {
        var xy = points.detach().cpu().to(TorchSharp.torch.float64);
        var classes = labels.cpu();
        return Enumerable.Range(0, names.Count).Select(k =>
        {
            using var mine = xy[classes.eq(k)];
            return new Series(names[k], mine[.., 0].data<double>().ToArray(), mine[.., 1].data<double>().ToArray(), ClassColours[k % ClassColours.Length]);
        }).ToArray();
    }

    /// <summary>Curves (lines) with a legend and axis labels.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, params Series[] series)
    {
        var plot = New(title, xLabel, yLabel);
        foreach (var s in series)
        {
            var line = plot.Add.ScatterLine(s.X, s.Y);
            line.LegendText = s.Label;
            if (s.Color is not null) line.Color = Color.FromHex(s.Color);
        }
        Save(plot, path, series.Length > 1);
    }

    /// <summary>Curves with the vertical axis limited to <paramref name="yRange"/>, the legend below the plot, on a wide canvas.</summary>
    public static void LinesWithin(string path, string title, string xLabel, string yLabel, (double low, double high) yRange, params Series[] series)
    {
        var plot = New(title, xLabel, yLabel);
        foreach (var s in series)
        {
            var line = plot.Add.ScatterLine(s.X, s.Y);
            line.LegendText = s.Label;
            line.LineWidth = 2;
            if (s.Color is not null) line.Color = Color.FromHex(s.Color);
        }
        plot.Axes.SetLimitsY(yRange.low, yRange.high);
        plot.ShowLegend(Edge.Bottom);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 640);
    }

    /// <summary>Paths of points joined in order, each point labelled with its number (1, 2, ...), one colour per path, with a legend.</summary>
    public static void NumberedPaths(string path, string title, string xLabel, string yLabel, params Series[] paths)
    {
        var plot = New(title, xLabel, yLabel);
        foreach (var s in paths)
        {
            var line = plot.Add.Scatter(s.X, s.Y);
            line.LegendText = s.Label;
            line.MarkerSize = 6;
            if (s.Color is not null) line.Color = Color.FromHex(s.Color);
            for (int i = 0; i < s.X.Length; i++)
            {
                var text = plot.Add.Text((i + 1).ToString(), s.X[i], s.Y[i]);
                text.LabelFontSize = 10;
                if (s.Color is not null) text.LabelFontColor = Color.FromHex(s.Color);
            }
        }
        Save(plot, path, paths.Length > 1, width: 800, height: 600);
    }

    /// <summary>Points (no lines), one colour per series, with a legend and axis labels, on equal axis scales.</summary>
    public static void Points(string path, string title, string xLabel, string yLabel, params Series[] series) =>
        PointsAndLines(path, title, xLabel, yLabel, series, [], squareUnits: true);

    /// <summary>Point series and line series on one plot, with a legend and axis labels.</summary>
    public static void PointsAndLines(string path, string title, string xLabel, string yLabel, Series[] points, Series[] lines, bool squareUnits = false)
    {
        var plot = New(title, xLabel, yLabel);
        foreach (var s in points)
        {
            var scatter = plot.Add.ScatterPoints(s.X, s.Y);
            scatter.LegendText = s.Label;
            scatter.MarkerSize = 4;
            if (s.Color is not null) scatter.Color = Color.FromHex(s.Color);
        }
        foreach (var s in lines)
        {
            var line = plot.Add.ScatterLine(s.X, s.Y);
            line.LegendText = s.Label;
            line.LineWidth = 2;
            if (s.Color is not null) line.Color = Color.FromHex(s.Color);
        }
        if (squareUnits) plot.Axes.SquareUnits();
        Save(plot, path, points.Length + lines.Length > 1);
    }

    /// <summary>
    /// Graphs side by side: nodes on a circle, coloured by their features (RGB from 3 features in
    /// [-1, 1]), an edge drawn for every e_ij = 1.
    /// </summary>
    public static void Graphs(string path, string title, IReadOnlyList<(double[,] features, double[,] edges)> graphs)
    {
        var plot = New(title, "", "");
        for (int g = 0; g < graphs.Count; g++)
        {
            var (features, edges) = graphs[g];
            int n = features.GetLength(0);
            var positions = Enumerable.Range(0, n).Select(i => new Coordinates(3 * g + Math.Cos(2 * Math.PI * i / n), Math.Sin(2 * Math.PI * i / n))).ToArray();
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                    if (edges[i, j] > 0.5)
                    {
                        var line = plot.Add.Line(positions[i], positions[j]);
                        line.LineColor = Colors.Gray.WithAlpha(0.7);
                        line.LineWidth = 1;
                    }
            for (int i = 0; i < n; i++)
            {
                byte Channel(int k) => features.GetLength(1) > k ? (byte)Math.Round(255 * Math.Clamp((features[i, k] + 1) / 2, 0, 1)) : (byte)128;
                var marker = plot.Add.Marker(positions[i], MarkerShape.FilledCircle, 11, new Color(Channel(0), Channel(1), Channel(2)));
                marker.MarkerLineColor = Colors.Black;
                marker.MarkerLineWidth = 1;
            }
            int count = Enumerable.Range(0, n).Sum(i => Enumerable.Range(i + 1, n - i - 1).Count(j => edges[i, j] > 0.5));
            plot.Add.Text($"graph {g + 1}: {count} edges", 3 * g - 0.75, -1.25).LabelFontSize = 12;
        }
        plot.Axes.SquareUnits();
        plot.HideGrid();
        plot.Axes.Frameless();
        plot.Axes.SetLimits(-1.3, 3 * graphs.Count - 1.7, -1.45, 1.2);
        Save(plot, path, false, 260 * graphs.Count, 320);
    }

    static Plot New(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        if (xLabel.Length > 0) plot.XLabel(xLabel);
        if (yLabel.Length > 0) plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>Writes the plot; a legend goes outside the data, right of the axes, on a canvas widened to hold it.</summary>
    static void Save(Plot plot, string path, bool legend, int width = 640, int height = 480)
    {
        if (legend)
        {
            plot.ShowLegend(Edge.Right);
            width += 220;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }

    /// <summary>Places the PNG files <paramref name="panels"/> side by side, top-aligned on white, in one PNG.</summary>
    public static void SideBySide(string path, params string[] panels)
    {
        var images = panels.Select(p => SkiaSharp.SKBitmap.Decode(p) ?? throw new IOException($"{p}: not a readable image.")).ToList();
        try
        {
            using var canvasBitmap = new SkiaSharp.SKBitmap(images.Sum(i => i.Width), images.Max(i => i.Height));
            using (var canvas = new SkiaSharp.SKCanvas(canvasBitmap))
            {
                canvas.Clear(SkiaSharp.SKColors.White);
                int left = 0;
                foreach (var image in images) { canvas.DrawBitmap(image, left, 0); left += image.Width; }
            }
            using var file = File.Create(path);
            canvasBitmap.Encode(file, SkiaSharp.SKEncodedImageFormat.Png, 100);
        }
        finally { images.ForEach(i => i.Dispose()); }
    }
}
