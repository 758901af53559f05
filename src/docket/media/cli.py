"""``docket media``: add, list, show, look up, attach and detach media evidence (mounted by ``docket.cli``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from docket import config
from docket.media.metadata import MediaError
from docket.outcome import SourceOutcome
from docket.store import Store
from docket.store import media as repo

media_app = typer.Typer(help="Media evidence: images, video and sound; metadata, fingerprints, near-duplicates.",
                        no_args_is_help=True)
out = Console() if sys.stdout.isatty() else Console(width=200)
err = Console(stderr=True)
ActorOption = Annotated[str | None, typer.Option(help="Who the chain of custody names (else $DOCKET_ACTOR or $USER).")]


class MediaCliError(Exception):
    pass


@contextmanager
def _errors() -> Iterator[None]:
    from docket.review.actions import ReviewError

    try:
        yield
    except (MediaCliError, ReviewError, MediaError, FileNotFoundError, PermissionError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)}",
                  soft_wrap=True)
        raise typer.Exit(2) from None


def _store(ctx: typer.Context) -> Store:
    obj = ctx.obj or {}
    return Store.open(config.resolve_data_dir(obj.get("data_dir")), obj.get("database_url"))


def _media(conn: Any, ref: str) -> dict[str, Any]:
    found = repo.get_media(conn, ref)
    if found is not None:
        return found
    rows = repo.find_media(conn, ref)
    if len(rows) != 1:
        raise MediaCliError(f"no media {ref}" if not rows else f"media {ref} is ambiguous: give more of its id")
    return rows[0]


def _print_outcome(outcome: SourceOutcome) -> None:
    colour = {"skipped": "yellow", "failed": "red"}.get(outcome.status, "green")
    out.print(f"{escape(outcome.name)}: [{colour}]{outcome.status}[/{colour}]: {escape(outcome.message)}", soft_wrap=True)


@media_app.command("add")
def add(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Media files and folders (folders recursively).")],
    actor: ActorOption = None,
) -> None:
    """Ingest images, video and sound: originals kept by SHA-256, metadata, fingerprints, links to reports
    beside them. Safe to interrupt and re-run: files already done are skipped."""
    from docket.media.ingest import ingest_media

    with _errors():
        store = _store(ctx)
        outcomes = ingest_media(store, paths, actor=actor or config.default_actor(),
                                progress=lambda o, done, total: _print_outcome(o))
        counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("added", "skipped", "failed")}
        out.print(f"{len(outcomes)} media files: {counts['added']} added, {counts['skipped']} skipped, "
                  f"{counts['failed']} failed")


@media_app.command("list")
def list_(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help="Only files that could not be read, with the reason.")] = False,
) -> None:
    """Stored media (or, with --failed, the files that failed and why)."""
    with _errors():
        store = _store(ctx)
        with store.read() as conn:
            rows = repo.list_media(conn, status="failed" if failed else None)
        table = Table("id", "kind", "name", "duration", "size", "sha256", "status")
        for r in rows:
            duration = f"{r['duration']:.1f} s" if r["duration"] else ""
            size = f"{r['width']}×{r['height']}" if r["width"] else ""
            status = r["status"] if r["status"] == "ok" else f"failed: {r['error']}"
            table.add_row(r["id"], r["kind"], escape(r["name"]), duration, size, r["sha256"][:12], escape(status))
        out.print(table)


@media_app.command("show")
def show(ctx: typer.Context, media: Annotated[str, typer.Argument(help="Media id or SHA-256 (or a unique prefix).")]) -> None:
    """One media file: metadata, hashes, stills, transcript, linked documents and incidents, near-duplicates."""
    from docket.media.views import media_view

    with _errors():
        store = _store(ctx)
        with store.read() as conn:
            view = media_view(conn, _media(conn, media)["id"])
        assert view is not None
        m = view["media"]
        out.print(f"[bold]{escape(m['name'])}[/bold]  {m['id']}  ({m['kind']}, {m['status']})")
        for label, value in view["facts"]:
            out.print(f"  {label}: {escape(str(value))}", soft_wrap=True)
        out.print(f"  transcript: {escape(view['transcript'])}", soft_wrap=True)
        if view["keyframes"]:
            out.print("  keyframes: " + ", ".join(f"{k['t']:.1f} s {k['sha256'][:12]}" for k in view["keyframes"]))
        for link in view["documents"]:
            out.print(f"  document {link['target_id']} ({escape(link['name'] or '')}): {link['relation']}")
        for inc in view["incidents"]:
            out.print(f"  incident {inc['id']} ({inc['via']})")
        for match in view["matches"]:
            out.print(f"  similar: {match['media_b']} {escape(match['name'])}: distance {match['distance']}/256"
                      f"{escape(match['where'])}")


@media_app.command("similar")
def similar(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="An image, video or sound file (need not be stored).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the matches as JSON lines.")] = False,
) -> None:
    """Stored media that share pictures, footage or sound with FILE: distance of 256 bits (sound: its bit error
    rate scaled to 256), and for video and sound where the shared part begins in FILE and in the stored media."""
    from docket.media.similar import similar_to_file
    from docket.media.views import where_text

    with _errors():
        if not file.is_file():
            raise MediaCliError(f"{file}: no such file")
        store = _store(ctx)
        with store.read() as conn:
            _, found = similar_to_file(conn, file)
        if as_json:
            for f in found:
                m = f.match
                sys.stdout.write(json.dumps({"media_id": m.media_id, "name": f.name, "sha256": f.sha256, "distance": m.distance,
                                             "frames": m.frames, "overlap": m.overlap, "file_at": m.query_at,
                                             "media_at": m.match_at, "by": m.by}) + "\n")
            return
        if not found:
            out.print("no similar media stored")
        for f in found:
            m = f.match
            unit = "frames of sound" if m.by == "sound" else "samples"
            out.print(f"{m.media_id} {escape(f.name)}: distance {m.distance}/256, {m.frames}/{m.overlap} {unit}"
                      f"{escape(where_text(m.query_at, m.match_at, 'here', 'there'))}")


@media_app.command("attach")
def attach(
    ctx: typer.Context,
    media: Annotated[str, typer.Argument(help="Media id or SHA-256 (or a unique prefix).")],
    incident: Annotated[str, typer.Argument(help="Incident id (or a unique prefix).")],
    note: Annotated[str | None, typer.Option(help="Why: kept with the review.")] = None,
    actor: ActorOption = None,
) -> None:
    """Attach media to an incident as evidence (a review, recorded with who and when, in the custody chain)."""
    from docket.review import actions

    media_id, record = _review_media(ctx, media, incident, note, actor, actions.attach_media)
    out.print(f"attached {media_id} to {record['incident_id']} by {escape(record['actor'])} at {record['at']}")



def _review_media(
    ctx: typer.Context, media: str, incident: str, note: str | None, actor: str | None, action: Any
) -> tuple[str, dict]:
    """Run a reviewer's media action (attach or detach) on the incident and media the prefixes name."""
    from docket.store.register import get_incident

    with _errors():
        store = _store(ctx)
        with store.write() as conn:
            found = get_incident(conn, incident)
            if found is None:
                raise MediaCliError(f"no incident {incident}")
            media_id = _media(conn, media)["id"]
            return media_id, action(conn, found["id"], media_id, actor or config.default_actor(), note)


@media_app.command("detach")
def detach(
    ctx: typer.Context,
    media: Annotated[str, typer.Argument(help="Media id or SHA-256 (or a unique prefix).")],
    incident: Annotated[str, typer.Argument(help="Incident id (or a unique prefix).")],
    note: Annotated[str | None, typer.Option(help="Why: kept with the review.")] = None,
    actor: ActorOption = None,
) -> None:
    """Detach media a reviewer attached to an incident (a review, recorded with who and when, in the custody
    chain); links found through the incident's documents stay."""
    from docket.review import actions

    media_id, record = _review_media(ctx, media, incident, note, actor, actions.detach_media)
    out.print(f"detached {media_id} from {record['incident_id']} by {escape(record['actor'])} at {record['at']}")
