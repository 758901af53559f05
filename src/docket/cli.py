"""docket's command line: ingest, browse, export and verify the register."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import ArgumentError, OperationalError

from docket import config, custody, link
from docket.export import write_csv, write_jsonl
from docket.media.cli import media_app
from docket.parallel import ingest as run_ingest
from docket.pipeline import SourceOutcome
from docket.protect import ProtectionError
from docket.protect.cli import key_app
from docket.store import Store
from docket.store.bloblocation import BlobLocationError
from docket.store.documents import list_documents, published_of
from docket.store.migrations import MigrationError
from docket.store.register import IncidentFilter, get_incident, list_incidents, sources_of

app = typer.Typer(
    help="docket: a register of incidents built from reports, with provenance and corroboration.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped or in CI there is no terminal to measure; a register table is wide, so do not fold it at 80 columns.
out = Console() if sys.stdout.isatty() else Console(width=200)
err = Console(stderr=True)


class UserError(Exception):
    """A problem the user can fix: printed as one line, exit status 2, no traceback."""


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


@contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except (UserError, FileNotFoundError, NotADirectoryError, PermissionError, ArgumentError, OperationalError,
            BlobLocationError, ProtectionError, MigrationError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
        raise typer.Exit(2) from None


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help=f"Where the store lives (else ${config.DATA_DIR_ENV}, else ./docket-data).")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help=f"SQLAlchemy URL of the database (else ${config.DATABASE_URL_ENV}); default SQLite in the data dir.")
    ] = None,
    blob_url: Annotated[
        str | None, typer.Option("--blob-url", help=f"Object storage for originals, s3://bucket/prefix (else ${config.BLOB_URL_ENV}, else the store's own); default the data dir's blobs/.")
    ] = None,
) -> None:
    ctx.obj = {"data_dir": data_dir, "database_url": database_url, "blob_url": blob_url}


def _store(ctx: typer.Context) -> Store:
    data_dir = config.resolve_data_dir(ctx.obj["data_dir"])
    if data_dir.exists() and not data_dir.is_dir():
        raise UserError(f"{data_dir}: data dir is not a directory")
    return Store.open(data_dir, ctx.obj["database_url"], ctx.obj.get("blob_url"))


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"),
        console=err,
        transient=True,
    )


@app.command()
def setup() -> None:
    """Prepare offline data (the gazetteer cache). Needs no network."""
    try:
        from docket.extract.gazetteer import build_gazetteer  # type: ignore[attr-defined]
    except ImportError:
        out.print("Nothing to prepare.")
        return
    result = build_gazetteer()
    out.print(f"Gazetteer ready{f': {result}' if result else ''}.")


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to ingest (folders recursively).")],
    actor: Annotated[str | None, typer.Option(help="Who the chain of custody names (else $DOCKET_ACTOR or $USER).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Extract on a local Dask cluster of this many worker processes.")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Extract on an existing Dask cluster (tcp://host:8786).")] = None,
    commit_every: Annotated[int | None, typer.Option(min=1, help="Sources written per transaction (default 1; 32 with Dask).")] = None,
) -> None:
    """Ingest files and folders: store originals, extract claims, link them into incidents."""
    with user_errors():
        store = _store(ctx)
        with _progress() as bar:
            task = bar.add_task("ingest", total=None, current="")

            def tick(outcome: SourceOutcome, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, current=outcome.name)
                if outcome.status != "added" or outcome.message:
                    colour = {"skipped": "yellow", "failed": "red"}.get(outcome.status, "white")
                    bar.console.print(
                        f"{escape(outcome.name)}: [{colour}]{outcome.status}[/{colour}]: {escape(outcome.message)}", soft_wrap=True
                    )

            report = run_ingest(
                store, paths, actor=actor or config.default_actor(), progress=tick,
                workers=workers, scheduler=scheduler, commit_every=commit_every,
            )
        out.print(report.summary())


@app.command()
def incidents(
    ctx: typer.Context,
    type: Annotated[str | None, typer.Option("--type", help="Only incidents with this event type.")] = None,
    country: Annotated[str | None, typer.Option(help="Only incidents in this country (ISO code, e.g. RU).")] = None,
    status: Annotated[str | None, typer.Option(help="reported, corroborated, verified, disputed or rejected.")] = None,
    since: Annotated[str | None, typer.Option(help="Only incidents starting on or after this date (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[str | None, typer.Option(help="Only incidents starting on or before this date.")] = None,
    origin: Annotated[str | None, typer.Option(help="Only incidents with this origin among their sources.")] = None,
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
) -> None:
    """List the register's incidents."""
    with user_errors():
        store = _store(ctx)
        flt = IncidentFilter(type, country, status, since, until, origin, limit)
        with store.read() as conn:
            rows = list_incidents(conn, flt)
            sources = sources_of(conn, [r["id"] for r in rows])
        table = Table(title=f"{len(rows)} incidents", show_lines=False)
        table.add_column("id", no_wrap=True)
        for col in ("types", "date", "place", "count", "victims", "perpetrators", "status", "origins", "docs"):
            table.add_column(col, overflow="fold")
        for r in rows:
            docs = {doc["name"] for _, doc in sources.get(r["id"], [])}
            table.add_row(
                r["id"], ", ".join(r["types"]), _date_text(r["date"]), _place_text(r["places"]), _count_text(r["count"]),
                ", ".join(r["victims"]), ", ".join(r["perpetrators"]), r["status"], ", ".join(r["origins"]), str(len(docs)),
            )
        out.print(table)


