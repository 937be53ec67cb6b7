"""Where per-part tasks and cross-part steps run: the embedded process pool or Dask."""
