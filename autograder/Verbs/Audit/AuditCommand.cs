using System.CommandLine;
using System.Diagnostics;
using System.Text;
using GenAI.Autograder.Grading;
using GenAI.Autograder.Seam;

namespace GenAI.Autograder.Verbs;

/// <summary>
/// <c>audit</c>: whether course staff can trust this grader on this machine or image. The reference must
/// get full marks every time, isolated and in-process, with 1 and with 2 intra-op threads, and isolated with the
/// portable kernels of an older CPU (<see cref="CpuKernels.Baseline"/>: other roundings, as on a student's machine); the template
/// must get zero with guidance on every check; the planted catalogue must lose and keep points exactly
/// where it says; and each assignment must fit Gradescope's default box in time and memory. Prints a
/// table, writes <c>audit.md</c>, and exits 1 on any disagreement, naming it.
/// </summary>
public static class AuditCommand
{
    static readonly Option<string?> Assignment = Cli.Text("--assignment", "NAME", "one manifest (default: every assignment)");
    static readonly Option<bool> Quick = Cli.Flag("--quick", "grade a sample of the planted catalogue: its first bug and first variant per assignment");
    static readonly Option<bool> ReferenceOnly = Cli.Flag("--reference-only",
        "only the reference, isolated, with 1 and 2 threads (what the Gradescope image runs when it is built: its autograder is built against the template)");
    static readonly Option<string?> Out = Cli.Text("--out", "DIR", "where audit.md goes (default: results/audit)");

    /// <summary>The <c>audit</c> verb.</summary>
    public static Verb Create()
    {
        var verb = new Verb("audit", "can this grader be trusted here? reference, template and planted submissions graded every way (see audit --help)")
        {
            Synopsis = "audit [--assignment NAME] [--quick] [--reference-only] [--out DIR]",
            Notes = "Exit code 0: every run agreed; 1: at least one disagreement (listed); 2: bad usage or set-up.",
        };
        foreach (var option in new Option[] { Assignment, Quick, ReferenceOnly, Out }) verb.Options.Add(option);
        verb.SetAction(r => Audit(new Options(r.GetValue(Assignment), r.GetValue(Quick), r.GetValue(ReferenceOnly), Path.GetFullPath(r.GetValue(Out) ?? Path.Combine("results", "audit"))), Console.Out, Console.Error));
        return verb;
    }

    /// <summary>Gradescope's default container: ten minutes and 768 MB.</summary>
    public const double BoxSeconds = 600, BoxMiB = 768;

    /// <summary>What to audit.</summary>
    /// <param name="Assignment">One manifest name, or null for all.</param>
    /// <param name="Quick">Sample the planted catalogue.</param>
    /// <param name="ReferenceOnly">Only the isolated reference runs.</param>
    /// <param name="Out">Folder for audit.md.</param>
    public sealed record Options(string? Assignment, bool Quick, bool ReferenceOnly, string Out);

    /// <summary>One graded run and whether it agreed with what it must give.</summary>
    /// <param name="Subject">What was graded (reference, template, a planted entry).</param>
    /// <param name="Assignment">The manifest.</param>
    /// <param name="Path">isolated or in-process, and the thread count.</param>
    /// <param name="Agrees">True when the grade is what it must be.</param>
    /// <param name="Detail">The score, or what disagreed.</param>
    /// <param name="Seconds">Wall-clock time of the run, build included.</param>
    /// <param name="PeakMiB">Peak memory of the grading processes (0 where not measured).</param>
    public sealed record Row(string Subject, string Assignment, string Path, bool Agrees, string Detail, double Seconds, double PeakMiB);

