using System.Security.Cryptography;
using System.Text;

namespace GenAI.Autograder.Grading;

/// <summary>
/// A copy of the native libraries (libtorch, ~500 MB) outside the autograder's folder, shared by
/// all workers: linking a worker's runtimes/ to it gives away no path into the autograder (whose
/// folder holds the checks). Made once per autograder build with hard links where the file system
/// allows, a plain copy otherwise. Each copy names its build's runtimes folder in <see cref="SourceFile"/>; making a
/// new one removes those whose build is gone (a hard-linked copy of a deleted build holds the only link to its 1 GB of
/// libraries: test runs, bundles and fresh clones had left 61 of them, 57 GB, in one machine's temporary folder).
/// </summary>
public static class NativeCache
{
    static readonly object Gate = new();

    /// <summary>The file in each copy that holds the full path of the runtimes folder it was made from.</summary>
    public const string SourceFile = "genai-source.txt";

    /// <summary>A copy without <see cref="SourceFile"/> (made before copies named their build) older than this is removed too.</summary>
    static readonly TimeSpan UnnamedAge = TimeSpan.FromDays(1);

    /// <summary>The cached copy of <paramref name="runtimes"/>, made on first use; world-readable.</summary>
    public static string Ensure(string runtimes)
    {
        var probe = new FileInfo(Directory.EnumerateFiles(runtimes, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).First());
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{Path.GetFullPath(runtimes)}|{probe.Length}|{probe.LastWriteTimeUtc.Ticks}")))[..16];
        string root = Path.Combine(Path.GetTempPath(), "genai-natives");
        string target = Path.Combine(root, key);
        lock (Gate)
        {
            if (Directory.Exists(target))
            {
                // A copy made before copies named their build gets its name now, so it is not taken for an orphan later.
                string marker = Path.Combine(target, SourceFile);
                if (!File.Exists(marker))
                    try { File.WriteAllText(marker, Path.GetFullPath(runtimes)); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
                return target;
            }
            Directory.CreateDirectory(root);
            RemoveOrphans(root);
            string staging = Path.Combine(root, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}");
            if (Run("cp", "-al", runtimes, staging) != 0)
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
                if (Run("cp", "-a", runtimes, staging) != 0) throw new IOException($"could not copy the native libraries from {runtimes} to {staging}");
            }
            File.WriteAllText(Path.Combine(staging, SourceFile), Path.GetFullPath(runtimes));
            Run("chmod", "-R", "a+rX", staging);
            try { Directory.Move(staging, target); }
            catch (IOException) when (Directory.Exists(target)) { Directory.Delete(staging, recursive: true); }
            return target;
        }
    }

    /// <summary>
    /// Removes the copies under <paramref name="root"/> whose build's runtimes folder no longer exists, unnamed ones made
    /// more than <see cref="UnnamedAge"/> ago, and unfinished ones (KEY.PID.GUID) whose process is gone.
    /// </summary>
    public static void RemoveOrphans(string root)
    {
        foreach (var entry in Directory.EnumerateDirectories(root))
        {
            string marker = Path.Combine(entry, SourceFile);
            var parts = Path.GetFileName(entry).Split('.');
            bool orphan = parts.Length == 3 ? int.TryParse(parts[1], out int pid) && !Alive(pid)
                : File.Exists(marker) ? !Directory.Exists(File.ReadAllText(marker).Trim())
                // cp -a keeps the libraries' times: the later of birth and last write is when the copy was made.
                : new[] { Directory.GetCreationTimeUtc(entry), Directory.GetLastWriteTimeUtc(entry) }.Max() < DateTime.UtcNow - UnnamedAge;
            if (!orphan) continue;
            try { Directory.Delete(entry, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    static bool Alive(int pid)
    {
        try { using var process = System.Diagnostics.Process.GetProcessById(pid); return !process.HasExited; }
        catch (ArgumentException) { return false; }
    }

    static int Run(string file, params string[] args) => SubmissionBuild.Run(file, args, Path.GetTempPath(), TimeSpan.FromMinutes(10)).exit;
}
