using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using static TorchSharp.torch;

namespace GenAI.Benchmarks;

/// <summary>
/// What <see cref="TrainingEpochBenchmarks"/> learns about both runtimes in its run (the BLAS each one calls, its
/// 1024^3 fp32 GEMM rate) and the columns that put each epoch beside them: BLAS, threads, GEMM GFLOP/s, the
/// epoch's achieved GFLOP/s (<see cref="EpochWork"/>), that as a fraction of the GEMM rate, and the ratio
/// TorchSharp time / PyTorch time, which is refused when PyTorch runs on the netlib reference BLAS.
/// </summary>
static class Peers
{
    /// <summary>The BLAS the PyTorch peer's sgemm_ binds to, as the peer reported it.</summary>
    public static string PyTorchBlas { get; set; } = "not started";

    /// <summary>True when the PyTorch peer runs on the netlib reference BLAS (no ratio is honest then).</summary>
    public static bool PyTorchOnReferenceBlas => PyTorchBlas.StartsWith("netlib reference BLAS", StringComparison.Ordinal);

    /// <summary>GEMM rates measured in this run, GFLOP/s, one per setup.</summary>
    public static readonly List<double> TorchSharpGemm = [], PyTorchGemm = [];

    [DllImport("libtorch_cpu", EntryPoint = "MKL_Get_Version_String")]
    static extern void MklVersion(byte[] buffer, int length);

    /// <summary>The BLAS inside TorchSharp's libtorch: its MKL version string ("Intel(R) oneAPI Math Kernel Library Version ...").</summary>
    public static string TorchSharpBlas { get; } = ReadMklVersion();

    static string ReadMklVersion()
    {
        var buffer = new byte[256];
        try { MklVersion(buffer, buffer.Length); }
        catch (EntryPointNotFoundException) { return "no MKL in libtorch_cpu"; }
        return Encoding.ASCII.GetString(buffer).TrimEnd('\0').Trim();
    }

    /// <summary>
    /// Starts the PyTorch peer (benchmarks/pytorch/epoch_server.py under /usr/bin/python3) with <paramref name="threads"/>
    /// intra-op and OpenBLAS threads, and returns it with the BLAS it names on its first line.
    /// </summary>
    /// <exception cref="InvalidOperationException">The peer did not start (no python3, or no torch to import).</exception>
    public static (Process Peer, string Blas) StartPyTorch(int threads)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "pytorch", "epoch_server.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script, threads.ToString()])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        start.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString();
        var python = File.Exists(start.FileName) ? Process.Start(start) : null;
        string? ready = python?.StandardOutput.ReadLine();
        if (python is null || ready is null || !ready.StartsWith("ready ", StringComparison.Ordinal))
        {
            python?.Dispose();
            throw new InvalidOperationException("the PyTorch peer did not start: install Debian's python3-torch and an optimised BLAS (apt-get install python3-torch libopenblas0-pthread); it must import in /usr/bin/python3.");
        }
        return (python, ready["ready ".Length..]);
    }

    /// <summary>GFLOP/s of a 1024 x 1024 x 1024 fp32 matmul in TorchSharp: 2 x 1024^3 over the median of 10 timings after one warm-up.</summary>
    public static double TorchSharpGemmGflops()
    {
        using var scope = NewDisposeScope();
        var a = rand(1024, 1024);
        var b = rand(1024, 1024);
        a.matmul(b);
        var times = new double[10];
        for (int i = 0; i < times.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            a.matmul(b).Dispose();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return 2 * Math.Pow(1024, 3) / times[times.Length / 2] / 1e9;
    }

    /// <summary>A short BLAS name for a table cell: "MKL 2024.2", "OpenBLAS 0.3.21 (pthread)", "netlib reference".</summary>
    static string Short(string blas)
    {
        var words = blas.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (blas.Contains("Math Kernel Library")) return "MKL " + words.SkipWhile(w => w != "Version").Skip(1).FirstOrDefault()?.Split('-')[0];
        if (blas.StartsWith("OpenBLAS")) return $"{words[0]} {words[1]} ({blas[(blas.LastIndexOf('(') + 1)..].TrimEnd(')').Replace("openblas-", "")})";
        return blas.StartsWith("netlib reference BLAS", StringComparison.Ordinal) ? "netlib reference" : blas;
    }

    static bool IsPyTorch(BenchmarkCase c) => c.Descriptor.WorkloadMethod.Name.EndsWith("PyTorch", StringComparison.Ordinal);

    static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);

    static double Gemm(BenchmarkCase c) => Median(IsPyTorch(c) ? PyTorchGemm : TorchSharpGemm);

    /// <summary>Mean epoch time of <paramref name="c"/> in seconds, NaN when it did not run.</summary>
    static double Seconds(Summary s, BenchmarkCase c) => (s[c]?.ResultStatistics?.Mean ?? double.NaN) / 1e9;

    static double EpochGflops(Summary s, BenchmarkCase c) => EpochWork.Gflop(c.Descriptor.Categories[0]) / Seconds(s, c);

    static string Ratio(Summary s, BenchmarkCase c)
    {
        if (IsPyTorch(c)) return "1 (peer)";
        if (PyTorchOnReferenceBlas) return "refused: PyTorch on netlib BLAS";
        var peer = s.BenchmarksCases.FirstOrDefault(p => IsPyTorch(p) && p.Descriptor.Categories[0] == c.Descriptor.Categories[0]);
        return peer is null ? "no peer" : (Seconds(s, c) / Seconds(s, peer)).ToString("F2");
    }

    /// <summary>The columns, in table order.</summary>
    public static IColumn[] Columns =>
    [
        new Column("BLAS", "The BLAS library the runtime's sgemm calls (TorchSharp: libtorch's MKL; PyTorch: what sgemm_ binds to)", (_, c) => Short(IsPyTorch(c) ? PyTorchBlas : TorchSharpBlas)),
        new Column("Threads", "Intra-op threads of both runtimes (and OpenBLAS threads of the peer)", (_, _) => TrainingEpochBenchmarks.Threads.ToString()),
        new Column("GEMM GFLOP/s", "1024^3 fp32 matmul rate of the runtime, measured in this run (median over setups)", (_, c) => Gemm(c).ToString("F1")),
        new Column("Epoch GFLOP/s", "GEMM and convolution work of the epoch (EpochWork) over its mean time", (s, c) => EpochGflops(s, c).ToString("F1")),
        new Column("Of GEMM", "Epoch GFLOP/s as a fraction of the runtime's GEMM rate", (s, c) => (EpochGflops(s, c) / Gemm(c)).ToString("F2")),
        new Column("Ratio", "TorchSharp mean / PyTorch mean in the same category; refused when PyTorch runs on the netlib reference BLAS", Ratio),
    ];

    sealed class Column(string name, string legend, Func<Summary, BenchmarkCase, string> value) : IColumn
    {
        public string Id => "Peers." + name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => false;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => legend;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => value(summary, benchmarkCase);
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => value(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
