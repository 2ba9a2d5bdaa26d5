using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using FluentAssertions;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Build;

/// <summary>
/// The autograder's build carries Roslyn precompiled (ReadyToRun) on Linux x64 (the _PrecompileCompiler target), so
/// grading does not JIT the compiler for every submission; the NuGet package's assemblies are IL only.
/// </summary>
[Parallelizable]
public sealed class PrecompiledCompilerTests
{
    static bool ReadyToRun(string assembly)
    {
        using var reader = new PEReader(File.OpenRead(assembly));
        return reader.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
    }

    /// <summary>Both compiler assemblies beside the judge have native code; the package's originals have none (so the check can fail).</summary>
    [TestCase("Microsoft.CodeAnalysis.dll")]
    [TestCase("Microsoft.CodeAnalysis.CSharp.dll")]
    public void TheJudgesCompilerIsPrecompiled(string name)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
            Assert.Ignore("Roslyn is precompiled on Linux x64 only.");
        string built = Path.Combine(Path.GetDirectoryName(Paths.AutograderDll)!, name);
        ReadyToRun(built).Should().BeTrue($"{built} should be the precompiled copy from obj/.../precompiled/");
        string original = typeof(Microsoft.CodeAnalysis.Compilation).Assembly.Location is var loaded && Path.GetFileName(loaded) == name
            ? loaded : Path.Combine(Path.GetDirectoryName(typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation).Assembly.Location)!, name);
        ReadyToRun(original).Should().BeFalse($"the test host loads the package's IL-only {name} from {original}");
    }
}
