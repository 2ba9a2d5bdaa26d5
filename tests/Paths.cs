using System.Reflection;

namespace GenAI.Grader.Tests;

/// <summary>Locations baked in at build time (see the project file).</summary>
static class Paths
{
    static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>The repository root.</summary>
    public static string Repo => Metadata("RepoRoot");
    /// <summary>The autograder's built entry assembly.</summary>
    public static string AutograderDll => Metadata("AutograderDll");
    /// <summary>libLibTorchSharp.so as TorchSharp 0.107.0 ships it (in the NuGet cache).</summary>
    public static string ShippedLibTorchSharp => Metadata("ShippedLibTorchSharp");
}
