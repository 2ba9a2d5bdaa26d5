using System.Globalization;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace GenAI.Benchmarks;

/// <summary>
/// Wall time of the grade command on the reference, per assignment: warm (autograder already built:
/// the in-process compile of the submission, the judge and the isolated worker) and the overhead
/// outside the checks (the warm wall time minus the checks' own durations from the judge's progress log), with the peak
/// resident memory of the command's whole process tree (and of the compile server, which is not in it). BenchmarkDotNet's
/// memory diagnoser sees only this process, so peaks and overheads are printed after the run, over the measured iterations. <see cref="Compile"/> <c>cached</c> grades sources
/// compiled before (the warm-up iteration fills a scratch compile cache: a re-run or regrade), <c>fresh</c> compiles
/// them every time in the grade process (the compile cache and the compile server off: a submission just edited, the first
/// grade on a machine), <c>server</c> compiles them every time in the warm compile server the warm-up iteration started
/// (the cache off: a submission just edited, graded again within ten minutes).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class GradeCommandBenchmarks
{
    static readonly Dictionary<(string, string), List<(double peak, double overhead, double compile)>> Samples = new();
    string repo = "", scratch = "", autograderDll = "";
    double serverPeak;

    /// <summary>The assignment graded.</summary>
    [Params("cs446-hw5", "cs4331-hw2", "cs552-hw1", "cs552-hw2", "ece685d-hw5")]
    public string Assignment { get; set; } = "";

    /// <summary>Whether the submission's compile comes from the compile cache (<c>cached</c>), is done again in the grade process (<c>fresh</c>) or in the warm compile server (<c>server</c>).</summary>
    [Params("cached", "fresh", "server")]
    public string Compile { get; set; } = "";

    /// <summary>
    /// Builds the autograder (Release, as the Gradescope set-up does) into a folder every case shares, so only the first
    /// case builds from nothing and the others find it up to date.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        repo = Repo.Find();
        scratch = Directory.CreateTempSubdirectory("genai-bench").FullName;
        string artifacts = Path.Combine(Path.GetTempPath(), "genai-bench-autograder");
        ProcessTree.Run("dotnet", repo, "build", "autograder", "-c", "Release", "-v", "q", "--artifacts-path", artifacts);
        autograderDll = Path.Combine(artifacts, "bin", "GenAI.Autograder", "release", "GenAI.Autograder.dll");
    }

    /// <summary>
    /// After the warm-up iteration, whose grade started the server, waits until it listens (it does once warm); outside the
    /// timed iteration, which is one grade.
    /// </summary>
    [IterationSetup]
    public void WaitForTheServer()
    {
        if (Compile == "server" && Samples.ContainsKey((Assignment, Compile))) WaitForServer(Servers);
    }

    /// <summary>The compile server's socket folder of the <c>server</c> case.</summary>
    string Servers => Path.Combine(scratch, "server");

    /// <summary>Grade the reference on one assignment with an already built autograder.</summary>
    [Benchmark]
    public void Warm()
    {
        string results = Path.Combine(scratch, "warm-results");
        string servers = Servers;
        var environment = new Dictionary<string, string>
        {
            ["GENAI_COMPILE_CACHE"] = Compile == "cached" ? Path.Combine(scratch, "compiled") : "off",
            ["GENAI_COMPILE_SERVER"] = Compile == "server" ? servers : "off",
            // --keep-work (for the checks' times in progress.jsonl) keeps the worker's run folder too: in the scratch folder, deleted at the end.
            ["TMPDIR"] = Directory.CreateDirectory(Path.Combine(scratch, "tmp")).FullName,
        };
        var (peak, seconds, output) = ProcessTree.Run(environment, "dotnet", repo, autograderDll, "grade", "--assignment", Assignment, "--out", results, "--keep-work");
        double compile = Seconds(output, @"Compiled \d+ source files in ([\d.]+) s");
        // The warm-up iteration (it fills the cache, starts the server) is not a sample.
        if (!Samples.TryGetValue((Assignment, Compile), out var list)) { Samples[(Assignment, Compile)] = new(); return; }
        if (Compile == "server")
        {
            if (!output.Contains("(by the warm compile server)")) throw new InvalidOperationException($"the compile server did not compile:\n{output}");
            serverPeak = Math.Max(serverPeak, ServerPeakMiB(servers));
        }
        list.Add((peak, seconds - CheckSeconds(Path.Combine(results, ".work", "progress.jsonl")), compile));
    }

    /// <summary>The peak resident memory (VmHWM) of the compile server listening in <paramref name="folder"/>, from /proc; 0 where none is found.</summary>
    static double ServerPeakMiB(string folder)
    {
        foreach (var process in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                string commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
                if (!commandLine.Contains("compile-server") || !commandLine.Contains(folder)) continue;
                string line = File.ReadLines(Path.Combine(process, "status")).First(l => l.StartsWith("VmHWM:"));
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
            catch (IOException) { }
        }
        return 0;
    }

    /// <summary>Waits (up to a minute) until a compile server listens in <paramref name="folder"/>.</summary>
    static void WaitForServer(string folder)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            if (Directory.Exists(folder) && Directory.GetFiles(folder, "*.sock").Any(Answers)) return;
            Thread.Sleep(100);
        }
        throw new InvalidOperationException($"no compile server listens in {folder} a minute after the warm-up grade (is CI=true set?)");
    }

    static bool Answers(string socket)
    {
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        try { client.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(socket)); return true; }
        catch (System.Net.Sockets.SocketException) { return false; }
    }

    /// <summary>
    /// The seconds the checks themselves took: the sum of their durations in the judge's progress log, less the time
    /// their first call waited for the build and the worker's start (the log's last line), which is start-up.
    /// </summary>
    static double CheckSeconds(string progressLog)
    {
        double checks = 0, waited = double.NaN;
        foreach (var line in File.ReadLines(progressLog))
        {
            using var e = System.Text.Json.JsonDocument.Parse(line);
            string kind = e.RootElement.GetProperty("event").GetString()!;
            if (kind == "finished") checks += e.RootElement.GetProperty("seconds").GetDouble();
            if (kind == "done") waited = e.RootElement.GetProperty("seconds").GetDouble();
        }
        if (double.IsNaN(waited)) throw new InvalidOperationException($"the judge did not finish: {progressLog}");
        return checks - waited;
    }

    /// <summary>Prints peak memory, overhead and compile time per assignment, and removes the scratch folder.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (Samples.TryGetValue((Assignment, Compile), out var list))
            Console.WriteLine($"// {Assignment}, compile {Compile}: peak resident memory of the process tree {list.Max(s => s.peak):F0} MiB"
                + (Compile == "server" ? $" (and of the compile server, outside it, {serverPeak:F0} MiB)" : "") + "; "
                + $"overhead outside the checks (median) {Median(list.Select(s => s.overhead)):F1} s, of which compiling {Median(list.Select(s => s.compile)):F1} s");
        try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>The number the grade command printed where <paramref name="pattern"/> matches.</summary>
    static double Seconds(string output, string pattern)
    {
        var match = Regex.Matches(output, pattern).LastOrDefault()
            ?? throw new InvalidOperationException($"the grade command did not print '{pattern}':\n{output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}

/// <summary>The cold path once: the autograder built from nothing (NuGet cache kept), then the reference graded on every assignment.</summary>
[SimpleJob(RunStrategy.ColdStart, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class ColdGradeBenchmarks
{
    string repo = "", scratch = "";

    /// <summary>A scratch folder for the build.</summary>
    [GlobalSetup]
    public void Setup()
    {
        repo = Repo.Find();
        scratch = Directory.CreateTempSubdirectory("genai-bench-cold").FullName;
    }

    /// <summary>Build the autograder and the reference from nothing, then grade every assignment.</summary>
    [Benchmark]
    public void Cold()
    {
        var (buildPeak, _, _) = ProcessTree.Run("dotnet", repo, "build", "autograder", "-c", "Release", "-v", "q", "--artifacts-path", scratch);
        var (gradePeak, _, _) = ProcessTree.Run("dotnet", repo, Path.Combine(scratch, "bin", "GenAI.Autograder", "release", "GenAI.Autograder.dll"), "grade", "--out", Path.Combine(scratch, "results"));
        Console.WriteLine($"// cold: peak resident memory of the build {buildPeak:F0} MiB, of the grading {gradePeak:F0} MiB");
    }

    /// <summary>Removes the scratch folder.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Finds the repository from the benchmark's folder.</summary>
static class Repo
{
    /// <summary>The folder holding GenAI.Grader.slnx above the benchmark executable.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenAI.Grader.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("run the benchmarks from inside the repository (dotnet run -c Release --project benchmarks)");
    }
}
