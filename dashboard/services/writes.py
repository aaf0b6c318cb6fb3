"""What the pages change: each function first asks `access.allowed` whether the
logged-in account may do it, then writes in one unit of work, all or nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from dashboard.server import uploads
from dashboard.services import engine
from dashboard.services.access import allowed, current_principal, form_action
from dashboard.services.reads import event_record
from tracker import errors, importing, review
from tracker.config import bulk_statement_timeout
from tracker.db import limit_statements, session_scope
from tracker.extraction.proposals import Article
from tracker.matching import likely_duplicates
from tracker.matching.candidates import Merge, dismiss_candidate, merge_candidate
from tracker.models import EventCreate, EventRecord
from tracker.query.annotations import Pin
from tracker.store import annotations as annotation_store
from tracker.store import events as event_store
from tracker.store import history, views
from tracker.store.accounts import Action
from tracker.store.bulk_edit import BulkEdit, edit_events
from tracker.store.merging import cite_sources

# --- add / edit form --------------------------------------------------------------


def save_event_form(
    record: dict[str, Any],
    *,
    event_id: int | None = None,
    expected_version: int | None = None,
    accept: bool = False,
    check_duplicates: bool = False,
) -> int:
    """Validate an event from the form, then add it or replace `event_id`; its id.

    With `accept`, `event_id` is a proposal under review, saved as confirmed (see
    `tracker.review.accept_proposal`). With `check_duplicates`, a new event or an
    accepted proposal that looks like a confirmed or disputed event raises
    LikelyDuplicates (listing them) before anything is written. Raises
    PermissionDenied when the account may not, InvalidInput listing every problem
    (EditConflict when someone saved the event since `expected_version`), with
    nothing saved; NotFound when the edited event is gone."""
    author = allowed(
        form_action(record, event_id, accept),
        "review queue" if accept else "dashboard form",
    )
    stored = event_record(event_id) if event_id is not None and not accept else None
    problems: list[errors.Problem] = []
    try:
        data = _validated_form_record(record, stored)
    except errors.InvalidInput as error:  # told with the links' problems, below
        problems = list(error.problems)
    with session_scope(engine()) as session:
        # A link to a missing event is otherwise found only while writing, after
        # everything else validates: the analyst would fix the form twice.
        problems += event_store.link_problems(session, record, event_id=event_id)
        if problems:
            raise errors.InvalidInput(problems)
        if check_duplicates and (event_id is None or accept):
            found = likely_duplicates.find_likely_duplicates(
                session, data, exclude_id=event_id
            )
            if found:
                raise likely_duplicates.LikelyDuplicates(found)
        if event_id is None:
            return event_store.create_event(session, data, author=author).id
        if accept:
            event = review.accept_proposal(
                session,
                event_id,
                data,
                expected_version=expected_version,
                author=author,
            )
            return event.id
        event = event_store.update_event(
            session, event_id, data, expected_version=expected_version, author=author
        )
        return event.id


def cite_form_sources_on(record: dict[str, Any], into: int) -> int:
    """Add the sources of a new event typed in the form to the recorded event
    `into` it repeats, instead of saving a second event; `into`.

    The record is validated as a save would be (InvalidInput, nothing written);
    the event's history records the new sources as a merge."""
    author = allowed(Action.MERGE, "dashboard form: a new report of this event")
    data = _validated_form_record(record)
    with session_scope(engine()) as session:
        cite_sources(session, into, data.sources, author=author)
    return into


def _validated_form_record(
    record: dict[str, Any], stored: EventRecord | None = None
) -> EventCreate:
    """The form's record validated as every event entered by hand is
    (`tracker.store.events.validated_entered_event`)."""
    return event_store.validated_entered_event(record, stored)


# --- import page ------------------------------------------------------------------


def dry_run_import(token: str, format_name: str) -> importing.ImportReport:
    """Validate a stored upload as an import would, and say what it would do.

    Nothing is written. Raises InvalidInput when the file cannot be read at all (its
    format cannot be told, a required column is missing), NotFound when it is gone."""
    path = uploads.upload_path(token)
    with session_scope(engine()) as session:
        limit_statements(session, bulk_statement_timeout())
        return importing.import_file(
            session, path, format_name=format_name, mode=importing.ImportMode.DRY_RUN
        )


def run_import(
    token: str, format_name: str, skip_invalid: bool
) -> importing.ImportReport:
    """Import a stored upload in one transaction, then delete the stored file.

    All or nothing unless `skip_invalid`: raises ImportFailed (its `report` lists
    the problems) with nothing written, and the file is kept for another try;
    PermissionDenied when the account may not import."""
    author = allowed(Action.IMPORT, "dashboard import")
    path = uploads.upload_path(token)
    mode = (
        importing.ImportMode.SKIP_INVALID
        if skip_invalid
        else importing.ImportMode.ATOMIC
    )
    with session_scope(engine()) as session:
        limit_statements(session, bulk_statement_timeout())
        report = importing.import_file(
            session, path, format_name=format_name, mode=mode, author=author
        )
    uploads.discard_upload(token)
    return report


