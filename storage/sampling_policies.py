"""Which rules each sampling policy version stands for: recorded on first use, then held."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inspections.sampling import SamplingPolicy
from storage import audit
from storage.models import SamplingPolicyVersion


class PolicyVersionConflict(ValueError):
    """A policy's rules differ from those its version number already stands for."""

    def __init__(self, version: str, first_used_at: datetime) -> None:
        super().__init__(
            f"sampling policy version {version!r} was first used on {first_used_at:%Y-%m-%d} "
            "with different rules; decisions under it must keep meaning those rules. Give the "
            'changed policy file a new "version".'
        )
        self.version = version


def hold_policy_version(session: Session, policy: SamplingPolicy, *, now: datetime) -> None:
    """Record the version's rules on its first use; PolicyVersionConflict if they differ."""
    version, fingerprint, rules = policy.version, policy.fingerprint(), policy.rules()
    known = _find(session, version)
    if known is None:
        try:
            # A savepoint: a concurrent first use wins the race and is compared below.
            with session.begin_nested():
                session.add(
                    SamplingPolicyVersion(
                        version=version, fingerprint=fingerprint, rules=rules, first_used_at=now
                    )
                )
        except IntegrityError:
            known = _find(session, version)
            if known is None:
                raise
        else:
            audit.record(
                session,
                actor=audit.SYSTEM,
                action="sampling_policy.first_used",
                entity_type="sampling_policy",
                entity_id=version,
                details={"fingerprint": fingerprint, "rules": rules},
                now=now,
            )
            return
    if known.fingerprint != fingerprint:
        raise PolicyVersionConflict(version, known.first_used_at)


def conflict_of(session: Session, policy: SamplingPolicy) -> PolicyVersionConflict | None:
    """The conflict hold_policy_version would raise for this policy, without recording it."""
    known = _find(session, policy.version)
    if known is None or known.fingerprint == policy.fingerprint():
        return None
    return PolicyVersionConflict(policy.version, known.first_used_at)


def _find(session: Session, version: str) -> SamplingPolicyVersion | None:
    query = select(SamplingPolicyVersion).where(SamplingPolicyVersion.version == version)
    return session.scalars(query).one_or_none()
