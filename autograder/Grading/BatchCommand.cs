using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace GenAI.Autograder.Grading;

/// <summary>
/// <c>batch</c>: grades every submission in a folder (each sub-folder or .zip is one student), a
/// few at a time, into OUT/NAME/, and keeps a gradebook CSV per assignment up to date. A rerun
/// skips submissions whose sources and manifests have not changed since they were graded.
/// </summary>
public static class BatchCommand
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        batch --submissions DIR [--assignment NAME] [--out DIR] [--jobs N] [--timeout SECONDS]
          --submissions  folder whose sub-folders (or .zip files) are one submission each, named by student
          --assignment   a manifest name (default: every assignment)
          --out          results folder (default: ./results): OUT/STUDENT/... as `grade` writes them,
                         OUT/gradebook.ASSIGNMENT.csv and OUT/index.html (the class dashboard)
          --jobs         submissions graded at once (default: the number of cores)
          --timeout      wall-clock limit for one submission's checks, in seconds (default: 480 per assignment graded)
          --shard I/N    grade only slice I of N (by a hash of the student's name, so a student stays in
                         the same slice when others are added); `merge` joins the slices' folders
        Rerunning resumes: submissions already graded with the same sources and manifests are skipped.
        """;

    /// <summary>The file in OUT/STUDENT that holds the fingerprint of the sources last graded there.</summary>
    public const string Marker = ".graded";

    /// <summary>Runs the command line; returns 0 when every submission has results, 2 on bad usage or set-up.</summary>
    public static int Run(string[] args)
    {
        string? submissions = null, assignment = null, output = null;
        int jobs = Environment.ProcessorCount;
        double? timeout = null;
        Shard shard = Shard.All;
        for (int i = 0; i < args.Length; i++)
        {
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--submissions": submissions = Value(); break;
                case "--assignment": assignment = Value(); break;
                case "--out": output = Value(); break;
                case "--jobs" when int.TryParse(Value(), out int j) && j > 0: jobs = j; break;
                case "--timeout" when double.TryParse(Value(), CultureInfo.InvariantCulture, out double t) && t > 0: timeout = t; break;
                case "--shard" when Shard.TryParse(Value(), out shard): break;
                case "-h": case "--help": Console.WriteLine(Usage); return 0;
                default: Console.Error.WriteLine($"bad option '{args[i]}'\n\n{Usage}"); return 2;
            }
        }
        if (submissions is null || !Directory.Exists(submissions)) { Console.Error.WriteLine($"--submissions must name an existing folder\n\n{Usage}"); return 2; }
        return Grade(Path.GetFullPath(submissions), assignment, Path.GetFullPath(output ?? "results"), jobs, timeout, Console.Out, shard: shard);
    }

    /// <summary>Grades every submission under <paramref name="submissions"/>; returns 0 when all have results.</summary>
    public static int Grade(string submissions, string? assignment, string output, int jobs, double? timeout, TextWriter log, string? autograderFolder = null, Shard? shard = null)
    {
        if (GradeCommand.Load(assignment, Console.Error) is not var (_, manifests)) return 2;
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
                string marker = Path.Combine(target, Marker);
                if (File.Exists(marker) && File.ReadAllText(marker) == fingerprint)
                {
                    lock (gate) skipped++;
                    status = "already graded";
                }
                else
                {
                    if (File.Exists(marker)) File.Delete(marker);
                    var reason = new StringWriter();
                    var outcome = GradeCommand.Grade(new GradeOptions(source, assignment, target, timeout, autograderFolder, Student: name), TextWriter.Null, reason);
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
                WriteGradebooks(output, students, manifests, manifests.Count == 1);
                Reports.Dashboard.Write(output, students, manifests, manifests.Count == 1);
            }
        });
        double hours = clock.Elapsed.TotalHours;
        log.WriteLine($"Done: {entries.Count} submissions ({skipped} already graded) in {clock.Elapsed.TotalSeconds:F0} s" +
                      (entries.Count > skipped && hours > 0 ? $", {(entries.Count - skipped) / hours:F0} submissions per hour" : "") + ".");
        return 0;
    }

    /// <summary>Rewrites OUT/gradebook.ASSIGNMENT.csv from the results on disk (a student with no results yet gets an empty row).</summary>
    public static void WriteGradebooks(string output, IReadOnlyList<string> students, IReadOnlyList<Manifest> manifests, bool single)
    {
        foreach (var m in manifests)
        {
            var csv = new StringBuilder();
            csv.Append("student,score,max_score,status");
            foreach (var item in m.Items) csv.Append(',').Append(Csv(item.Number));
            csv.Append('\n');
            foreach (var student in students)
            {
                string path = single ? Path.Combine(output, student, "results.json") : Path.Combine(output, student, m.Name, "results.json");
                bool graded = File.Exists(Path.Combine(output, student, Marker));
                csv.Append(Csv(student));
                if (graded && File.Exists(path))
                {
                    var r = GradescopeResults.Read(path);
                    string status = Reports.Dashboard.Status(r);
                    csv.Append(',').Append(r.Score.ToString(CultureInfo.InvariantCulture)).Append(',').Append(m.MaxScore.ToString(CultureInfo.InvariantCulture)).Append(',').Append(status);
                    foreach (var item in m.Items)
                        csv.Append(',').Append(r.Tests.FirstOrDefault(t => t.Number == item.Number)?.Score.ToString(CultureInfo.InvariantCulture) ?? "");
                }
                else csv.Append(",,").Append(m.MaxScore.ToString(CultureInfo.InvariantCulture)).Append(",pending").Append(new string(',', m.Items.Length));
                csv.Append('\n');
            }
            string file = Path.Combine(output, $"gradebook.{m.Name}.csv");
            File.WriteAllText(file + ".tmp", csv.ToString());
            File.Move(file + ".tmp", file, overwrite: true);
        }
    }

    static string Csv(string field) => field.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

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
