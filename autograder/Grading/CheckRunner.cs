using System.Reflection;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace GenAI.Autograder.Grading;

/// <summary>
/// Runs the graded checks of this assembly in the current process with NUnit's own runner and
/// appends each outcome to a progress log as soon as it is known (the child side of grading).
/// </summary>
public static class CheckRunner
{
    /// <summary>The namespace every graded check lives under; names in manifests are relative to it.</summary>
    public const string ChecksNamespace = "GenAI.Autograder.Checks.";

    /// <summary>
    /// Runs the checks that match one of <paramref name="only"/> (manifest patterns; every check when
    /// empty), writing the progress log to <paramref name="progressPath"/>. Returns the number of failures.
    /// </summary>
    public static int Run(string progressPath, IReadOnlyList<string> only)
    {
        using var writer = new StreamWriter(progressPath, append: false) { AutoFlush = true };
        GenAI.Worker.NativeSettings.Apply();
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        var test = runner.Load(Assembly.GetExecutingAssembly(), new Dictionary<string, object>());
        bool Selected(string name) => only.Count == 0 || only.Any(p => Manifest.Matches(p, name));
        var names = Leaves(test).Select(Relative).Where(n => n is not null && Selected(n)).Cast<string>().ToArray();
        writer.WriteLine(ProgressLog.Line(new ProgressEvent(ProgressLog.Discovered, Tests: names)));
        var listener = new Listener(writer);
        runner.Run(listener, only.Count == 0 ? TestFilter.Empty : new SelectedChecks(Selected));
        Seam.Student.Shutdown();
        writer.WriteLine(ProgressLog.Line(new ProgressEvent(ProgressLog.Done, Seconds: Seam.Student.WaitedSeconds)));
        return listener.Failures;
    }

    /// <summary>
    /// A warm judge: grades one submission per <see cref="JudgeRequest"/> line read from <paramref name="requests"/>, each
    /// as a fresh judge would (its environment, a new worker from its run folder, a new NUnit run, the global generator
    /// as a new process has it), and writes <see cref="JudgeRequest.DoneLine"/> to standard output after each; returns
    /// when the input ends. Only gradings with student code in a worker are served (the judge holds no student code).
    /// </summary>
    public static void Serve(TextReader requests)
    {
        GenAI.Worker.NativeSettings.Apply();
        long freshSeed = TorchSharp.torch.random.initial_seed();
        using var done = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        while (requests.ReadLine() is { } line)
        {
            var request = JudgeRequest.Parse(line);
            foreach (var (name, value) in request.Environment) Environment.SetEnvironmentVariable(name, value);
            if (!Seam.Student.WillIsolate) throw new InvalidOperationException("a warm judge grades only with student code in a worker (GENAI_WORKER)");
            Seam.Student.Reset();
            TorchSharp.torch.random.manual_seed(freshSeed);
            TorchSharp.torch.set_grad_enabled(true);
            TorchSharp.torch.set_default_dtype(TorchSharp.torch.float32);
            Run(request.Progress, request.Only);
            // Tensors the last grading left to the finaliser go now, not during the next one.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            done.WriteLine(JudgeRequest.DoneLine);
        }
    }

    /// <summary>The name relative to <see cref="ChecksNamespace"/>, or null for a test outside it.</summary>
    public static string? Relative(string fullName) =>
        fullName.StartsWith(ChecksNamespace, StringComparison.Ordinal) ? fullName[ChecksNamespace.Length..] : null;

    static string? Relative(ITest t) => Relative(t.FullName);

    static IEnumerable<ITest> Leaves(ITest t) => t.IsSuite ? t.Tests.SelectMany(Leaves) : new[] { t };

    /// <summary>An NUnit filter that passes the leaf checks <paramref name="selected"/> accepts (and the suites holding them).</summary>
    sealed class SelectedChecks(Func<string, bool> selected) : TestFilter
    {
        public override bool Match(ITest test) => !test.IsSuite && Relative(test) is { } name && selected(name);

        public override TNode AddToXml(TNode parentNode, bool recursive) => parentNode.AddElement("selected-checks");
    }

    sealed class Listener(StreamWriter writer) : ITestListener
    {
        public int Failures { get; private set; }

        public void TestStarted(ITest test)
        {
            if (!test.IsSuite && Relative(test) is { } name)
                lock (writer) writer.WriteLine(ProgressLog.Line(new ProgressEvent(ProgressLog.Started, Test: name)));
        }

        public void TestFinished(ITestResult result)
        {
            if (result.Test.IsSuite || Relative(result.Test) is not { } name) return;
            bool passed = result.ResultState.Status == TestStatus.Passed;
            if (!passed) Failures++;
            string message = passed ? "" : (result.Message ?? result.ResultState.ToString()).Trim();
            lock (writer) writer.WriteLine(ProgressLog.Line(new ProgressEvent(ProgressLog.Finished, Test: name, Passed: passed, Message: message, Seconds: result.Duration)));
        }

        public void TestOutput(TestOutput output) { }
        public void SendMessage(TestMessage message) { }
    }
}
