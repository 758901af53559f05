"""Synthetic media for the media tests and bench/media.py: moving scenes, photos, sound, and copies of them
transformed the way footage is when it is re-posted (re-encoded, resized, cropped, watermarked, cut)."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from docket.media.fingerprint import Fingerprint, image_fingerprint, video_fingerprint

Frame = np.ndarray  # (height, width, 3) uint8


def world(seed: int, width: int = 2400, height: int = 1400) -> np.ndarray:
    """A large smooth-noise colour texture with gradients: the scene a camera pans over."""
    rng = np.random.default_rng(seed)
    layers = []
    for _ in range(3):
        coarse = Image.fromarray(rng.integers(0, 256, size=(14, 24), dtype=np.uint8))
        fine = Image.fromarray(rng.integers(0, 256, size=(70, 120), dtype=np.uint8))
        a = np.asarray(coarse.resize((width, height), Image.Resampling.BICUBIC), dtype=np.float32)
        b = np.asarray(fine.resize((width, height), Image.Resampling.BICUBIC), dtype=np.float32)
        layers.append(0.7 * a + 0.3 * b)
    img = np.stack(layers, axis=-1)
    gx = np.linspace(0, 60, width, dtype=np.float32)[None, :, None]
    gy = np.linspace(0, 40, height, dtype=np.float32)[:, None, None]
    return np.clip(img * 0.8 + gx + gy, 0, 255).astype(np.uint8)


def scene(seed: int, seconds: float, fps: int, width: int = 640, height: int = 360) -> Iterator[Frame]:
    """Frames of a camera panning over ``world(seed)`` with shapes moving across it and sensor noise."""
    rng = np.random.default_rng(seed + 1000)
    tex = world(seed, max(2400, width * 3), max(1400, height * 3))
    th, tw = tex.shape[:2]
    # Work at 640×360 scale and resize when asked for another size, so a scene looks the same at any size.
    base_w, base_h = 640, 360
    shapes = [(rng.uniform(0, 1, 2), rng.uniform(-0.2, 0.2, 2), rng.integers(20, 80), tuple(int(c) for c in
               rng.integers(0, 256, 3)), bool(rng.integers(0, 2))) for _ in range(6)]
    px, py = rng.uniform(20, 40), rng.uniform(14, 30)
    noise = [rng.integers(-4, 5, size=(base_h, base_w, 3), dtype=np.int16) for _ in range(5)]
    for k in range(int(round(seconds * fps))):
        t = k / fps
        x = int((tw - base_w - 2) / 2 * (1 + math.sin(2 * math.pi * t / px)))
        y = int((th - base_h - 2) / 2 * (1 + math.sin(2 * math.pi * t / py + 1.0)))
        img = Image.fromarray(tex[y : y + base_h, x : x + base_w])
        draw = ImageDraw.Draw(img)
        for pos, vel, r, colour, square in shapes:
            cx = (pos[0] + vel[0] * t) % 1.0 * base_w
            cy = (pos[1] + vel[1] * t) % 1.0 * base_h
            box = (cx - r, cy - r, cx + r, cy + r)
            (draw.rectangle if square else draw.ellipse)(box, fill=colour)
        frame = np.asarray(img, dtype=np.int16)
        frame = frame + noise[k % len(noise)]
        out = np.clip(frame, 0, 255).astype(np.uint8)
        if (width, height) != (base_w, base_h):
            out = np.asarray(Image.fromarray(out).resize((width, height), Image.Resampling.BILINEAR))
        yield out


class VideoWriter:
    """Encodes frames (all of one size) into a file as they come; optionally a sine tone as sound."""

    def __init__(self, path: Path, fps: int, *, codec: str = "libx264", bit_rate: int | None = None,
                 options: dict[str, str] | None = None, metadata: dict[str, str] | None = None,
                 audio_seconds: float = 0.0, sound: np.ndarray | None = None) -> None:
        self.path, self.fps, self.codec, self.bit_rate = path, fps, codec, bit_rate
        self.options = dict(options or ({"preset": "ultrafast"} if codec == "libx264" else {}))
        flags = {"movflags": "use_metadata_tags"} if path.suffix in (".mp4", ".mov") else {}
        self.container = av.open(str(path), mode="w", options=flags)
        for key, value in (metadata or {}).items():
            self.container.metadata[key] = value
        self.audio_seconds = audio_seconds
        self.sound = sound  # mono samples at SOUND_RATE for the sound track (else a tone of audio_seconds)
        self.audio = None
        if audio_seconds or sound is not None:
            self.audio = self.container.add_stream("aac", rate=22050)
            self.audio.layout = "mono"
        self.stream: av.VideoStream | None = None
        self.pts = 0

    def write(self, frame: Frame) -> None:
        if self.stream is None:
            self.stream = self.container.add_stream(self.codec, rate=self.fps)
            self.stream.height, self.stream.width = frame.shape[:2]
            self.stream.pix_fmt = "yuv420p"
            if self.bit_rate:
                self.stream.bit_rate = self.bit_rate
            self.stream.options = self.options
        vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
        vf.pts = self.pts
        self.pts += 1
        for packet in self.stream.encode(vf):
            self.container.mux(packet)

    def close(self) -> Path:
        assert self.stream is not None, "no frames"
        for packet in self.stream.encode():
            self.container.mux(packet)
        if self.audio is not None and self.sound is not None:
            encode_sound(self.container, self.audio, self.sound, SOUND_RATE)
        elif self.audio is not None:
            _write_tone(self.container, self.audio, self.audio_seconds)
        self.container.close()
        return self.path


def write_video(path: Path, frames: Iterator[Frame], fps: int, **kw: object) -> Path:
    writer = VideoWriter(path, fps, **kw)  # type: ignore[arg-type]
    for frame in frames:
        writer.write(frame)
    return writer.close()


def _write_tone(container: av.container.OutputContainer, audio: av.AudioStream, seconds: float) -> None:
    rate = audio.rate or 22050
    n = 1024
    t0 = 0
    while t0 < seconds * rate:
        t = (np.arange(t0, t0 + n) / rate).astype(np.float32)
        samples = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None, :]
        af = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        af.sample_rate = rate
        af.pts = t0
        af.time_base = Fraction(1, rate)
        for packet in audio.encode(af):
            container.mux(packet)
        t0 += n
    for packet in audio.encode():
        container.mux(packet)


def write_audio(path: Path, seconds: float = 3.0) -> Path:
    """A sine tone: .wav (PCM), .mp3, .m4a or .ogg (Opus)."""
    codec = {".wav": "pcm_s16le", ".mp3": "libmp3lame", ".ogg": "libopus", ".m4a": "aac"}[path.suffix]
    container = av.open(str(path), mode="w")
    rate = 48000 if codec == "libopus" else 22050
    stream = container.add_stream(codec, rate=rate)
    stream.layout = "mono"
    if codec == "pcm_s16le":
        t = np.arange(int(seconds * rate)) / rate
        af = av.AudioFrame.from_ndarray((8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)[None, :], format="s16",
                                        layout="mono")
        af.sample_rate = rate
        for packet in [*stream.encode(af), *stream.encode()]:
            container.mux(packet)
    else:
        _write_tone(container, stream, seconds)
    container.close()
    return path


def read_frames(path: Path) -> Iterator[tuple[float, Frame]]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            yield float(frame.time), frame.to_ndarray(format="rgb24")


@dataclass
class Copy:
    """How to make one copy of a video: each frame through ``fn``, only [start, end), re-encoded."""

    path: Path
    fn: Callable[[Frame], Frame] = lambda f: f
    start: float = 0.0
    end: float | None = None
    codec: str = "libx264"
    bit_rate: int | None = None


def derive(src: Path, copies: list[Copy]) -> list[Path]:
    """Make every copy of ``src`` in one pass over its decoded frames."""
    with av.open(str(src)) as c:
        fps = int(round(float(c.streams.video[0].average_rate or 10)))
    writers = [VideoWriter(cp.path, fps, codec=cp.codec, bit_rate=cp.bit_rate) for cp in copies]
    for t, frame in read_frames(src):
        for cp, writer in zip(copies, writers, strict=True):
            if t >= cp.start - 1e-6 and (cp.end is None or t < cp.end - 1e-6):
                writer.write(cp.fn(frame))
    return [w.close() for w in writers]


def resize(width: int, height: int) -> Callable[[Frame], Frame]:
    return lambda f: np.asarray(Image.fromarray(f).resize((width, height), Image.Resampling.BILINEAR))


def crop_edges(fraction: float) -> Callable[[Frame], Frame]:
    """Cut ``fraction`` of the width and height off each edge and scale back to the original size."""
    def fn(f: Frame) -> Frame:
        h, w = f.shape[:2]
        dy, dx = int(h * fraction), int(w * fraction)
        img = Image.fromarray(f[dy : h - dy, dx : w - dx])
        return np.asarray(img.resize((w, h), Image.Resampling.BILINEAR))
    return fn


def overlay_text(text: str) -> Callable[[Frame], Frame]:
    """A watermark: large white text with a dark outline across the lower part of the picture."""
    def fn(f: Frame) -> Frame:
        img = Image.fromarray(f)
        h = img.height
        font = ImageFont.load_default(size=max(12, h // 12))
        ImageDraw.Draw(img).text((img.width // 20, int(h * 0.78)), text, fill=(255, 255, 255), font=font,
                                 stroke_width=2, stroke_fill=(0, 0, 0))
        return np.asarray(img)
    return fn


def photo(seed: int, width: int = 800, height: int = 600) -> Image.Image:
    """A still: one frame of ``scene(seed)`` at the given size."""
    return Image.fromarray(next(scene(seed, 1, 1, width, height)))


def gps_exif(lat: float, lon: float, make: str = "TestCam", model: str = "X100", when: str = "2023:07:11 14:02:40") -> Image.Exif:
    """EXIF with camera make/model, original date and a GPS position."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = make, model
    exif.get_ifd(0x8769)[0x9003] = when

    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        d = int(value)
        m = int((value - d) * 60)
        return (float(d), float(m), round((value - d - m / 60) * 3600, 4))

    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = ("N" if lat >= 0 else "S"), dms(lat)
    gps[3], gps[4] = ("E" if lon >= 0 else "W"), dms(lon)
    return exif