    /// <summary>Audits as <paramref name="options"/> say; returns 0 when everything agreed, 1 on a disagreement, 2 on bad set-up.</summary>
    public static int Audit(Options options, TextWriter log, TextWriter errors)
    {
        if (SubmissionGrader.Load(options.Assignment, errors) is not var (repo, manifests)) return 2;
        if (!Directory.Exists(repo.Reference)) { errors.WriteLine($"audit: no reference solution at {repo.Reference}."); return 2; }
        // The planted catalogue is checked before any grading: an entry whose edit no longer matches reference/ is a set-up error, said in one line.
        string catalogue = Path.Combine(repo.Root, "fixtures", "submissions", "planted.json");
        IReadOnlyList<PlantedSubmission.Group> planted = [];
        if (!options.ReferenceOnly && File.Exists(catalogue))
        {
            try { planted = PlantedSubmission.Pack(Sample(PlantedSubmission.Load(catalogue), manifests, options.Quick).ToList(), repo.Reference, manifests); }
            catch (InvalidDataException e) { errors.WriteLine($"audit: {e.Message}"); return 2; }
        }
        string work = Path.Combine(options.Out, ".work");
        var rows = new List<Row>();
        void Add(Row row)
        {
            rows.Add(row);
            log.WriteLine($"  {(row.Agrees ? "ok  " : "FAIL")} {row.Subject,-44} {row.Assignment,-12} {row.Path,-22} {row.Seconds,6:F0} s {row.PeakMiB,6:F0} MiB  {row.Detail}");
        }
        log.WriteLine($"Auditing {string.Join(", ", manifests.Select(m => m.Name))} on {Environment.ProcessorCount} cores ...");
        foreach (var m in manifests)
            foreach (int threads in new[] { 1, 2 })
                Add(Isolated("reference", repo.Reference, m, threads, work, r => FullMarks(r)));
        if (!options.ReferenceOnly)
        {
            bool referenceBuilt = ReferenceIsBuiltIn();
            foreach (var m in manifests)
                foreach (int threads in new[] { 1, 2 })
                    Add(referenceBuilt ? InProcess(repo, m, threads, work)
                        : new Row("reference", m.Name, $"in-process, {threads} thread{(threads > 1 ? "s" : "")}", false, "the autograder was built against the template: build it with the default Course=reference", 0, 0));
            foreach (var m in manifests)
                Add(Isolated("reference", repo.Reference, m, 1, work, r => FullMarks(r), CpuKernels.Baseline));
            foreach (var m in manifests)
                Add(Isolated("template", repo.Template, m, 2, work, TemplateGuidance));
            foreach (var group in planted)
                foreach (var m in manifests.Where(x => group.Assignment is null || x.Name == group.Assignment))
                {
                    string folder = PlantedSubmission.Create(repo.Reference, group.Edits, Path.Combine(work, "planted", Guid.NewGuid().ToString("N")));
                    Add(Isolated($"{(group.Entries[0].IsBug ? "bugs" : "variants")} {string.Join(" + ", group.Entries.Select(e => e.Name))}", folder, m, 2, work, r =>
                        r is null ? "not graded" : PlantedSubmission.Disagreements(group, [(m.Name, r)]) is { Count: > 0 } found ? string.Join("; ", found) : null));
                }
        }
        foreach (var m in manifests)
        {
            var runs = rows.Where(r => r.Assignment == m.Name && r.Subject == "reference" && r.Path.StartsWith("isolated", StringComparison.Ordinal)
                && !r.Path.EndsWith("portable kernels", StringComparison.Ordinal)).ToList();
            double seconds = runs.Max(r => r.Seconds), peak = runs.Max(r => r.PeakMiB);
            bool fits = seconds <= GradeOptions.DefaultTimeoutSeconds && (peak == 0 || peak <= BoxMiB);
            Add(new Row("fits Gradescope's default box", m.Name, $"{BoxSeconds:F0} s, {BoxMiB:F0} MB", fits,
                fits ? "the slowest reference grading (build included) and its peak memory are inside the box"
                     : $"on this machine now, the slowest reference grading took {seconds:F0} s, build included (the checks stop at {GradeOptions.DefaultTimeoutSeconds:F0} s, Gradescope at {BoxSeconds:F0} s), and peaked at {peak:F0} MiB (box {BoxMiB:F0} MB): a busy machine, or an assignment too heavy for the box", seconds, peak));
        }
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        string report = Path.Combine(options.Out, "audit.md");
        Directory.CreateDirectory(options.Out);
        File.WriteAllText(report, Markdown(rows, options));
        int disagreements = rows.Count(r => !r.Agrees);
        log.WriteLine(disagreements == 0 ? $"Audit clean: {rows.Count} runs agreed. Report: {report}" : $"Audit found {disagreements} disagreement(s) in {rows.Count} runs. Report: {report}");
        foreach (var r in rows.Where(r => !r.Agrees)) log.WriteLine($"  {r.Subject} ({r.Assignment}, {r.Path}): {r.Detail}");
        return disagreements == 0 ? 0 : 1;
    }

