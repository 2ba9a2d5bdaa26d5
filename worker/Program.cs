using GenAI.Worker;
using GenAI.Worker.Dispatch;

// The worker: reads requests on standard input, runs them against the submission, replies on
// standard output. Anything student code prints goes to standard error instead, so it cannot
// corrupt (or forge) the replies the judge reads.
// The run folder's deps.json leaves the submission's GenAI.Course.dll out, so the worker starts while it is still
// being compiled (SubmissionBuild.PrepareRunFolder); it is loaded from beside the worker when student code is first needed.
System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (context, name) =>
    name.Name == "GenAI.Course" ? context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "GenAI.Course.dll")) : null;
var input = Console.OpenStandardInput();
var output = Console.OpenStandardOutput();
Console.SetOut(Console.Error);
NativeSettings.Apply();
TorchSharp.torch.manual_seed(20261123);
Dispatcher.CollectOnRelease = true;
// The finalizer thread stays parked for the worker's life and finalisers run between requests (FinalizerPause), so
// none frees a temporary Scalar or Generator that a libtorch call of student code is reading.
using var pause = FinalizerPause.Hold();
while (true)
{
    var request = Wire.ReadFrame(input);
    if (request is null) return 0;
    byte kind = request.ReadByte();
    string op = request.ReadString();
    var arguments = Wire.ReadValues(request);
    Value[] results;
    try
    {
        // Tensors of one request die with it, except what the operation keeps (objects behind handles, changes to them).
        using var call = FinalizerPause.StudentCall();
        using var scope = Dispatcher.KeepsAlive(op) ? null : TorchSharp.torch.NewDisposeScope();
        if (kind == Wire.Vjp)
        {
            var differentiate = Enumerable.Range(0, request.ReadInt32()).Select(_ => request.ReadBoolean()).ToArray();
            var cotangents = Wire.ReadValues(request);
            results = Dispatcher.VectorJacobianProduct(op, arguments, differentiate, cotangents);
        }
        else results = Dispatcher.Invoke(op, arguments);
        Wire.WriteFrame(output, w => { w.Write(Wire.Ok); Wire.WriteValues(w, results); });
    }
    catch (Exception e) when (e is StudentFailure or InvalidDataException)
    {
        string message = e is StudentFailure ? e.Message : "harness error: " + e.Message;
        byte reply = e is StudentFailure { NotImplemented: true } ? Wire.NotImplemented : Wire.Failure;
        Wire.WriteFrame(output, w => { w.Write(reply); w.Write(message); });
    }
}
