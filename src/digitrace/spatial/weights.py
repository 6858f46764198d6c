r"""Spatial weights for the 31 provinces: sparse, row-standardised, labelled by adcode.

Every constructor returns a :class:`SpatialWeights` whose matrix is row-standardised,
:math:`w_{ij} = \tilde w_{ij} / \sum_k \tilde w_{ik}`.  A row with no neighbour (an
*island*, e.g. Hainan under rook contiguity) is kept as a row of zeros -- never divided by
zero -- and listed in ``.islands``; its spatial lag is 0.

* :func:`rook_weights` -- rook contiguity from ``geo/province_adjacency_rook_31.csv``;
  ``link_hainan=True`` adds the Hainan–Guangdong link used by many Chinese papers.
* :func:`knn_weights` -- the *k* nearest capitals by great-circle distance (ties broken by
  adcode order).
* :func:`inverse_distance_weights` -- :math:`\tilde w_{ij} = d_{ij}^{-\alpha}` for
  :math:`d_{ij} \le` ``cutoff`` (km), 0 otherwise.
* :func:`economic_distance_weights` -- :math:`\tilde w_{ij} = 1/|\bar x_i - \bar x_j|`
  with :math:`\bar x` a province's mean per-capita GDP over the sample period
  (Lin Guangping et al. 2005; the common 经济距离矩阵).
* :func:`nested_weights` -- economic–geographic nested matrix
  :math:`W = \varphi W_d + (1-\varphi) W_e` of the row-standardised inverse-distance and
  economic-distance matrices (Shao Shuai et al. 2016, 经济地理嵌套矩阵), then row-standardised.
* :func:`weights_from_matrix`, :func:`weights_from_gal` and :func:`as_spatial_weights`
  (which also accepts a libpysal ``W``) for any other matrix.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from .._results import Provenance, Result, array_sha256, file_sha256
from ..errors import SpecificationError

__all__ = ["SpatialWeights", "rook_weights", "knn_weights", "inverse_distance_weights",
           "economic_distance_weights", "nested_weights", "weights_from_matrix",
           "weights_from_gal", "as_spatial_weights", "row_standardise", "weights_from_spec"]

GUANGDONG, HAINAN = 440000, 460000


def sparse_sha256(m: Any) -> str:
    """Hex SHA-256 of a sparse (or dense) matrix: shape, sparsity pattern and values.

    Hashing ``m.data`` alone would give two matrices with the same non-zero values but
    different neighbours the same digest; this hashes the canonical CSR form.
    """
    import hashlib

    c = sparse.csr_matrix(m, dtype=float, copy=True)
    c.sum_duplicates()
    c.sort_indices()
    h = hashlib.sha256(str(c.shape).encode())
    for a in (c.indptr.astype(np.int64), c.indices.astype(np.int64), c.data):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def row_standardise(m: sparse.spmatrix) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Kernel: divide each row by its sum; zero rows stay zero.  Returns (W, island mask)."""
    m = sparse.csr_matrix(m, dtype=float)
    m.eliminate_zeros()
    rs = np.asarray(m.sum(axis=1)).ravel()
    islands = rs == 0
    inv = np.zeros_like(rs)
    inv[~islands] = 1.0 / rs[~islands]
    w = sparse.diags(inv) @ m
    w = sparse.csr_matrix(w)
    w.sort_indices()
    return w, islands