# -- the tests' media ------------------------------------------------------------------------------------

FPS = 8
SECONDS = 36
CLIP_START = 12.375  # a frame boundary at 8 frames a second, not a whole second
VIDEO_TAGS = {
    "creation_time": "2023-07-11T14:02:40Z",
    "location": "+48.4647+035.0462/",
    "com.apple.quicktime.make": "Apple",
    "com.apple.quicktime.model": "iPhone 12",
}
PHOTO_GPS = (47.0951, 37.5494)
WATERMARK = "© WATERMARK 2024"


@dataclass
class Footage:
    root: Path
    original: Path
    copies: dict[str, Path]  # reencoded, resized, cropped, watermarked, clip
    unrelated: Path
    photo: Path
    photo_copies: dict[str, Path]
    unrelated_photos: list[Path]
    audio: Path
    _prints: dict[Path, Fingerprint] = field(default_factory=dict)

    def fingerprint(self, path: Path) -> Fingerprint:
        if path not in self._prints:
            if path.suffix in (".jpg", ".png"):
                with Image.open(path) as image:
                    self._prints[path] = image_fingerprint(image.convert("RGB"))
            else:
                self._prints[path] = video_fingerprint(str(path))
        return self._prints[path]


def _save(image: Image.Image, path: Path, **kw: object) -> Path:
    image.save(path, **kw)
    return path


