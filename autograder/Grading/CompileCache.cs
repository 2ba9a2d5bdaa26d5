using System.Security.Cryptography;
using System.Text;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Compiled submissions by content: GenAI.Course.dll and .pdb of each successful compile, filed under a hash of all that
/// decides their bytes (every source's path and text, the compile settings, every reference's path, size and time, the
/// compiler's and the autograder's builds). The compile is deterministic, so a hit gives the bytes a compile would give:
/// grading the same sources again (a re-run, a regrade after the checks changed, an untouched template) skips Roslyn.
/// Failed compiles are not kept, and any I/O problem is a miss: the cache never fails a grading. The most recently used
/// <see cref="Kept"/> entries stay.
/// </summary>
/// <param name="folder">Where the entries live; null turns the cache off.</param>
public sealed class CompileCache(string? folder)
{
    /// <summary>Entries kept; older ones (by last use) are deleted when a new one is stored.</summary>
    public const int Kept = 256;

    /// <summary>The environment variable naming the cache's folder, or <c>off</c>.</summary>
    public const string Variable = "GENAI_COMPILE_CACHE";

    /// <summary>Where the entries live (null when the cache is off).</summary>
    public string? Folder => folder;

    /// <summary>
    /// The cache <see cref="Variable"/> names (<c>off</c>: none), else <c>$XDG_CACHE_HOME/genai-grader/compiled</c>,
    /// else <c>~/.cache/genai-grader/compiled</c>; off when there is no home folder.
    /// </summary>
    public static CompileCache FromEnvironment() =>
        Locate(Environment.GetEnvironmentVariable(Variable), Environment.GetEnvironmentVariable("XDG_CACHE_HOME"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary><see cref="FromEnvironment"/> given the values of <see cref="Variable"/>, XDG_CACHE_HOME and the home folder.</summary>
    public static CompileCache Locate(string? named, string? xdgCache, string? home)
    {
        if (named is { Length: > 0 }) return new(named.Equals("off", StringComparison.OrdinalIgnoreCase) ? null : Path.GetFullPath(named));
        string? root = xdgCache is { Length: > 0 } ? xdgCache : home is { Length: > 0 } ? Path.Combine(home, ".cache") : null;
        return new(root is null ? null : Path.Combine(root, "genai-grader", "compiled"));
    }

    /// <summary>
    /// The hash that names a compile: <paramref name="settings"/> (what the compiler is told besides the sources), each
    /// source's path and text in order, each reference's path, size and last write time, and the module ids of Roslyn
    /// and of this autograder (a rebuilt compiler or changed compile code is a new key).
    /// </summary>
    public static string Key(IReadOnlyList<(string Path, string Text)> sources, IEnumerable<string> references, string settings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }
        Add(typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation).Assembly.ManifestModule.ModuleVersionId.ToString());
        Add(typeof(CompileCache).Assembly.ManifestModule.ModuleVersionId.ToString());
        Add(settings);
        foreach (var (path, text) in sources) { Add(path); Add(text); }
        foreach (var reference in references)
        {
            var file = new FileInfo(reference);
            Add($"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}");
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Copies the entry <paramref name="key"/> names to <paramref name="dll"/> and <paramref name="pdb"/>; false (nothing written) when there is none.</summary>
    public bool TryRestore(string key, string dll, string pdb)
    {
        if (folder is null) return false;
        string entry = Path.Combine(folder, key);
        try
        {
            string cachedDll = Path.Combine(entry, "GenAI.Course.dll"), cachedPdb = Path.Combine(entry, "GenAI.Course.pdb");
            if (!File.Exists(cachedDll) || !File.Exists(cachedPdb)) return false;
            File.Copy(cachedDll, dll, overwrite: true);
            File.Copy(cachedPdb, pdb, overwrite: true);
            Directory.SetLastWriteTimeUtc(entry, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(dll);
            TryDelete(pdb);
            return false;
        }
        return true;
    }

    /// <summary>Keeps a successful compile under <paramref name="key"/> (written aside, then moved into place whole), and drops the least recently used entries beyond <see cref="Kept"/>.</summary>
    public void Store(string key, byte[] dll, byte[] pdb)
    {
        if (folder is null) return;
        try
        {
            if (!Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            string entry = Path.Combine(folder, key);
            if (Directory.Exists(entry)) return;
            string staging = Path.Combine(folder, $".{key}.{Environment.ProcessId}.{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
            File.WriteAllBytes(Path.Combine(staging, "GenAI.Course.dll"), dll);
            File.WriteAllBytes(Path.Combine(staging, "GenAI.Course.pdb"), pdb);
            try { Directory.Move(staging, entry); }
            catch (IOException) { Directory.Delete(staging, recursive: true); }
            var entries = new DirectoryInfo(folder).GetDirectories();
            // Staging folders an interrupted store left behind go after an hour.
            foreach (var old in entries.Where(d => !d.Name.StartsWith('.')).OrderByDescending(d => d.LastWriteTimeUtc).Skip(Kept)
                .Concat(entries.Where(d => d.Name.StartsWith('.') && d.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1))))
                old.Delete(recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    static void TryDelete(string file)
    {
        try { File.Delete(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
