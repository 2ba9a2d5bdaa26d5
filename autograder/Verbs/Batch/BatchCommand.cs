using System.CommandLine;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using GenAI.Autograder.Grading;

namespace GenAI.Autograder.Verbs;

/// <summary>
/// <c>batch</c>: grades every submission in a folder (each sub-folder or .zip is one student), a
/// few at a time, into OUT/NAME/, and keeps a gradebook CSV per assignment up to date. A rerun
/// skips submissions whose sources and manifests have not changed since they were graded.
/// </summary>
public static class BatchCommand
{
    static readonly Option<string?> Submissions = Cli.Text("--submissions", "DIR", "folder whose sub-folders (or .zip files) are one submission each, named by student");
    static readonly Option<string?> Assignment = Cli.Text("--assignment", "NAME", "a manifest name (default: every assignment)");
    static readonly Option<string?> Out = Cli.Text("--out", "DIR",
        "results folder (default: ./results): OUT/STUDENT/... as `grade` writes them, OUT/gradebook.ASSIGNMENT.csv and OUT/index.html (the class dashboard)");
    static readonly Option<int?> Jobs = Cli.Count("--jobs", "N", "submissions graded at once (default: the number of cores)", 1, "--jobs needs a whole number of 1 or more");
    static readonly Option<double?> Timeout = Cli.Seconds("--timeout", "wall-clock limit for one submission's checks, in seconds (default: 480 per assignment graded)");
    static readonly Option<Shard> ShardOption = new("--shard")
    {
        HelpName = "I/N",
        Description = "grade only slice I of N (by a hash of the student's name, so a student stays in the same slice when others are added); `merge` joins the slices' folders",
        DefaultValueFactory = _ => Shard.All,
        CustomParser = r =>
        {
            if (Shard.TryParse(r.Tokens.Single().Value, out var shard)) return shard;
            r.AddError("--shard needs I/N with 1 <= I <= N, e.g. 2/4");
            return Shard.All;
        },
    };

    /// <summary>The <c>batch</c> verb; returns 0 when every submission has results, 2 on bad usage or set-up.</summary>
    public static Verb Create()
    {
        var verb = new Verb("batch", "grade a folder of submissions, a few at a time, with a gradebook (see batch --help)")
        {
            Synopsis = "batch --submissions DIR [--assignment NAME] [--out DIR] [--jobs N] [--timeout SECONDS] [--shard I/N]",
            Notes = "Rerunning resumes: submissions already graded with the same sources and manifests are skipped.",
        };
        foreach (var option in new Option[] { Submissions, Assignment, Out, Jobs, Timeout, ShardOption }) verb.Options.Add(option);
        verb.Validators.Add(r =>
        {
            if (r.GetValue(Submissions) is not { } folder || !Directory.Exists(folder)) r.AddError("--submissions must name an existing folder");
        });
        verb.SetAction(r => Grade(Path.GetFullPath(r.GetValue(Submissions)!), r.GetValue(Assignment), Path.GetFullPath(r.GetValue(Out) ?? "results"),
            r.GetValue(Jobs) ?? Environment.ProcessorCount, r.GetValue(Timeout), Console.Out, shard: r.GetValue(ShardOption)));
        return verb;
    }