def make_footage(root: Path) -> Footage:
    """Every test medium, written into ``root``."""
    original = write_video(root / "original.mp4", scene(1, SECONDS, FPS), FPS, metadata=VIDEO_TAGS, audio_seconds=SECONDS)
    copies = dict(zip(
        ("reencoded", "resized", "cropped", "watermarked", "clip"),
        derive(original, [
            Copy(root / "reencoded.mp4", codec="mpeg4", bit_rate=250_000),
            Copy(root / "resized.mp4", resize(320, 180)),
            Copy(root / "cropped.mp4", crop_edges(0.05)),
            Copy(root / "watermarked.mp4", overlay_text(WATERMARK)),
            Copy(root / "clip.mp4", start=CLIP_START, end=CLIP_START + 10),
        ]),
        strict=True,
    ))
    unrelated = write_video(root / "unrelated.mp4", scene(2, SECONDS, FPS), FPS)
    still = photo(7)
    exif = gps_exif(*PHOTO_GPS)
    photo_path = _save(still, root / "photo.jpg", quality=90, exif=exif)
    array = np.asarray(still)
    buf = io.BytesIO()
    still.save(buf, format="JPEG", quality=40)
    photo_copies = {
        "resized": _save(still.resize((400, 300)), root / "photo-small.jpg", quality=80),
        "recompressed": _save(Image.open(buf), root / "photo-q40.png"),
        "cropped": _save(Image.fromarray(crop_edges(0.05)(array)), root / "photo-cropped.jpg"),
        "watermarked": _save(Image.fromarray(overlay_text(WATERMARK)(array)), root / "photo-watermarked.jpg"),
    }
    unrelated_photos = [_save(photo(seed), root / f"other-{seed}.jpg") for seed in (21, 22, 23)]
    audio = write_audio(root / "voice.m4a", seconds=2.0)
    return Footage(root, original, copies, unrelated, photo_path, photo_copies, unrelated_photos, audio)


