using FluentAssertions;
using GenAI.Autograder.Seam;
using GenAI.Course.Elbo;
using GenAI.Course.Graphs;
using GenAI.Course.Ppca;
using GenAI.Course.Vae;
using GenAI.Worker;
using GenAI.Worker.Dispatch;
using GenAI.Worker.Harness;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Grader.Tests.Engine;

/// <summary>The generic seam: calls read from lambdas, values converted by type, operations resolved by key and run in this process.</summary>
public sealed class DispatchTests
{
    static object? RoundTrip(object? value, Type type) => Values.FromValue(Values.ToValue(value, type, "test"), type);

    /// <summary>Every kind of data a course signature uses comes back as what went in.</summary>
    [Test]
    public void DataCrossesByType()
    {
        RoundTrip(2.5, typeof(double)).Should().Be(2.5);
        RoundTrip(7, typeof(int)).Should().Be(7);
        RoundTrip(true, typeof(bool)).Should().Be(true);
        RoundTrip(ScalarType.Float64, typeof(ScalarType)).Should().Be(ScalarType.Float64);
        RoundTrip("w", typeof(string)).Should().Be("w");
        RoundTrip(new[] { 1, 3 }, typeof(int[])).Should().BeEquivalentTo(new[] { 1, 3 });
        ((Device)RoundTrip(CPU, typeof(Device))!).type.Should().Be(DeviceType.CPU);
        var t = arange(6, dtype: float64).reshape(2, 3);
        var (tensorBack, number) = ((Tensor, double))RoundTrip((t, 4.0), typeof((Tensor, double)))!;
        tensorBack.Should().BeSameAs(t, "in one process a tensor crosses as itself, so autograd graphs stay whole");
        number.Should().Be(4.0);
        var named = (List<(string, Tensor)>)RoundTrip(new List<(string, Tensor)> { ("a", t) }, typeof(List<(string, Tensor)>))!;
        named.Should().ContainSingle().Which.Item1.Should().Be("a");
        var dictionary = (Dictionary<string, Tensor>)RoundTrip(new Dictionary<string, Tensor> { ["w"] = t }, typeof(IReadOnlyDictionary<string, Tensor>))!;
        dictionary.Keys.Should().Equal("w");
        var fit = (EdgeFit)RoundTrip(new EdgeFit(1.5, -2, [0.1, 0.2]), typeof(EdgeFit))!;
        (fit.A, fit.B, fit.LogLikelihoods).Should().BeEquivalentTo((1.5, -2.0, new[] { 0.1, 0.2 }));
        var model = (PpcaModel)RoundTrip(new PpcaModel(t, t, 0.25), typeof(PpcaModel))!;
        model.Sigma2.Should().Be(0.25);
    }

    /// <summary>A generator crosses as its seed and also seeds the global generator, so code that ignores the argument draws the same numbers.</summary>
    [Test]
    public void GeneratorsCrossAsSeeds()
    {
        var back = (Generator)RoundTrip(new Generator(1234), typeof(Generator))!;
        var fromArgument = rand(4, generator: back);
        var fromGlobal = rand(4);
        var expected = rand(4, generator: new Generator(1234));
        fromArgument.equal(expected).all().item<bool>().Should().BeTrue();
        fromGlobal.equal(expected).all().item<bool>().Should().BeTrue();
        RoundTrip(null, typeof(Generator)).Should().BeNull();
    }

    /// <summary>Modules are objects (handles); records, tuples and lists of data are data.</summary>
    [Test]
    public void ObjectsAndDataAreToldApartByType()
    {
        Values.IsData(typeof(Encoder)).Should().BeFalse();
        Values.IsData(typeof(IGaussianVae)).Should().BeFalse();
        Values.IsData(typeof(PpcaModel)).Should().BeTrue();
        Values.IsData(typeof((Tensor, List<(double[], long[])>))).Should().BeTrue();
    }

    /// <summary>Null results name the function; a record's null field names the field.</summary>
    [Test]
    public void NullResultsAreTheStudentsFailure()
    {
        var act = () => Values.ToValue(null, typeof(Tensor), "Ppca.PosteriorMean");
        act.Should().Throw<StudentFailure>().WithMessage("Ppca.PosteriorMean returned null.");
        act = () => Values.ToValue(new EdgeFit(1, 2, null!), typeof(EdgeFit), "EdgeModel.GradientAscent");
        act.Should().Throw<StudentFailure>().WithMessage("EdgeModel.GradientAscent returned a EdgeFit whose LogLikelihoods is null.");
    }

    /// <summary>Whether a request's tensors outlive it is read off the member: constructors, object results and harness methods that say so.</summary>
    [Test]
    public void WhatOutlivesARequestIsDeclared()
    {
        Dispatcher.KeepsAlive(OperationKey.Of(typeof(Encoder).GetConstructor([typeof(int), typeof(int), typeof(int)])!)).Should().BeTrue();
        Dispatcher.KeepsAlive(OperationKey.Of(typeof(ModuleAccess), nameof(ModuleAccess.Adam))).Should().BeTrue();
        Dispatcher.KeepsAlive(OperationKey.Of(typeof(ModuleAccess), nameof(ModuleAccess.Load))).Should().BeTrue();
        Dispatcher.KeepsAlive(OperationKey.Of(typeof(ModuleAccess), nameof(ModuleAccess.Parameters))).Should().BeFalse();
        Dispatcher.KeepsAlive(OperationKey.Of(typeof(Distributions), nameof(Distributions.LogPdfBernoulli))).Should().BeFalse();
    }

    /// <summary>A lambda is read into the member it calls and its evaluated arguments; it is not run here.</summary>
    [Test]
    public void CallsAreReadNotRun()
    {
        var mu = zeros(2, 3);
        var logvar = ones(2, 3);
        var (operation, args, returns) = CallExpression.Split((System.Linq.Expressions.Expression<Func<Tensor>>)(() => GaussianElbo.KlDiagNormal(mu, logvar)), _ => throw new InvalidOperationException());
        OperationKey.Display(operation).Should().Be("GaussianElbo.KlDiagNormal");
        args.Select(a => a.AsTensor).Should().Equal(mu, logvar);
        returns.Should().Be(typeof(Tensor));
        var notACall = () => CallExpression.Split((System.Linq.Expressions.Expression<Func<double>>)(() => 1.0 + mu.shape[0]), _ => throw new InvalidOperationException());
        notACall.Should().Throw<ArgumentException>().WithMessage("a call of student code must be*");
    }

    /// <summary>In this process the call runs the course's function: the same value as calling it directly.</summary>
    [Test]
    public void CallsRunTheCourseFunction()
    {
        var mu = tensor(new[] { 0.5, -1.0 });
        var logvar = tensor(new[] { 0.2, -0.3 });
        var expected = -0.5 * (1 + logvar - mu.square() - logvar.exp()).sum();
        Student.KlDiagNormal(mu, logvar).item<double>().Should().BeApproximately(expected.item<double>(), 1e-12);
    }
}
