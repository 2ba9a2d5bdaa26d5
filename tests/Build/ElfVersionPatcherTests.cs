using FluentAssertions;
using GenAI.Autograder.Grading;
using GenAI.Build;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Build;

/// <summary>The GLIBCXX_3.4.32 patch, byte by byte on the library TorchSharp ships, cross-checked with readelf.</summary>
[Parallelizable]
public sealed class ElfVersionPatcherTests
{
    static byte[] Shipped()
    {
        if (!File.Exists(Paths.ShippedLibTorchSharp)) Assert.Ignore("libLibTorchSharp.so for linux-x64 is not in the NuGet cache on this OS.");
        return File.ReadAllBytes(Paths.ShippedLibTorchSharp);
    }

    /// <summary>Only the version requirement's flags, one symbol's binding and its version index change: a handful of bytes.</summary>
    [Test]
    public void WeakensTheVersionAndItsOnlySymbol()
    {
        var original = Shipped();
        var patched = (byte[])original.Clone();
        var result = ElfVersionPatcher.Patch(patched, ElfVersionPatcher.TorchSharpVersion);
        result.Changed.Should().BeTrue();
        result.WeakenedVersions.Should().Be(1);
        result.WeakenedSymbols.Should().Equal("_ZSt21ios_base_library_initv");
        int changedBytes = original.Zip(patched).Count(p => p.First != p.Second);
        changedBytes.Should().BeInRange(3, 4, "the Vernaux flags (1 byte), st_info (1 byte) and the versym entry (1-2 bytes)");
        patched.Length.Should().Be(original.Length);
    }

    /// <summary>Patching twice changes nothing the second time.</summary>
    [Test]
    public void IsIdempotent()
    {
        var bytes = Shipped();
        ElfVersionPatcher.Patch(bytes, ElfVersionPatcher.TorchSharpVersion);
        var once = (byte[])bytes.Clone();
        ElfVersionPatcher.Patch(bytes, ElfVersionPatcher.TorchSharpVersion).Changed.Should().BeFalse();
        bytes.Should().Equal(once);
    }

    /// <summary>A version the library does not require leaves it untouched.</summary>
    [Test]
    public void LeavesOtherVersionsAlone()
    {
        var bytes = Shipped();
        var copy = (byte[])bytes.Clone();
        ElfVersionPatcher.Patch(bytes, "GLIBCXX_9.9.99").Changed.Should().BeFalse();
        bytes.Should().Equal(copy);
    }

    /// <summary>Garbage, 32-bit and truncated files are refused with a reason.</summary>
    [Test]
    public void RefusesWhatItDoesNotUnderstand()
    {
        var act = () => ElfVersionPatcher.Patch(new byte[100], "X");
        act.Should().Throw<InvalidDataException>().WithMessage("*not an ELF file*");
        var elf32 = Shipped()[..200];
        elf32[4] = 1;
        act = () => ElfVersionPatcher.Patch(elf32, "X");
        act.Should().Throw<InvalidDataException>().WithMessage("*64-bit little-endian*");
        var truncated = Shipped()[..4096];
        act = () => ElfVersionPatcher.Patch(truncated, ElfVersionPatcher.TorchSharpVersion);
        act.Should().Throw<InvalidDataException>().WithMessage("*truncated*");
    }

    /// <summary>readelf (an independent ELF reader) sees the requirement WEAK and the symbol weak and unversioned.</summary>
    [Test]
    public void ReadelfAgrees()
    {
        var bytes = Shipped();
        ElfVersionPatcher.Patch(bytes, ElfVersionPatcher.TorchSharpVersion);
        string path = Path.Combine(Path.GetTempPath(), $"patched-{Guid.NewGuid():N}.so");
        File.WriteAllBytes(path, bytes);
        try
        {
            var (exit, versions) = SubmissionBuild.Run("readelf", new[] { "-V", "-W", path }, Path.GetTempPath(), TimeSpan.FromMinutes(1));
            if (exit != 0) Assert.Ignore("readelf is not available here.");
            versions.Split('\n').Single(l => l.Contains("GLIBCXX_3.4.32")).Should().Contain("Flags: WEAK");
            var (_, symbols) = SubmissionBuild.Run("readelf", new[] { "--dyn-syms", "-W", path }, Path.GetTempPath(), TimeSpan.FromMinutes(1));
            var line = symbols.Split('\n').Single(l => l.Contains("_ZSt21ios_base_library_initv"));
            line.Should().Contain(" WEAK ").And.NotContain("@GLIBCXX");
        }
        finally { File.Delete(path); }
    }

    /// <summary>
    /// The build applied the patch to this test host's own copy, beside its libtorch, unless the
    /// system libstdc++ is new enough, in which case it left the shipped bytes alone.
    /// </summary>
    [Test]
    public void TheBuildPatchedThisHostsCopyOnlyWhereNeeded()
    {
        string copy = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(copy)) Assert.Ignore("not a linux-x64 build");
        var bytes = File.ReadAllBytes(copy);
        bool needed = !ElfVersionPatcher.SystemLibStdCxxHas(ElfVersionPatcher.TorchSharpVersion);
        ElfVersionPatcher.Patch(bytes, ElfVersionPatcher.TorchSharpVersion).Changed.Should().Be(!needed,
            needed ? "this system's libstdc++ lacks GLIBCXX_3.4.32, so the build must have patched the copy" : "libstdc++ is new enough, so the copy must be as shipped");
        TorchSharp.torch.ones(2).sum().item<float>().Should().Be(2f, "TorchSharp loads and computes");
    }
}
