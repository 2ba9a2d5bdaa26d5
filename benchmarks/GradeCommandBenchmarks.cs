using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace GenAI.Benchmarks;

/// <summary>
/// Wall time of the grade command on the reference (every assignment of the VAE / ELBO / score
/// matching slice): cold (autograder built from nothing into a fresh artifacts folder, then graded),
/// warm (autograder already built: the submission build, the judge and the isolated worker), and
/// the checks alone in one process (the students' `dotnet test` path, without the test host).
/// Each iteration also records the peak resident memory of the command's whole process tree; the
/// peaks are printed after the run (BenchmarkDotNet's own memory diagnoser sees only this process).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class GradeCommandBenchmarks
{
    static readonly Dictionary<string, double> PeakMiB = new();
    string repo = "", scratch = "", autograderDll = "";

    /// <summary>Builds the autograder once (for the warm cases).</summary>
    [GlobalSetup]
    public void Setup()
    {
        repo = FindRepo();
        scratch = Directory.CreateTempSubdirectory("genai-bench").FullName;
        ProcessTree.Run("dotnet", repo, "build", "autograder", "-v", "q", "--artifacts-path", Path.Combine(scratch, "warm"));
        autograderDll = Path.Combine(scratch, "warm", "bin", "GenAI.Autograder", "debug", "GenAI.Autograder.dll");
    }

    /// <summary>Removes the cold build's artifacts so each cold iteration starts from nothing (the NuGet cache stays).</summary>
    [IterationSetup(Target = nameof(Cold))]
    public void CleanColdArtifacts()
    {
        string cold = Path.Combine(scratch, "cold");
        if (Directory.Exists(cold)) Directory.Delete(cold, recursive: true);
    }

    /// <summary>Build the autograder and the reference from nothing, then grade.</summary>
    [Benchmark]
    public void Cold()
    {
        string artifacts = Path.Combine(scratch, "cold");
        double build = ProcessTree.Run("dotnet", repo, "build", "autograder", "-v", "q", "--artifacts-path", artifacts);
        double grade = ProcessTree.Run("dotnet", repo, Path.Combine(artifacts, "bin", "GenAI.Autograder", "debug", "GenAI.Autograder.dll"), "grade", "--out", Path.Combine(scratch, "cold-results"));
        Record(nameof(Cold), Math.Max(build, grade));
    }

    /// <summary>Grade with an already built autograder: the submission's build and the checks.</summary>
    [Benchmark]
    public void Warm() => Record(nameof(Warm), ProcessTree.Run("dotnet", repo, autograderDll, "grade", "--out", Path.Combine(scratch, "warm-results")));

    /// <summary>The checks alone against the reference, student code in the same process.</summary>
    [Benchmark]
    public void ChecksInProcess() => Record(nameof(ChecksInProcess), ProcessTree.Run("dotnet", repo, autograderDll, "run-checks", "--progress", Path.Combine(scratch, "progress.jsonl")));

    /// <summary>Prints the peak memory of each case and removes the scratch folder.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (name, peak) in PeakMiB) Console.WriteLine($"// peak resident memory of the process tree, {name}: {peak:F0} MiB");
        try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
    }

    static void Record(string name, double peak) => PeakMiB[name] = Math.Max(PeakMiB.GetValueOrDefault(name), peak);

    static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenAI.Grader.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("run the benchmarks from inside the repository (dotnet run -c Release --project benchmarks)");
    }
}
