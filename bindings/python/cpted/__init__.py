"""cpted: Python binding of libcpted (hostile-vehicle-mitigation geometry analysis).

cffi in ABI mode over the public C API; see docs/python.md. Coordinates of
records and geometries are in the site's WORKING CRS (``site.crs``); JSON
documents and written layers are in its OUTPUT CRS (``site.output_crs``).
"""
from ._loader import ffi, lib, library_path, library_found_by
from ._context import Context, context
from ._geom import HAVE_GEOPANDAS, HAVE_SHAPELY
from .errors import (CptedError, CptedIOError, CRSError, FormatError, GenericError,
                     GeometryError, InvalidArgumentError, Interrupted, NoMemoryError,
                     NotFoundError, RangeError, UserCallbackError, VersionError)
from ._core import (CRAWL_SPEED_MPS, HISTOGRAMS, PARTS, ROLES, SPACES, Analysis, Batch,
                    BatchAsset, BatchBin, BatchPlan, BatchSummary, BatchTile, BatchTileInfo,
                    BatchWorker, BlastLoad, Coverage,
                    CoverageBreach, CoverageGap, CoverageLine, Feature, Finding, FreeSpace,
                    Layer, OptionRange, Rating, Site, Standoff, StandoffAsset, Vda, VdaSummary,
                    VdaTarget, Vehicle, Writer, blast_z_range, breach_kind_name,
                    finding_kind_name, kinetic_energy, option_range, parse_rating, presets,
                    rating_standard_name, role_from_name, role_name, scaled_distance,
                    severity_name, standoff_for, status_string, surface_burst, version,
                    version_number)

__version__ = "1.0.0"

# Enumerations of the C API as module constants (cpted.ROLE_ASSET, cpted.LOG_WARNING, ...).
for _name in dir(lib):
    if _name.startswith("CPTED_") and isinstance(getattr(lib, _name), int):
        globals()[_name[len("CPTED_"):]] = getattr(lib, _name)
del _name

__all__ = [n for n in dir() if not n.startswith("_")]
