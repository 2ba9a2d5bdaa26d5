using NUnit.Framework;
using TorchSharp;

namespace GenAI.Autograder.Checks;

/// <summary>
/// Base of every graded check: a dispose scope per test (no tensor outlives it), a fixed global
/// seed, so a run is repeatable, and the finalizer thread held while the check's code runs
/// (<see cref="GenAI.Worker.FinalizerPause"/>). Statistical checks hold their false-fail bound for any seed.
/// </summary>
public abstract class CheckBase
{
    /// <summary>
    /// The category of checks that train or step a model over many batches (seconds each, most of the in-process run):
    /// the fast tier, <c>dotnet test --filter "TestCategory!=EndToEnd&amp;TestCategory!=Training"</c>, leaves them out.
    /// </summary>
    public const string Training = "Training";

    DisposeScope? scope;
    IDisposable? pause;

    /// <summary>
    /// Checks run in a test host (dotnet test) take the course library's libtorch settings and the thread count of GENAI_THREADS too, as the judge and
    /// worker do: two intra-op threads beside another busy process made a DCGAN epoch twice as slow as one thread.
    /// </summary>
    static CheckBase() => GenAI.Worker.NativeSettings.Apply();

    /// <summary>Each check class is a group: a worker spoiled by the previous group is replaced first.</summary>
    [OneTimeSetUp]
    public void BeginGroup() => Seam.Student.BeginGroup();

    /// <summary>
    /// Opens the test's dispose scope, seeds the global CPU generator, here and in the worker, holds the finalizer thread,
    /// and gives a training check's calls the longer per-call limit (<see cref="Seam.Student.TrainingCallLimitScale"/>).
    /// </summary>
    [SetUp]
    public void OpenScope()
    {
        // The method's own category (a parameterised check's cases do not carry it in their properties).
        bool training = GetType().GetMethods().Where(m => m.Name == TestContext.CurrentContext.Test.MethodName)
            .SelectMany(m => m.GetCustomAttributes(typeof(CategoryAttribute), true)).Cast<CategoryAttribute>().Any(a => a.Name == Training);
        Seam.Student.CallLimitScale = training ? Seam.Student.TrainingCallLimitScale : 1;
        Numerics.Case.Latest = null;
        scope = torch.NewDisposeScope();
        Seam.Student.Seed(20261123);
        pause = GenAI.Worker.FinalizerPause.Hold();
    }

    /// <summary>Disposes every tensor the test made, then lets the finalizer thread go.</summary>
    [TearDown]
    public void CloseScope()
    {
        scope?.Dispose();
        pause?.Dispose();
    }

    /// <summary>A fresh CPU generator with <paramref name="seed"/>.</summary>
    protected static torch.Generator Rng(long seed) => new torch.Generator((ulong)seed);

    /// <summary>Reseeds the global generator and returns a fresh one with the same seed, for functions evaluated repeatedly (gradient checks).</summary>
    protected static torch.Generator Reseed(long seed)
    {
        Seam.Student.Seed(seed);
        return Rng(seed);
    }
}
