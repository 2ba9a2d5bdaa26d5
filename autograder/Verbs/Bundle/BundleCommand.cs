using System.CommandLine;
using System.IO.Compression;
using System.Text.RegularExpressions;
using GenAI.Autograder.Grading;

namespace GenAI.Autograder.Verbs;

/// <summary>
/// <c>bundle</c>: builds what course staff hand out from the one source tree. The student bundle
/// holds the template, the checks of the assignment's visible items (never hidden ones), and
/// everything `dotnet test` needs; the Gradescope bundle holds the autograder with every check,
/// <c>setup.sh</c>, <c>run_autograder</c> and a Dockerfile, and no reference solution at all.
/// </summary>
public static class BundleCommand
{
    static readonly Argument<string> Kind = Cli.Validated(new Argument<string>("KIND")
    {
        Description = "student: DIR/NAME-student/ and .zip: template, public checks, a README; `dotnet test` works offline after one restore. "
            + "gradescope: DIR/NAME-gradescope.zip: setup.sh, run_autograder and a Dockerfile beside the sources (the reference travels "
            + "only for setup.sh's audit, which deletes it before any submission runs)",
    }, r => { if (r.GetValueOrDefault<string>() is not ("student" or "gradescope") and var kind) r.AddError($"KIND must be student or gradescope, not '{kind}'"); });
    static readonly Option<string?> Assignment = Cli.Required(Cli.Text("--assignment", "NAME", "the manifest to bundle"));
    static readonly Option<string?> Out = Cli.Text("--out", "DIR", "where the bundle goes (default: bundles)");

    /// <summary>The <c>bundle</c> verb.</summary>
    public static Verb Create()
    {
        var verb = new Verb("bundle", "make the student bundle or the Gradescope autograder zip (see bundle --help)")
        {
            Synopsis = "bundle student|gradescope --assignment NAME [--out DIR]",
        };
        verb.Arguments.Add(Kind);
        verb.Options.Add(Assignment);
        verb.Options.Add(Out);
        verb.SetAction(r => Run(r.GetValue(Kind)!, r.GetValue(Assignment)!, r.GetValue(Out) ?? "bundles"));
        return verb;
    }

    static readonly string[] Skipped = { "bin", "obj", "TestResults", "StrykerOutput", "__mismatch__", ".git", "results" };

    /// <summary>Makes the <paramref name="kind"/> bundle of <paramref name="assignment"/> in <paramref name="output"/>; returns 0, or 2 on bad set-up.</summary>
    static int Run(string kind, string assignment, string output)
    {
        if (SubmissionGrader.Load(assignment, Console.Error) is not var (repo, manifests)) return 2;
        Console.WriteLine($"Making the {kind} bundle of {assignment} in {Path.GetFullPath(output)} ...");
        string made = kind == "student" ? Student(repo, manifests[0], Path.GetFullPath(output), Console.Out) : Gradescope(repo, manifests[0], Path.GetFullPath(output), Console.Out);
        Console.WriteLine($"Wrote {made}");
        return 0;
    }

    /// <summary>The data files checks and the run command read (never fixtures/submissions, which holds edits of the solutions).</summary>
    const string CourseData = "fixtures/course-data";

