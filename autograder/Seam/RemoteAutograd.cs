using GenAI.Worker;
using GenAI.Worker.Dispatch;
using TorchSharp;
using static TorchSharp.torch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// Gradients through calls that ran in the worker: tensors that require gradients go through a custom autograd
/// function whose backward asks the worker for a vector-Jacobian product, so checks read gradients the same way in
/// both paths. A failure inside a backward pass (where an exception would abort libtorch) waits in
/// <see cref="PendingFailure"/> for <see cref="Student.ThrowIfBackwardFailed"/>.
/// </summary>
internal static class RemoteAutograd
{
    /// <summary>A failure of student code during a backward pass, waiting to be raised.</summary>
    internal static string? PendingFailure { get; set; }

    /// <summary>Runs <paramref name="op"/> on <paramref name="backend"/> with its results joined to the caller's graph through the <paramref name="differentiable"/> arguments.</summary>
    internal static Value[] Invoke(WorkerBackend backend, string op, Value[] args, int[] differentiable)
    {
        var call = new RemoteCall(backend, op, args, differentiable);
        var vars = new object[] { call }.Concat(differentiable.Select(i => (object)args[i].AsTensor)).ToArray();
        return call.Merge(RemoteFunction.apply(vars));
    }

    /// <summary>One remote call whose tensor results join the caller's autograd graph.</summary>
    internal sealed class RemoteCall(WorkerBackend backend, string op, Value[] args, int[] differentiable)
    {
        Value[] results = Array.Empty<Value>();

        public List<Tensor> Forward()
        {
            results = backend.Call(op, args);
            return results.SelectMany(v => v.Tensors()).ToList();
        }

        /// <summary>
        /// Runs inside libtorch's backward pass, where an exception would abort the process: a
        /// failure is parked in <see cref="PendingFailure"/> (zeros are returned) for the seam to
        /// raise once the backward pass is over.
        /// </summary>
        public List<Tensor> Backward(List<Tensor> cotangents)
        {
            try
            {
                var grads = backend.VectorJacobianProduct(op, args, differentiable, cotangents);
                return new List<Tensor> { null! }.Concat(grads.Select(g => g.AsTensor)).ToList();
            }
            catch (Exception e)
            {
                PendingFailure ??= e is StudentFailure ? e.Message : $"computing {OperationKey.Display(op)}'s gradient failed: {e.Message}";
                return new List<Tensor> { null! }.Concat(differentiable.Select(i => zeros_like(args[i].AsTensor))).ToList();
            }
        }

        /// <summary>The results with each tensor replaced by its graph-connected counterpart.</summary>
        public Value[] Merge(List<Tensor> outputs)
        {
            using var replacements = outputs.GetEnumerator();
            return results.Select(v => v.WithTensors(replacements)).ToArray();
        }
    }

    sealed class RemoteFunction : autograd.MultiTensorFunction<RemoteFunction>
    {
        public override string Name => "StudentRemoteCall";

        public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var call = (RemoteCall)vars[0];
            ctx.save_data("call", call);
            return call.Forward();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grad_outputs) =>
            ((RemoteCall)ctx.get_data("call")).Backward(grad_outputs);
    }
}
