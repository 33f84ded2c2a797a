"""tracegrad's pictures and explanations of computation graphs."""
