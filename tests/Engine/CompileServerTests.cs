using FluentAssertions;
using GenAI.Autograder.Grading;
using NUnit.Framework;

namespace GenAI.Grader.Tests.Engine;

/// <summary>
/// The warm compile server builds exactly what the grade process builds, and every way of not reaching it (no server, a
/// stale socket, a refusal) leaves the grade to compile itself; one server per socket, gone when idle or when its socket goes.
/// </summary>
[Parallelizable]
public sealed class CompileServerTests() : CompileFixture("genai-compile-server")
{
    static string Template => Path.Combine(Paths.Repo, "student-template");

    static readonly (string, string)[] Broken = [("Vae/A.cs", "namespace GenAI.Course;\npublic static class A\n{\n    public static int Twice(int x) => 2 * y;\n}\n")];

    /// <summary>A server for this test's autograder build, listening on a socket in the scratch folder; stopped by cancelling.</summary>
    (string Socket, Task Running) Start(CancellationToken stop, TimeSpan? idle = null, string? autograder = null)
    {
        string socket = CompileServer.SocketIn(Path.Combine(scratch, "server"), autograder ?? Autograder)!;
        var running = Task.Run(() => CompileServer.Serve(socket, autograder ?? Autograder, Template, Template, idle ?? TimeSpan.FromMinutes(5), stop));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!CompileServer.Answers(socket))
        {
            if (running.IsCompleted) running.GetAwaiter().GetResult();
            if (clock.Elapsed > TimeSpan.FromMinutes(2)) Assert.Fail("the server did not listen within two minutes");
            Thread.Sleep(50);
        }
        return (socket, running);
    }

    CompileServer.Request Request((string Path, string Text)[] sources, string output, string? cache = null, string? autograder = null) =>
        new(sources.Select(s => new CompileServer.Source(s.Path, s.Text)).ToList(), Template, autograder ?? Autograder, Path.Combine(scratch, output), cache, 120);

    byte[] Output(string output, string file) => File.ReadAllBytes(Path.Combine(scratch, output, file));

    /// <summary>A served build writes the dll and pdb this process writes, byte for byte, and the same errors and replaced files.</summary>
    [Test]
    public void AServedBuildIsTheBuildThisProcessMakes()
    {
        using var stop = new CancellationTokenSource();
        var (socket, running) = Start(stop.Token);

        var served = CompileServer.TryBuild(socket, Request(Valid, "served"));
        var local = SubmissionCompiler.Build(Valid, Template, Autograder, Path.Combine(scratch, "local"), null, TimeSpan.FromMinutes(2));
        served.Should().NotBeNull("a server listens");
        served!.Succeeded.Should().BeTrue();
        served.Reused.Should().BeFalse("no cache folder was given");
        Output("served", "GenAI.Course.dll").Should().Equal(Output("local", "GenAI.Course.dll"));
        Output("served", "GenAI.Course.pdb").Should().Equal(Output("local", "GenAI.Course.pdb"));

        // A file of the template that does not compile is graded as the template's version, as in this process.
        var template = SubmissionSources.Collect(Template, Template).Files.Select(f => (f.Path, f.Text)).ToArray();
        string path = template[0].Path;
        var broken = template.Select((f, i) => i == 0 ? (f.Path, f.Text + "\nclass Oops { int x = }\n") : f).ToArray();
        var servedBroken = CompileServer.TryBuild(socket, Request(broken, "served-broken"))!;
        var localBroken = SubmissionCompiler.Build(broken, Template, Autograder, Path.Combine(scratch, "local-broken"), null, TimeSpan.FromMinutes(2));
        servedBroken.Should().BeEquivalentTo(localBroken);
        servedBroken.Replaced.Should().ContainSingle().Which.Path.Should().Be(path);

        // Errors with nothing to replace come back as this process describes them.
        var servedError = CompileServer.TryBuild(socket, Request(Broken, "served-error"))!;
        servedError.Succeeded.Should().BeFalse();
        servedError.Should().BeEquivalentTo(SubmissionCompiler.Build(Broken, Template, Autograder, Path.Combine(scratch, "local-error"), null, TimeSpan.FromMinutes(2)));
        servedError.Errors.Should().Contain("Vae/A.cs(4,43): error CS0103");

        // The request's cache folder is the one used (the server's own environment is not).
        string cache = Path.Combine(scratch, "cache");
        CompileServer.TryBuild(socket, Request(Valid, "cached-1", cache))!.Reused.Should().BeFalse();
        CompileServer.TryBuild(socket, Request(Valid, "cached-2", cache))!.Reused.Should().BeTrue();
        Output("cached-2", "GenAI.Course.dll").Should().Equal(Output("local", "GenAI.Course.dll"));

        stop.Cancel();
        running.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("cancelling stops the server");
        File.Exists(socket).Should().BeFalse("a stopped server removes its socket");
    }

    /// <summary>No socket, a stale socket file, a server for another autograder folder: null, so the grade compiles itself.</summary>
    [Test]
    public void WhereNoServerAnswersTheGradeCompilesItself()
    {
        string missing = Path.Combine(scratch, "missing.sock");
        CompileServer.TryBuild(missing, Request(Valid, "a")).Should().BeNull();
        CompileServer.Answers(missing).Should().BeFalse();

        string stale = Path.Combine(scratch, "stale.sock");
        File.WriteAllText(stale, "");
        CompileServer.TryBuild(stale, Request(Valid, "b")).Should().BeNull("a file that is not a listening socket");

        using var stop = new CancellationTokenSource();
        var (socket, running) = Start(stop.Token);
        CompileServer.TryBuild(socket, Request(Valid, "c", autograder: scratch)).Should().BeNull("the server compiles for another autograder folder");
        Directory.Exists(Path.Combine(scratch, "c")).Should().BeFalse("a refused request builds nothing");
        stop.Cancel();
        running.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue();
    }

    /// <summary>A second server on the same socket leaves at once; a server exits when idle, and when its socket is removed.</summary>
    [Test]
    public void OneServerPerSocketGoneWhenIdleOrWhenItsSocketIs()
    {
        using var stop = new CancellationTokenSource();
        var (socket, running) = Start(stop.Token, idle: TimeSpan.FromSeconds(3));
        var second = Task.Run(() => CompileServer.Serve(socket, Autograder, Template, Template, TimeSpan.FromMinutes(5)));
        second.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("the first server holds the socket's lock");
        CompileServer.Answers(socket).Should().BeTrue("the first server still listens");
        running.Wait(TimeSpan.FromSeconds(60)).Should().BeTrue("three idle seconds stop it");
        File.Exists(socket).Should().BeFalse();

        var (again, runningAgain) = Start(stop.Token);
        File.Delete(again);
        runningAgain.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("a server whose socket was removed stops");
    }

    /// <summary>
    /// Through the grade verb, as a student runs it twice: the first grade compiles itself and starts a server, the next one
    /// is compiled by it and scores the same; removing the socket stops the server.
    /// </summary>
    [Test, Category("EndToEnd")]
    public void TheFirstGradeStartsAServerThatTheNextGradeUses()
    {
        string folder = Path.Combine(scratch, "servers");
        var environment = new Dictionary<string, string> { [CompileServer.Variable] = folder, [CompileCache.Variable] = "off", ["CI"] = "" };
        (string Console, double Score) Grade(string output)
        {
            var (exit, console) = SubmissionBuild.Run("dotnet", [Paths.AutograderDll, "grade", "--submission", Path.Combine(Paths.Repo, "reference"), "--assignment", "cs552-hw2",
                "--out", Path.Combine(scratch, output)], Paths.Repo, TimeSpan.FromMinutes(10), environment);
            exit.Should().Be(0, console);
            return (console, GradescopeResults.Read(Path.Combine(scratch, output, "results.json")).Score);
        }

        var first = Grade("first");
        first.Console.Should().Contain("Compiled ").And.NotContain("compile server", "no server ran yet");
        string socket = CompileServer.SocketIn(folder, Autograder)!;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!CompileServer.Answers(socket) && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(100);
        CompileServer.Answers(socket).Should().BeTrue("the first grade starts a server that listens once warm");
        if (OperatingSystem.IsLinux())
            ServerEnvironment(socket).Should().Contain("DOTNET_TieredCompilation=0", "the server JIT-compiles during its warm-up only, not on the cores of later gradings");

        var second = Grade("second");
        second.Console.Should().Contain("(by the warm compile server)");
        second.Score.Should().Be(first.Score).And.BeGreaterThan(0);

        File.Delete(socket);
        clock.Restart();
        // The server holds its lock file while it runs: once the lock can be taken, it has exited.
        while (true)
        {
            try { using var _ = new FileStream(socket + ".lock", FileMode.Open, FileAccess.ReadWrite, FileShare.None); break; }
            catch (IOException) when (clock.Elapsed < TimeSpan.FromSeconds(30)) { Thread.Sleep(100); }
        }
    }

    /// <summary>The environment of the process whose command line names <paramref name="socket"/> (Linux's /proc).</summary>
    static string[] ServerEnvironment(string socket)
    {
        foreach (var process in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var arguments = File.ReadAllText(Path.Combine(process, "cmdline")).Split('\0');
                if (arguments.Contains("compile-server") && arguments.Contains(socket))
                    return File.ReadAllText(Path.Combine(process, "environ")).Split('\0');
            }
            catch (IOException) { } // a process that exited meanwhile
            catch (UnauthorizedAccessException) { }
        }
        throw new AssertionException($"no compile-server process for {socket}");
    }

    /// <summary>Where sockets go: the variable's folder or none, else the runtime folder, else the cache under XDG or the home folder.</summary>
    [Test]
    public void TheSocketFolderFollowsTheEnvironment()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("no compile server on Windows");
        CompileServer.Folder("off", "/run/user/1", "/x", "/home/u").Should().BeNull();
        CompileServer.Folder("OFF", null, null, null).Should().BeNull();
        CompileServer.Folder("/tmp/s", "/run/user/1", "/x", "/home/u").Should().Be("/tmp/s");
        CompileServer.Folder(null, "/run/user/1", "/x", "/home/u").Should().Be("/run/user/1/genai-grader");
        CompileServer.Folder("", "", "/x", "/home/u").Should().Be("/x/genai-grader/server");
        CompileServer.Folder(null, null, null, "/home/u").Should().Be("/home/u/.cache/genai-grader/server");
        CompileServer.Folder(null, null, null, "").Should().BeNull();

        string socket = CompileServer.SocketIn("/tmp/s", Autograder)!;
        Path.GetFileName(socket).Should().MatchRegex("^compile-[0-9a-f]{16}\\.sock$");
        CompileServer.SocketIn("/tmp/s", Autograder).Should().Be(socket, "one build, one socket");
        CompileServer.SocketIn("/tmp/s", scratch).Should().NotBe(socket, "another autograder folder has its own server");
        CompileServer.SocketIn("/tmp/" + new string('s', 90), Autograder).Should().BeNull("Unix socket paths are limited to about 100 bytes");
    }
}
