using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(GenAI.Benchmarks.GradeCommandBenchmarks).Assembly).Run(args);
