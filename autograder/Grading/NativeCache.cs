using System.Security.Cryptography;
using System.Text;

namespace GenAI.Autograder.Grading;

/// <summary>
/// A copy of the native libraries (libtorch, ~500 MB) outside the autograder's folder, shared by
/// all workers: linking a worker's runtimes/ to it gives away no path into the autograder (whose
/// folder holds the checks). Made once per autograder build with hard links where the file system
/// allows, a plain copy otherwise.
/// </summary>
public static class NativeCache
{
    static readonly object Gate = new();

    /// <summary>The cached copy of <paramref name="runtimes"/>, made on first use; world-readable.</summary>
    public static string Ensure(string runtimes)
    {
        var probe = new FileInfo(Directory.EnumerateFiles(runtimes, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).First());
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{Path.GetFullPath(runtimes)}|{probe.Length}|{probe.LastWriteTimeUtc.Ticks}")))[..16];
        string root = Path.Combine(Path.GetTempPath(), "genai-natives");
        string target = Path.Combine(root, key);
        lock (Gate)
        {
            if (Directory.Exists(target)) return target;
            Directory.CreateDirectory(root);
            string staging = Path.Combine(root, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}");
            if (Run("cp", "-al", runtimes, staging) != 0)
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
                if (Run("cp", "-a", runtimes, staging) != 0) throw new IOException($"could not copy the native libraries from {runtimes} to {staging}");
            }
            Run("chmod", "-R", "a+rX", staging);
            try { Directory.Move(staging, target); }
            catch (IOException) when (Directory.Exists(target)) { Directory.Delete(staging, recursive: true); }
            return target;
        }
    }

    static int Run(string file, params string[] args) => SubmissionBuild.Run(file, args, Path.GetTempPath(), TimeSpan.FromMinutes(10)).exit;
}
