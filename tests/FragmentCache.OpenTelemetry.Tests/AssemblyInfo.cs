// Spans and metrics go to every listener in the process: one collection for the assembly, so its tests run one at a
// time and each host's exporters see only its own requests' work.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