# -- sound: speech-like and music-like signals, encoded as sound is when it is re-posted -----------------

SOUND_RATE = 44100
SOUND_CODECS = {".wav": "pcm_s16le", ".flac": "flac", ".mp3": "libmp3lame", ".m4a": "aac", ".ogg": "libopus",
                ".mp2": "mp2"}


def speech_like(seed: int, seconds: float, rate: int = SOUND_RATE, noise_db: float = -35.0) -> np.ndarray:
    """Syllables of a voice (a pulse train at a gliding pitch through three formants, now and then a hiss)
    with pauses, over background noise: mono float samples in [-1, 1]."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    out = np.zeros(n, dtype=np.float64)
    pos = int(rng.uniform(0.05, 0.3) * rate)
    base = rng.uniform(100, 200)
    while pos < n:
        length = int(rng.uniform(0.08, 0.32) * rate)
        t = np.arange(min(length, n - pos)) / rate
        f0 = base * (1 + rng.uniform(-0.15, 0.15)) * (1 + rng.uniform(-0.2, 0.2) * t / max(t[-1], 1e-3) if len(t) else 1)
        phase = 2 * np.pi * np.cumsum(f0) / rate
        formants = [(rng.uniform(300, 900), 80), (rng.uniform(900, 2400), 120), (rng.uniform(2400, 3400), 160)]
        syllable = np.zeros(len(t))
        for k in range(1, int(3800 / base)):
            freq = k * base
            gain = sum(np.exp(-0.5 * ((freq - f) / w) ** 2) for f, w in formants) + 0.02
            syllable += gain / k**0.5 * np.sin(k * phase)
        if rng.random() < 0.3:  # a fricative: noise, high-passed by differencing
            hiss = np.diff(rng.normal(0, 1, len(t) + 1))
            syllable = syllable + 0.6 * hiss
        envelope = np.minimum(1, np.minimum(t / 0.02, (t[-1] - t) / 0.04 + 1e-9)) if len(t) else t
        out[pos : pos + len(t)] += syllable * envelope * rng.uniform(0.4, 1.0)
        pos += len(t) + int(rng.choice([rng.uniform(0.02, 0.08), rng.uniform(0.15, 0.5)]) * rate)
    out /= np.max(np.abs(out)) + 1e-9
    out += rng.normal(0, 10 ** (noise_db / 20), n)
    return np.clip(out * 0.7, -1, 1)


def music_like(seed: int, seconds: float, rate: int = SOUND_RATE, noise_db: float = -40.0) -> np.ndarray:
    """Notes of a scale with harmonics and decay, sometimes two at once, a drum now and then, over noise."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    out = np.zeros(n, dtype=np.float64)
    scale = 220 * 2 ** (np.array([0, 2, 3, 5, 7, 8, 10, 12, 14, 15, 17, 19]) / 12)
    pos = 0
    while pos < n:
        length = int(rng.choice([0.15, 0.3, 0.45, 0.6]) * rate)
        t = np.arange(min(int(length * 1.5), n - pos)) / rate
        for _ in range(1 + int(rng.random() < 0.3)):
            f = rng.choice(scale) * rng.choice([0.5, 1, 2])
            note = sum(np.sin(2 * np.pi * f * k * t) / k**1.2 for k in range(1, 7))
            out[pos : pos + len(t)] += note * np.exp(-t * rng.uniform(2, 6)) * rng.uniform(0.3, 0.8)
        if rng.random() < 0.25:
            m = min(int(0.05 * rate), n - pos)
            out[pos : pos + m] += rng.normal(0, 0.8, m) * np.exp(-np.arange(m) / (0.01 * rate))
        pos += length
    out /= np.max(np.abs(out)) + 1e-9
    out += rng.normal(0, 10 ** (noise_db / 20), n)
    return np.clip(out * 0.7, -1, 1)