# --- review page ------------------------------------------------------------------


def extract_article(
    text: str, published: dt.date, url: str | None
) -> review.ArticleQueue:
    """Run extraction over an article, store its proposals, and return its queue.

    Raises InvalidInput when the URL is not a web address, PermissionDenied when the
    account may not review."""
    author = allowed(Action.REVIEW, f"extracted from {url or 'a pasted article'}")
    article = Article(text=text, published=published, url=url)
    try:
        source = article.source(None)
    except ValidationError as error:
        problems = errors.problems_from_validation_error(error)
        raise errors.InvalidInput(problems) from None
    # Imported here: extraction loads spaCy's model, which only this page needs.
    from tracker.extraction.pipeline import extract_events

    with session_scope(engine()) as session:
        proposals = extract_events(
            text, published=published, source=source, session=session
        )
        review.save_article_proposals(session, article, proposals, author=author)
        return review.review_queue(session, article_key=article.key())[0]


def reject_proposal(event_id: int, version: int | None) -> None:
    """Reject a proposal: retracted, tagged "rejected", kept."""
    author = allowed(Action.REVIEW, "review queue")
    with session_scope(engine()) as session:
        review.reject_proposal(
            session, event_id, expected_version=version, author=author
        )


def merge_proposal(event_id: int, into: int) -> review.ProposalMerge:
    """Merge a proposal into the known event `into`."""
    author = allowed(Action.MERGE, "review queue")
    with session_scope(engine()) as session:
        return review.merge_proposal(session, event_id, into=into, author=author)


# --- events table ---------------------------------------------------------------


def bulk_edit_events(versions: dict[int, int], edit: BulkEdit) -> list[int]:
    """Apply one change to the ticked events (id -> the version the table showed),
    all or nothing; the ids written.

    PermissionDenied (worded for the reader) when the account may not; otherwise
    what `tracker.store.bulk_edit.edit_events` raises."""
    allowed(edit.action(), "events table")
    with session_scope(engine()) as session:
        return edit_events(
            session, versions, edit, principal=current_principal(), via="events table"
        )


# --- edit history -----------------------------------------------------------------


def revert_event(event_id: int, *, to_version: int, expected_version: int) -> int:
    """Save the event as it was at `to_version`; its new version.

    PermissionDenied when the account may not revert; EditConflict when someone
    saved the event after `expected_version` (the version the page showed)."""
    author = allowed(Action.REVERT, "event page")
    with session_scope(engine()) as session:
        event = history.revert_event(
            session,
            event_id,
            to_version=to_version,
            expected_version=expected_version,
            author=author,
        )
        return event.version


# --- duplicates queue -------------------------------------------------------------

QUEUE_VIA = "duplicates queue"


def merge_duplicate(candidate_id: int, keep: int) -> Merge:
    """Merge a duplicate candidate into its event `keep` (see `merge_candidate`).

    PermissionDenied when the account may not merge; InvalidInput when the
    candidate was decided meanwhile or `keep` is not one of its events."""
    author = allowed(Action.MERGE, QUEUE_VIA)
    with session_scope(engine()) as session:
        return merge_candidate(session, candidate_id, keep=keep, author=author)


def dismiss_duplicate(candidate_id: int) -> tuple[int, int]:
    """Mark a duplicate candidate as two distinct events; the pair's event ids.

    PermissionDenied when the account may not merge (deciding a pair is part of
    merging); InvalidInput when it was decided meanwhile."""
    author = allowed(Action.MERGE, QUEUE_VIA)
    with session_scope(engine()) as session:
        candidate = dismiss_candidate(session, candidate_id, author=author)
        return candidate.event_id, candidate.other_id


# --- saved views and annotations ----------------------------------------------------


def save_view(values: dict[str, Any]) -> int:
    """Save the page and query string in `values` (name, note, shared) as a view of
    the logged-in account; its id. InvalidInput naming every problem."""
    allowed(Action.SAVE_VIEWS, "save view form")
    data = views.validated_view(values)
    with session_scope(engine()) as session:
        return views.save_view(session, data, owner=current_principal()).id


def delete_view(view_id: int) -> None:
    """Delete saved view `view_id`: only its owner or an admin may (NotFound,
    PermissionDenied otherwise)."""
    with session_scope(engine()) as session:
        views.delete_view(session, view_id, principal=current_principal())


def pin_annotation(values: dict[str, Any]) -> Pin:
    """Pin an annotation (label, starts, ends, event_id) for everyone; editors only.
    PermissionDenied for a viewer, InvalidInput naming every problem."""
    allowed(Action.ANNOTATE, "timeline")
    data = annotation_store.validated_annotation(values)
    with session_scope(engine()) as session:
        return annotation_store.pin_annotation(
            session, data, principal=current_principal()
        )
