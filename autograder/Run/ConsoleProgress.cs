namespace GenAI.Autograder.Run;

/// <summary>
/// A progress bar on standard error: redrawn in place on a terminal, one line per tenth of the
/// work when redirected (CI logs), so long runs always show where they are.
/// </summary>
public sealed class ConsoleProgress(string task, int total)
{
    readonly DateTime started = DateTime.UtcNow;
    int lastTenth = -1;

    /// <summary>Reports that <paramref name="done"/> of the total units are finished, with a short status.</summary>
    public void Report(int done, string status = "")
    {
        double fraction = total == 0 ? 1 : Math.Clamp(done / (double)total, 0, 1);
        var elapsed = DateTime.UtcNow - started;
        string eta = fraction > 0 && fraction < 1 ? $", {TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction) / fraction):mm\\:ss} left" : "";
        int filled = (int)(fraction * 24);
        string line = $"{task} [{new string('#', filled)}{new string('.', 24 - filled)}] {done}/{total} {status} ({elapsed:mm\\:ss}{eta})";
        if (!Console.IsErrorRedirected)
        {
            int width = Console.WindowWidth; // 0 on a terminal that reports no size (script, docker -t)
            Console.Error.Write("\r" + line.PadRight(width > 1 ? Math.Min(width - 1, 110) : 110));
            if (done >= total) Console.Error.WriteLine();
            return;
        }
        int tenth = (int)(fraction * 10);
        if (tenth == lastTenth && done < total) return;
        lastTenth = tenth;
        Console.Error.WriteLine(line);
    }
}
