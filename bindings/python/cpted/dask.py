"""cpted.dask: the district screening (`cpted batch`) on a Dask cluster.

    from distributed import Client, LocalCluster
    import cpted.dask
    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster) as client:
        result = cpted.dask.batch(client, "district.gpkg", tile_m=500, drivable="roads")
        text = result.to_json()   # byte-identical to `cpted batch ... --json -`

The client opens the site, computes the free space and the plan (to list the tiles),
submits one task per tile and merges the tiles' bytes in tile order
(docs/method-batch.md "Beyond one machine"). Each worker process opens the same
sources and computes the same free space once, for every tile it runs (cached in
the process, keyed by the arguments). The sources are paths that every worker can
read. dask/distributed are imported here only: the rest of the binding works
without them. docs/python.md "Dask".
"""
import collections
import json
import os
import threading

from . import _core
from ._context import Context, context
from ._core import FreeSpace, Site, Vehicle
from ._records import split_kwargs
from .errors import CptedError, InvalidArgumentError, NotFoundError

# Options of the screening itself (the rest are the site's and the free space's).
_BATCH_KEYWORDS = ("vda", "top_count")
# How many districts a worker process keeps (each with its whole free space).
CACHE_SIZE = 1


class DistributedError(CptedError):
    """A worker's district is not the client's (another cpted version or other data)."""


def batch(client, sources, *, vehicle=None, assets="all-buildings", tile_m=0, approach=False,
          vda=None, top_count=None, **options):
    """Screens every building of a district (or the selected assets) on a Dask
    cluster, as `cpted batch` does: the same Batch, the same JSON byte for byte.

    ``client`` a distributed.Client; ``sources`` one path or a list of paths
    (GDAL sources) readable by every worker at the same path; ``vehicle`` a
    preset code or a Vehicle (default M1); ``assets`` "all-buildings" (every
    building, the CLI's default: each promoted to an asset), a LAYER name (the
    features of that layer, the CLI's ``--assets LAYER``) or "site" (the assets
    of the site as opened); ``tile_m`` the side of the tiles (0: one tile, else
    [10, 1e6]; one task per tile); ``approach`` also the worst facade impact
    (the VDA runs once, in the client, while the workers run the tiles);
    ``vda`` a dict of VDA options; ``top_count``; other keywords are options of
    Site.open (crs, lenient, roles, assets_where, ...) and of the free space
    (drivable, soft_blocking, ...).

    A task's error is raised here with the library's message (its CptedError
    class). Assets that cannot be assessed stay in the result, not assessed.
    """
    spec = _spec(sources, vehicle, assets, options)
    opts = {"tile_m": tile_m, "approach": bool(approach), "vda": vda, "top_count": top_count}
    # top_count is the plan's (the merge lists that many); the workers' plans
    # need only the same assets and tiles
    site, fs = _open_freespace(spec, context())
    plan = _plan(fs, spec["mode"], tile_m, top_count)
    n = len(plan.tiles)
    if n == 0:
        # No asset, no tile: nothing to distribute. The library's own run gives
        # the empty district's document (with --approach: its VDA settings).
        return fs.batch(threads=1, **_batch_options(spec, opts))
    expect = (_core.version(), plan.asset_count, n)
    futures = client.map(_run_tile, [spec] * n, [tile_m] * n, [expect] * n, range(n),
                         pure=False)
    try:
        v = None
        if approach:  # while the workers measure: the one VDA of the district
            vo = dict(vda or {})
            vo["targets"] = "facades"
            v = fs.vda(**vo)
        data = client.gather(futures)  # raises the first task's exception
    except BaseException:
        client.cancel(futures)  # the other tiles are of no use now
        raise
    tiles = []
    for i, (index, raw) in enumerate(data):
        if index != i:  # pragma: no cover - client.map keeps the order
            raise DistributedError("tile %d came back as tile %d" % (i, index))
        tiles.append(plan.tile_from_bytes(raw))
    return plan.merge(tiles, v)


def _spec(sources, vehicle, assets, options):
    """The arguments as plain data: what a worker needs to open the same district,
    and the key of its cache."""
    if isinstance(sources, (str, bytes)) or hasattr(sources, "__fspath__"):
        sources = [sources]
    sources = [s.decode() if isinstance(s, bytes) else str(s) for s in sources]
    # a file here is named by its absolute path: the workers' working directory
    # may be another (other GDAL sources, "PG:..." or "/vsi...", go as given)
    sources = [os.path.abspath(s) if os.path.exists(s) else s for s in sources]
    if not sources:
        raise InvalidArgumentError("cpted.dask.batch: no source")
    if vehicle is None or isinstance(vehicle, str):
        vehicle = Vehicle.preset(vehicle or "M1")
    if not isinstance(vehicle, Vehicle):
        raise TypeError("vehicle must be a preset code or a cpted.Vehicle")
    site_opts, fs_opts = split_kwargs(options, "cpted_site_options", "cpted_freespace_options")
    selected = any(site_opts.get(k) for k in ("assets_where", "asset_ids", "asset_names"))
    if assets in ("all-buildings", "buildings"):
        mode = "site" if selected else "buildings"
    elif assets == "site":
        mode = "site"
    elif isinstance(assets, str) and assets and "=" not in assets:
        if selected:  # as `cpted batch`: --assets LAYER excludes the selectors
            raise InvalidArgumentError("cpted.dask.batch: assets=LAYER and assets_where/"
                                       "asset_ids/asset_names exclude each other")
        roles = site_opts.get("roles") or []
        if isinstance(roles, dict):
            roles = ["%s=%s" % kv for kv in roles.items()]
        site_opts["roles"] = list(roles) + ["%s=asset" % assets]
        mode = "site"
    else:
        raise InvalidArgumentError("cpted.dask.batch: assets must be all-buildings, site or "
                                   "a layer name, not %r" % (assets,))
    spec = {"sources": sources, "vehicle": vehicle.as_dict(), "mode": mode,
            "site": site_opts, "freespace": fs_opts}
    # the client's files as they are now: a changed file is another district
    spec["key"] = json.dumps(dict(spec, files=_fingerprint(sources)), sort_keys=True,
                             default=repr)
    return spec


