namespace GenAI.Autograder.Grading;

/// <summary>Where the project's folders are: found by walking up from the working directory, then from the executable.</summary>
public sealed record RepoLayout(string Root)
{
    /// <summary>The instructor solution.</summary>
    public string Reference => Path.Combine(Root, "reference");
    /// <summary>The generated student template.</summary>
    public string Template => Path.Combine(Root, "student-template");
    /// <summary>The assignment manifests.</summary>
    public string Assignments => Path.Combine(Root, "autograder", "assignments");

    /// <summary>Finds the repository root (the folder holding Directory.Packages.props and student-template/).</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder above the working directory or the executable.</exception>
    public static RepoLayout Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")) && Directory.Exists(Path.Combine(dir.FullName, "student-template")))
                    return new RepoLayout(dir.FullName);
        throw new DirectoryNotFoundException("cannot find the project root (a folder with Directory.Packages.props and student-template/) above the working directory or the autograder.");
    }
}
