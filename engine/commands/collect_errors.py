"""What can stop a collection (organization, settings, credentials, --out), as one InputError line: shared by
`collect` and its --cluster / s3:// path."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sounding.engine.errors import InputError


@contextlib.contextmanager
def collection_errors(out: Path | str) -> Iterator[None]:
    """What can stop a collection, as one InputError line naming the organization, settings, credentials or --out."""
    from sounding.collector.account import CredentialsError
    from sounding.collector.aws import SettingsError
    from sounding.collector.org import OrganizationError
    from sounding.collector.publish import PublishError
    from sounding.collector.write import SnapshotExistsError

    try:
        yield
    except OrganizationError as exc:
        raise InputError("organization", str(exc)) from None
    except SettingsError as exc:
        raise InputError("settings", str(exc)) from None
    except (CredentialsError, SnapshotExistsError, PublishError) as exc:
        raise InputError("credentials" if isinstance(exc, CredentialsError) else out,
                         str(exc).removeprefix(f"{out}: ")) from None
    except OSError as exc:  # the local disk: full, read-only, not a directory (the partial snapshot is removed)
        raise InputError(out, f"cannot write the snapshot: {exc.strerror or exc}") from None