@app.command()
def show(ctx: typer.Context, incident_id: Annotated[str, typer.Argument(help="Incident id (or a unique prefix).")]) -> None:
    """One incident: its fields, every source document with the sentences it rests on, corroboration."""
    with user_errors():
        store = _store(ctx)
        with store.read() as conn:
            inc = get_incident(conn, incident_id)
            if inc is None:
                raise UserError(f"no incident {incident_id}")
            pairs = sources_of(conn, [inc["id"]]).get(inc["id"], [])
            explain = getattr(link, "explain_corroboration", None)
            explanation = explain(conn, inc["id"]) if explain else None
        out.print(f"[bold]{inc['id']}[/bold]  {inc['status']}")
        out.print(f"  types: {', '.join(inc['types'])}")
        out.print(f"  date: {_date_text(inc['date'])} (precision: {inc['date']['precision']})")
        for p in inc["places"]:
            out.print(f"  place: {escape(p.get('name') or '')}, {p.get('admin1') or '-'}, {p.get('country') or '-'} "
                      f"({p.get('precision')}; {p.get('lat')}, {p.get('lon')})")
        out.print(f"  count: {_count_text(inc['count']) or '-'}")
        out.print(f"  victims: {', '.join(inc['victims']) or '-'}; perpetrators: {', '.join(inc['perpetrators']) or '-'}")
        if inc["overrides"]:
            out.print(f"  reviewer overrides: {escape(json.dumps(inc['overrides'], ensure_ascii=False))}")
        for claim, doc in pairs:
            published = published_of(doc)
            part = f" #{doc['part']}" if doc["part"] else ""
            when = published.iso(published.start) if published else "?"
            out.print(f"\n[bold]{escape(doc['name'] + part)}[/bold]  published {when}")
            via = " <- ".join(claim.get("via") or []) or "-"
            out.print(f"  origin: {escape(claim.get('origin') or '?')}; via: {escape(via)}; hedged: {'yes' if claim.get('hedged') else 'no'}"
                      f"; count: {_count_text(claim.get('count')) or '-'}")
            text = doc.get("text") or ""
            for a, b in claim.get("spans") or []:
                out.print(f"  > \u201c{escape(text[a:b].strip())}\u201d [{a}:{b}]")
        if explanation:
            out.print("\n[bold]corroboration[/bold]")
            out.print_json(json.dumps(explanation, ensure_ascii=False, default=str))


