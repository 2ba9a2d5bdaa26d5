using System.CommandLine;
using GenAI.Autograder.Grading;

namespace GenAI.Autograder.Verbs;

/// <summary>
/// <c>merge</c>: joins the output folders of sharded batches (<c>batch --shard I/N</c>, one per CI runner) into one:
/// every graded student's folder, then the gradebooks and the class dashboard rewritten over the whole class.
/// </summary>
public static class MergeCommand
{
    static readonly Option<string?> Out = Cli.Required(Cli.Text("--out", "DIR",
        "the merged results folder: OUT/STUDENT/... from every shard, OUT/gradebook.ASSIGNMENT.csv and OUT/index.html over all of them"));
    static readonly Option<string?> Assignment = Cli.Text("--assignment", "NAME", "the manifest the shards were graded with (as given to batch; default: every assignment)");
    static readonly Argument<string[]> Shards = Cli.Validated(new Argument<string[]>("SHARD_OUT") { Description = "the --out folders of the shards", Arity = ArgumentArity.OneOrMore }, r =>
    {
        foreach (var folder in r.GetValueOrDefault<string[]>())
            if (!Directory.Exists(folder)) { r.AddError($"bad option or missing folder '{folder}'"); return; }
    });

    /// <summary>The <c>merge</c> verb; returns 0 when merged, 2 on bad usage or a student graded in two shards.</summary>
    public static Verb Create()
    {
        var verb = new Verb("merge", "join the output folders of sharded batches (batch --shard I/N) into one (see merge --help)")
        {
            Synopsis = "merge --out DIR [--assignment NAME] SHARD_OUT...",
        };
        verb.Options.Add(Out);
        verb.Options.Add(Assignment);
        verb.Arguments.Add(Shards);
        verb.SetAction(r => Run(r.GetValue(Out)!, r.GetValue(Assignment), r.GetValue(Shards)!));
        return verb;
    }

    static int Run(string output, string? assignment, IReadOnlyList<string> shards)
    {
        if (SubmissionGrader.Load(assignment, Console.Error) is not var (_, manifests)) return 2;
        try { Console.WriteLine($"Merged {Merge(shards, Path.GetFullPath(output), manifests, assignment is not null)} students into {output}."); }
        catch (InvalidDataException e) { Console.Error.WriteLine(e.Message); return 2; }
        return 0;
    }

    /// <summary>Copies every graded student of <paramref name="shards"/> into <paramref name="output"/> and rewrites its gradebooks and dashboard; returns the number of students.</summary>
    /// <exception cref="InvalidDataException">A student appears in two shards.</exception>
    public static int Merge(IReadOnlyList<string> shards, string output, IReadOnlyList<Manifest> manifests, bool single)
    {
        var from = new Dictionary<string, string>();
        foreach (var shard in shards)
            foreach (var folder in Directory.EnumerateDirectories(shard).Where(d => File.Exists(Path.Combine(d, Gradebook.Marker))))
            {
                string student = Path.GetFileName(folder);
                if (from.TryGetValue(student, out var other)) throw new InvalidDataException($"student '{student}' was graded in two shards: {other} and {shard}.");
                from[student] = shard;
                Copy(folder, Path.Combine(output, student));
            }
        var students = from.Keys.Order(StringComparer.Ordinal).ToList();
        Gradebook.WriteGradebooks(output, students, manifests, single);
        Reports.Dashboard.Write(output, students, manifests, single);
        return students.Count;
    }

    /// <summary>Copies a student's results folder (not the extracted sources or work folders, which start with '.', except the grading marker).</summary>
    static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative != Gradebook.Marker && relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'))) continue;
            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
