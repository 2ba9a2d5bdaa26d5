using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GenAI.Autograder.Grading;

/// <summary>
/// A warm compiler that outlives one <c>grade</c>: a background process (<c>compile-server</c>) that runs
/// <see cref="SubmissionCompiler.Build"/> for the grade commands that ask it over a Unix socket. A process's first compile
/// JIT-compiles thousands of Roslyn methods (2-2.5 s on 2 cores); in a process that compiled before, the same compile takes
/// 0.3-0.7 s. The first <c>grade</c> on a machine compiles itself and then starts the server for the next one; the server
/// compiles that grade's submission once to warm up, then answers requests as they come, and exits after
/// <see cref="DefaultIdle"/> without one.
/// The compile is the same code with the same inputs and is deterministic, so a served build is byte for byte the build this
/// process would make; any problem reaching the server (none, a stale socket, a dead server, a refusal) makes the grade compile
/// itself. One server per autograder build (the socket's name hashes its folder and the module ids of its code and of
/// Roslyn); it refuses requests for another autograder folder and exits when the references it compiles against change.
/// Off with <c>GENAI_COMPILE_SERVER=off</c>, on Windows, and where the socket's path would be too long.
/// </summary>
public static class CompileServer
{
    /// <summary>The environment variable: <c>off</c>, or the folder for the server's socket and lock.</summary>
    public const string Variable = "GENAI_COMPILE_SERVER";

    /// <summary>How long a server waits for a request before it exits.</summary>
    public static readonly TimeSpan DefaultIdle = TimeSpan.FromMinutes(10);

    /// <summary>One source of the submission.</summary>
    public sealed record Source(string Path, string Text);

    /// <summary>What <see cref="SubmissionCompiler.Build"/> is given: the sources, the template and autograder folders, the output folder, the cache folder (null: none) and the time limit.</summary>
    public sealed record Request(IReadOnlyList<Source> Sources, string Template, string Autograder, string Output, string? CacheFolder, double TimeoutSeconds);

    /// <summary>The server's answer: the build's report, or why it refused (then the grade compiles itself).</summary>
    public sealed record Reply(SubmissionCompiler.Report? Report, string? Refused);

    /// <summary>Unix socket paths are limited to 108 bytes (104 on macOS).</summary>
    const int MaxSocketPath = 100;