@app.command()
def documents(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help="Only documents that failed, with their error.")] = False,
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
) -> None:
    """List ingested documents, failed ones with their error."""
    with user_errors():
        store = _store(ctx)
        with store.read() as conn:
            rows = list_documents(conn, failed_only=failed, limit=limit)
        table = Table(title=f"{len(rows)} documents")
        table.add_column("name", no_wrap=True)
        for col in ("part", "format", "lang", "published", "status", "claims", "error"):
            table.add_column(col, overflow="fold")
        for r in rows:
            m = r._mapping
            published = published_of(m)
            table.add_row(
                escape(m["name"]), escape(m["part"] or ""), m["format"], m["language"] or "",
                published.iso(published.start) if published else "", m["status"], str(m["n_claims"]), escape(m["error"] or ""),
            )
        out.print(table)


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[Format, typer.Option("--format", help="jsonl (the incident format) or csv.")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: standard output).")] = None,
    actor: Annotated[str | None, typer.Option(help="Who the chain of custody names.")] = None,
) -> None:
    """Export the register."""
    with user_errors():
        store = _store(ctx)
        buffer = io.StringIO()
        writer = write_jsonl if format is Format.jsonl else write_csv
        with _progress() as bar:
            task = bar.add_task("export", total=None, current="")
            n = writer(store, buffer, lambda done, total: bar.update(task, completed=done, total=total))
        data = buffer.getvalue()
        if output is None:
            sys.stdout.write(data)
            sys.stdout.flush()
        else:
            output.write_text(data, encoding="utf-8")
        with store.write() as conn:
            custody.append(
                conn, actor=actor or config.default_actor(), action=custody.EXPORT, object_type="export",
                object_id=f"{format.value}:{output.name if output else 'stdout'}", payload_hash=custody.sha256_text(data),
            )
        if output is not None:
            err.print(f"{n} incidents written to {output}")


@app.command()
def verify(ctx: typer.Context) -> None:
    """Check originals, the chain of custody and the rows it covers; exit 1 naming each problem."""
    with user_errors():
        store = _store(ctx)
        problems = custody.verify(store)
        for p in problems:
            out.print(f"[red]problem[/red] {escape(str(p))}")
        if problems:
            err.print(f"{len(problems)} problem(s) found")
            raise typer.Exit(1)
        with store.read() as conn:
            n = sum(1 for _ in custody.entries(conn))
        out.print(f"ok: {n} custody entries, originals and rows intact")


def _date_text(d: dict[str, Any]) -> str:
    if not d.get("start"):
        return ""
    return f"{d['start']}..{d['end']}" if d.get("end") else d["start"]


def _place_text(places: list[dict]) -> str:
    if not places:
        return ""
    p = places[0]
    return ", ".join(x for x in (p.get("name"), p.get("country")) if x)


def _count_text(count: dict | None) -> str:
    if not count:
        return ""
    mark = {"approx": "~", "at_least": "≥", "at_most": "≤"}.get(count.get("qualifier") or "", "")
    return f"{mark}{count['value']}"


# -- users, review and the web application (docket.review, docket.web) --------------------------------

user_app = typer.Typer(help="People who use docket: add users, set roles, API tokens.", no_args_is_help=True)
review_app = typer.Typer(help="Review incidents: confirm, dispute, reject, edit, note, merge, split.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(review_app, name="review")
app.add_typer(key_app, name="key")  # docket.protect: the key that seals witnesses' protected fields
app.add_typer(media_app, name="media")  # docket.media: images, video and sound as evidence


@contextmanager
def _review_errors() -> Iterator[None]:
    from docket.review.accounts import AccountError
    from docket.review.actions import ReviewError

    with user_errors():
        try:
            yield
        except (AccountError, ReviewError) as exc:
            raise UserError(str(exc)) from None


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Repeat password", hide_input=True) != first:
        raise UserError("the passwords differ")
    return first


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The user's login name.")],
    role: Annotated[str, typer.Option("--role", help="admin, analyst (review and edit) or viewer (read).")] = "viewer",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
    actor: Annotated[str | None, typer.Option(help="Who the chain of custody names.")] = None,
) -> None:
    """Create a user (the password is asked for, or read from standard input)."""
    from docket.review import accounts

    with _review_errors():
        password = _read_password(password_stdin)
        store = _store(ctx)
        with store.write() as conn:
            user = accounts.add_user(conn, name, role, password, actor=actor or config.default_actor())
        out.print(f"user {escape(user.name)} added with role {user.role}")


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """List users and their roles."""
    from docket.review import accounts

    with _review_errors():
        store = _store(ctx)
        with store.read() as conn:
            rows = accounts.list_users(conn)
        table = Table(title=f"{len(rows)} users")
        for col in ("name", "role", "disabled", "created"):
            table.add_column(col)
        for r in rows:
            table.add_row(escape(r["name"]), r["role"], "yes" if r["disabled"] else "", r["created_at"])
        out.print(table)


