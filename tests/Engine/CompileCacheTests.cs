using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>The compile cache gives back the bytes a compile gives, for exactly the same inputs, and never fails a compile.</summary>
[Parallelizable]
public sealed class CompileCacheTests() : CompileFixture("genai-compile-cache")
{
    (SubmissionCompiler.Result Result, byte[] Dll, byte[] Pdb) Compile(IReadOnlyList<(string, string)> sources, CompileCache cache, string name)
    {
        string output = Path.Combine(scratch, name);
        var result = SubmissionCompiler.Compile(sources, Autograder, output, cache: cache);
        return result.Succeeded
            ? (result, File.ReadAllBytes(Path.Combine(output, "GenAI.Course.dll")), File.ReadAllBytes(Path.Combine(output, "GenAI.Course.pdb")))
            : (result, [], []);
    }

    /// <summary>A second compile of the same sources is restored, byte for byte what a compile without the cache writes.</summary>
    [Test]
    public void ARestoredCompileEqualsAFreshOne()
    {
        var cache = new CompileCache(Path.Combine(scratch, "cache"));
        var fresh = Compile(Valid, new CompileCache(null), "fresh");
        var first = Compile(Valid, cache, "first");
        var second = Compile(Valid, cache, "second");
        fresh.Result.Reused.Should().BeFalse();
        first.Result.Reused.Should().BeFalse("nothing was cached yet");
        second.Result.Reused.Should().BeTrue();
        first.Dll.Should().Equal(fresh.Dll, "the compile is deterministic");
        second.Dll.Should().Equal(fresh.Dll);
        second.Pdb.Should().Equal(fresh.Pdb);
    }

    /// <summary>A changed character, a renamed file or a changed reference makes a new key.</summary>
    [Test]
    public void AnyChangedInputIsANewKey()
    {
        string reference = Path.Combine(scratch, "Reference.dll");
        File.WriteAllBytes(reference, [1, 2, 3]);
        string Key((string, string)[] sources) => CompileCache.Key(sources, [reference], "settings");
        string key = Key(Valid);
        Key(Valid).Should().Be(key);
        Key([(Valid[0].Item1, Valid[0].Item2.Replace("2 * x", "2 * x "))]).Should().NotBe(key);
        Key([("Vae/B.cs", Valid[0].Item2)]).Should().NotBe(key);
        CompileCache.Key(Valid, [reference], "settings2").Should().NotBe(key);
        File.SetLastWriteTimeUtc(reference, DateTime.UtcNow.AddMinutes(-5));
        Key(Valid).Should().NotBe(key, "the reference's time changed");
    }

    /// <summary>Sources that do not compile leave no entry and report their errors again.</summary>
    [Test]
    public void FailedCompilesAreNotKept()
    {
        var cache = new CompileCache(Path.Combine(scratch, "cache"));
        (string, string)[] broken = [("Vae/B.cs", "class B\n{\n    int x = 1\n}\n")];
        Compile(broken, cache, "first").Result.Succeeded.Should().BeFalse();
        var second = Compile(broken, cache, "second").Result;
        second.Succeeded.Should().BeFalse();
        second.Reused.Should().BeFalse();
        Directory.Exists(cache.Folder!).Should().BeFalse("nothing was stored");
    }

    /// <summary>A cache folder that cannot be made (a file is in its way) costs nothing but the cache.</summary>
    [Test]
    public void AnUnusableFolderStillCompiles()
    {
        string blocked = Path.Combine(scratch, "file");
        File.WriteAllText(blocked, "");
        var cache = new CompileCache(Path.Combine(blocked, "cache"));
        Compile(Valid, cache, "first").Result.Succeeded.Should().BeTrue();
        Compile(Valid, cache, "second").Result.Reused.Should().BeFalse();
    }

    /// <summary>Beyond <see cref="CompileCache.Kept"/> entries, the least recently used go; a restored one counts as used.</summary>
    [Test]
    public void KeepsTheMostRecentlyUsed()
    {
        var cache = new CompileCache(Path.Combine(scratch, "cache"));
        var start = DateTime.UtcNow.AddDays(-1);
        for (int i = 0; i < CompileCache.Kept; i++)
        {
            cache.Store($"k{i:D3}", [1], [2]);
            Directory.SetLastWriteTimeUtc(Path.Combine(cache.Folder!, $"k{i:D3}"), start.AddMinutes(i));
        }
        cache.TryRestore("k000", Path.Combine(scratch, "a.dll"), Path.Combine(scratch, "a.pdb")).Should().BeTrue();
        cache.Store("new", [1], [2]);
        var left = Directory.GetDirectories(cache.Folder!).Select(Path.GetFileName).ToList();
        left.Should().HaveCount(CompileCache.Kept).And.Contain(["k000", "new"]).And.NotContain("k001");
    }

    /// <summary>The variable names the folder or turns the cache off; without it, XDG_CACHE_HOME, then ~/.cache.</summary>
    [Test]
    public void TheFolderComesFromTheEnvironment()
    {
        CompileCache.Locate("off", "/x", "/home/u").Folder.Should().BeNull();
        CompileCache.Locate("/tmp/c", "/x", "/home/u").Folder.Should().Be("/tmp/c");
        CompileCache.Locate(null, "/x", "/home/u").Folder.Should().Be("/x/genai-grader/compiled");
        CompileCache.Locate("", null, "/home/u").Folder.Should().Be("/home/u/.cache/genai-grader/compiled");
        CompileCache.Locate(null, null, "").Folder.Should().BeNull();
    }
}
