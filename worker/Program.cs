using GenAI.Worker;

// The worker: reads requests on standard input, runs them against the submission, replies on
// standard output. Anything student code prints goes to standard error instead, so it cannot
// corrupt (or forge) the replies the judge reads.
var input = Console.OpenStandardInput();
var output = Console.OpenStandardOutput();
Console.SetOut(Console.Error);
TorchSharp.torch.manual_seed(20261123);
Operations.ApplyThreadSetting();
Operations.UseAtenConvolutions();
Operations.CollectOnRelease = true;
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
        // Tensors of one request die with it, except student objects (modules) that later requests use.
        using var scope = op.StartsWith("New", StringComparison.Ordinal) || op.StartsWith("Module.", StringComparison.Ordinal) ? null : TorchSharp.torch.NewDisposeScope();
        if (kind == Wire.Vjp)
        {
            var differentiate = Enumerable.Range(0, request.ReadInt32()).Select(_ => request.ReadBoolean()).ToArray();
            var cotangents = Wire.ReadValues(request);
            results = Operations.VectorJacobianProduct(op, arguments, differentiate, cotangents);
        }
        else results = Operations.Invoke(op, arguments);
        Wire.WriteFrame(output, w => { w.Write(Wire.Ok); Wire.WriteValues(w, results); });
    }
    catch (Exception e) when (e is StudentFailure or InvalidDataException)
    {
        string message = e is StudentFailure ? e.Message : "harness error: " + e.Message;
        Wire.WriteFrame(output, w => { w.Write(Wire.Failure); w.Write(message); });
    }
}