@user_app.command("role")
def user_role(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The user.")],
    role: Annotated[str, typer.Argument(help="admin, analyst or viewer.")],
    actor: Annotated[str | None, typer.Option(help="Who the chain of custody names.")] = None,
) -> None:
    """Change a user's role."""
    from docket.review import accounts

    with _review_errors():
        store = _store(ctx)
        with store.write() as conn:
            user = accounts.set_role(conn, name, role, actor=actor or config.default_actor())
        out.print(f"user {escape(user.name)} is now {user.role}")


@user_app.command("token")
def user_token(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "script",
    actor: Annotated[str | None, typer.Option(help="Who the chain of custody names.")] = None,
) -> None:
    """Create an API token (printed once; only its hash is stored)."""
    from docket.review import accounts

    with _review_errors():
        store = _store(ctx)
        with store.write() as conn:
            token = accounts.create_token(conn, name, label, actor=actor or config.default_actor())
        sys.stdout.write(token + "\n")


def _incident_id(conn: Any, prefix: str) -> str:
    inc = get_incident(conn, prefix)
    if inc is None:
        raise UserError(f"no incident {prefix}")
    return inc["id"]


def _review(ctx: typer.Context, run: Any) -> dict:
    with _review_errors():
        store = _store(ctx)
        with store.write() as conn:
            record = run(conn)
    return record


def _print_record(record: dict) -> None:
    what = f"{record['action']} {record['incident_id']}"
    if record.get("field"):
        what += f" {record['field']}"
    out.print(escape(what) + f" by {escape(record['actor'])} at {record['at']}")


ActorOption = Annotated[str | None, typer.Option(help="Who the review and custody chain name (else $DOCKET_ACTOR or $USER).")]
NoteOption = Annotated[str | None, typer.Option(help="Why: kept with the review.")]


def _status_command(action: str) -> Any:
    def command(
        ctx: typer.Context,
        incident_id: Annotated[str, typer.Argument(help="Incident id (or a unique prefix).")],
        note: NoteOption = None,
        actor: ActorOption = None,
    ) -> None:
        from docket.review import actions

        record = _review(ctx, lambda conn: actions.set_status(
            conn, _incident_id(conn, incident_id), action, actor or config.default_actor(), note))
        _print_record(record)

    command.__doc__ = {"confirm": "Confirm an incident (status verified).", "dispute": "Dispute an incident (status disputed).",
                       "reject": "Reject an incident (status rejected)."}[action]
    return command


for _action in ("confirm", "dispute", "reject"):
    review_app.command(_action)(_status_command(_action))


@review_app.command("note")
def review_note(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="Incident id (or a unique prefix).")],
    text: Annotated[str, typer.Argument(help="The note.")],
    actor: ActorOption = None,
) -> None:
    """Attach a note to an incident."""
    from docket.review import actions

    _print_record(_review(ctx, lambda conn: actions.add_note(conn, _incident_id(conn, incident_id), actor or config.default_actor(), text)))


@review_app.command("edit")
def review_edit(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="Incident id (or a unique prefix).")],
    field: Annotated[str, typer.Argument(help="types, date, places, count, victims or perpetrators.")],
    value: Annotated[str, typer.Argument(help='The new value as JSON, e.g. \'{"value": 20, "qualifier": "approx"}\'; lists may be comma-separated.')],
    note: NoteOption = None,
    actor: ActorOption = None,
) -> None:
    """Set a reviewer's value for a field (the machine's value is kept beside it)."""
    from docket.review import actions

    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    _print_record(_review(ctx, lambda conn: actions.edit_field(
        conn, _incident_id(conn, incident_id), field, parsed, actor or config.default_actor(), note)))


@review_app.command("revert")
def review_revert(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="Incident id (or a unique prefix).")],
    field: Annotated[str, typer.Argument(help="A field with a reviewer value, or status.")],
    note: NoteOption = None,
    actor: ActorOption = None,
) -> None:
    """Drop a reviewer's value: the machine's value shows again."""
    from docket.review import actions

    _print_record(_review(ctx, lambda conn: actions.revert_field(
        conn, _incident_id(conn, incident_id), field, actor or config.default_actor(), note)))


