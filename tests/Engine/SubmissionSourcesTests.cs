using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>How a submission's files are placed, without building or grading them.</summary>
[Parallelizable]
public sealed class SubmissionSourcesTests
{
    /// <summary>
    /// A submission made from an older template that still carried Runtime/ and Formats/ (now the shared course library):
    /// those copies are left out, with a note, so the library's own types are the ones the code runs on; a file of the
    /// student's own that also declares other types is kept.
    /// </summary>
    [Test]
    public void CopiesOfTheCourseLibraryAreLeftOut()
    {
        var repo = new RepoLayout(Paths.Repo);
        string folder = Directory.CreateTempSubdirectory("genai-sources").FullName;
        File.Copy(Path.Combine(repo.Reference, "Vae", "Distributions.cs"), Path.Combine(folder, "Distributions.cs"));
        Directory.CreateDirectory(Path.Combine(folder, "Runtime"));
        File.Copy(Path.Combine(repo.Library, "Runtime", "Compute.cs"), Path.Combine(folder, "Runtime", "Compute.cs"));
        File.WriteAllText(Path.Combine(folder, "Helpers.cs"), "namespace GenAI.Course.Runtime;\npublic static class MyHelpers { }\n");

        var sources = SubmissionSources.Collect(folder, repo.Template);

        sources.Files.Select(f => f.Path).Should().Contain("Vae/Distributions.cs").And.Contain("Submitted/Helpers.cs")
            .And.NotContain(p => p.EndsWith("Compute.cs", StringComparison.Ordinal));
        sources.Notes.Should().ContainSingle(n => n.StartsWith("Runtime/Compute.cs declares only types of the course library", StringComparison.Ordinal));
    }
}
