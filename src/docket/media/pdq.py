"""A PDQ perceptual hash in numpy: 256 bits from a 64×64 luminance image, and Hamming distances.

The steps are PDQ's (Facebook's ThreatExchange): luminance, an area-averaged 64×64 image, a 16×16 block of
the 2-D DCT without its DC row and column (frequencies 1..16), each coefficient above the block's median
is a 1 bit. Re-encoding, resizing, light crops and small overlays move few bits; unrelated pictures
differ in about half of them (128 of 256). The quality (0..100, PDQ's gradient measure) says how much
structure the picture has: a flat or black frame has too little for its hash to mean anything.

Every picture, a photo or a video frame, is first shrunk to a 256×256 grey image (``WORK``; FFmpeg does it
for video frames in ``docket.media.frames``, Pillow for photos), then hashed three times: whole, and with
2.5% and 5% cut off each edge (``CROPS``). A copy cropped at its edges then has a hash close to one of the
original's cropped hashes, which a single PDQ hash would miss (a 5% crop moves ~80 of 256 bits). The
exact reference code is not needed: docket compares its own hashes with each other only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SIZE = 64
BITS = 256
HEX_LEN = BITS // 4
MIN_QUALITY = 20  # below: a (nearly) flat picture; its hash is not stored nor queried
WORK = 256  # pictures are shrunk to WORK×WORK grey before hashing
CROPS = (0.0, 0.025, 0.05)  # fraction cut off each edge: one hash per crop ("variant")


def _dct_matrix() -> np.ndarray:
    i = np.arange(1, 17, dtype=np.float64)[:, None]
    j = np.arange(SIZE, dtype=np.float64)[None, :]
    return (np.sqrt(2.0 / SIZE) * np.cos(np.pi / (2 * SIZE) * i * (2 * j + 1))).astype(np.float32)


_DCT = _dct_matrix()
_BIT_WEIGHTS = (1 << np.arange(8, dtype=np.uint8)).astype(np.uint8)


def hash_luma(luma: np.ndarray, *, with_quality: bool = True) -> tuple[bytes, int]:
    """(32-byte hash, quality) of a 64×64 luminance image (any numeric dtype, any scale)."""
    a = np.asarray(luma, dtype=np.float32)
    if a.shape != (SIZE, SIZE):
        raise ValueError(f"expected a {SIZE}x{SIZE} image, got {a.shape}")
    coeffs = (_DCT @ a @ _DCT.T).reshape(-1)
    middle = np.partition(coeffs, (127, 128))
    bits = coeffs > (middle[127] + middle[128]) / 2
    return np.packbits(bits, bitorder="little").tobytes(), quality(a) if with_quality else 0


def quality(a: np.ndarray) -> int:
    """PDQ's quality: summed vertical and horizontal gradients of the 64×64 image on a 0..255 scale."""
    span = float(a.max() - a.min()) if a.size else 0.0
    if span <= 0:
        return 0
    scale = 100.0 / 255.0
    gradient = np.abs(np.diff(a, axis=0)).sum() + np.abs(np.diff(a, axis=1)).sum()
    return int(min(100, gradient * scale / 90))


def hash_image(image: Any) -> tuple[bytes, int]:
    """(hash, quality) of a Pillow image, whole."""
    return variant_hashes(work_image(image))[0]


def work_image(image: Any) -> Any:
    """A Pillow image as the WORK×WORK grey image that ``variant_hashes`` takes."""
    from PIL import Image

    return image.convert("L").resize((WORK, WORK), Image.Resampling.BOX, reducing_gap=3.0)


def variant_hashes(grey: Any) -> list[tuple[bytes, int]]:
    """(hash, quality) for each of ``CROPS`` of a WORK×WORK grey Pillow image (or uint8 array); the quality
    is the whole picture's, given with the first hash only (the others have 0)."""
    from PIL import Image

    if isinstance(grey, np.ndarray):
        grey = Image.fromarray(grey)
    out = []
    for i, crop in enumerate(CROPS):
        d = grey.width * crop
        box = (d, grey.height * crop, grey.width - d, grey.height - grey.height * crop)
        small = grey.resize((SIZE, SIZE), Image.Resampling.BOX, box=box)
        out.append(hash_luma(np.asarray(small, dtype=np.float32), with_quality=i == 0))
    return out


def to_hex(digest: bytes) -> str:
    return digest.hex()


def words(hashes: list[bytes] | bytes) -> np.ndarray:
    """Hashes as an (n, 4) uint64 matrix (one row per 32-byte hash)."""
    raw = b"".join(hashes) if isinstance(hashes, list) else hashes
    if len(raw) % 32:
        raise ValueError("hash bytes are not a multiple of 32")
    return np.frombuffer(raw, dtype="<u8").reshape(-1, 4)


def from_hex_concat(text: str) -> np.ndarray:
    """Hashes stored as one string of concatenated hex (64 characters each) as an (n, 4) uint64 matrix."""
    return words(bytes.fromhex(text))


def distance(a: bytes, b: bytes) -> int:
    """Hamming distance between two 32-byte hashes."""
    return int(np.bitwise_count(words(a) ^ words(b)).sum())


def distances(query: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Hamming distance from one (4,) uint64 hash to each row of an (n, 4) matrix."""
    return np.bitwise_count(np.bitwise_xor(rows, query)).sum(axis=1, dtype=np.int32)
