#!/usr/bin/python3
"""bench_dask.py - `cpted batch` on a local Dask cluster (cpted.dask) against the CLI with
threads, on one machine (issue 12; docs/performance.md "`cpted batch` on Dask").

usage: scripts/bench_dask.py [BUILD_DIR] [-- CPTED-BATCH-OPTIONS...]
  BUILD_DIR  a RelWithDebInfo or Release build (default build/) with apps/cpted
Environment:
  SOURCE=path    the district (default tests/bench/data/monaco_osm_benchmark.osm.pbf)
  WORKERS=2      worker processes of the LocalCluster (1 thread each); also --threads
  TILE_M=1000    tile side of the Dask run (one task per tile)
  MODEL=roads    --drivable of both (roads or everything)
Prints wall times: the CLI (`--threads WORKERS`), the cluster's start, the first Dask run
(every worker builds its free space), a second one (the workers reuse it), and checks
that the JSON is byte-identical. Needs Debian's python3-distributed.
"""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))


def _peak_rss_kb():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        i = args.index("--")
        args, extra = args[:i], args[i + 1:]
    build = os.path.abspath(args[0] if args else os.path.join(ROOT, "build"))
    os.environ.setdefault("CPTED_LIBRARY", os.path.join(build, "lib", "libcpted.so.1"))
    source = os.environ.get("SOURCE") or os.path.join(
        ROOT, "tests", "bench", "data", "monaco_osm_benchmark.osm.pbf")
    workers = int(os.environ.get("WORKERS", "2"))
    tile_m = float(os.environ.get("TILE_M", "1000"))
    model = os.environ.get("MODEL", "roads")

    import cpted
    import cpted.dask
    from distributed import Client, LocalCluster

    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print("# bench_dask: %s, %d cores, load %s, cpted %s, %s, %d workers, tile %g m, %s model"
          % (time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()), os.cpu_count(), load,
             cpted.version(), os.path.basename(source), workers, tile_m, model))
    cli = [os.path.join(build, "apps", "cpted"), "batch", source, "--lenient", "--drivable",
           model, "--threads", str(workers), "--json", "-", "--quiet"] + extra
    t = time.perf_counter()
    ref = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", "/dev/stderr"] + cli,
                         capture_output=True, check=True)
    print("cli --threads %d          wall %8.2f s  peak RSS %d MB"
          % (workers, time.perf_counter() - t, int(ref.stderr.split()[-1]) // 1024))
    ref = ref.stdout.decode("utf-8")

    t = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as cluster, \
            Client(cluster) as client:
        print("cluster start             wall %8.2f s" % (time.perf_counter() - t))
        for run in ("first (cold workers)", "second (warm workers)"):
            t = time.perf_counter()
            b = cpted.dask.batch(client, source, tile_m=tile_m, lenient=True, drivable=model)
            text = b.to_json()
            wall = time.perf_counter() - t
            s = b.summary
            stats = list(client.run(cpted.dask.stats).values())
            rss = [r // 1024 for r in client.run(_peak_rss_kb).values()]
            print("dask %-21s wall %8.2f s  %d assets, %d tiles, tiles per worker %s, "
                  "worker peak RSS %s MB, client %d MB, JSON %s"
                  % (run, wall, s.assets, s.tiles, [x["tiles_run"] for x in stats], rss,
                     _peak_rss_kb() // 1024, "identical" if text == ref else "DIFFERENT"))
            if text != ref:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