@review_app.command("merge")
def review_merge(
    ctx: typer.Context,
    into_id: Annotated[str, typer.Argument(help="The incident that stays.")],
    from_id: Annotated[str, typer.Argument(help="The incident merged into it (it ceases to exist).")],
    note: NoteOption = None,
    actor: ActorOption = None,
) -> None:
    """Merge two incidents (undo with `docket review unmerge MERGE_ID`)."""
    from docket.review import actions

    record = _review(ctx, lambda conn: actions.merge(
        conn, _incident_id(conn, into_id), _incident_id(conn, from_id), actor or config.default_actor(), note))
    _print_record(record)
    out.print(f"merge id {record['merge_id']}")


@review_app.command("split")
def review_split(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="Incident id (or a unique prefix).")],
    claim_ids: Annotated[list[str], typer.Argument(help="The claims that leave for a new incident.")],
    note: NoteOption = None,
    actor: ActorOption = None,
) -> None:
    """Split an incident: the given claims become a new incident."""
    from docket.review import actions

    record = _review(ctx, lambda conn: actions.split(
        conn, _incident_id(conn, incident_id), claim_ids, actor or config.default_actor(), note))
    _print_record(record)
    out.print(f"new incident {record['new_id']}")


@review_app.command("unmerge")
def review_unmerge(
    ctx: typer.Context,
    merge_id: Annotated[int, typer.Argument(help="The merge to undo (see `docket review history`).")],
    note: NoteOption = None,
    actor: ActorOption = None,
) -> None:
    """Undo a merge, the machine's or a reviewer's."""
    from docket.review import actions

    record = _review(ctx, lambda conn: actions.unmerge(conn, merge_id, actor or config.default_actor(), note))
    _print_record(record)
    out.print(f"restored incident {record['restored_id']}")


@review_app.command("history")
def review_history(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="Incident id (or a unique prefix).")],
) -> None:
    """An incident's reviews (who, when, before, after) and the merges that can be undone."""
    from docket.review import actions

    with _review_errors():
        store = _store(ctx)
        with store.read() as conn:
            iid = _incident_id(conn, incident_id)
            rows = actions.history(conn, iid)
            merges = actions.merges_of(conn, iid)
        table = Table(title=f"{iid}: {len(rows)} reviews")
        for col in ("at", "actor", "action", "field", "before", "after", "note"):
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(r["at"], escape(r["actor"]), r["action"], r["field"] or "",
                          escape(json.dumps(r["before"], ensure_ascii=False)) if r["before"] is not None else "",
                          escape(json.dumps(r["after"], ensure_ascii=False)) if r["after"] is not None else "",
                          escape(r["note"] or ""))
        out.print(table)
        for m in merges:
            out.print(f"merge {m['id']} ({m['kind']}): {len(m['claim_ids'])} claim(s) from {m['from_id']}")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    https: Annotated[bool, typer.Option("--https/--no-https", help="Mark cookies Secure even if the proxy in front speaks plain HTTP to docket.")] = False,
    public: Annotated[bool, typer.Option("--public", help="The read-only public site: verified incidents only, no login, no review, no protected fields.")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Server processes (one per core serves the most requests).")] = 1,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log", help="Log every request.")] = True,
) -> None:
    """Serve the web application and REST API over the store."""
    import uvicorn

    from docket.web import create_app
    from docket.web.serve import export_options

    with user_errors():
        store = _store(ctx)  # also checks the store opens (its protection key, its originals) before serving
        web = create_app(store, force_https=https, public=public)
        what = "the public site (verified incidents, read-only)" if public else "the web application"
        out.print(f"docket serving {what} over {escape(str(store.data_dir))} on http://{host}:{port}/"
                  + ("" if public else " (API description at /api/openapi.json)"))
        options = {"host": host, "port": port, "proxy_headers": True, "log_level": "info", "access_log": access_log}
        if workers == 1:
            uvicorn.run(web, **options)
            return
        store.close()
        export_options(data_dir=store.data_dir, database_url=ctx.obj["database_url"], blob_url=ctx.obj.get("blob_url"),
                       https=https, public=public)
        uvicorn.run("docket.web.serve:app_from_env", factory=True, workers=workers, **options)