    /// <summary>Grades every submission under <paramref name="submissions"/>; returns 0 when all have results.</summary>
    public static int Grade(string submissions, string? assignment, string output, int jobs, double? timeout, TextWriter log, string? autograderFolder = null, Shard? shard = null)
    {
        if (SubmissionGrader.Load(assignment, Console.Error) is not var (_, manifests)) return 2;
        var entries = Directory.EnumerateDirectories(submissions).Concat(Directory.EnumerateFiles(submissions, "*.zip"))
            .OrderBy(e => e, StringComparer.Ordinal).Where(e => (shard ?? Shard.All).Holds(Path.GetFileNameWithoutExtension(e))).ToList();
        if (entries.Count == 0) { Console.Error.WriteLine($"{submissions} holds no sub-folders or .zip files to grade."); return 2; }
        var clash = entries.GroupBy(e => Path.GetFileNameWithoutExtension(e)).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null) { Console.Error.WriteLine($"two submissions are both named '{clash.Key}': {string.Join(" and ", clash.Select(Path.GetFileName))}."); return 2; }
        Directory.CreateDirectory(output);
        string manifestsText = string.Join("\n", manifests.Select(m => System.Text.Json.JsonSerializer.Serialize(m)));
        var clock = Stopwatch.StartNew();
        int done = 0, skipped = 0;
        var gate = new object();
        // Gradings share the cores: each judge and worker gets its share of libtorch threads unless GENAI_THREADS says otherwise.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GENAI_THREADS")))
            Environment.SetEnvironmentVariable("GENAI_THREADS", Math.Max(1, Environment.ProcessorCount / jobs).ToString(System.Globalization.CultureInfo.InvariantCulture));
        log.WriteLine($"Grading {entries.Count} submissions from {submissions}, {jobs} at a time, into {output}");
        // One warm judge per job: only each judge's first grading pays its start-up.
        using var judges = new JudgePool();
        Parallel.ForEach(entries, new ParallelOptions { MaxDegreeOfParallelism = jobs }, entry =>
        {
            string name = Path.GetFileNameWithoutExtension(entry);
            string target = Path.Combine(output, name);
            var watch = Stopwatch.StartNew();
            string status;
            try
            {
                string source = entry.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? Extract(entry, Path.Combine(target, ".source")) : entry;
                string fingerprint = Fingerprint(source, manifestsText);
                string marker = Path.Combine(target, Gradebook.Marker);
                if (File.Exists(marker) && File.ReadAllText(marker) == fingerprint)
                {
                    lock (gate) skipped++;
                    status = "already graded";
                }
                else
                {
                    if (File.Exists(marker)) File.Delete(marker);
                    var reason = new StringWriter();
                    var outcome = SubmissionGrader.Grade(new GradeOptions(source, assignment, target, timeout, autograderFolder, Student: name), TextWriter.Null, reason, judges);
                    if (outcome.ExitCode != 0) throw new InvalidOperationException(reason.ToString().Trim());
                    File.WriteAllText(marker, fingerprint);
                    status = string.Join(", ", outcome.Results.Select(r => $"{r.Manifest.Name} {r.Results.Score:0.##}/{r.Manifest.MaxScore:0.##}")) + (outcome.Status == GradeStatus.Graded ? "" : $" ({outcome.Status})");
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
            {
                status = $"NOT GRADED: {e.Message}";
            }
            lock (gate)
            {
                done++;
                double eta = clock.Elapsed.TotalSeconds / done * (entries.Count - done);
                log.WriteLine($"[{done}/{entries.Count}] {name}: {status} ({watch.Elapsed.TotalSeconds:F1} s; elapsed {clock.Elapsed.TotalSeconds:F0} s, about {eta:F0} s left)");
                var students = entries.Select(e => Path.GetFileNameWithoutExtension(e)).Order(StringComparer.Ordinal).ToList();
                Gradebook.WriteGradebooks(output, students, manifests, manifests.Count == 1);
                Reports.Dashboard.Write(output, students, manifests, manifests.Count == 1);
            }
        });
        double hours = clock.Elapsed.TotalHours;
        log.WriteLine($"Done: {entries.Count} submissions ({skipped} already graded) in {clock.Elapsed.TotalSeconds:F0} s" +
                      (entries.Count > skipped && hours > 0 ? $", {(entries.Count - skipped) / hours:F0} submissions per hour" : "") + ".");
        return 0;
    }

    /// <summary>Extracts a .zip submission (fresh each time; .NET refuses entries that would land outside the folder).</summary>
    static string Extract(string zip, string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        try { ZipFile.ExtractToDirectory(zip, folder); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{Path.GetFileName(zip)} is not a readable zip file: {e.Message}"); }
        return folder;
    }

    /// <summary>SHA-256 over the submission's C# sources (paths and contents) and the manifests.</summary>
    static string Fingerprint(string source, string manifests)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(manifests));
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(source, file) + "\0"));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
