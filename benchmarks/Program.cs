using BenchmarkDotNet.Running;
using GenAI.Benchmarks;

if (args is ["adam-memory", .. var rest])
    AdamMemory.Run(rest.FirstOrDefault(a => int.TryParse(a, out _)) is { } n ? int.Parse(n) : 1000, rest.Contains("--no-gc"), rest.Contains("--optim-adam"));
else if (args is ["op-costs", ..])
    OpCosts.Run();
else
    BenchmarkSwitcher.FromAssembly(typeof(GradeCommandBenchmarks).Assembly).Run(args);
