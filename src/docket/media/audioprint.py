"""Audio fingerprints: 32-bit sub-fingerprints of a recording's sound, after Haitsma and Kalker ("A Highly
Robust Audio Fingerprinting System", 2002), in numpy.

The sound is decoded (PyAV) to mono at ``RATE`` Hz, so the codec, bit rate, sample rate and channels of a
copy do not matter. Frames of ``FRAME`` samples (256 ms, Hann window) every ``HOP`` samples (16 ms: frames
overlap by 15/16, so a copy cut anywhere is at most 8 ms off a frame of the original) are cut into
``len(EDGES) - 1`` = 33 bands spaced logarithmically over 300-2000 Hz, where the ear and every lossy codec
keep the sound; bit ``m`` of frame ``n`` says whether the energy difference of bands ``m`` and ``m + 1``
grew since frame ``n - 1``. Such bits survive re-encoding, resampling, equalisation and loudness changes.

Frames that say nothing of the sound are 0 (and 0 is never looked up or compared): quieter than
``QUIET_DB`` below the recording's loud frames (or digital near-silence), or too steady to tell (a held
tone changes no band's energy: its bits would be noise).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from docket.media.metadata import MediaError

ALGORITHM = "hk32-8k"
RATE = 8000
FRAME = 2048
HOP = 128
EDGES = np.geomspace(300.0, 2000.0, 34)
QUIET_DB = 35.0  # frames this far below the loud frames (95th percentile) are 0
SILENCE_DB = -70.0  # and frames below this (dBFS) whatever the rest
STEADY = 2e-3  # frames whose bands change less than this (relative) are 0
BLOCK = 4096  # frames computed at once


def _band_matrix() -> np.ndarray:
    """(FRAME // 2 + 1, 33): which FFT bins make each band."""
    freqs = np.fft.rfftfreq(FRAME, 1 / RATE)
    bands = np.zeros((len(freqs), len(EDGES) - 1), dtype=np.float32)
    for m in range(len(EDGES) - 1):
        bands[(freqs >= EDGES[m]) & (freqs < EDGES[m + 1]), m] = 1.0
    return bands


BANDS = _band_matrix()
WINDOW = np.hanning(FRAME).astype(np.float32)
WINDOW_POWER = float(np.mean(WINDOW.astype(np.float64) ** 2))  # a full-scale frame's loss to the window
BITS = (1 << np.arange(32, dtype=np.uint64)).astype(np.uint64)


@dataclass
class AudioPrint:
    """``prints`` (n,) uint32, one a ``hop`` seconds from ``start`` (0: nothing to tell there)."""

    prints: np.ndarray
    hop: float = HOP / RATE
    start: float = 0.0

    def __len__(self) -> int:
        return len(self.prints)

    @property
    def informative(self) -> int:
        return int(np.count_nonzero(self.prints))

    def hex(self) -> str:
        """How the store keeps it: 8 hex digits a frame, little-endian."""
        return np.ascontiguousarray(self.prints, dtype="<u4").tobytes().hex()

    @classmethod
    def from_hex(cls, text: str, hop_us: int, start_ms: int) -> AudioPrint:
        return cls(np.frombuffer(bytes.fromhex(text), dtype="<u4").astype(np.uint32), hop_us / 1e6, start_ms / 1000)

    def row(self) -> dict[str, object]:
        """The columns of ``media_audio_prints`` (but the media id)."""
        return {"algorithm": ALGORITHM, "frames": len(self), "hop_us": int(round(self.hop * 1e6)),
                "start_ms": int(round(self.start * 1000)), "prints": self.hex()}


def decode_mono(src: str | BinaryIO, rate: int = RATE) -> Iterator[np.ndarray]:
    """The first audio stream's samples, mono float32 at ``rate`` Hz, in pieces as they are decoded."""
    import av

    try:
        container = av.open(src, mode="r", metadata_errors="replace")
    except (av.error.FFmpegError, ValueError) as exc:
        raise MediaError(f"not readable sound ({exc})") from None
    with container:
        if not container.streams.audio:
            raise MediaError("no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        try:
            for frame in container.decode(stream):
                frame.pts = None  # the resampler keeps its own clock: gaps and odd stamps do not matter here
                for out in resampler.resample(frame):
                    yield out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
        except av.error.FFmpegError as exc:
            raise MediaError(f"damaged sound ({exc})") from None


def audio_fingerprint(src: str | BinaryIO) -> AudioPrint:
    """The fingerprint of a file's (first) sound track; ``MediaError`` when it has none that decodes."""
    return fingerprint_samples(decode_mono(src))


def fingerprint_samples(pieces: Iterator[np.ndarray] | list[np.ndarray]) -> AudioPrint:
    """The fingerprint of mono float samples at ``RATE`` Hz, given in pieces of any length."""
    energies, levels = [], []
    held: list[np.ndarray] = []  # decoded pieces not yet cut into frames
    size = 0
    for piece in pieces:
        held.append(piece)
        size += len(piece)
        if size >= (BLOCK - 1) * HOP + FRAME:
            held, size = _cut(np.concatenate(held), energies, levels)
    if held:
        _cut(np.concatenate(held), energies, levels)
    if not energies:
        return AudioPrint(np.zeros(0, dtype=np.uint32))
    return AudioPrint(_bits(np.concatenate(energies), np.concatenate(levels)))


def _cut(samples: np.ndarray, energies: list[np.ndarray], levels: list[np.ndarray]) -> tuple[list[np.ndarray], int]:
    """Cut every whole frame out of ``samples`` (adding their energies and levels); what is left over."""
    count = (len(samples) - FRAME) // HOP + 1 if len(samples) >= FRAME else 0
    if not count:
        return [samples], len(samples)
    energy, level = _frames(samples, count)
    energies.append(energy)
    levels.append(level)
    rest = samples[count * HOP :]
    return [rest], len(rest)


def _frames(samples: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Band energies (count, 33) and loudness in dBFS (count,: of the windowed frame, by Parseval from its
    spectrum) of the first ``count`` frames."""
    view = np.lib.stride_tricks.sliding_window_view(samples[: (count - 1) * HOP + FRAME], FRAME)[::HOP]
    spectrum = np.fft.rfft(view * WINDOW, axis=1)
    power = spectrum.real**2 + spectrum.imag**2
    total = 2 * power.sum(axis=1, dtype=np.float64) - power[:, 0] - power[:, -1]
    level = 10 * np.log10(total / (FRAME * FRAME * WINDOW_POWER) + 1e-12)
    return power @ BANDS, level


def _bits(energy: np.ndarray, level: np.ndarray) -> np.ndarray:
    """The 32-bit sub-fingerprints of frames with these band energies; 0 for quiet or steady frames."""
    n = len(energy)
    out = np.zeros(n, dtype=np.uint32)
    if n < 2:
        return out
    diff = energy[:, :-1] - energy[:, 1:]  # (n, 32)
    change = diff[1:] - diff[:-1]  # (n - 1, 32): frame 1.. against the frame before
    words = ((change > 0).astype(np.uint64) * BITS[None, :]).sum(axis=1).astype(np.uint32)
    scale = energy[1:].sum(axis=1) + energy[:-1].sum(axis=1) + 1e-20
    steady = np.abs(change).sum(axis=1) / scale < STEADY
    loud = np.percentile(level, 95)
    quiet = (level[1:] < loud - QUIET_DB) | (level[1:] < SILENCE_DB)
    words[steady | quiet] = 0
    out[1:] = words
    return out
