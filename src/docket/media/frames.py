"""Decoding pictures: video frames in order with their times (PyAV), shrunk grey for hashing, and small
JPEG stills (thumbnails, keyframes). Frames stream from the file: a video is never held in memory whole."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO

import numpy as np

from docket.media.metadata import MediaError
from docket.media.pdq import WORK

STILL_SIDE = 320  # longest side of thumbnails and keyframe stills
STILL_QUALITY = 80
# Pixel formats whose first plane is the 8-bit luma of the whole picture.
LUMA_FIRST = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "yuv411p", "yuv440p", "nv12",
              "nv21", "nv16", "gray"}


def video_frames(src: str | BinaryIO, *, threads: int = 0) -> Iterator[tuple[float, Any]]:
    """(time in seconds, av.VideoFrame) of every frame of the first video stream.

    ``threads``: 0 lets FFmpeg choose (frame and slice threads), 1 decodes on one core."""
    import av

    try:
        container = av.open(src, mode="r", metadata_errors="replace")
    except (av.error.FFmpegError, ValueError) as exc:
        raise MediaError(f"not a readable video ({exc})") from None
    with container:
        streams = [s for s in container.streams.video]
        if not streams:
            raise MediaError("no video stream")
        stream = streams[0]
        if threads == 1:
            stream.thread_count = 1
        else:
            stream.thread_type = "AUTO"
            stream.thread_count = threads
        rate = float(stream.average_rate) if stream.average_rate else 25.0
        count = 0
        try:
            for frame in container.decode(stream):
                when = frame.time if frame.time is not None else count / rate
                count += 1
                yield float(when), frame
        except av.error.FFmpegError as exc:
            at = f" after {count} frames" if count else ""
            raise MediaError(f"damaged video{at} ({exc})") from None


def grey(frame: Any) -> np.ndarray:
    """The frame as a WORK×WORK grey image (area-averaged): its luma plane when it has one, shrunk by
    Pillow (twice as fast as FFmpeg's scaler here), else FFmpeg's grey conversion."""
    from PIL import Image

    if frame.format.name in LUMA_FIRST:
        plane = frame.planes[0]
        luma = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)[:, : plane.width]
        return np.asarray(Image.fromarray(luma).resize((WORK, WORK), Image.Resampling.BOX, reducing_gap=2.0))
    return frame.reformat(width=WORK, height=WORK, format="gray", interpolation="AREA").to_ndarray()


def still(image: Any, side: int = STILL_SIDE) -> bytes:
    """A small JPEG of a Pillow image (or an av.VideoFrame)."""
    if hasattr(image, "to_image"):
        image = image.to_image()
    image = image.convert("RGB")
    image.thumbnail((side, side))
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=STILL_QUALITY)
    return buf.getvalue()
