using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenAI.Autograder.Run;

/// <summary>
/// A training run's checkpoint in <c>OUT/checkpoints/</c>: the model's weights, its optimizers'
/// states and the per-epoch history, saved after every epoch (files replaced atomically) and
/// resumed when the same run (same <c>config</c> text) is started again.
/// </summary>
public sealed class Checkpoint(string output, string name, string config)
{
    readonly string folder = Path.Combine(output, "checkpoints");

    string File(string suffix) => Path.Combine(folder, $"{name}.{suffix}");

    sealed record State(string Config, int Epochs, List<double[]> History);

    /// <summary>
    /// Loads the last saved epoch into <paramref name="model"/> and <paramref name="optimizers"/> and
    /// returns the epochs done and their history; (0, empty) when there is no checkpoint of this config.
    /// </summary>
    public (int epochs, List<double[]> history) Resume(nn.Module model, params OptimizerHelper[] optimizers)
    {
        if (!System.IO.File.Exists(File("json"))) return (0, new());
        var state = JsonSerializer.Deserialize<State>(System.IO.File.ReadAllText(File("json")));
        if (state is null || state.Config != config)
        {
            Console.Error.WriteLine($"{name}: the checkpoint in {folder} is of another configuration; starting afresh.");
            return (0, new());
        }
        model.load(File("weights"));
        for (int i = 0; i < optimizers.Length; i++) optimizers[i].load_state_dict(File($"optimizer{i}"));
        Console.Error.WriteLine($"{name}: resuming after epoch {state.Epochs} from {folder}");
        return (state.Epochs, state.History);
    }

    /// <summary>Saves the model, the optimizers and the history after <paramref name="epochs"/> epochs.</summary>
    public void Save(nn.Module model, int epochs, List<double[]> history, params OptimizerHelper[] optimizers)
    {
        Directory.CreateDirectory(folder);
        Replace(File("weights"), path => model.save(path));
        for (int i = 0; i < optimizers.Length; i++) Replace(File($"optimizer{i}"), path => optimizers[i].save_state_dict(path));
        Replace(File("json"), path => System.IO.File.WriteAllText(path, JsonSerializer.Serialize(new State(config, epochs, history))));
    }

    /// <summary>Writes through a temporary file and renames it, so an interrupted save never leaves a torn checkpoint.</summary>
    static void Replace(string path, Action<string> write)
    {
        string temporary = path + ".tmp";
        write(temporary);
        System.IO.File.Move(temporary, path, overwrite: true);
    }
}