    /// <summary>
    /// The planted entries to grade: those of the audited assignments and those graded on every assignment, all of them or
    /// (quick) the first bug and the first variant of each assignment and of the every-assignment entries.
    /// </summary>
    static IEnumerable<PlantedSubmission.Entry> Sample(IReadOnlyList<PlantedSubmission.Entry> entries, IReadOnlyList<Manifest> manifests, bool quick)
    {
        var relevant = entries.Where(e => e.GradedAssignment is not { } a || manifests.Any(m => m.Name == a)).ToList();
        return quick ? relevant.GroupBy(e => (e.GradedAssignment, e.IsBug)).Select(g => g.First()) : relevant;
    }

    /// <summary>
    /// Grades <paramref name="submission"/> in an isolated worker with <paramref name="threads"/> intra-op threads and judges the
    /// results with <paramref name="disagreement"/>; with <paramref name="kernels"/> (<see cref="CpuKernels.Baseline"/>), set for
    /// the grading, libtorch computes as on an older CPU ("portable kernels").
    /// </summary>
    static Row Isolated(string subject, string submission, Manifest manifest, int threads, string work, Func<GradescopeResults?, string?> disagreement,
        IReadOnlyDictionary<string, string>? kernels = null) =>
        Measured(subject, manifest, $"isolated, {Threads(threads)}{(kernels is null ? "" : ", portable kernels")}", threads, kernels ?? new Dictionary<string, string>(), () =>
        {
            var errors = new StringWriter();
            var outcome = SubmissionGrader.Grade(new GradeOptions(submission, manifest.Name, Path.Combine(work, Guid.NewGuid().ToString("N"))), TextWriter.Null, errors);
            return outcome.Results.Count == 1 ? (outcome.Results[0].Results, disagreement) : (null, _ => $"not graded: {errors.ToString().Trim()}");
        });

