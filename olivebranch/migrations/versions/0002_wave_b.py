"""reviews, monitoring, audit trail, key expiry

Revision ID: 0002_wave_b
Revises: 0001_baseline
Create Date: 2026-12-07 19:56:44.202060
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002_wave_b'
down_revision = '0001_baseline'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # tables that a branch's store created before this revision existed (the store creates
    # tables without a revision) are adopted as they are
    existing = set(sa.inspect(op.get_bind()).get_table_names())

    if 'api_key_expiry' not in existing:
        op.create_table('api_key_expiry',
        sa.Column('key_id', sa.String(length=32), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key_id')
        )
    if 'audit_blobs' not in existing:
        op.create_table('audit_blobs',
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('digest')
        )
    if 'audit_records' not in existing:
        op.create_table('audit_records',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('who', sa.String(length=255), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('subject', sa.Text(), nullable=True),
        sa.Column('inputs', sa.JSON(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('result_digest', sa.String(length=64), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('hash'),
        sa.UniqueConstraint('prev_hash')
        )
    if 'audit_records' not in existing:
        with op.batch_alter_table('audit_records', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_audit_records_action'), ['action'], unique=False)

    if 'monitor_alerts' not in existing:
        op.create_table('monitor_alerts',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('source', sa.String(length=64), nullable=True),
        sa.Column('entity_id', sa.String(length=255), nullable=True),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
    if 'monitor_alerts' not in existing:
        with op.batch_alter_table('monitor_alerts', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_monitor_alerts_run_id'), ['run_id'], unique=False)

    if 'monitor_runs' not in existing:
        op.create_table('monitor_runs',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('id')
        )
    if 'monitor_state' not in existing:
        op.create_table('monitor_state',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('key')
        )
    if 'screening_reviews' not in existing:
        op.create_table('screening_reviews',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('subject', sa.String(length=512), nullable=False),
        sa.Column('subject_kind', sa.String(length=16), nullable=False),
        sa.Column('party_id', sa.String(length=255), nullable=False),
        sa.Column('record_ids', sa.JSON(), nullable=False),
        sa.Column('decision', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('reviewer', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.String(length=32), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('version_ids', sa.JSON(), nullable=True),
        sa.Column('deleted_at', sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint('id')
        )
    if 'screening_reviews' not in existing:
        with op.batch_alter_table('screening_reviews', schema=None) as batch_op:
            batch_op.create_index('ix_screening_reviews_subject', ['subject', 'deleted_at'], unique=False)

    if 'watch_hits' not in existing:
        op.create_table('watch_hits',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('watchlist', sa.String(length=128), nullable=False),
        sa.Column('entry_id', sa.String(length=255), nullable=False),
        sa.Column('entity_id', sa.String(length=255), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('found_run', sa.Integer(), nullable=True),
        sa.Column('cleared_run', sa.Integer(), nullable=True),
        sa.Column('cleared_why', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id')
        )
    if 'watch_hits' not in existing:
        with op.batch_alter_table('watch_hits', schema=None) as batch_op:
            batch_op.create_index('ix_watch_hits_entity', ['entity_id'], unique=False)
            batch_op.create_index('ix_watch_hits_entry', ['watchlist', 'entry_id'], unique=False)

    if 'watchlist_entries' not in existing:
        op.create_table('watchlist_entries',
        sa.Column('watchlist', sa.String(length=128), nullable=False),
        sa.Column('entry_id', sa.String(length=255), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('schema', sa.String(length=32), nullable=False),
        sa.Column('birth_date', sa.String(length=32), nullable=True),
        sa.Column('identifiers', sa.Text(), nullable=True),
        sa.Column('countries', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('watchlist', 'entry_id')
        )
    if 'watchlists' not in existing:
        op.create_table('watchlists',
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('origin', sa.Text(), nullable=True),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name')
        )


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('watchlists')
    op.drop_table('watchlist_entries')
    with op.batch_alter_table('watch_hits', schema=None) as batch_op:
        batch_op.drop_index('ix_watch_hits_entry')
        batch_op.drop_index('ix_watch_hits_entity')

    op.drop_table('watch_hits')
    with op.batch_alter_table('screening_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_screening_reviews_subject')

    op.drop_table('screening_reviews')
    op.drop_table('monitor_state')
    op.drop_table('monitor_runs')
    with op.batch_alter_table('monitor_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitor_alerts_run_id'))

    op.drop_table('monitor_alerts')
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_records_action'))

    op.drop_table('audit_records')
    op.drop_table('audit_blobs')
    op.drop_table('api_key_expiry')
    # ### end Alembic commands ###
