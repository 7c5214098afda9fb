// Placeholder: the profiler issue implements the separate process that owns onnxruntime-node.
process.exit(0);