def tone(seconds: float, freq: float = 440.0, rate: int = SOUND_RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return 0.3 * np.sin(2 * np.pi * freq * t)


def write_sound(path: Path, samples: np.ndarray, rate: int = SOUND_RATE, *, out_rate: int | None = None,
                bit_rate: int | None = None, channels: int = 1) -> Path:
    """Encode mono float samples into ``path`` (codec by its suffix), resampled to ``out_rate`` and with
    ``channels`` channels (the same sound in each), at ``bit_rate``."""
    codec = SOUND_CODECS[path.suffix]
    with av.open(str(path), mode="w") as container:
        stream = sound_stream(container, codec, out_rate or (48000 if codec == "libopus" else rate), bit_rate, channels)
        encode_sound(container, stream, samples, rate)
    return path


def sound_stream(container: av.container.OutputContainer, codec: str, rate: int, bit_rate: int | None = None,
                 channels: int = 1) -> av.AudioStream:
    stream = container.add_stream(codec, rate=rate)
    stream.layout = "stereo" if channels == 2 else "mono"
    if bit_rate:
        stream.bit_rate = bit_rate
    return stream


def encode_sound(container: av.container.OutputContainer, stream: av.AudioStream, samples: np.ndarray, rate: int) -> None:
    """Encode mono float samples at ``rate`` into ``stream`` (resampled to its rate, format and layout)."""
    resampler = av.AudioResampler(format=stream.format.name, layout=stream.layout.name, rate=stream.rate,
                                  frame_size=stream.frame_size or None)
    block = 4096
    for start in range(0, len(samples) + block, block):
        piece = samples[start : start + block]
        frame = None
        if len(piece):
            frame = av.AudioFrame.from_ndarray(piece.astype(np.float32)[None, :], format="flt", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            frame.time_base = Fraction(1, rate)
        for out in resampler.resample(frame):
            for packet in stream.encode(out):
                container.mux(packet)
        if frame is None:
            break
    for packet in stream.encode(None):
        container.mux(packet)


SOUND_SECONDS = 60
SOUND_CLIP_START = 23.4


@dataclass
class Sounds:
    root: Path
    original: Path  # a minute of speech, WAV
    copies: dict[str, Path]  # the same re-encoded: other codec, bit rate, sample rate, channels
    clip: Path  # ten seconds of it from SOUND_CLIP_START, as MP3
    music: Path
    music_copy: Path
    unrelated: dict[str, Path]  # other speech, other music, a held tone, noise
    video: Path  # a video whose sound track is the original's speech (and its pictures a scene of its own)


def make_sounds(root: Path) -> Sounds:
    """Every test sound, written into ``root``."""
    speech = speech_like(1, SOUND_SECONDS)
    music = music_like(2, SOUND_SECONDS)
    start = int(SOUND_CLIP_START * SOUND_RATE)
    copies = {
        "mp3-22k": write_sound(root / "speech-22k.mp3", speech, out_rate=22050, bit_rate=48_000),
        "opus-stereo": write_sound(root / "speech-stereo.ogg", speech, bit_rate=24_000, channels=2),
        "aac-16k": write_sound(root / "speech-16k.m4a", speech, out_rate=16000, bit_rate=32_000),
        "mp2": write_sound(root / "speech.mp2", speech, out_rate=32000, bit_rate=64_000),
    }
    noise = np.random.default_rng(9).normal(0, 0.2, SOUND_SECONDS * SOUND_RATE)
    unrelated = {
        "speech": write_sound(root / "other-speech.wav", speech_like(3, SOUND_SECONDS)),
        "music": write_sound(root / "other-music.flac", music_like(4, SOUND_SECONDS)),
        "tone": write_sound(root / "tone.m4a", tone(30)),
        "noise": write_sound(root / "noise.mp3", noise, bit_rate=64_000),
    }
    video = write_video(root / "speech-video.mp4", scene(5, 20, 4, 320, 180), 4, sound=speech[: 20 * SOUND_RATE])
    return Sounds(
        root, write_sound(root / "speech.wav", speech), copies,
        write_sound(root / "clip.mp3", speech[start : start + 10 * SOUND_RATE], bit_rate=64_000),
        write_sound(root / "music.flac", music), write_sound(root / "music.mp3", music, out_rate=32000, bit_rate=64_000),
        unrelated, video,
    )