    /// <summary>
    /// Writes the student bundle (a folder and its zip); returns the zip's path. It holds only the assignment's own code:
    /// GenAI.Course/ and build/student-template/ (the template as handed out, which grade fills missing files from) hold
    /// its topics, the student host its topics' harness (student-host/Harness/TOPIC/), the autograder its topics' checks and its own
    /// folder (Assignments/NAME/), and the course library (course-library/) comes whole. Warnings stay warnings;
    /// `dotnet test` reports through the points logger (build/PointsLogger) and collects no coverage.
    /// </summary>
    public static string Student(RepoLayout repo, Manifest manifest, string output, TextWriter? log = null)
    {
        log ??= TextWriter.Null;
        string root = Path.Combine(output, $"{manifest.Name}-student");
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        var visible = manifest.Items.Where(i => i.Visibility == "visible").ToArray();
        var publicManifest = manifest with { Items = visible };
        var otherTopics = Manifest.LoadAll(repo.Assignments).SelectMany(m => m.Topics).Except(manifest.Topics).Distinct().OrderBy(t => t, StringComparer.Ordinal).ToList();

        bool Own(string relative) => !otherTopics.Contains(relative.Split('/')[0]);
        log.WriteLine($"  course code: {string.Join(", ", manifest.Topics)}, and the course library whole");
        CopyTree(repo.Template, Path.Combine(root, RepoLayout.BundledTemplate), Own);
        CopyTree(repo.Template, Path.Combine(root, "GenAI.Course"), Own);
        CopyTree(repo.Library, Path.Combine(root, RepoLayout.LibraryFolder));

        log.WriteLine("  worker, engine and the checks of the visible items");
        CopyTree(Path.Combine(repo.Root, "worker"), Path.Combine(root, "worker"));
        CopyTree(Path.Combine(repo.Root, "student-host"), Path.Combine(root, "student-host"), relative => !relative.StartsWith("Harness/", StringComparison.Ordinal) || Own(relative["Harness/".Length..]));
        CopyTree(Path.Combine(repo.Root, "protocol"), Path.Combine(root, "protocol"));
        CopyTree(Path.Combine(repo.Root, CourseData), Path.Combine(root, CourseData));
        CopyTree(Path.Combine(repo.Root, "build", "PointsLogger"), Path.Combine(root, "build", "PointsLogger"));
        string autograder = Path.Combine(root, "autograder");
        string ownFolder = $"Assignments/{manifest.Name}/";
        CopyTree(Path.Combine(repo.Root, "autograder"), autograder, relative => !relative.StartsWith("Checks/", StringComparison.Ordinal)
            && (!relative.StartsWith("Assignments/", StringComparison.Ordinal) || (relative.StartsWith(ownFolder, StringComparison.Ordinal) && !relative.EndsWith("/" + Manifest.FileName, StringComparison.Ordinal))));
        foreach (var check in Directory.EnumerateFiles(Path.Combine(repo.Root, "autograder", "Checks"), "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Path.Combine(repo.Root, "autograder"), check).Replace('\\', '/');
            if (relative.Split('/').Any(Skipped.Contains)) continue;
            if (IsPublic(relative, File.ReadAllText(check), manifest.Topics, visible)) Copy(check, Path.Combine(autograder, relative));
        }
        File.WriteAllText(Path.Combine(autograder, ownFolder, Manifest.FileName),
            System.Text.Json.JsonSerializer.Serialize(publicManifest, new System.Text.Json.JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase }));
        // The checks build against the student's GenAI.Course/ by default; there is no reference here.
        foreach (var project in new[] { Path.Combine(autograder, "GenAI.Autograder.csproj"), Path.Combine(root, "student-host", "GenAI.StudentHost.csproj") })
        {
            string text = File.ReadAllText(project)
                .Replace("<Course Condition=\"'$(Course)' == ''\">reference</Course>", "<Course Condition=\"'$(Course)' == ''\">template</Course>")
                .Replace("$(RepoRoot)student-template/GenAI.Course.csproj", "$(RepoRoot)GenAI.Course/GenAI.Course.csproj")
                .Replace("    <PackageReference Include=\"coverlet.collector\" />\n", "");
            if (project.EndsWith("GenAI.Autograder.csproj", StringComparison.Ordinal))
                text = text.Replace("</Project>", """
                      <!-- dotnet test: failures without stack traces, then the points of the visible items (build/PointsLogger). -->
                      <!-- Checks run in-process here, never compiling a submission: Roslyn stays IL (no crossgen2 download). -->
                      <PropertyGroup>
                        <VSTestLogger>console%3Bverbosity=quiet;points</VSTestLogger>
                        <PrecompileCompiler>false</PrecompileCompiler>
                      </PropertyGroup>
                      <ItemGroup>
                        <ProjectReference Include="../build/PointsLogger/GenAI.Points.TestLogger.csproj" ReferenceOutputAssembly="false" OutputItemType="Content" CopyToOutputDirectory="PreserveNewest" />
                      </ItemGroup>
                    </Project>
                    """);
            File.WriteAllText(project, text);
        }
        foreach (var file in new[] { "global.json", "Directory.Build.targets", "Directory.Packages.props", "build/ElfVersionPatcher.cs", "grade.ps1" })
            Copy(Path.Combine(repo.Root, file), Path.Combine(root, file));
        // The repository's build settings, except that a student's warnings stay warnings and no coverage is collected.
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), Regex.Replace(
            File.ReadAllText(Path.Combine(repo.Root, "Directory.Build.props"))
                .Replace("<TreatWarningsAsErrors>true</TreatWarningsAsErrors>", "<TreatWarningsAsErrors>false</TreatWarningsAsErrors>"),
            @"\s*<!--[^>]*coverage[^>]*-->\s*<RunSettingsFilePath>[^<]*</RunSettingsFilePath>", ""));
        File.WriteAllText(Path.Combine(root, "GenAI.Student.slnx"), """
            <Solution>
              <Project Path="GenAI.Course/GenAI.Course.csproj" />
              <Project Path="course-library/GenAI.Course.Library.csproj" />
              <Project Path="protocol/GenAI.Protocol.csproj" />
              <Project Path="student-host/GenAI.StudentHost.csproj" />
              <Project Path="worker/GenAI.Worker.csproj" />
              <Project Path="autograder/GenAI.Autograder.csproj" />
            </Solution>
            """);
        File.WriteAllText(Path.Combine(root, "README.md"), StudentReadme(manifest, visible));
        string zip = root + ".zip";
        if (File.Exists(zip)) File.Delete(zip);
        log.WriteLine($"  zipping {Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Count()} files");
        ZipFile.CreateFromDirectory(root, zip);
        return zip;
    }

    /// <summary>
    /// A check file is public when one of its classes is graded by a visible item; a helper (no tests) when it is the checks'
    /// own (at the top of Checks/) or of the assignment's <paramref name="topics"/> (its named calls, its data).
    /// </summary>
    static bool IsPublic(string relative, string text, IReadOnlyList<string> topics, IReadOnlyList<ManifestItem> visible)
    {
        if (!relative.EndsWith(".cs", StringComparison.Ordinal))
        {
            // Snapshots: Checks/<topic>/__snapshots__/Class.Method[(arguments)].json belong to the check <topic>.Class.Method[(arguments)].
            string check = $"{relative.Split('/')[1]}.{Path.GetFileNameWithoutExtension(relative)}";
            return visible.Any(i => i.Tests.Any(p => Manifest.Matches(p, check)));
        }
        if (!text.Contains("[Test"))
            return relative.Count(c => c == '/') == 1 || topics.Contains(relative.Split('/')[1]);
        string ns = relative["Checks/".Length..].Contains('/') ? relative["Checks/".Length..relative.LastIndexOf('/')].Replace('/', '.') + "." : "";
        return Regex.Matches(text, @"public sealed class (\w+)").Any(m => visible.Any(i => i.Tests.Any(p => Manifest.Matches(p, ns + m.Groups[1].Value) || p.StartsWith(ns + m.Groups[1].Value + ".", StringComparison.Ordinal))));
    }

    /// <summary>Writes the Gradescope autograder zip (Gradescope unpacks it into /autograder/source); returns its path.</summary>
    public static string Gradescope(RepoLayout repo, Manifest manifest, string output, TextWriter? log = null)
    {
        log ??= TextWriter.Null;
        log.WriteLine("  sources: student-template, reference (for setup.sh's audit only), course library, protocol, student host, worker, autograder, build, course data");
        string staging = Path.Combine(output, $"{manifest.Name}-gradescope");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        string source = staging;
        foreach (var folder in new[] { "student-template", "reference", RepoLayout.LibraryFolder, "protocol", "student-host", "worker", "autograder", "build" })
            CopyTree(Path.Combine(repo.Root, folder), Path.Combine(source, folder), relative =>
                !(folder == "autograder" && relative.StartsWith("Assignments/", StringComparison.Ordinal)) || relative.StartsWith($"Assignments/{manifest.Name}/", StringComparison.Ordinal));
        CopyTree(Path.Combine(repo.Root, CourseData), Path.Combine(source, CourseData));
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            Copy(Path.Combine(repo.Root, file), Path.Combine(source, file));
        log.WriteLine("  setup.sh, run_autograder, Dockerfile; zipping");
        WriteScript(Path.Combine(staging, "setup.sh"), SetupScript.Replace("ASSIGNMENT", manifest.Name));
        WriteScript(Path.Combine(staging, "run_autograder"), RunScript.Replace("ASSIGNMENT", manifest.Name));
        File.WriteAllText(Path.Combine(staging, "Dockerfile"), Dockerfile);
        string zip = staging + ".zip";
        if (File.Exists(zip)) File.Delete(zip);
        ZipFile.CreateFromDirectory(staging, zip);
        return zip;
    }

    /// <summary>
    /// Gradescope's setup: the .NET SDK if missing, a Release build of the checks against the template, the
    /// reference part of the audit (the reference, which travels in the zip for this alone, must get full marks
    /// isolated with 1 and 2 threads on this very image, or the build fails loudly), the reference deleted, and
    /// the sources closed to other users.
    /// </summary>
    public const string SetupScript = """
        #!/usr/bin/env bash
        # Gradescope runs this once when the autograder image is built (as root, with network).
        set -euo pipefail
        root="${AUTOGRADER_ROOT:-/autograder}"
        if ! command -v dotnet >/dev/null 2>&1; then
          apt-get update && apt-get install -y curl ca-certificates libicu-dev
          curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh
          bash /tmp/dotnet-install.sh --channel 10.0 --install-dir /usr/share/dotnet
          ln -sf /usr/share/dotnet/dotnet /usr/bin/dotnet
        fi
        cd "$root/source"
        dotnet build autograder -c Release -p:Course=template -v q
        # A grader that would mark the reference down on this image must fail here, not fail students.
        # The audit gets a temporary folder of its own: its worker folders and native-library cache (hard links
        # into the build, whose modes the chmod below changes) must not outlive it.
        audit=0
        audit_tmp="$(mktemp -d)" && chmod 755 "$audit_tmp"
        TMPDIR="$audit_tmp" dotnet autograder/bin/Release/net10.0/GenAI.Autograder.dll audit --assignment ASSIGNMENT --reference-only --out "$root/audit" || audit=$?
        rm -rf "$audit_tmp" "$root/source/reference"
        if [ "$audit" -ne 0 ]; then
          echo "setup.sh: the autograder does not give the reference solution full marks on this image (see $root/audit/audit.md); not installing it." >&2
          exit 1
        fi
        # Student code runs as nobody: keep the checks and the build away from it.
        chmod -R go-rwx "$root/source"
        """;

    /// <summary>Gradescope's run: grade the submission into results/results.json.</summary>
    public const string RunScript = """
        #!/usr/bin/env bash
        # Gradescope runs this for every submission; results/results.json is always written.
        set -uo pipefail
        root="${AUTOGRADER_ROOT:-/autograder}"
        cd "$root/source"
        # One grade per container: no background compiler for a next one.
        GENAI_COMPILE_SERVER=off dotnet autograder/bin/Release/net10.0/GenAI.Autograder.dll grade \
          --submission "$root/submission" --assignment ASSIGNMENT --out "$root/results"
        """;

    /// <summary>A local container that mirrors Gradescope's layout (build the zip's folder as the context).</summary>
    public const string Dockerfile = """
        # docker build -t genai-autograder . && docker run --rm -v "$PWD/submission:/autograder/submission" -v "$PWD/results:/autograder/results" genai-autograder
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y bash ca-certificates curl libicu70 util-linux && rm -rf /var/lib/apt/lists/*
        COPY . /autograder/source
        RUN cp /autograder/source/run_autograder /autograder/run_autograder && mkdir -p /autograder/submission /autograder/results \
            && cd /autograder/source && bash ./setup.sh
        CMD ["bash", "/autograder/run_autograder"]
        """;

    static string StudentReadme(Manifest manifest, IReadOnlyList<ManifestItem> visible) => $"""
        # {manifest.Title}: student bundle

        Implement the stubs in `GenAI.Course/` (each says what to do in its `NotImplementedException`),
        then check your work:

        ```bash
        dotnet test
        ```

        The first run restores the packages (TorchSharp and one native libtorch, about 600 MB);
        after that it works offline. Every failing check is listed by class and name with the
        function, the input case, the worst value (expected and got) and a hint; the run ends with
        the points the autograder would give you for each visible item. Samplers are checked
        statistically, so any correct order of random draws passes. Compiler warnings never fail
        the build.

        To grade your `GenAI.Course/` exactly as the autograder will (a separate build of your files,
        the checks in a separate process; visible items only), writing `results/results.json`:

        ```bash
        dotnet run --project autograder -- grade        # or, in PowerShell 7: ./grade.ps1
        ```

        These are the public checks; the course may grade more. Public items:

        {string.Join("\n", visible.Select(i => $"- {i.Number} {i.Name} ({i.Points:0.##} points)"))}

        Submit the `.cs` files of `GenAI.Course/`: the whole folder, a zip of it, or only the files
        you changed (the autograder takes the others from the template as handed out, and says
        which). Keep the public API: names, namespaces, signatures.
        """;

    static void WriteScript(string path, string text)
    {
        File.WriteAllText(path, text.Replace("\r\n", "\n"));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    static void CopyTree(string from, string to, Func<string, bool>? include = null)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file).Replace('\\', '/');
            if (relative.Split('/').Any(Skipped.Contains) || (include is not null && !include(relative))) continue;
            Copy(file, Path.Combine(to, relative));
        }
    }

    static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to, overwrite: true);
    }
}