def _fingerprint(sources):
    """Size and modification time of the sources that are files here (None for others)."""
    out = []
    for s in sources:
        try:
            st = os.stat(s)
            out.append((st.st_size, st.st_mtime_ns))
        except OSError:
            out.append(None)
    return out


def _batch_options(spec, opts):
    out = {"assets": spec["mode"], "tile_m": opts["tile_m"], "approach": opts["approach"]}
    for k in _BATCH_KEYWORDS:
        if opts.get(k) is not None:
            out[k] = opts[k]
    return out


def _open_freespace(spec, ctx):
    """Site and free space of a spec, as `cpted batch` opens them: with every
    building (mode "buildings") each building is made an asset (the VDA then has
    facade targets on each, and each is measured by its whole footprint); a
    district without buildings is opened as it is."""
    site_opts = dict(spec["site"])
    if spec["mode"] == "buildings":
        try:
            site = Site.open(spec["sources"], ctx=ctx, assets_where="1=1", **site_opts)
        except NotFoundError:  # no building: the empty district
            site = Site.open(spec["sources"], ctx=ctx, **site_opts)
    else:
        site = Site.open(spec["sources"], ctx=ctx, **site_opts)
    return site, FreeSpace(site, Vehicle(**spec["vehicle"]), **spec["freespace"])


def _plan(fs, mode, tile_m, top_count=None):
    return fs.batch_plan(assets=mode, tile_m=tile_m, top_count=top_count)


# -- in the worker processes ----------------------------------------------------
_lock = threading.Lock()
_cache = collections.OrderedDict()  # key -> _District; this process's districts
_counts = {"districts_built": 0, "tiles_run": 0}  # this process's, for stats()


class _District:
    """One district in a worker process: the site and free space (built once, in a
    context of their own), a plan per tile size and a BatchWorker per thread and plan."""

    def __init__(self, spec):
        self.lock = threading.Lock()  # the district's context: one thread at a time
        self.files = _fingerprint(spec["sources"])  # this process's files, before reading
        self.ctx = Context()
        self.site, self.fs = _open_freespace(spec, self.ctx)
        self.mode = spec["mode"]
        self.plans = {}
        self.local = threading.local()

    def worker(self, tile_m):
        workers = getattr(self.local, "workers", None)
        if workers is None:
            workers = self.local.workers = {}
        w = workers.get(tile_m)
        if w is None:
            with self.lock:  # the plan and cpted_batch_worker_new use the district's context
                plan = self.plans.get(tile_m)
                if plan is None:
                    plan = self.plans[tile_m] = _plan(self.fs, self.mode, tile_m)
                w = plan.worker(Context())
            workers[tile_m] = w
        return w


def _district(spec):
    key = spec["key"]
    with _lock:
        d = _cache.get(key)
        if d is not None and d.files == _fingerprint(spec["sources"]):
            _cache.move_to_end(key)
            return d
        _cache.pop(key, None)  # a file changed here since: read it again
        # built under the lock: two threads of one process never build it twice
        d = _District(spec)
        _counts["districts_built"] += 1
        _cache[key] = d
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
        return d


def _run_tile(spec, tile_m, expect, tile):
    """One task: the bytes of one tile (cpted_batch_tile_to_bytes), with its index."""
    w = _district(spec).worker(tile_m)
    plan = w._plan
    got = (_core.version(), plan.asset_count, len(plan.tiles))
    if got != tuple(expect):
        raise DistributedError(
            "cpted.dask: this worker's district is not the client's (cpted %s, %d assets, %d "
            "tiles here; %s, %d, %d in the client): every worker needs the same cpted version "
            "and the same data at the same paths" % (got + tuple(expect)))
    data = w.run(tile).to_bytes()
    with _lock:
        _counts["tiles_run"] += 1
    return tile, data


def stats():
    """This process's counts (run it on the workers: ``client.run(cpted.dask.stats)``):
    districts_built (site and free space built), tiles_run, districts_cached."""
    with _lock:
        return dict(_counts, districts_cached=len(_cache))
