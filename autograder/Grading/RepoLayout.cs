namespace GenAI.Autograder.Grading;

/// <summary>
/// Where the project's folders are: found by walking up from the working directory, then from the executable. Also a
/// student bundle, whose pristine template lies in build/student-template and whose student works in GenAI.Course/.
/// </summary>
public sealed record RepoLayout(string Root)
{
    /// <summary>The instructor solution.</summary>
    public string Reference => Path.Combine(Root, "reference");
    /// <summary>The generated student template (in a student bundle: the copy as handed out, under build/).</summary>
    public string Template => TemplateIn(Root);
    /// <summary>What grade grades by default: the reference, or in a student bundle the student's own GenAI.Course/.</summary>
    public string DefaultSubmission => Directory.Exists(Reference) ? Reference : Path.Combine(Root, "GenAI.Course");
    /// <summary>The assignments' folders (autograder/Assignments/NAME: manifest.json, experiments, README.md).</summary>
    public string Assignments => Path.Combine(Root, "autograder", "Assignments");

    /// <summary>The course library (Formats/, Runtime/), handed out whole and shared by every assignment.</summary>
    public string Library => Path.Combine(Root, LibraryFolder);

    /// <summary>The course library's folder name, at the root of the repository and of a student bundle.</summary>
    public const string LibraryFolder = "course-library";

    /// <summary>The folder, relative to its root, a student bundle keeps its pristine template in.</summary>
    public const string BundledTemplate = "build/student-template";

    static string TemplateIn(string root) =>
        Directory.Exists(Path.Combine(root, "student-template")) ? Path.Combine(root, "student-template") : Path.Combine(root, BundledTemplate);

    /// <summary>Finds the repository root (the folder holding Directory.Packages.props and student-template/, or a student bundle's root).</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder above the working directory or the executable.</exception>
    public static RepoLayout Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")) && Directory.Exists(TemplateIn(dir.FullName)))
                    return new RepoLayout(dir.FullName);
        throw new DirectoryNotFoundException("cannot find the project root (a folder with Directory.Packages.props and student-template/) above the working directory or the autograder.");
    }
}
