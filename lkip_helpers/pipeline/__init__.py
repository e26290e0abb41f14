"""Running the notebooks for one dataset or a whole province: the plan, the workers and
their kernels (runner), and publishing the outputs in one swap (build)."""
