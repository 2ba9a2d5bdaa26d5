using System.Runtime.CompilerServices;
using System.Text.Json;
using GenAI.Autograder.Figures;
using GenAI.Autograder.Numerics;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Checks;

/// <summary>
/// Snapshots of generated images: fixed weights and fixed noise in, an image grid out, compared with the
/// reference's grid stored in <c>__snapshots__/CLASS.TEST.json</c> beside the check, within a tolerance the
/// check's doc comment proves safe for equivalent float32 formulas. A failure writes expected, got and
/// their difference side by side as one PNG (into <see cref="FiguresVariable"/>'s folder when grading,
/// which report.html embeds; else <c>snapshot-diffs/</c> in the test's work folder). The stored grids are
/// made from the reference, in float64, by <see cref="UpdateCommand"/>.
/// </summary>
public static class ImageSnapshot
{
    /// <summary>Set to true to rewrite the stored snapshots from the code under test (in-process runs only).</summary>
    public const string UpdateVariable = "GENAI_UPDATE_SNAPSHOTS";

    /// <summary>The folder grading collects snapshot pictures from.</summary>
    public const string FiguresVariable = "GENAI_FIGURES";

    /// <summary>The documented command that remakes every image snapshot from the reference.</summary>
    public const string UpdateCommand = "GENAI_UPDATE_SNAPSHOTS=true dotnet test autograder -c Release --filter \"Name~Snapshot\"";

