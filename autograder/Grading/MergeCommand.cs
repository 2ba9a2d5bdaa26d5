namespace GenAI.Autograder.Grading;

/// <summary>
/// <c>merge</c>: joins the output folders of sharded batches (<c>batch --shard I/N</c>, one per CI runner) into one:
/// every graded student's folder, then the gradebooks and the class dashboard rewritten over the whole class.
/// </summary>
public static class MergeCommand
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        merge --out DIR [--assignment NAME] SHARD_OUT...
          --out          the merged results folder: OUT/STUDENT/... from every shard, OUT/gradebook.ASSIGNMENT.csv
                         and OUT/index.html over all of them
          --assignment   the manifest the shards were graded with (as given to batch; default: every assignment)
          SHARD_OUT      the --out folders of the shards
        """;

    /// <summary>Runs the command line; returns 0 when merged, 2 on bad usage or a student graded in two shards.</summary>
    public static int Run(string[] args)
    {
        string? output = null, assignment = null;
        var shards = new List<string>();
        for (int i = 0; i < args.Length; i++)
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length: output = args[++i]; break;
                case "--assignment" when i + 1 < args.Length: assignment = args[++i]; break;
                case "-h": case "--help": Console.WriteLine(Usage); return 0;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) || !Directory.Exists(args[i])) { Console.Error.WriteLine($"bad option or missing folder '{args[i]}'\n\n{Usage}"); return 2; }
                    shards.Add(args[i]);
                    break;
            }
        if (output is null || shards.Count == 0) { Console.Error.WriteLine(Usage); return 2; }
        if (GradeCommand.Load(assignment, Console.Error) is not var (_, manifests)) return 2;
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
            foreach (var folder in Directory.EnumerateDirectories(shard).Where(d => File.Exists(Path.Combine(d, BatchCommand.Marker))))
            {
                string student = Path.GetFileName(folder);
                if (from.TryGetValue(student, out var other)) throw new InvalidDataException($"student '{student}' was graded in two shards: {other} and {shard}.");
                from[student] = shard;
                Copy(folder, Path.Combine(output, student));
            }
        var students = from.Keys.Order(StringComparer.Ordinal).ToList();
        BatchCommand.WriteGradebooks(output, students, manifests, single);
        Reports.Dashboard.Write(output, students, manifests, single);
        return students.Count;
    }

    /// <summary>Copies a student's results folder (not the extracted sources or work folders, which start with '.', except the grading marker).</summary>
    static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative != BatchCommand.Marker && relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'))) continue;
            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
