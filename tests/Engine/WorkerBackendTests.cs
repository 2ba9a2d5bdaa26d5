using FluentAssertions;
using GenAI.Autograder.Grading;
using GenAI.Autograder.Seam;
using GenAI.Course.Elbo;
using GenAI.Course.Ppca;
using GenAI.Course.Vae;
using GenAI.Worker;
using GenAI.Worker.Dispatch;
using NUnit.Framework;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Engine;

/// <summary>The worker backend against a real worker on the reference: same values and gradients as in-process, clear failures, restarts.</summary>
[Category("EndToEnd")]
public sealed class WorkerBackendTests
{
    static string workspace = "", run = "";
    WorkerBackend backend = null!;

    /// <summary>Builds the reference into a worker run folder once.</summary>
    [OneTimeSetUp]
    public static void BuildRunFolder()
    {
        workspace = Directory.CreateTempSubdirectory("genai-worker-test").FullName;
        run = Path.Combine(Path.GetTempPath(), $"genai-worker-run-{Guid.NewGuid():N}");
        SubmissionBuild.PrepareRunFolder(Path.GetDirectoryName(Paths.AutograderDll)!, run);
        var build = SubmissionBuild.Create(new RepoLayout(Paths.Repo), SubmissionSources.Collect(Path.Combine(Paths.Repo, "reference"), new RepoLayout(Paths.Repo).Template), Path.Combine(workspace, "build"),
            TimeSpan.FromMinutes(5), Path.GetDirectoryName(Paths.AutograderDll)!, run);
        build.Succeeded.Should().BeTrue(build.Errors);
        build.MissingApi.Should().BeEmpty();
    }