    /// <summary>Grades the course assembly built into the autograder (the reference) with student code in the judge itself.</summary>
    static Row InProcess(RepoLayout repo, Manifest manifest, int threads, string work) =>
        Measured("reference", manifest, $"in-process, {Threads(threads)}", threads, new Dictionary<string, string>(), () =>
        {
            string folder = Path.Combine(work, Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var (state, interruption) = Judge.Run(repo.Root, AppContext.BaseDirectory, null, Path.Combine(folder, "progress.jsonl"),
                manifest.Items.SelectMany(i => i.Tests).Distinct().ToList(), TimeSpan.FromSeconds(GradeOptions.DefaultTimeoutSeconds), 60, TextWriter.Null, _ => { });
            return (Scorer.Score(manifest, state, interruption, "", 0), FullMarks);
        });

    static string Threads(int threads) => $"{threads} thread{(threads > 1 ? "s" : "")}";

    /// <summary>
    /// Runs <paramref name="grade"/> with GENAI_THREADS set to <paramref name="threads"/> and the variables of <paramref name="environment"/>
    /// (inherited by the judge and passed to the worker), timing it and sampling its processes' memory; the row says whether the
    /// results agree (null results: not graded).
    /// </summary>
    static Row Measured(string subject, Manifest manifest, string path, int threads, IReadOnlyDictionary<string, string> environment,
        Func<(GradescopeResults? results, Func<GradescopeResults?, string?> disagreement)> grade)
    {
        var settings = new Dictionary<string, string>(environment) { ["GENAI_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var previous = settings.Keys.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        foreach (var (name, value) in settings) Environment.SetEnvironmentVariable(name, value);
        try
        {
            using var memory = new ProcessTreeMemory();
            var clock = Stopwatch.StartNew();
            var (results, disagreement) = grade();
            string? wrong = disagreement(results);
            return new Row(subject, manifest.Name, path, wrong is null, wrong ?? $"{results!.Score:0.##} / {manifest.MaxScore:0.##}", clock.Elapsed.TotalSeconds, memory.PeakMiB);
        }
        finally { foreach (var (name, value) in previous) Environment.SetEnvironmentVariable(name, value); }
    }

    /// <summary>Null when every item has full marks, else the items that lost points and why.</summary>
    static string? FullMarks(GradescopeResults? results)
    {
        if (results is null) return "not graded";
        var lost = results.Tests.Where(t => t.Score < t.MaxScore).Select(t => $"{t.Number} {t.Score:0.##}/{t.MaxScore:0.##}: {Scorer.FirstFailure(t.Output)}").ToList();
        if (results.Output.Contains("does not compile", StringComparison.Ordinal)) lost.Insert(0, "does not compile");
        return lost.Count == 0 ? null : string.Join("; ", lost);
    }

    /// <summary>Null when every item scores 0 and every failing check says what is not implemented yet.</summary>
    static string? TemplateGuidance(GradescopeResults? results)
    {
        if (results is null) return "not graded";
        var wrong = new List<string>();
        foreach (var t in results.Tests)
        {
            if (t.Score > 0) wrong.Add($"{t.Number} scored {t.Score:0.##}");
            var details = t.Output.Split('\n').Where(l => l.StartsWith("    ", StringComparison.Ordinal)).ToList();
            if (details.Count == 0 || details.Any(l => !l.Contains("is not implemented yet: ", StringComparison.Ordinal)))
                wrong.Add($"{t.Number} without guidance: {Scorer.FirstFailure(t.Output)}");
        }
        return wrong.Count == 0 ? null : string.Join("; ", wrong);
    }

    /// <summary>Whether the course assembly this autograder was built with is the reference (-p:Course=reference, the default).</summary>
    static bool ReferenceIsBuiltIn() =>
        typeof(AuditCommand).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Any(a => a.Key == "Course" && a.Value == "reference");

    static string Markdown(IReadOnlyList<Row> rows, Options options)
    {
        var md = new StringBuilder();
        md.AppendLine("# Autograder audit");
        md.AppendLine();
        md.AppendLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.MachineName}: {Environment.ProcessorCount} cores, {Cpu()}, .NET {Environment.Version}; " +
            $"{(options.Quick ? "planted catalogue sampled (--quick)" : options.ReferenceOnly ? "reference only" : "whole planted catalogue")}.");
        md.AppendLine();
        md.AppendLine($"Result: {(rows.All(r => r.Agrees) ? $"clean, {rows.Count} runs agreed" : $"{rows.Count(r => !r.Agrees)} disagreement(s) in {rows.Count} runs")}.");
        md.AppendLine();
        md.AppendLine("| | subject | assignment | path | time (s) | peak (MiB) | result |");
        md.AppendLine("|---|---|---|---|---:|---:|---|");
        foreach (var r in rows)
            md.AppendLine($"| {(r.Agrees ? "ok" : "**FAIL**")} | {r.Subject} | {r.Assignment} | {r.Path} | {r.Seconds:F0} | {r.PeakMiB:F0} | {r.Detail.Replace("|", "\\|").Replace("\n", " ")} |");
        md.AppendLine();
        md.AppendLine($"Times include building the submission. Peak memory is the sum of the grading processes' proportional set sizes. The box is Gradescope's default ({BoxSeconds:F0} s, {BoxMiB:F0} MB); the checks' own limit is {GradeOptions.DefaultTimeoutSeconds:F0} s.");
        return md.ToString();
    }

    static string Cpu()
    {
        try { return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "CPU unknown"; }
        catch (IOException) { return "CPU unknown"; }
    }
}