    static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) is "true" or "1" && !Seam.Student.Isolated;

    /// <summary>
    /// Compares <paramref name="generate"/>(float32), a grid [rows, columns, H, W], with the stored snapshot (which
    /// <see cref="UpdateCommand"/> writes from <paramref name="generate"/>(float64)): every pixel within
    /// <paramref name="tolerance"/>, or, when <paramref name="equivalent"/> is given, every pixel within it of
    /// <paramref name="equivalent"/>(snapshot) (an output the assignment accepts too), or, when <paramref name="alternative"/>
    /// is given, every pixel of <paramref name="alternative"/>(float32) within it of the snapshot (the same weights laid out for
    /// another layout the assignment accepts). Pictures show values in <paramref name="range"/> (null: the snapshot's own range).
    /// </summary>
    public static void Match(Func<ScalarType, Tensor> generate, double tolerance, Case c, (double low, double high)? range = null,
        IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null, Func<Tensor, Tensor>? equivalent = null,
        Func<ScalarType, Tensor>? alternative = null, [CallerFilePath] string file = "", [CallerMemberName] string member = "")
    {
        string name = Path.GetFileNameWithoutExtension(file) + "." + member + Variant();
        string path = Path.Combine(Path.GetDirectoryName(file)!, "__snapshots__", name + ".json");
        if (Updating) Store(path, generate(float64));
        if (!File.Exists(path)) Assert.Fail(c.Describe($"no stored snapshot {name}.json: make it from the reference with `{UpdateCommand}`."));
        var expected = Load(path);
        var got = generate(float32).detach().cpu().to(float64);
        Numeric.AssertShape(got, expected.shape, c);
        var diff = Difference(got, expected);
        if (diff.max().ToDouble() <= tolerance) return;
        if (equivalent is not null && Difference(got, equivalent(expected)).max().ToDouble() <= tolerance) return;
        if (alternative is not null && Difference(alternative(float32).detach().cpu().to(float64), expected).max().ToDouble() <= tolerance) return;
        Fail(name, got, expected, diff, tolerance, c, range, rowLabels, columnLabels);
    }

    /// <summary>|got - expected| with every non-finite value of <paramref name="got"/> as +infinity.</summary>
    static Tensor Difference(Tensor got, Tensor expected) =>
        where(got.isfinite(), (got - expected).abs(), tensor(double.PositiveInfinity, dtype: float64));

    static void Fail(string name, Tensor got, Tensor expected, Tensor diff, double tolerance, Case c, (double low, double high)? range,
        IReadOnlyList<string>? rowLabels, IReadOnlyList<string>? columnLabels)
    {
        long[] shape = expected.shape;
        long bad = diff.gt(tolerance).sum().ToInt64();
        long worst = diff.flatten().argmax().ToInt64();
        long pixels = shape[2] * shape[3];
        long image = worst / pixels, row = image / shape[1], column = image % shape[1], y = worst % pixels / shape[3], x = worst % shape[3];
        double e = expected.flatten()[worst].ToDouble(), g = got.flatten()[worst].ToDouble();
        string where = $"row {row + 1}{(rowLabels?.Count > row ? $" ({rowLabels[(int)row]})" : "")}, column {column + 1}{(columnLabels?.Count > column ? $" ({columnLabels[(int)column]})" : "")}, pixel (y {y}, x {x})";
        string picture = Picture(name, got, expected, diff, tolerance, range, rowLabels, columnLabels);
        Assert.Fail(c.Describe($"{bad} of {diff.numel()} pixels differ from the reference's image by more than {tolerance:G3}; the worst, at {where}: expected {e:G6}, got {g:G6}. " +
            $"Expected, got and their difference side by side: {picture}"));
    }

    /// <summary>Writes the side-by-side PNG and returns how the message names it.</summary>
    static string Picture(string name, Tensor got, Tensor expected, Tensor diff, double tolerance, (double low, double high)? range,
        IReadOnlyList<string>? rowLabels, IReadOnlyList<string>? columnLabels)
    {
        var (low, high) = range ?? (expected.min().ToDouble(), expected.max().ToDouble());
        double span = Math.Max(high - low, 1e-12);
        int rows = (int)expected.shape[0], columns = (int)expected.shape[1];
        int scale = expected.shape[3] >= 20 ? 3 : 8;
        Tensor Shown(Tensor t) => ((t.nan_to_num(0, high, low) - low) / span).reshape(rows * columns, -1);
        double largest = where(diff.isfinite(), diff, 0.0).max().ToDouble();
        var shownDiff = (diff / (largest > 0 ? largest : 1)).clamp(0, 1).reshape(rows * columns, -1);
        using var left = Collage.Render(Shown(expected), rows, columns, scale, title: "expected (the reference)", rowLabels: rowLabels, columnLabels: columnLabels);
        using var middle = Collage.Render(Shown(got), rows, columns, scale, title: "got (your code)", rowLabels: rowLabels, columnLabels: columnLabels);
        using var right = Collage.Render(shownDiff, rows, columns, scale, title: $"|got - expected|, white = {largest:G3} (tolerance {tolerance:G2})", rowLabels: rowLabels, columnLabels: columnLabels);
        string fileName = Sanitise(Grading.CheckRunner.Relative(TestContext.CurrentContext.Test.FullName) ?? name) + ".png";
        string? figures = Environment.GetEnvironmentVariable(FiguresVariable);
        string path = Path.Combine(figures ?? Path.Combine(TestContext.CurrentContext.WorkDirectory, "snapshot-diffs"), fileName);
        Collage.SideBySide(path, left, middle, right);
        if (figures is null) TestContext.AddTestAttachment(path);
        return figures is null ? path : $"figures/{fileName} (shown in report.html)";
    }

    /// <summary>A test's name as a file name: letters, digits and ._()- kept, anything else '_'.</summary>
    public static string Sanitise(string name) => string.Concat(name.Select(ch => char.IsAsciiLetterOrDigit(ch) || "._()-".Contains(ch) ? ch : '_'));

    /// <summary>"(arguments)" of a parameterised check, so each case has its own snapshot.</summary>
    static string Variant()
    {
        string test = TestContext.CurrentContext.Test.Name;
        int open = test.IndexOf('(');
        return open < 0 ? "" : Sanitise(test[open..]);
    }

    sealed record Stored(long[] Shape, double[] Values);

    static void Store(string path, Tensor grid)
    {
        var values = grid.detach().cpu().to(float64).contiguous();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // 8 significant digits (rounding moves a value by at most 5e-9 of itself, far below every tolerance) keep the files small.
        var rounded = values.data<double>().Select(v => double.Parse(v.ToString("G8", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        File.WriteAllText(path, JsonSerializer.Serialize(new Stored(values.shape, rounded)) + "\n");
    }

    static Tensor Load(string path)
    {
        var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty snapshot");
        return tensor(stored.Values, stored.Shape, dtype: float64);
    }
}