@dataclass(frozen=True, repr=False)
class SpatialWeights(Result):
    """A row-standardised sparse spatial weights matrix labelled by ids (adcodes).

    Attributes
    ----------
    ids : tuple
        Row/column labels, in matrix order.
    kind : str
        How it was built (``"rook"``, ``"knn"``, ``"inverse_distance"``...).
    islands : tuple
        Ids with no neighbour (zero rows).
    """

    ids: tuple
    _w: sparse.csr_matrix
    kind: str
    islands: tuple = ()

    @property
    def sparse(self) -> sparse.csr_matrix:
        """A copy of the row-standardised CSR matrix."""
        return self._w.copy()

    @property
    def id_order(self) -> list:
        """The ids as a list, as libpysal names them: with :attr:`sparse`, this lets the
        econometric models (``spatial_panel``, ``spatial_regression``) take a
        ``SpatialWeights`` wherever they take a libpysal ``W``, matched by label."""
        return list(self.ids)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of neighbours of each unit."""
        return np.diff(self._w.indptr)

    @property
    def s0(self) -> float:
        return float(self._w.sum())

    @property
    def s1(self) -> float:
        t = self._w + self._w.T
        return float(0.5 * t.multiply(t).sum())

    @property
    def s2(self) -> float:
        rs = np.asarray(self._w.sum(axis=1)).ravel()
        cs = np.asarray(self._w.sum(axis=0)).ravel()
        return float(((rs + cs) ** 2).sum())

    def full(self) -> pd.DataFrame:
        """Dense labelled matrix."""
        return pd.DataFrame(self._w.toarray(), index=list(self.ids), columns=list(self.ids))

    def lag(self, y: np.ndarray) -> np.ndarray:
        """Spatial lag :math:`Wy` (0 for islands)."""
        return self._w @ np.asarray(y, dtype=float)

    def to_frame(self) -> pd.DataFrame:
        """Edge list ``focal, neighbor, weight`` (islands appear with no rows)."""
        coo = self._w.tocoo()
        ids = np.asarray(self.ids, dtype=object)
        return pd.DataFrame({"focal": ids[coo.row], "neighbor": ids[coo.col], "weight": coo.data})

    def to_libpysal(self):
        """Convert to a ``libpysal.weights.W`` (needs the ``spatial`` extra)."""
        from .._optional import require

        lw = require("libpysal.weights")
        return lw.WSP(self.sparse, id_order=list(self.ids)).to_W(silence_warnings=True)

    def _headline(self) -> str:
        isl = f", islands: {list(self.islands)}" if self.islands else ""
        card = self.cardinalities
        return f"{self.kind}, n={self.n}, {int(card.sum())} links, mean {card.mean():.2f} neighbours{isl}"


def _make(m: Any, ids: Sequence, kind: str, params: dict, inputs=()) -> SpatialWeights:
    m = sparse.csr_matrix(m, dtype=float)
    if m.shape != (len(ids), len(ids)):
        raise SpecificationError(f"weights matrix is {m.shape}, expected {len(ids)} × {len(ids)}")
    if len(set(ids)) != len(ids):
        dup = pd.Index(list(ids))[pd.Index(list(ids)).duplicated()][0]
        raise SpecificationError(f"duplicate id {dup!r} in the weights")
    if m.nnz and (not np.isfinite(m.data).all() or (m.data < 0).any()):
        raise SpecificationError("weights must be finite and non-negative")
    w, isl = row_standardise(m)
    ids = tuple(ids)
    islands = tuple(ids[i] for i in np.flatnonzero(isl))
    prov = Provenance(method=f"digitrace.spatial.weights.{kind}", params=params, inputs=tuple(inputs),
                      reference="row-standardised; islands kept as zero rows")
    return SpatialWeights(ids=ids, _w=w, kind=kind, islands=islands, provenance=prov)


def _geo(data_dir):
    from ..data import geo

    return geo


def rook_weights(data_dir: str | Path | None = None, *, link_hainan: bool = False) -> SpatialWeights:
    """Rook contiguity of the 31 provinces, row-standardised.

    Parameters
    ----------
    link_hainan : bool
        Add the Hainan (460000) – Guangdong (440000) link (across the Qiongzhou Strait), the
        convention of many Chinese papers.  Without it Hainan is an island (zero row).
    """
    adj = _geo(data_dir).load_adjacency(data_dir)
    mat = adj.matrix
    if link_hainan:
        mat.loc[HAINAN, GUANGDONG] = 1
        mat.loc[GUANGDONG, HAINAN] = 1
    return _make(mat.to_numpy(), [int(c) for c in mat.index], "rook",
                 {"link_hainan": link_hainan}, adj.provenance.inputs)


def _distances(data_dir) -> pd.DataFrame:
    return _geo(data_dir).load_distances(data_dir)


def knn_weights(k: int = 4, data_dir: str | Path | None = None) -> SpatialWeights:
    """The ``k`` nearest provincial capitals (great-circle km), row-standardised.

    Not symmetric in general.  Ties are broken by adcode order.
    """
    d = _distances(data_dir)
    n = len(d)
    if not 1 <= k < n:
        raise SpecificationError(f"k must be between 1 and {n - 1}, got {k}")
    m = d.to_numpy(copy=True)
    np.fill_diagonal(m, np.inf)
    nn = np.argsort(m, axis=1, kind="stable")[:, :k]
    rows = np.repeat(np.arange(n), k)
    a = sparse.csr_matrix((np.ones(n * k), (rows, nn.ravel())), shape=(n, n))
    return _make(a, [int(c) for c in d.index], "knn", {"k": k})


def inverse_distance_weights(power: float = 1.0, cutoff: float | None = None,
                             data_dir: str | Path | None = None,
                             distances: pd.DataFrame | None = None) -> SpatialWeights:
    r"""Inverse distance between capitals, :math:`d_{ij}^{-\alpha}` within ``cutoff`` km.

    Parameters
    ----------
    power : float
        :math:`\alpha` (1 = inverse distance, 2 = inverse squared distance / gravity).
    cutoff : float, optional
        Distance band in km; pairs farther apart get weight 0.  A province with no other
        capital within the band becomes an island (reported, zero row).
    distances : DataFrame, optional
        A square distance matrix labelled by id; default the capital distances.
    """
    if power <= 0:
        raise SpecificationError(f"power must be positive, got {power}")
    d = _distances(data_dir) if distances is None else distances
    m = d.to_numpy(dtype=float)
    off = ~np.eye(len(m), dtype=bool)
    if (m[off] <= 0).any():
        raise SpecificationError("distances between distinct units must be positive")
    with np.errstate(divide="ignore"):
        a = np.where(off, m, np.inf) ** (-power)
    if cutoff is not None:
        a[m > cutoff] = 0.0
    np.fill_diagonal(a, 0.0)
    return _make(a, list(d.index), "inverse_distance", {"power": power, "cutoff": cutoff})


def _economic_raw(values: pd.Series, ids: Sequence) -> np.ndarray:
    x = _align_values(values, ids, "economic weights")
    diff = np.abs(x[:, None] - x[None, :])
    off = ~np.eye(len(x), dtype=bool)
    if (diff[off] == 0).any():
        i, j = np.argwhere((diff == 0) & off)[0]
        raise SpecificationError(f"economic distance is zero between {ids[i]} and {ids[j]} "
                                 "(equal values): 1/|x_i - x_j| is undefined")
    with np.errstate(divide="ignore"):
        a = np.where(off, 1.0 / np.where(off, diff, 1.0), 0.0)
    return a


def _align_values(values: Any, ids: Sequence, what: str) -> np.ndarray:
    s = values if isinstance(values, pd.Series) else pd.Series(values, index=list(ids))
    if not set(ids) <= set(s.index):        # province names -> adcodes
        try:
            from ..data.provinces import resolve_province

            s = pd.Series(s.to_numpy(), index=[resolve_province(v) for v in s.index])
        except Exception:  # noqa: BLE001 - reported as missing ids below
            pass
    missing = [i for i in ids if i not in s.index]
    if missing:
        raise SpecificationError(f"{what}: no value for id(s) {missing[:5]}")
    x = s.loc[list(ids)].to_numpy(dtype=float)
    if not np.isfinite(x).all():
        raise SpecificationError(f"{what}: missing value for id {ids[int(np.flatnonzero(~np.isfinite(x))[0])]}")
    return x


def economic_distance_weights(values: pd.Series, data_dir: str | Path | None = None) -> SpatialWeights:
    r"""Economic distance :math:`\tilde w_{ij} = 1/|\bar x_i - \bar x_j|`, row-standardised.

    Parameters
    ----------
    values : Series indexed by adcode
        Usually each province's mean per-capita GDP over the sample period, indexed by
        adcode or province name (31 provinces, in adcode order); a Series of another length
        keeps its own ids (e.g. cities).
    """
    from ..data.provinces import province_registry

    ids = [int(a) for a in province_registry()["adcode"]]
    if isinstance(values, pd.Series) and len(values) != len(ids):
        ids = list(values.index)            # other units (e.g. cities): keep the given ids
    return _make(_economic_raw(values, ids), ids, "economic_distance",
                 {"values": getattr(values, "name", None)},
                 inputs=(("values", array_sha256(_align_values(values, ids, "economic weights"))),))


def nested_weights(values: pd.Series, phi: float = 0.5, power: float = 1.0,
                   data_dir: str | Path | None = None) -> SpatialWeights:
    r"""Economic–geographic nested weights :math:`W = \varphi W_d + (1-\varphi) W_e`.

    :math:`W_d` is the row-standardised inverse-distance matrix (``power``), :math:`W_e`
    the row-standardised economic-distance matrix of ``values``; the mix is row-standardised
    again (it already is, since both parts are).
    """
    if not 0 <= phi <= 1:
        raise SpecificationError(f"phi must be in [0, 1], got {phi}")
    wd = inverse_distance_weights(power=power, data_dir=data_dir)
    ids = list(wd.ids)
    we, _ = row_standardise(_economic_raw(values, ids))
    m = phi * wd.sparse + (1 - phi) * we
    return _make(m, ids, "nested", {"phi": phi, "power": power},
                 inputs=(("values", array_sha256(_align_values(values, ids, "nested weights"))),))


def weights_from_matrix(matrix: Any, ids: Sequence | None = None, kind: str = "custom") -> SpatialWeights:
    """Row-standardised weights from a square DataFrame (labels = ids) or array + ids."""
    if isinstance(matrix, pd.DataFrame):
        if list(matrix.index) != list(matrix.columns):
            raise SpecificationError("weights DataFrame must have the same index and columns")
        ids = list(matrix.index)
        matrix = matrix.to_numpy(dtype=float)
    if ids is None:
        raise SpecificationError("pass ids for an unlabelled weights matrix")
    return _make(matrix, list(ids), kind, {})


def weights_from_gal(path: str | Path, ids: Sequence | None = None) -> SpatialWeights:
    """Read a GeoDa ``.gal`` contiguity file (binary weights), row-standardised.

    The units keep the file's order unless ``ids`` gives another order.
    """
    p = Path(path)
    tokens = p.read_text().split("\n")
    head = tokens[0].split()
    n = int(head[1] if len(head) >= 4 else head[0])
    order: list[str] = []
    nbrs: dict[str, list[str]] = {}
    lines = [t for t in tokens[1:] if t.strip()]
    for i in range(0, 2 * n, 2):
        focal, k = lines[i].split()[:2]
        nb = lines[i + 1].split() if int(k) else []
        if int(k) and len(nb) != int(k):
            raise SpecificationError(f"{p}: unit {focal} lists {len(nb)} neighbours, header says {k}")
        order.append(focal)
        nbrs[focal] = nb
    labels = list(ids) if ids is not None else order
    pos = {str(l_): i for i, l_ in enumerate(labels)}
    rows, cols = [], []
    for f, nb in nbrs.items():
        for j in nb:
            rows.append(pos[f])
            cols.append(pos[j])
    a = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    w = _make(a, labels, "gal", {"path": str(p)}, ((str(p), file_sha256(p)),))
    return w


def as_spatial_weights(w: Any) -> SpatialWeights:
    """Accept a :class:`SpatialWeights`, a libpysal ``W`` (row-standardised copy; the
    caller's object is not modified), or a square labelled DataFrame."""
    if isinstance(w, SpatialWeights):
        return w
    if isinstance(w, pd.DataFrame):
        return weights_from_matrix(w)
    if hasattr(w, "id_order") and hasattr(w, "sparse"):   # libpysal W
        m = w.sparse.copy()   # .sparse follows id_order with the current transform
        return _make(m, list(w.id_order), "libpysal", {})
    raise SpecificationError(f"unsupported weights object of type {type(w).__name__}")


def weights_from_spec(spec: str, data_dir: str | Path | None = None) -> SpatialWeights:
    """Province weights from a short spec (used by the CLI).

    ``rook``, ``rook+hainan`` (Hainan linked to Guangdong), ``knn:K``, ``idw:POWER`` or
    ``idw:POWER:CUTOFF_KM``.  Economic and nested weights need a value series: use
    :func:`economic_distance_weights` / :func:`nested_weights` from Python.
    """
    parts = spec.strip().lower().split(":")
    try:
        if parts[0] == "rook" and len(parts) == 1:
            return rook_weights(data_dir)
        if parts[0] in ("rook+hainan", "rook-hainan") and len(parts) == 1:
            return rook_weights(data_dir, link_hainan=True)
        if parts[0] == "knn" and len(parts) <= 2:
            return knn_weights(int(parts[1]) if len(parts) == 2 else 4, data_dir)
        if parts[0] == "idw" and len(parts) <= 3:
            power = float(parts[1]) if len(parts) >= 2 else 1.0
            cutoff = float(parts[2]) if len(parts) == 3 else None
            return inverse_distance_weights(power, cutoff, data_dir)
    except ValueError as exc:
        raise SpecificationError(f"bad weights spec {spec!r}: {exc}") from exc
    raise SpecificationError(f"unknown weights spec {spec!r}: use rook, rook+hainan, knn:K, "
                             "idw:POWER or idw:POWER:CUTOFF_KM")
