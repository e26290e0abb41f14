"""Running the notebooks for one dataset or a whole province, in the order a build goes:

fingerprint  digests of the inputs: package code, a dataset's files, the notebooks (stdlib only)
plan         the notebooks in run order, each dataset's runs (runner.Task), which can be reused
executors    the runs on workers (local processes, Dask LocalCluster, tcp:// cluster), progress lines
runner       the worker side: a kernel that stays alive, one notebook run or document form, files sent as bytes
kernel       the kernel a build starts (ipykernel without IPython's history), and ``tidy`` between runs
publish      a dataset's temporary folder, manifest.json, index pages, build report, the swap into place
stopping     Ctrl-C / SIGTERM: stop the workers, never cut a swap in half
scratch      every temporary folder of a build's processes under one, removed with it or after it
build        ``build_many`` / ``build``: the steps above, in order
"""