    /// <summary>Removes the folders.</summary>
    [OneTimeTearDown]
    public static void RemoveRunFolder()
    {
        foreach (var folder in new[] { workspace, run }) if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>A fresh worker per test, with a short call limit.</summary>
    [SetUp]
    public void Start() => backend = new WorkerBackend(new WorkerLimits(run, TimeSpan.FromSeconds(30), 6L << 30, 256, null, Array.Empty<string>()));

    /// <summary>Stops it.</summary>
    [TearDown]
    public void Stop() => backend.Dispose();

    static Value[] Args(params Tensor[] tensors) => tensors.Select(t => (Value)new TensorValue(t)).ToArray();

    static readonly string LogPdf = OperationKey.Of(typeof(Distributions).GetMethod(nameof(Distributions.LogPdfDiagonalGaussian))!);

    /// <summary>Values computed in the worker equal those computed in this process.</summary>
    [Test]
    public void ValuesMatchInProcess()
    {
        var z = randn(4, 3, dtype: float64, generator: new Generator(1));
        var mu = randn(4, 3, dtype: float64, generator: new Generator(2));
        var v = rand(4, 3, dtype: float64, generator: new Generator(3)) + 0.5;
        var remote = backend.Invoke(LogPdf, Args(z, mu, v))[0].AsTensor;
        var local = Dispatcher.Invoke(LogPdf, Args(z, mu, v))[0].AsTensor;
        remote.equal(local).all().item<bool>().Should().BeTrue();
        remote.dtype.Should().Be(ScalarType.Float64);
    }

    /// <summary>Gradients through the autograd bridge (vector-Jacobian products from the worker) equal in-process autograd.</summary>
    [Test]
    public void GradientsMatchInProcess()
    {
        Tensor Leaf(long seed) => (rand(3, 2, dtype: float64, generator: new Generator((ulong)seed)) + 0.5).requires_grad_(true);
        var (z, mu, v) = (Leaf(4), Leaf(5), Leaf(6));
        var remote = backend.Invoke(LogPdf, Args(z, mu, v))[0].AsTensor;
        remote.requires_grad.Should().BeTrue();
        var remoteGrads = autograd.grad(new[] { (remote * tensor(new[] { 1.0, -2.0, 0.5 })).sum() }, new[] { z, mu, v });
        Student.ThrowIfBackwardFailed();
        var local = Dispatcher.Invoke(LogPdf, Args(z, mu, v))[0].AsTensor;
        var localGrads = autograd.grad(new[] { (local * tensor(new[] { 1.0, -2.0, 0.5 })).sum() }, new[] { z, mu, v });
        for (int i = 0; i < 3; i++) remoteGrads[i].allclose(localGrads[i], rtol: 1e-12, atol: 1e-12).Should().BeTrue();
    }

    /// <summary>Student objects live in the worker behind handles and are void once the worker restarts.</summary>
    [Test]
    public void HandlesDieWithTheWorker()
    {
        string encode = OperationKey.Of(typeof(IGaussianVae).GetMethod(nameof(IGaussianVae.Encode))!);
        var handle = backend.Invoke(OperationKey.Of(typeof(MlpVae).GetConstructor([typeof(int), typeof(int), typeof(int)])!), [new NumberValue(6), new NumberValue(4), new NumberValue(2)])[0];
        var r = backend.Invoke(encode, [handle, new TensorValue(rand(3, 6))])[0].AsList;
        var (mu, logvar) = (r[0].AsTensor, r[1].AsTensor);
        mu.shape.Should().Equal(3, 2);
        logvar.shape.Should().Equal(3, 2);
        int generation = backend.Generation;
        backend.Dispose();
        backend.Generation.Should().Be(generation + 1);
        var act = () => backend.Invoke(encode, [handle, new TensorValue(rand(3, 6))]);
        act.Should().Throw<StudentFailure>().WithMessage("harness error: no student object with handle*");
    }

    /// <summary>A request the worker does not know is a harness error, not the student's; a course member the submission lacks is the student's.</summary>
    [Test]
    public void UnknownOperationsAreHarnessErrors()
    {
        var act = () => backend.Invoke("NoSuchOperation", Array.Empty<Value>());
        act.Should().Throw<StudentFailure>().WithMessage("harness error: unknown operation 'NoSuchOperation'");
        string missing = OperationKey.Of(typeof(Distributions).GetMethod(nameof(Distributions.LogPdfBernoulli))!).Replace("LogPdfBernoulli", "LogPdfPoisson");
        act = () => backend.Invoke(missing, Args(ones(2), ones(2)));
        act.Should().Throw<StudentFailure>().WithMessage("Distributions.LogPdfPoisson threw MissingMethodException: Distributions has no public LogPdfPoisson taking (Tensor, Tensor): keep the course's public signatures.",
            "a course type without the member is the submission's changed API");
        string harness = OperationKey.Of(typeof(GenAI.Worker.Harness.ModuleAccess), nameof(GenAI.Worker.Harness.ModuleAccess.Eval)).Replace("Eval", "Evaluate");
        act = () => backend.Invoke(harness, [new HandleValue(1)]);
        act.Should().Throw<StudentFailure>().WithMessage("harness error: unknown operation*ModuleAccess has no public Evaluate taking (Module)");
    }

    /// <summary>
    /// A stub's NotImplementedException keeps the worker for the next group of checks (a template pays one worker start,
    /// not one per group); any other failure has it replaced before the next group, and objects behind handles go with it.
    /// </summary>
    [Test]
    public void AStubFailureKeepsTheWorkerAndAnyOtherFailureReplacesIt()
    {
        string templateWorkspace = Directory.CreateTempSubdirectory("genai-worker-template").FullName;
        string templateRun = Path.Combine(Path.GetTempPath(), $"genai-worker-run-{Guid.NewGuid():N}");
        SubmissionBuild.PrepareRunFolder(Path.GetDirectoryName(Paths.AutograderDll)!, templateRun);
        var repo = new RepoLayout(Paths.Repo);
        SubmissionBuild.Create(repo, SubmissionSources.Collect(repo.Template, repo.Template), Path.Combine(templateWorkspace, "build"),
            TimeSpan.FromMinutes(5), Path.GetDirectoryName(Paths.AutograderDll)!, templateRun).Succeeded.Should().BeTrue();
        var template = new WorkerBackend(new WorkerLimits(templateRun, TimeSpan.FromSeconds(30), 6L << 30, 256, null, Array.Empty<string>()));
        try
        {
            var stub = () => template.Invoke(LogPdf, Args(zeros(2), zeros(2), ones(2)));
            stub.Should().Throw<StudentFailure>().Where(f => f.NotImplemented).WithMessage("Distributions.LogPdfDiagonalGaussian is not implemented yet: *");
            int generation = template.Generation;
            template.BeginGroup();
            template.Generation.Should().Be(generation, "a stub leaves nothing behind that a successful call would not");
            string missing = LogPdf.Replace("LogPdfDiagonalGaussian", "LogPdfPoisson");
            var other = () => template.Invoke(missing, Args(ones(2), ones(2)));
            other.Should().Throw<StudentFailure>().Where(f => !f.NotImplemented);
            template.BeginGroup();
            template.Generation.Should().Be(generation + 1, "any other failure may have left state behind");
            stub.Should().Throw<StudentFailure>().Where(f => f.NotImplemented, "the fresh worker answers");
        }
        finally
        {
            template.Dispose();
            foreach (var folder in new[] { templateWorkspace, templateRun }) if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A record the student's code returns crosses as its fields and comes back equal to the in-process one.</summary>
    [Test]
    public void RecordsCrossAsTheirFields()
    {
        var data = randn(40, 5, dtype: float64, generator: new Generator(7));
        string fit = OperationKey.Of(typeof(Ppca).GetMethod(nameof(Ppca.Fit))!);
        var remote = (PpcaModel)Values.FromValue(backend.Invoke(fit, [new TensorValue(data), new NumberValue(2)])[0], typeof(PpcaModel))!;
        var local = (PpcaModel)Values.FromValue(Dispatcher.Invoke(fit, [new TensorValue(data), new NumberValue(2)])[0], typeof(PpcaModel))!;
        remote.Sigma2.Should().BeApproximately(local.Sigma2, 1e-12);
        remote.W.allclose(local.W, rtol: 1e-12, atol: 1e-12).Should().BeTrue();
        remote.Mu.allclose(local.Mu, rtol: 1e-12, atol: 1e-12).Should().BeTrue();
    }
}
