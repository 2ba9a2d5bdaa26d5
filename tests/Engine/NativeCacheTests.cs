using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>The shared copy of the native libraries names its build, and copies of builds that are gone are removed.</summary>
public sealed class NativeCacheTests
{
    /// <summary>A copy names the runtimes folder it was made from; once that folder is gone, the next new copy removes it.</summary>
    [Test]
    public void ACopyOfADeletedBuildIsRemovedByTheNextCopy()
    {
        string build = Directory.CreateTempSubdirectory("genai-native-test").FullName, other = Directory.CreateTempSubdirectory("genai-native-test").FullName;
        try
        {
            string runtimes = Path.Combine(build, "runtimes"), otherRuntimes = Path.Combine(other, "runtimes");
            Directory.CreateDirectory(Path.Combine(runtimes, "linux-x64", "native"));
            File.WriteAllText(Path.Combine(runtimes, "linux-x64", "native", "libfake.so"), "not a library");
            Directory.CreateDirectory(otherRuntimes);
            File.WriteAllText(Path.Combine(otherRuntimes, "libother.so"), "not a library either");
            string copy = NativeCache.Ensure(runtimes);
            File.ReadAllText(Path.Combine(copy, NativeCache.SourceFile)).Should().Be(Path.GetFullPath(runtimes));
            File.Exists(Path.Combine(copy, "linux-x64", "native", "libfake.so")).Should().BeTrue();
            NativeCache.Ensure(runtimes).Should().Be(copy, "a build keeps its copy");
            Directory.Delete(build, recursive: true);
            string otherCopy = NativeCache.Ensure(otherRuntimes);
            Directory.Exists(copy).Should().BeFalse("its build is gone");
            Directory.Exists(otherCopy).Should().BeTrue();
            Directory.Delete(other, recursive: true);
            NativeCache.RemoveOrphans(Path.GetDirectoryName(otherCopy)!);
            Directory.Exists(otherCopy).Should().BeFalse();
        }
        finally
        {
            foreach (var folder in new[] { build, other }) if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Unfinished copies of live processes and fresh unnamed ones stay; those of dead processes and copies of missing builds go.</summary>
    [Test]
    public void OnlyOrphansAreRemoved()
    {
        string root = Directory.CreateTempSubdirectory("genai-native-root").FullName;
        try
        {
            string Make(string name, string? source)
            {
                string entry = Path.Combine(root, name);
                Directory.CreateDirectory(entry);
                if (source is not null) File.WriteAllText(Path.Combine(entry, NativeCache.SourceFile), source);
                return entry;
            }
            var kept = new[] { Make("AAAA", root), Make($"BBBB.{Environment.ProcessId}.0123", null), Make("CCCC", null) };
            var removed = new[] { Make("DDDD", Path.Combine(root, "no-such-build", "runtimes")), Make("EEEE.2147483646.0123", null) };
            NativeCache.RemoveOrphans(root);
            kept.Should().OnlyContain(e => Directory.Exists(e));
            removed.Should().OnlyContain(e => !Directory.Exists(e));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