    /// <summary>
    /// The socket of the server for the autograder build in <paramref name="autograder"/>, in the folder
    /// <see cref="Folder"/> gives; null when the server is off or the path would be too long.
    /// </summary>
    public static string? SocketFor(string autograder) =>
        Folder(Environment.GetEnvironmentVariable(Variable), Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"),
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)) is { } folder
            ? SocketIn(folder, autograder) : null;

    /// <summary>
    /// The folder for sockets: the one <see cref="Variable"/> names (<c>off</c>: none), else <c>$XDG_RUNTIME_DIR/genai-grader</c>,
    /// else <c>$XDG_CACHE_HOME/genai-grader/server</c>, else <c>~/.cache/genai-grader/server</c>; none on Windows or without a home.
    /// </summary>
    public static string? Folder(string? named, string? runtimeDir, string? xdgCache, string? home)
    {
        if (OperatingSystem.IsWindows()) return null;
        if (named is { Length: > 0 }) return named.Equals("off", StringComparison.OrdinalIgnoreCase) ? null : Path.GetFullPath(named);
        if (runtimeDir is { Length: > 0 }) return Path.Combine(runtimeDir, "genai-grader");
        string? cache = xdgCache is { Length: > 0 } ? xdgCache : home is { Length: > 0 } ? Path.Combine(home, ".cache") : null;
        return cache is null ? null : Path.Combine(cache, "genai-grader", "server");
    }

    /// <summary>The socket in <paramref name="folder"/> for <paramref name="autograder"/>'s build (null when too long for a Unix socket).</summary>
    public static string? SocketIn(string folder, string autograder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[] { FullPath(autograder), typeof(CompileServer).Assembly.ManifestModule.ModuleVersionId.ToString(),
                     typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation).Assembly.ManifestModule.ModuleVersionId.ToString() })
            hash.AppendData(Encoding.UTF8.GetBytes(part + "\n"));
        string path = Path.Combine(folder, $"compile-{Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant()}.sock");
        return Encoding.UTF8.GetByteCount(path) <= MaxSocketPath ? path : null;
    }

    /// <summary>Builds <paramref name="request"/> in the server at <paramref name="socket"/>; null when there is no server, it refused or failed (compile here then).</summary>
    public static SubmissionCompiler.Report? TryBuild(string socket, Request request)
    {
        if (!File.Exists(socket)) return null;
        try
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            client.Connect(new UnixDomainSocketEndPoint(socket));
            using var stream = new NetworkStream(client, ownsSocket: false) { ReadTimeout = (int)TimeSpan.FromSeconds(request.TimeoutSeconds + 30).TotalMilliseconds };
            Write(stream, request);
            return Read<Reply>(stream)?.Report;
        }
        catch (Exception e) when (e is SocketException or IOException or JsonException or InvalidDataException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>True when a server answers at <paramref name="socket"/> (it accepts a connection).</summary>
    public static bool Answers(string socket)
    {
        if (!File.Exists(socket)) return false;
        try
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            client.Connect(new UnixDomainSocketEndPoint(socket));
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>
    /// Starts a server for <paramref name="autograder"/> at <paramref name="socket"/> in the background, detached from this
    /// process (its own session where <c>setsid</c> exists, standard streams on /dev/null, so nothing waits for it); false
    /// when it could not be started (nothing else happens: the next grade compiles itself).
    /// </summary>
    public static bool StartInBackground(string socket, string autograder, string template, string warmUp)
    {
        // Only the autograder's own process knows how to start itself again (not a test host that grades in-process).
        if (OperatingSystem.IsWindows() || Environment.ProcessPath is not { } host || System.Reflection.Assembly.GetEntryAssembly() != typeof(CompileServer).Assembly) return false;
        string entry = typeof(CompileServer).Assembly.Location;
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // Without tiered compilation: Roslyn's precompiled code runs as it is and the rest is JIT-compiled once, fully optimised,
        // during the warm-up. With it, the server re-compiled hot methods on a background thread for about 5 s of CPU after it
        // began to listen, on a core the next grade's checks needed (that grade's wall time grew by 3-5 s), and each served
        // compile cost about 1 s of CPU against 0.4 s without (2026-12-06, 2-core EPYC, /proc/PID/stat over 4 requests).
        info.Environment["DOTNET_TieredCompilation"] = "0";
        // sh starts the server in the background and exits at once: the server holds none of this process's streams.
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("""detach=$(command -v setsid); $detach "$@" </dev/null >/dev/null 2>&1 &""");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(entry);
        foreach (var a in new[] { "compile-server", "--socket", socket, "--autograder", autograder, "--template", template, "--warm-up", warmUp }) info.ArgumentList.Add(a);
        try
        {
            using var shell = Process.Start(info);
            return shell is not null && shell.WaitForExit(TimeSpan.FromSeconds(10)) && shell.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException) { return false; }
    }

    /// <summary>
    /// Serves builds at <paramref name="socket"/> until <paramref name="idle"/> passes without a request, the socket is
    /// removed, or <paramref name="stop"/> is cancelled; returns at once when another server holds the socket's lock. Compiles
    /// <paramref name="warmUp"/> (a submission folder or zip) once first, and only then listens,
    /// so a server that answers is warm (a grade that finds no socket meanwhile compiles itself).
    /// </summary>
    public static void Serve(string socket, string autograder, string template, string warmUp, TimeSpan idle, CancellationToken stop = default)
    {
        string folder = Path.GetDirectoryName(socket)!;
        CreatePrivate(folder);
        // The lock (flock on Unix) makes one server per socket: a second one started at the same time leaves.
        FileStream lockFile;
        try { lockFile = new FileStream(socket + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException) { return; }
        using (lockFile)
        {
            string stamp = SubmissionCompiler.ReferenceStamp(autograder);
            WarmUp(autograder, template, warmUp);
            File.Delete(socket); // a server that died left it; the lock says none is running
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(socket));
            listener.Listen(16);
            var lastRequest = Stopwatch.StartNew();
            int busy = 0;
            using var stale = CancellationTokenSource.CreateLinkedTokenSource(stop);
            try
            {
                while (!stale.IsCancellationRequested)
                {
                    var accept = listener.AcceptAsync(stale.Token).AsTask();
                    while (!accept.Wait(TimeSpan.FromSeconds(1)))
                        if ((Volatile.Read(ref busy) == 0 && lastRequest.Elapsed > idle) || !File.Exists(socket)) stale.Cancel();
                    var client = accept.Result;
                    Interlocked.Increment(ref busy);
                    _ = Task.Run(() =>
                    {
                        try { Handle(client, autograder, stamp, stale); }
                        finally { lastRequest.Restart(); Interlocked.Decrement(ref busy); }
                    });
                }
            }
            catch (AggregateException e) when (e.InnerException is OperationCanceledException) { }
            finally
            {
                // Requests in flight finish before the socket goes.
                while (Volatile.Read(ref busy) > 0) Thread.Sleep(50);
                try { File.Delete(socket); } catch (IOException) { }
            }
        }
    }

    /// <summary>
    /// Answers one connection: builds the request, or refuses it when it names another autograder or the references changed
    /// (then the server stops). A connection that sends nothing for 30 s (or only probes, as <see cref="Answers"/> does) is closed.
    /// </summary>
    static void Handle(Socket client, string autograder, string stamp, CancellationTokenSource stale)
    {
        using (client)
        using (var stream = new NetworkStream(client, ownsSocket: false) { ReadTimeout = 30_000 })
        {
            try
            {
                if (Read<Request>(stream) is not { } request) return;
                Reply reply;
                if (FullPath(request.Autograder) != FullPath(autograder)) reply = new(null, $"this server compiles for {autograder}");
                else if (SubmissionCompiler.ReferenceStamp(autograder) != stamp)
                {
                    reply = new(null, "the references changed since this server started");
                    stale.Cancel();
                }
                else reply = new(Build(request), null);
                Write(stream, reply);
            }
            catch (Exception e) when (e is IOException or SocketException or JsonException or InvalidDataException) { }
        }
    }

    /// <summary>Runs <see cref="SubmissionCompiler.Build"/> on what <paramref name="request"/> carries.</summary>
    static SubmissionCompiler.Report Build(Request request) =>
        SubmissionCompiler.Build(request.Sources.Select(s => (s.Path, s.Text)).ToList(), request.Template, request.Autograder, request.Output,
            request.CacheFolder, TimeSpan.FromSeconds(request.TimeoutSeconds));

    /// <summary>
    /// Compiles <paramref name="submission"/> (the one the grade that started this server compiled: the next grade is most
    /// likely an edit of it; the template's stubs leave most of the compiler's code for method bodies cold) once, request and
    /// reply through the messages' serialisation, into a temporary folder without the cache, so a server that answers is warm.
    /// Once is enough without tiered compilation: with 1, 2 or 4 warm-up compiles, the served compiles of cs446-hw5's reference
    /// took the same 0.7-1.1 s, while the warm-up's CPU was 1.9-2.4 s, 2.9 s and 3.7-4.7 s (2026-12-06, 2-core EPYC).
    /// </summary>
    static void WarmUp(string autograder, string template, string submission)
    {
        string output = Path.Combine(Path.GetTempPath(), $"genai-compile-warmup-{Guid.NewGuid():N}");
        try
        {
            var sources = SubmissionSources.Collect(submission, template).Files.Select(f => new Source(f.Path, f.Text)).ToList();
            using var wire = new MemoryStream();
            Write(wire, new Request(sources, template, autograder, output, null, TimeSpan.FromMinutes(5).TotalSeconds));
            wire.Position = 0;
            Write(Stream.Null, new Reply(Build(Read<Request>(wire)!), null));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SubmissionException) { }
        finally { try { Directory.Delete(output, recursive: true); } catch (IOException) { } }
    }

    /// <summary>The folder's full path without a trailing separator (AppContext.BaseDirectory has one).</summary>
    static string FullPath(string folder) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));

    /// <summary>Creates <paramref name="folder"/> readable by this user only (the socket accepts anyone who can reach it).</summary>
    static void CreatePrivate(string folder)
    {
        if (Directory.Exists(folder)) return;
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Messages are UTF-8 JSON behind their length (4 bytes, little-endian), at most 256 MiB.</summary>
    static void Write<T>(Stream stream, T message)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(message);
        stream.Write(BitConverter.GetBytes(body.Length));
        stream.Write(body);
        stream.Flush();
    }

    static T? Read<T>(Stream stream)
    {
        var length = new byte[4];
        stream.ReadExactly(length);
        int size = BitConverter.ToInt32(length);
        if (size is < 0 or > 256 << 20) throw new InvalidDataException($"a message of {size} bytes");
        var body = new byte[size];
        stream.ReadExactly(body);
        return JsonSerializer.Deserialize<T>(body);
    }
}
